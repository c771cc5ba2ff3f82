// Generic key commands over the wire: DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS,
// SCAN, RANDOMKEY, RENAME(NX), COPY, MOVE, PERSIST, OBJECT; mostly checked
// byte for byte against a real redis-server, plus what only we can check
// (modification hooks, ioredis scanStream, binary keys end to end).

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RObject, type ValueType } from '../../src/keyspace/types.js';
import type { Reply } from '../helpers/resp.js';
import {
  expectSameReplies, HAVE_REDIS_SERVER, RawClient, startRealRedis, startTestServer, type TestServer, withServerPair,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping key command differential tests: redis-server not installed');

type Cmd = (string | number)[];
type RealRedis = Awaited<ReturnType<typeof startRealRedis>>;

/** Every byte value appears in some key here. */
const BINARY_KEYS = Array.from({ length: 16 }, (_, i) =>
  String.fromCharCode(...Array.from({ length: 16 }, (_, j) => i * 16 + j)));

describe('key commands', () => {
  let srv: TestServer;
  let c: RawClient;
  beforeAll(async () => {
    srv = await startTestServer();
    c = await RawClient.connect(srv.port);
  });
  afterAll(async () => {
    c.close();
    await srv.close();
  });

  it('DEL, UNLINK, EXISTS and TOUCH count keys, duplicates included', async () => {
    await c.call('FLUSHALL');
    await c.call('MSET', 'a', '1', 'b', '2', 'c', '3');
    expect(await c.call('EXISTS', 'a', 'a', 'b', 'zz')).toBe(3);
    expect(await c.call('TOUCH', 'a', 'a', 'zz')).toBe(2);
    expect(await c.call('DEL', 'a', 'a', 'zz')).toBe(1);
    expect(await c.call('UNLINK', 'b', 'c', 'b')).toBe(2);
    expect(await c.call('EXISTS', 'a', 'b', 'c')).toBe(0);
  });

  it('TYPE names every type and "none"', async () => {
    await c.call('FLUSHALL');
    await c.call('SET', 's', 'v');
    await c.call('RPUSH', 'l', 'x');
    expect(await c.call('TYPE', 's')).toBe('string');
    expect(await c.call('TYPE', 'l')).toBe('list');
    expect(await c.call('TYPE', 'nope')).toBe('none');
    expect(await c.callRaw('TYPE', 'nope')).toBe('+none\r\n');
    // Types whose commands live elsewhere: TYPE only asks the value.
    class Other extends RObject {
      constructor(readonly t: ValueType) {
        super();
      }
      get type(): ValueType {
        return this.t;
      }
      encoding(): string {
        return 'other';
      }
      contents(): unknown {
        return [];
      }
      clone(): Other {
        return new Other(this.t);
      }
    }
    const db = srv.server.keyspace.dbs[0]!;
    for (const t of ['set', 'zset', 'hash', 'stream'] as const) {
      db.set(`t:${t}`, new Other(t));
      expect(await c.call('TYPE', `t:${t}`)).toBe(t);
      expect(await c.call('SCAN', 0, 'TYPE', t.toUpperCase())).toEqual(['0', [`t:${t}`]]);
    }
  });

  it('SCAN walks 1000 keys with ioredis scanStream', async () => {
    await c.call('FLUSHALL');
    const r = new Redis({ port: srv.port, host: '127.0.0.1', enableReadyCheck: false, lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    try {
      const p = r.pipeline();
      for (let i = 0; i < 1000; i++) p.set(`key:${i}`, String(i));
      for (let i = 0; i < 100; i++) p.rpush(`list:${i}`, 'x');
      await p.exec();
      const collect = (opts: { count?: number; match?: string; type?: string }) =>
        new Promise<string[]>((resolve, reject) => {
          const out: string[] = [];
          const s = r.scanStream(opts);
          s.on('data', (keys: string[]) => out.push(...keys));
          s.on('end', () => resolve(out));
          s.on('error', reject);
        });
      const all = await collect({ count: 37 });
      expect(new Set(all).size).toBe(1100);
      const matched = await collect({ match: 'key:1*', count: 100 });
      expect(new Set(matched).size).toBe(111);
      const lists = await collect({ type: 'list', count: 50 });
      expect(new Set(lists).size).toBe(100);
      expect(lists.every((k) => k.startsWith('list:'))).toBe(true);
    } finally {
      r.disconnect();
    }
  });

  it('SCAN returns every key present throughout, while others come and go', async () => {
    await c.call('FLUSHALL');
    const other = await RawClient.connect(srv.port);
    for (let i = 0; i < 300; i++) await c.call('SET', `stable:${i}`, 'v');
    const seen = new Set<string>();
    let cursor = '0';
    let n = 0;
    do {
      const reply = (await c.call('SCAN', cursor, 'COUNT', 3)) as [string, string[]];
      cursor = reply[0];
      for (const k of reply[1]) seen.add(k);
      await other.call('SET', `tmp:${n}`, 'v');
      await other.call('SET', `tmp:${n + 1}`, 'v');
      if (n >= 4) await other.call('DEL', `tmp:${n - 4}`, `tmp:${n - 3}`);
      n += 2;
    } while (cursor !== '0');
    other.close();
    for (let i = 0; i < 300; i++) expect(seen.has(`stable:${i}`)).toBe(true);
  });

  it('SCAN cursors are bulk strings; an ended or unknown cursor ends the iteration', async () => {
    await c.call('FLUSHALL');
    for (let i = 0; i < 20; i++) await c.call('SET', `k${i}`, 'v');
    const raw = await c.callRaw('SCAN', 0, 'COUNT', 5);
    expect(raw).toMatch(/^\*2\r\n\$\d+\r\n\d+\r\n\*5\r\n/);
    expect(await c.call('SCAN', '987654321')).toEqual(['0', []]);
    expect(await c.call('SCAN', '-1')).toEqual(['0', []]);
    expect(await c.call('SCAN', '18446744073709551615')).toEqual(['0', []]);
  });

  it('KEYS and SCAN never return expired keys', async () => {
    await c.call('FLUSHALL');
    await c.call('SET', 'live', 'v');
    const db = srv.server.keyspace.dbs[0]!;
    db.set('dead', 'v');
    db.setExpire('dead', srv.server.keyspace.now() - 1);
    expect(await c.call('KEYS', '*')).toEqual(['live']);
    expect(await c.call('SCAN', 0)).toEqual(['0', ['live']]);
    expect(await c.call('RANDOMKEY')).toBe('live');
  });

  it('binary keys round-trip through SET, KEYS, SCAN, TYPE, RENAME, COPY, MOVE', async () => {
    await c.call('FLUSHALL');
    for (const k of BINARY_KEYS) expect(await c.call('SET', Buffer.from(k, 'latin1'), 'v')).toBe('OK');
    const keys = (await c.call('KEYS', '*')) as string[];
    expect([...keys].sort()).toEqual([...BINARY_KEYS].sort());
    const scanned = (await c.call('SCAN', 0, 'COUNT', 1000)) as [string, string[]];
    expect([...scanned[1]].sort()).toEqual([...BINARY_KEYS].sort());
    for (const k of BINARY_KEYS) {
      const kb = Buffer.from(k, 'latin1');
      expect(await c.call('TYPE', kb)).toBe('string');
      expect(await c.call('KEYS', Buffer.from(k.replace(/[*?[\\]/g, '\\$&'), 'latin1'))).toEqual([k]);
      const renamed = Buffer.from(`\xff${k}\x00`, 'latin1');
      expect(await c.call('RENAME', kb, renamed)).toBe('OK');
      expect(await c.call('EXISTS', kb)).toBe(0);
      expect(await c.call('COPY', renamed, kb)).toBe(1);
      expect(await c.call('MOVE', renamed, 1)).toBe(1);
      expect(await c.call('EXISTS', kb, renamed)).toBe(1);
    }
    expect(((await c.call('KEYS', '*')) as string[]).sort()).toEqual([...BINARY_KEYS].sort());
  });

  it('COPY makes an independent copy of a mutable value, across databases', async () => {
    await c.call('FLUSHALL');
    await c.call('RPUSH', 'l', 'a', 'b');
    expect(await c.call('COPY', 'l', 'l2')).toBe(1);
    await c.call('RPUSH', 'l', 'c');
    expect(await c.call('LRANGE', 'l2', 0, -1)).toEqual(['a', 'b']);
    await c.call('SET', 's', 'x');
    await c.call('APPEND', 's', 'y'); // a raw (mutable) string
    expect(await c.call('COPY', 's', 's2', 'DB', 3)).toBe(1);
    await c.call('APPEND', 's', 'z');
    await c.call('SELECT', 3);
    expect(await c.call('GET', 's2')).toBe('xy');
    expect(await c.call('OBJECT', 'ENCODING', 's2')).toBe('raw');
    await c.call('SELECT', 0);
    expect(await c.call('GET', 's')).toBe('xyz');
  });

  it('OBJECT FREQ and IDLETIME follow maxmemory-policy; REFCOUNT follows sharing rules', async () => {
    await c.call('FLUSHALL');
    await c.call('SET', 'i', '42');
    await c.call('SET', 's', 'str');
    expect(await c.call('OBJECT', 'REFCOUNT', 'i')).toBe(2147483647);
    expect(await c.call('OBJECT', 'REFCOUNT', 's')).toBe(1);
    expect(await c.call('OBJECT', 'IDLETIME', 's')).toBe(0);
    expect(String(await c.call('OBJECT', 'FREQ', 's'))).toContain('An LFU maxmemory policy is not selected');
    const cfg = srv.server.config;
    cfg.set('maxmemory-policy', ['allkeys-lfu']);
    try {
      expect(await c.call('OBJECT', 'FREQ', 's')).toBe(5);
      expect(String(await c.call('OBJECT', 'IDLETIME', 's'))).toContain('An LFU maxmemory policy is selected');
      expect(await c.call('OBJECT', 'FREQ', 'nokey')).toBeNull();
      cfg.set('maxmemory', ['1000000000']);
      expect(await c.call('OBJECT', 'REFCOUNT', 'i')).toBe(1);
      cfg.set('maxmemory-policy', ['volatile-ttl']);
      expect(await c.call('OBJECT', 'REFCOUNT', 'i')).toBe(2147483647);
    } finally {
      cfg.set('maxmemory-policy', ['noeviction']);
      cfg.set('maxmemory', ['0']);
    }
  });

  it('OBJECT ENCODING of a missing key is a RESP3 null too', async () => {
    const r3 = await RawClient.connect(srv.port);
    await r3.call('HELLO', 3);
    expect(await r3.callRaw('OBJECT', 'ENCODING', 'nokey')).toBe('_\r\n');
    r3.close();
  });

  it('reports every change once with Redis\'s event name, and nothing for reads or no-ops', async () => {
    await c.call('FLUSHALL');
    await c.call('SET', 'a', '1');
    await c.call('SET', 'b', '2');
    const ks = srv.server.keyspace;
    const log: string[] = [];
    const listener = { keyChanged: (db: { id: number }, key: string, event: string) => log.push(`${db.id}:${key}:${event}`) };
    ks.addListener(listener);
    const expectChanges = async (cmd: Cmd, changes: string[]) => {
      log.length = 0;
      await c.call(...cmd);
      expect([cmd, log]).toEqual([cmd, changes]);
    };
    await expectChanges(['EXISTS', 'a', 'b'], []);
    await expectChanges(['TYPE', 'a'], []);
    await expectChanges(['TOUCH', 'a'], []);
    await expectChanges(['KEYS', '*'], []);
    await expectChanges(['SCAN', 0], []);
    await expectChanges(['OBJECT', 'ENCODING', 'a'], []);
    await expectChanges(['TTL', 'a'], []);
    await expectChanges(['RENAME', 'a', 'a'], []);
    await expectChanges(['RENAMENX', 'a', 'b'], []);
    await expectChanges(['COPY', 'a', 'b'], []);
    await expectChanges(['PERSIST', 'a'], []);
    await expectChanges(['EXPIRE', 'a', 100, 'XX'], []);
    await expectChanges(['MOVE', 'zz', 1], []);
    await expectChanges(['DEL', 'zz'], []);
    await expectChanges(['EXPIRE', 'a', 100], ['0:a:expire']);
    await expectChanges(['PERSIST', 'a'], ['0:a:persist']);
    await expectChanges(['RENAME', 'a', 'c'], ['0:a:rename_from', '0:c:rename_to']);
    await expectChanges(['RENAMENX', 'c', 'a'], ['0:c:rename_from', '0:a:rename_to']);
    await expectChanges(['COPY', 'a', 'b', 'REPLACE'], ['0:b:copy_to']);
    await expectChanges(['COPY', 'a', 'x', 'DB', 2], ['2:x:copy_to']);
    await expectChanges(['MOVE', 'a', 1], ['0:a:move_from', '1:a:move_to']);
    await expectChanges(['DEL', 'b', 'x'], ['0:b:del']);
    await c.call('SET', 'e', 'v');
    await expectChanges(['PEXPIRE', 'e', -1], ['0:e:del']);
    expect(await c.call('EXISTS', 'e')).toBe(0);
    ks.removeListener(listener);
  });
});

describe.skipIf(!HAVE_REDIS_SERVER)('key commands vs real Redis', () => {
  let srv: TestServer;
  let real: RealRedis;
  withServerPair((s, r) => {
    srv = s;
    real = r;
  });

  /** Same bytes for every reply. */
  const same = (cmds: Cmd[]) => expectSameReplies(srv.port, real.port, [['FLUSHALL'], ...cmds]);

  /** Same replies, with every array's elements compared as a sorted list (KEYS, SCAN order). */
  async function sameUnordered(cmds: Cmd[]): Promise<void> {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    const norm = (r: Reply): Reply =>
      Array.isArray(r) ? r.map(norm).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1)) : r;
    const text = (r: Reply): string => (r instanceof Error ? `ERROR ${r.message}` : JSON.stringify(r, (_k, v: unknown) =>
      (typeof v === 'bigint' ? String(v) : v)));
    try {
      await a.call('FLUSHALL');
      await b.call('FLUSHALL');
      for (const cmd of cmds) {
        const x = norm(await a.call(...cmd));
        const y = norm(await b.call(...cmd));
        expect([cmd, text(x)]).toEqual([cmd, text(y)]);
      }
    } finally {
      a.close();
      b.close();
    }
  }

  it('arity, flags and key positions equal COMMAND INFO', async () => {
    const names = ['del', 'unlink', 'exists', 'type', 'keys', 'scan', 'randomkey', 'rename', 'renamenx', 'copy',
      'move', 'expire', 'pexpire', 'expireat', 'pexpireat', 'ttl', 'pttl', 'expiretime', 'pexpiretime',
      'persist', 'touch', 'object'];
    const b = await RawClient.connect(real.port);
    try {
      const info = (await b.call('COMMAND', 'INFO', ...names)) as Reply[][];
      const check = (entry: Reply[], name: string) => {
        const cmd = srv.server.table.lookup(name.split('|')[0]!)!;
        const ours = name.includes('|') ? cmd.subcommands!.get(name.split('|')[1]!)!.spec : cmd.spec;
        expect([name, ours.arity, [...ours.flags].sort(), ours.keys.first, ours.keys.last, ours.keys.step])
          .toEqual([entry[0], entry[1], [...(entry[2] as string[])].sort(), entry[3], entry[4], entry[5]]);
      };
      for (let i = 0; i < names.length; i++) {
        const entry = info[i]!;
        check(entry, names[i]!);
        const subs = entry[9] as Reply[][];
        for (const sub of subs) check(sub, sub[0] as string);
        if (names[i] === 'object') {
          expect(subs.length).toBe(5);
          expect(srv.server.table.lookup('object')!.subcommands!.size).toBe(5);
        }
      }
    } finally {
      b.close();
    }
  });

  it('wrong arity and unknown subcommands', async () => {
    await same([
      ['DEL'], ['UNLINK'], ['EXISTS'], ['TOUCH'], ['TYPE'], ['TYPE', 'a', 'b'], ['KEYS'], ['KEYS', '*', 'x'],
      ['SCAN'], ['RANDOMKEY', 'x'], ['RENAME', 'a'], ['RENAME', 'a', 'b', 'c'], ['RENAMENX', 'a'],
      ['RENAMENX', 'a', 'b', 'c'], ['COPY', 'a'], ['MOVE', 'a'], ['MOVE', 'a', '1', '2'], ['EXPIRE', 'a'],
      ['PEXPIRE', 'a'], ['EXPIREAT', 'a'], ['PEXPIREAT', 'a'], ['TTL'], ['TTL', 'a', 'b'], ['PTTL'],
      ['EXPIRETIME'], ['PEXPIRETIME', 'a', 'b'], ['PERSIST'], ['PERSIST', 'a', 'b'], ['OBJECT'],
      ['OBJECT', 'ENCODING'], ['OBJECT', 'ENCODING', 'a', 'b'], ['OBJECT', 'encoding'], ['OBJECT', 'REFCOUNT'],
      ['OBJECT', 'FREQ'], ['OBJECT', 'IDLETIME', 'a', 'b'], ['OBJECT', 'HELP', 'x'], ['OBJECT', 'foo'],
      ['OBJECT', 'foo', 'bar'], ['OBJECT', 'help'], ['OBJECT', 'HELP'],
    ]);
  });

  it('DEL, UNLINK, EXISTS, TOUCH, TYPE', async () => {
    await same([
      ['SET', 'a', '1'], ['SET', 'b', '2'], ['RPUSH', 'l', 'x'],
      ['EXISTS', 'a'], ['EXISTS', 'a', 'a', 'a'], ['EXISTS', 'a', 'b', 'l', 'none'], ['EXISTS', 'none'],
      ['TOUCH', 'a', 'none', 'a'], ['TYPE', 'a'], ['TYPE', 'l'], ['TYPE', 'none'], ['TYPE', ''],
      ['DEL', 'a', 'a'], ['DEL', 'a'], ['UNLINK', 'b', 'l', 'none', 'b'], ['DEL', 'none'], ['EXISTS', 'a', 'b', 'l'],
      ['SET', '', 'empty'], ['EXISTS', ''], ['TYPE', ''], ['DEL', ''],
      ['SET', 'x', 'v'], ['DEL', 'x', 'x', 'x'],
    ]);
  });

  it('KEYS patterns', async () => {
    const keys = ['key_x', 'key_y', 'key_z', 'foo_a', 'foo_b', 'foo_c', '{a}x', '{a}y', '{b}a', 'h\\llo', 'h*llo',
      'hello', 'hallo', 'hbllo', 'x[y', 'x]y', 'x-y', '^', 'a', 'ab', 'abc', '', '\x00', '\xff', '\x80', 'A', 'Z'];
    const cmds: Cmd[] = keys.map((k) => ['SET', k, 'v']);
    for (const p of ['*', 'foo*', '*_?', 'key_[xz]', 'key_[^x]', 'key_[x-y]', 'key_[y-x]', '{a}*', '*{b}*',
      'h\\*llo', 'h*llo', 'h?llo', 'h[ae]llo', 'h[^e]llo', 'h[a-b]llo', 'h\\\\llo', 'x[[]y', 'x[]]y', 'x\\]y',
      'x[\\]]y', 'x[a-]y', 'x[-]y', '[^]', '[^', '[', '[a', '?', '??', '???', '', '\\', '[a-\xff]', '[\x80-\xff]',
      '[^a-z]', 'a*', '*b*', '**', 'a**c', '*?*', 'nomatch*',
      'a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b']) {
      cmds.push(['KEYS', p]);
    }
    await sameUnordered(cmds);
  });

  it('KEYS glob matching equals Redis on random byte patterns', async () => {
    // A fuzz in the spirit of Redis's stringmatchlen fuzz test, but checking
    // the answers, not just the absence of a crash.
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ['a', 'b', 'c', '*', '?', '[', ']', '^', '-', '\\', '\x00', '\x7f', '\x80', '\xff', 'A', 'z'];
    const word = (max: number, chars: string[]) =>
      Array.from({ length: rnd(max) }, () => chars[rnd(chars.length)]!).join('');
    const keys = new Set<string>();
    while (keys.size < 60) keys.add(word(6, ['a', 'b', 'c', '-', '[', ']', '\\', '*', '\x00', '\x80', '\xff', 'A']));
    const cmds: Cmd[] = [...keys].map((k) => ['SET', k, 'v']);
    for (let i = 0; i < 250; i++) cmds.push(['KEYS', word(7, alphabet)]);
    await sameUnordered(cmds);
  });

  it('SCAN: cursor parsing, options and errors', async () => {
    await same([
      ['SCAN', '0'], ['SET', 'k', 'v'], ['SCAN', '0'], ['SCAN', ''], ['SCAN', '+0'], ['SCAN', '-0'],
      ['SCAN', '0\x00junk'], ['SCAN', 'x'], ['SCAN', '-'], ['SCAN', '+'], ['SCAN', ' 0'], ['SCAN', '\t1'],
      ['SCAN', '0 '], ['SCAN', '0x1'], ['SCAN', '1.5'], ['SCAN', '18446744073709551616'],
      ['SCAN', '-18446744073709551616'], ['SCAN', '99999999999999999999999'],
      ['SCAN', '0', 'COUNT', '0'], ['SCAN', '0', 'COUNT', '-1'], ['SCAN', '0', 'COUNT', 'x'],
      ['SCAN', '0', 'COUNT', '99999999999999999999'], ['SCAN', '0', 'COUNT'], ['SCAN', '0', 'MATCH'],
      ['SCAN', '0', 'TYPE'], ['SCAN', '0', 'FOO', 'x'], ['SCAN', '0', 'FOO'], ['SCAN', 'x', 'COUNT', '0'],
      ['SCAN', '0', 'COUNT', 'x', 'FOO'], ['SCAN', '0', 'FOO', 'x', 'COUNT', 'y'], ['SCAN', '0', 'COUNT', '0', 'FOO'],
      ['SCAN', '0', 'count', '100'], ['SCAN', '0', 'COUNT', '1', 'COUNT', '100'], ['SCAN', '0', 'match', 'k'],
      ['SCAN', '0', 'MATCH', 'x*'], ['SCAN', '0', 'MATCH', '*'], ['SCAN', '0', 'MATCH', 'x', 'MATCH', 'k'],
      ['SCAN', '0', 'TYPE', 'string'], ['SCAN', '0', 'TYPE', 'STRING'], ['SCAN', '0', 'type', 'list'],
      ['SCAN', '0', 'TYPE', 'nosuch'], ['SCAN', '0', 'TYPE', 'string', 'MATCH', 'k', 'COUNT', '5'],
      ['RPUSH', 'l', 'x'], ['DEL', 'k'], ['SCAN', '0', 'TYPE', 'list'], ['SCAN', '0', 'TYPE', 'string'],
    ]);
  });

  it('SCAN full iterations return the same key sets', async () => {
    const cmds: Cmd[] = [];
    for (let i = 0; i < 200; i++) cmds.push(i % 4 === 0 ? ['RPUSH', `l${i}`, 'x'] : ['SET', `s${i}`, 'v']);
    await sameUnordered(cmds);
    for (const opts of [[], ['MATCH', 's1*'], ['TYPE', 'list'], ['TYPE', 'string', 'MATCH', '*9']]) {
      const collect = async (port: number) => {
        const cl = await RawClient.connect(port);
        const out: string[] = [];
        let cursor = '0';
        do {
          const [next, keys] = (await cl.call('SCAN', cursor, 'COUNT', 7, ...opts)) as [string, string[]];
          out.push(...keys);
          cursor = next;
        } while (cursor !== '0');
        cl.close();
        return [...new Set(out)].sort();
      };
      expect([opts, await collect(srv.port)]).toEqual([opts, await collect(real.port)]);
    }
  });

  it('RANDOMKEY', async () => {
    await same([['RANDOMKEY'], ['SET', 'only', 'v'], ['RANDOMKEY'], ['DEL', 'only'], ['RANDOMKEY']]);
  });

  it('RENAME and RENAMENX', async () => {
    await same([
      ['RENAME', 'none', 'x'], ['RENAMENX', 'none', 'x'], ['RENAME', 'none', 'none'], ['RENAMENX', 'none', 'none'],
      ['SET', 'a', '1'], ['RENAME', 'a', 'a'], ['RENAMENX', 'a', 'a'], ['GET', 'a'],
      ['RENAME', 'a', 'b'], ['EXISTS', 'a'], ['GET', 'b'],
      ['SET', 'c', '3'], ['RENAMENX', 'b', 'c'], ['GET', 'b'], ['GET', 'c'],
      ['RENAMENX', 'b', 'd'], ['GET', 'd'], ['EXISTS', 'b'],
      ['RENAME', 'd', 'c'], ['GET', 'c'], ['EXISTS', 'd'],
      // The TTL moves with the value; the target's TTL does not survive.
      ['SET', 't', 'v', 'EX', '1000'], ['RENAME', 't', 't2'], ['TTL', 't2'], ['TTL', 't'],
      ['SET', 'u', 'v'], ['SET', 'w', 'v', 'EX', '1000'], ['RENAME', 'u', 'w'], ['TTL', 'w'],
      ['SET', 'x', 'v', 'EX', '1000'], ['RENAME', 'x', 'x'], ['TTL', 'x'],
      ['RPUSH', 'l', 'a', 'b'], ['RENAME', 'l', 'l2'], ['TYPE', 'l2'], ['LRANGE', 'l2', 0, -1],
      ['RENAME', 'l2', 'c'], ['TYPE', 'c'], ['RENAME', '', 'e'], ['SET', '', 'z'], ['RENAME', '', 'e'], ['GET', 'e'],
    ]);
  });

  it('COPY', async () => {
    await same([
      ['COPY', 'a', 'a'], ['COPY', 'none', 'x'], ['SET', 'a', 'hello'],
      ['COPY', 'a', 'a'], ['COPY', 'a', 'a', 'DB', '0'], ['COPY', 'a', 'a', 'REPLACE'], ['COPY', 'a', 'a', 'DB', '1'],
      ['COPY', 'a', 'b'], ['GET', 'b'], ['COPY', 'a', 'b'], ['SET', 'a', 'new'], ['COPY', 'a', 'b'], ['GET', 'b'],
      ['COPY', 'a', 'b', 'REPLACE'], ['GET', 'b'], ['COPY', 'a', 'b', 'replace', 'REPLACE'],
      ['COPY', 'a', 'b', 'DB'], ['COPY', 'a', 'b', 'DB', 'x'], ['COPY', 'a', 'b', 'DB', '16'],
      ['COPY', 'a', 'b', 'DB', '-1'], ['COPY', 'a', 'b', 'DB', '99999999999'], ['COPY', 'a', 'b', 'DB', '1.0'],
      ['COPY', 'a', 'b', 'FOO'], ['COPY', 'a', 'b', 'REPLACE', 'FOO'], ['COPY', 'a', 'b', 'FOO', 'DB', 'x'],
      ['COPY', 'a', 'b', 'DB', 'x', 'FOO'], ['COPY', 'none', 'b', 'DB', 'x'], ['COPY', 'none', 'none'],
      ['COPY', 'none', 'none', 'DB', '1'], ['COPY', 'a', 'c', 'DB', '2', 'DB', '3'],
      ['COPY', 'a', 'b', 'db', '1'], ['SELECT', '1'], ['GET', 'b'], ['GET', 'a'], ['COPY', 'b', 'a', 'DB', '0'],
      ['COPY', 'b', 'a', 'DB', '0', 'REPLACE'], ['SELECT', '3'], ['GET', 'c'], ['SELECT', '0'], ['GET', 'a'],
      // The TTL is copied; no TTL stays no TTL.
      ['SET', 't', 'v', 'EX', '1000'], ['COPY', 't', 't2'], ['TTL', 't2'], ['COPY', 'a', 't2', 'REPLACE'],
      ['TTL', 't2'], ['COPY', 't', 'tt', 'DB', '5'], ['SELECT', '5'], ['TTL', 'tt'], ['SELECT', '0'],
      // Values stay independent, encodings are kept.
      ['RPUSH', 'l', 'a', 'b'], ['COPY', 'l', 'l2'], ['RPUSH', 'l', 'c'], ['LRANGE', 'l2', 0, -1], ['TYPE', 'l2'],
      // (Not REFCOUNT of the copy of a shared integer: 7.0 makes an unshared
      // copy, refcount 1, which a bare JS string cannot record.)
      ['SET', 'i', '123'], ['COPY', 'i', 'i2'], ['OBJECT', 'ENCODING', 'i2'],
      ['SET', 'r', 'x'], ['APPEND', 'r', 'y'], ['COPY', 'r', 'r2'], ['APPEND', 'r', 'z'], ['GET', 'r2'],
      ['GET', 'r'], ['OBJECT', 'ENCODING', 'r2'],
    ]);
  });

  it('MOVE', async () => {
    await same([
      ['MOVE', 'a', '1'], ['SET', 'a', 'v'], ['MOVE', 'a', '0'], ['MOVE', 'none', '0'], ['MOVE', 'a', 'x'],
      ['MOVE', 'a', '16'], ['MOVE', 'a', '-1'], ['MOVE', 'a', '99999999999'], ['MOVE', 'a', '-99999999999'],
      ['MOVE', 'a', '1.5'], ['MOVE', 'a', ''], ['MOVE', 'none', '1'], ['MOVE', 'a', '1'], ['EXISTS', 'a'],
      ['SELECT', '1'], ['GET', 'a'], ['SET', 'b', 'in1'], ['SELECT', '0'], ['SET', 'b', 'in0'], ['MOVE', 'b', '1'],
      ['GET', 'b'], ['SET', 't', 'v', 'EX', '1000'], ['MOVE', 't', '2'], ['TTL', 't'], ['SELECT', '2'],
      ['TTL', 't'], ['MOVE', 't', '0'], ['SELECT', '0'], ['TTL', 't'], ['SET', 'p', 'v'], ['MOVE', 'p', '2'],
      ['SELECT', '2'], ['TTL', 'p'], ['RPUSH', 'l', 'x'], ['MOVE', 'l', '0'], ['SELECT', '0'], ['LRANGE', 'l', 0, -1],
    ]);
  });

  it('OBJECT', async () => {
    await same([
      ['OBJECT', 'HELP'], ['OBJECT', 'help'],
      ['OBJECT', 'ENCODING', 'none'], ['OBJECT', 'REFCOUNT', 'none'], ['OBJECT', 'IDLETIME', 'none'],
      ['OBJECT', 'FREQ', 'none'],
      ['SET', 'i', '12345'], ['OBJECT', 'ENCODING', 'i'], ['OBJECT', 'REFCOUNT', 'i'],
      ['SET', 'i', '-12'], ['OBJECT', 'ENCODING', 'i'], ['OBJECT', 'REFCOUNT', 'i'],
      ['SET', 'i', '0'], ['OBJECT', 'ENCODING', 'i'], ['OBJECT', 'REFCOUNT', 'i'],
      ['SET', 'i', '9999'], ['OBJECT', 'REFCOUNT', 'i'], ['SET', 'i', '10000'], ['OBJECT', 'REFCOUNT', 'i'],
      ['SET', 'i', '9223372036854775807'], ['OBJECT', 'ENCODING', 'i'],
      ['SET', 'i', '-9223372036854775808'], ['OBJECT', 'ENCODING', 'i'],
      ['SET', 'i', '9223372036854775808'], ['OBJECT', 'ENCODING', 'i'],
      ['SET', 'i', '01'], ['OBJECT', 'ENCODING', 'i'], ['OBJECT', 'REFCOUNT', 'i'],
      ['SET', 'i', '+1'], ['OBJECT', 'ENCODING', 'i'], ['SET', 'i', ' 1'], ['OBJECT', 'ENCODING', 'i'],
      ['SET', 'i', '-0'], ['OBJECT', 'ENCODING', 'i'], ['SET', 'i', '1.5'], ['OBJECT', 'ENCODING', 'i'],
      ['SET', 'e', ''], ['OBJECT', 'ENCODING', 'e'],
      ['SET', 's', 'x'.repeat(44)], ['OBJECT', 'ENCODING', 's'], ['OBJECT', 'REFCOUNT', 's'],
      ['SET', 's', 'x'.repeat(45)], ['OBJECT', 'ENCODING', 's'], ['OBJECT', 'REFCOUNT', 's'],
      ['SET', 's', 'short'], ['APPEND', 's', 'er'], ['OBJECT', 'ENCODING', 's'],
      ['SET', 'n', '1'], ['APPEND', 'n', '2'], ['OBJECT', 'ENCODING', 'n'],
      ['INCR', 'cnt'], ['OBJECT', 'ENCODING', 'cnt'], ['OBJECT', 'REFCOUNT', 'cnt'],
      ['RPUSH', 'l', 'a'], ['OBJECT', 'ENCODING', 'l'], ['OBJECT', 'REFCOUNT', 'l'],
      ['OBJECT', 'IDLETIME', 's'], ['OBJECT', 'FREQ', 's'],
      // FREQ of a key written under the LFU policy and never read since (the
      // counter of an older key depends on its LRU history, untracked here).
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'], ['SET', 'f', 'v'], ['OBJECT', 'FREQ', 'f'],
      ['OBJECT', 'IDLETIME', 's'],
      ['OBJECT', 'FREQ', 'none'], ['OBJECT', 'IDLETIME', 'none'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu'], ['OBJECT', 'IDLETIME', 's'],
      ['CONFIG', 'SET', 'maxmemory', '10gb'], ['SET', 'i', '7'], ['OBJECT', 'REFCOUNT', 'i'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'], ['SET', 'i', '7'], ['OBJECT', 'REFCOUNT', 'i'],
      ['OBJECT', 'IDLETIME', 'i'], ['OBJECT', 'FREQ', 'i'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random'], ['SET', 'i', '7'], ['OBJECT', 'REFCOUNT', 'i'],
      ['CONFIG', 'SET', 'maxmemory', '0'], ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'], ['SET', 'i', '7'],
      ['OBJECT', 'REFCOUNT', 'i'], ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
    ]);
  });

  it('PERSIST', async () => {
    await same([
      ['PERSIST', 'none'], ['SET', 'a', 'v'], ['PERSIST', 'a'], ['EXPIRE', 'a', '100'], ['PERSIST', 'a'],
      ['TTL', 'a'], ['PERSIST', 'a'], ['SET', 'b', 'v', 'PX', '100000'], ['PERSIST', 'b'], ['PTTL', 'b'],
    ]);
  });

  it('binary keys and values', async () => {
    const cmds: Cmd[] = [];
    for (const k of BINARY_KEYS) {
      cmds.push(['SET', k, k], ['TYPE', k], ['EXISTS', k], ['OBJECT', 'ENCODING', k], ['TTL', k]);
      cmds.push(['RENAME', k, `r${k}`], ['EXISTS', k], ['GET', `r${k}`], ['COPY', `r${k}`, k], ['MOVE', `r${k}`, '4']);
      cmds.push(['EXPIRE', k, '100'], ['TTL', k], ['PERSIST', k]);
    }
    await same(cmds);
    await sameUnordered([...BINARY_KEYS.map((k): Cmd => ['SET', k, 'v']), ['KEYS', '*'], ['KEYS', '*\x00*'],
      ['KEYS', '[\x80-\xff]*'], ['KEYS', '*\xff'], ['SCAN', '0', 'COUNT', '100'],
      ['SCAN', '0', 'MATCH', '?\x11*', 'COUNT', '1000']]);
  });
});
