// Every change to a key passes Keyspace.keyModified, and before the change is
// made: a hook can still read the old value (what WATCH needs to know, and
// what a snapshot in progress needs to save).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ListValue } from '../../src/keyspace/list.js';
import { RawString, type Stored } from '../../src/keyspace/types.js';
import { ManualClock, RawClient, startTestServer, type TestServer } from '../helpers/server.js';

function show(v: Stored | undefined): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  if (v instanceof RawString) return v.toString();
  if (v instanceof ListValue) return `list:${Array.from({ length: v.length }, (_, i) => v.at(i)).join(',')}`;
  return v.type;
}

describe('modification hooks', () => {
  let srv: TestServer;
  let c: RawClient;
  const clock = new ManualClock(1_000_000_000);
  let seen: string[] = [];

  beforeAll(async () => {
    srv = await startTestServer({ clock });
    srv.server.keyspace.addHook((db, key) => {
      seen.push(`${key}=${show(db.dict.get(key))} ttl=${db.expires.get(key) ?? '-'}`);
    });
    c = await RawClient.connect(srv.port);
  });
  afterAll(async () => {
    c.close();
    await srv.close();
  });
  beforeEach(async () => {
    await c.call('FLUSHALL');
    seen = [];
  });

  it('SET, APPEND, SETRANGE, SETBIT and DEL are seen before they happen', async () => {
    await c.call('SET', 'k', 'ab');
    await c.call('APPEND', 'k', 'cd');
    await c.call('SETRANGE', 'k', 0, 'X');
    await c.call('SETBIT', 'k', 1, 0); // 'X' (0x58) becomes 0x18
    await c.call('DEL', 'k');
    expect(seen).toEqual(['k=(none) ttl=-', 'k=ab ttl=-', 'k=abcd ttl=-', 'k=Xbcd ttl=-', 'k=\x18bcd ttl=-']);
  });

  it('a SETBIT that changes nothing is not a modification', async () => {
    await c.call('SET', 'b', '\x80');
    seen = [];
    expect(await c.call('SETBIT', 'b', 0, 1)).toBe(1);
    expect(seen).toEqual([]);
    await c.call('SETBIT', 'b', 9, 1); // lengthens: a change
    expect(seen).toEqual(['b=\x80 ttl=-']);
  });

  it('EXPIRE, PERSIST and expiry are seen before they happen', async () => {
    await c.call('SET', 't', 'v');
    await c.call('PEXPIRE', 't', 100);
    await c.call('PERSIST', 't');
    await c.call('PEXPIRE', 't', 100);
    seen = [];
    clock.advance(100);
    expect(await c.call('GET', 't')).toBe(null);
    expect(seen).toEqual([`t=v ttl=${1_000_000_100}`]);
  });

  it('a list popped empty is signalled once, before the pop', async () => {
    await c.call('RPUSH', 'l', 'a', 'b');
    seen = [];
    const dirty = srv.server.keyspace.dirty;
    expect(await c.call('LPOP', 'l', 5)).toEqual(['a', 'b']);
    expect(seen).toEqual(['l=list:a,b ttl=-']);
    expect(srv.server.keyspace.dirty).toBe(dirty + 1);
  });

  it('expiry counts no dirty change but still calls hooks', async () => {
    await c.call('SET', 'e', 'v', 'PX', 10);
    const dirty = srv.server.keyspace.dirty;
    clock.advance(10);
    seen = [];
    expect(await c.call('EXISTS', 'e')).toBe(0);
    expect(seen.length).toBe(1);
    expect(srv.server.keyspace.dirty).toBe(dirty);
  });
});
