// The keyspace layer (src/keyspace/keyspace.ts) on its own, with a manual
// clock: lazy and active expiry, SCAN's guarantee under concurrent change,
// KEYS/SCAN never showing expired keys, RANDOMKEY, binary keys, and the
// modification hook every change must go through.

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/keyspace/clock.js';
import { Keyspace, type Database } from '../../src/keyspace/keyspace.js';
import { RawString } from '../../src/keyspace/types.js';
import { ListValue } from '../../src/keyspace/list.js';

function setup(dbs = 2): { ks: Keyspace; db: Database; clock: ManualClock } {
  const clock = new ManualClock(1_700_000_000_000);
  const ks = new Keyspace(dbs, clock);
  return { ks, db: ks.dbs[0]!, clock };
}

/** Run SCAN to completion, returning every key reported. */
function scanAll(ks: Keyspace, db: Database, count: number, match: string | null = null, type: string | null = null): string[] {
  const out: string[] = [];
  let cursor = 0;
  do {
    const [next, keys] = ks.scan(db, cursor, { count, match, type });
    out.push(...keys);
    cursor = next;
  } while (cursor !== 0);
  return out;
}

describe('lazy expiry', () => {
  it('a key is gone at its expiry time, not a millisecond before', () => {
    const { ks, db, clock } = setup();
    db.set('k', 'v');
    db.setExpire('k', clock.now() + 1000);
    clock.advance(999);
    expect(db.lookupWrite('k')).toBe('v');
    clock.advance(1);
    expect(db.lookupWrite('k')).toBeUndefined();
    expect(db.size).toBe(0);
    expect(db.expires.size).toBe(0);
    expect(ks.stats.expiredKeys).toBe(1);
  });

  it('read() counts hits and misses, lookupWrite() and exists() do not', () => {
    const { ks, db } = setup();
    db.set('k', 'v');
    db.read('k');
    db.read('nope');
    db.lookupWrite('k');
    db.exists('nope');
    expect(ks.stats.keyspaceHits).toBe(1);
    expect(ks.stats.keyspaceMisses).toBe(1);
  });

  it('set() drops the TTL unless keepTtl, persist() removes it', () => {
    const { db, clock } = setup();
    db.set('k', 'v');
    db.setExpire('k', clock.now() + 1000);
    db.set('k', 'w', true);
    expect(db.getExpire('k')).toBe(clock.now() + 1000);
    db.set('k', 'x');
    expect(db.getExpire('k')).toBeUndefined();
    db.setExpire('k', clock.now() + 1000);
    expect(db.persist('k')).toBe(true);
    expect(db.persist('k')).toBe(false);
    expect(db.getExpire('k')).toBeUndefined();
  });
});

describe('active expiry', () => {
  it('reclaims keys that are never touched again', () => {
    const { ks, db, clock } = setup();
    const N = 20000;
    for (let i = 0; i < N; i++) {
      db.set(`key:${i}`, 'v');
      db.setExpire(`key:${i}`, clock.now() + 1000 + (i % 100));
    }
    // Keys without a TTL, and with a TTL far away, must survive.
    for (let i = 0; i < 100; i++) db.set(`keep:${i}`, 'v');
    for (let i = 0; i < 100; i++) {
      db.set(`later:${i}`, 'v');
      db.setExpire(`later:${i}`, clock.now() + 3_600_000);
    }
    ks.activeExpireCycle(25);
    expect(db.size).toBe(N + 200); // nothing is due yet
    clock.advance(2000);
    let cycles = 0;
    while (db.size > 200 && cycles < 10000) {
      ks.activeExpireCycle(25);
      cycles++;
    }
    expect(db.size).toBe(200);
    expect(db.expires.size).toBe(100);
    expect(ks.stats.expiredKeys).toBe(N);
    // The keys were deleted, not just hidden.
    expect(db.dict.has('key:0')).toBe(false);
    expect(db.lookupWrite('keep:0')).toBe('v');
    expect(db.lookupWrite('later:99')).toBe('v');
  });

  it('reclaims keys in every database', () => {
    const { ks, clock } = setup(4);
    for (const db of ks.dbs) {
      for (let i = 0; i < 500; i++) {
        db.set(`k${i}`, 'v');
        db.setExpire(`k${i}`, clock.now() + 10);
      }
    }
    clock.advance(10);
    for (let i = 0; i < 100 && ks.dbs.some((d) => d.size > 0); i++) ks.activeExpireCycle(25);
    expect(ks.dbs.map((d) => d.size)).toEqual([0, 0, 0, 0]);
    expect(ks.stats.expiredKeys).toBe(2000);
  });

  it('finds the few expired keys among many live ones over successive cycles', () => {
    const { ks, db, clock } = setup();
    // Under a quarter of each sample expires, so every cycle stops after one
    // sample: the persistent iterator must still get round to every key.
    for (let i = 0; i < 5000; i++) {
      db.set(`k${i}`, 'v');
      db.setExpire(`k${i}`, clock.now() + (i % 10 === 0 ? 5 : 1_000_000));
    }
    clock.advance(5);
    for (let i = 0; i < 1000 && db.size > 4500; i++) ks.activeExpireCycle(25);
    expect(db.size).toBe(4500);
    expect(ks.stats.expiredKeys).toBe(500);
  });

  it('stops within its time budget and resumes where it left off', () => {
    const { ks, db, clock } = setup();
    for (let i = 0; i < 50000; i++) {
      db.set(`k${i}`, 'v');
      db.setExpire(`k${i}`, clock.now() + 1);
    }
    clock.advance(1);
    ks.activeExpireCycle(0); // no budget: a single sample, then out
    expect(db.size).toBeGreaterThan(0);
    expect(ks.stats.expiredTimeCapReachedCount).toBeGreaterThan(0);
    for (let i = 0; i < 100000 && db.size > 0; i++) ks.activeExpireCycle(0);
    expect(db.size).toBe(0);
    expect(ks.stats.expiredKeys).toBe(50000);
  });

  it('restarts its walk when the expires map is replaced (FLUSHDB, SWAPDB, loading)', () => {
    const { ks, db, clock } = setup();
    for (let i = 0; i < 100; i++) {
      db.set(`a${i}`, 'v');
      db.setExpire(`a${i}`, clock.now() + 1_000_000);
    }
    ks.activeExpireCycle(25); // leaves an iterator over the current map
    db.clear();
    ks.swap(0, 1);
    ks.swap(0, 1);
    // A loader replacing the maps wholesale.
    db.dict = new Map();
    db.expires = new Map();
    for (let i = 0; i < 100; i++) {
      db.set(`b${i}`, 'v');
      db.setExpire(`b${i}`, clock.now() + 1);
    }
    clock.advance(1);
    for (let i = 0; i < 100 && db.size > 0; i++) ks.activeExpireCycle(25);
    expect(db.size).toBe(0);
  });

  it('keeps an average TTL estimate', () => {
    const { ks, db, clock } = setup();
    for (let i = 0; i < 100; i++) {
      db.set(`k${i}`, 'v');
      db.setExpire(`k${i}`, clock.now() + 10_000);
    }
    ks.activeExpireCycle(25);
    expect(db.avgTtl).toBeGreaterThan(9000);
    expect(db.avgTtl).toBeLessThanOrEqual(10_000);
  });
});

describe('SCAN', () => {
  it('returns every key exactly once on a static keyspace', () => {
    const { ks, db } = setup();
    for (let i = 0; i < 1000; i++) db.set(`k${i}`, 'v');
    const seen = scanAll(ks, db, 7);
    expect(seen.length).toBe(1000);
    expect(new Set(seen).size).toBe(1000);
  });

  it('returns every key present for the whole iteration, whatever else changes', () => {
    const { ks, db } = setup();
    const stable: string[] = [];
    for (let i = 0; i < 2000; i++) {
      db.set(`stable:${i}`, 'v');
      stable.push(`stable:${i}`);
    }
    let churn = 0;
    for (let i = 0; i < 500; i++) db.set(`churn:${churn++}`, 'v');
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      const [next, keys] = ks.scan(db, cursor, { count: 5, match: null, type: null });
      for (const k of keys) seen.add(k);
      cursor = next;
      calls++;
      // Between calls: add new keys, delete old churn keys, rewrite some
      // stable ones in place (a rewrite is not a removal).
      for (let j = 0; j < 4; j++) db.set(`churn:${churn++}`, 'v');
      for (let j = 0; j < 3; j++) db.delete(`churn:${churn - 50 - j * 7}`);
      db.set(`stable:${calls % 2000}`, 'w');
    } while (cursor !== 0 && calls < 100000);
    expect(cursor).toBe(0);
    for (const k of stable) expect(seen.has(k)).toBe(true);
  });

  it('survives the database growing and shrinking a lot mid-iteration (Map rehash)', () => {
    const { ks, db } = setup();
    for (let i = 0; i < 100; i++) db.set(`stable:${i}`, 'v');
    const seen = new Set<string>();
    let cursor = 0;
    let round = 0;
    do {
      const [next, keys] = ks.scan(db, cursor, { count: 3, match: null, type: null });
      for (const k of keys) seen.add(k);
      cursor = next;
      if (round % 2 === 0) for (let j = 0; j < 5000; j++) db.set(`tmp:${round}:${j}`, 'v');
      else for (let j = 0; j < 5000; j++) db.delete(`tmp:${round - 1}:${j}`);
      round++;
    } while (cursor !== 0 && round < 100000);
    for (let i = 0; i < 100; i++) expect(seen.has(`stable:${i}`)).toBe(true);
  });

  it('never returns expired keys, and deletes them as Redis does', () => {
    const { ks, db, clock } = setup();
    for (let i = 0; i < 100; i++) {
      db.set(`k${i}`, 'v');
      if (i % 2 === 0) db.setExpire(`k${i}`, clock.now() + 10);
    }
    clock.advance(10);
    const seen = scanAll(ks, db, 10);
    expect(seen.length).toBe(50);
    expect(seen.every((k) => Number(k.slice(1)) % 2 === 1)).toBe(true);
    expect(db.size).toBe(50);
    expect(ks.stats.expiredKeys).toBe(50);
  });

  it('filters by MATCH and TYPE; COUNT bounds the work, not the reply', () => {
    const { ks, db } = setup();
    for (let i = 0; i < 50; i++) db.set(`str:${i}`, 'v');
    for (let i = 0; i < 50; i++) {
      const l = new ListValue();
      l.pushTail('x');
      db.set(`list:${i}`, l);
    }
    expect(scanAll(ks, db, 10, 'str:*').length).toBe(50);
    expect(scanAll(ks, db, 10, null, 'list').sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `list:${i}`).sort(),
    );
    expect(scanAll(ks, db, 10, 'list:1*', 'string')).toEqual([]);
    expect(scanAll(ks, db, 10, null, 'nosuchtype')).toEqual([]);
    // A first call with COUNT 1 visits one key: it returns at most one.
    const [cursor, keys] = ks.scan(db, 0, { count: 1, match: null, type: null });
    expect(cursor).not.toBe(0);
    expect(keys.length).toBe(1);
  });

  it('ends an iteration whose database was flushed, and unknown cursors', () => {
    const { ks, db } = setup();
    for (let i = 0; i < 100; i++) db.set(`k${i}`, 'v');
    const [cursor] = ks.scan(db, 0, { count: 10, match: null, type: null });
    db.clear();
    db.set('new', 'v');
    expect(ks.scan(db, cursor, { count: 10, match: null, type: null })).toEqual([0, []]);
    expect(ks.scan(db, 123456789, { count: 10, match: null, type: null })).toEqual([0, []]);
    // A cursor belongs to its database.
    const [c2] = ks.scan(db, 0, { count: 0, match: null, type: null });
    expect(ks.scan(ks.dbs[1]!, c2, { count: 10, match: null, type: null })).toEqual([0, []]);
  });
});

describe('KEYS', () => {
  it('never returns expired keys (and does not delete them)', () => {
    const { db, clock } = setup();
    db.set('a', 'v');
    db.set('b', 'v');
    db.setExpire('b', clock.now() + 5);
    expect(db.keys('*').sort()).toEqual(['a', 'b']);
    clock.advance(5);
    expect(db.keys('*')).toEqual(['a']);
    expect(db.keys('?')).toEqual(['a']);
    expect(db.dict.has('b')).toBe(true);
  });
});

describe('binary keys', () => {
  it('every byte value round-trips through set, KEYS and SCAN', () => {
    const { ks, db } = setup();
    const keys: string[] = [];
    for (let b = 0; b < 256; b++) {
      const k = `\u00ff${String.fromCharCode(b)}\u0000`;
      keys.push(k);
      db.set(k, new RawString(Buffer.from([b])));
    }
    expect(db.keys('*').sort()).toEqual([...keys].sort());
    expect(db.keys('\u00ff?\u0000').length).toBe(256);
    expect(db.keys('\u00ff[\u0080-\u00ff]*').length).toBe(128);
    expect(scanAll(ks, db, 16).sort()).toEqual([...keys].sort());
    expect(scanAll(ks, db, 16, '*\u0000').length).toBe(256);
  });
});

describe('RANDOMKEY', () => {
  it('returns null on an empty database', () => {
    expect(setup().db.randomKey()).toBeNull();
  });

  it('finds the one live key among many expired ones, deleting those it meets', () => {
    const { ks, db, clock } = setup();
    for (let i = 0; i < 1000; i++) {
      db.set(`dead${i}`, 'v');
      db.setExpire(`dead${i}`, clock.now() + 1);
    }
    db.set('alive', 'v');
    clock.advance(1);
    for (let i = 0; i < 20; i++) expect(db.randomKey()).toBe('alive');
    expect(ks.stats.expiredKeys).toBeGreaterThan(0);
  });

  it('returns null when every key has expired, and reclaims them', () => {
    const { db, clock } = setup();
    for (let i = 0; i < 300; i++) {
      db.set(`dead${i}`, 'v');
      db.setExpire(`dead${i}`, clock.now() + 1);
    }
    clock.advance(1);
    expect(db.randomKey()).toBeNull();
    expect(db.size).toBe(0);
  });

  it('returns each key sometimes', () => {
    const { db } = setup();
    for (const k of ['a', 'b', 'c']) db.set(k, 'v');
    const seen = new Set<string | null>();
    for (let i = 0; i < 300; i++) seen.add(db.randomKey());
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('mutation protocol', () => {
  it('listeners see each reported change with its event; dirty counts as told', () => {
    const { ks, db, clock } = setup();
    const log: string[] = [];
    ks.addListener({ keyChanged: (d, k, e) => log.push(`${d.id}:${k}:${e}`) });
    const dirty = ks.dirty;
    db.set('a', 'v');
    db.changed('a', 'set');
    db.setExpire('a', clock.now() + 1);
    db.changed('a', 'expire', 0);
    db.delete('a');
    db.changed('a', 'del');
    db.set('b', 'v');
    db.setExpire('b', clock.now() + 1);
    clock.advance(1);
    db.lookupWrite('b');
    expect(log).toEqual(['0:a:set', '0:a:expire', '0:a:del', '0:b:expired']);
    // The expiry reached the listeners but is not a write of the caller's.
    expect(ks.dirty - dirty).toBe(2);
  });

  it('expiry, lazy or active, is reported as expired and counts no dirty change', () => {
    const { ks, db, clock } = setup();
    const expired: string[] = [];
    ks.addListener({ keyChanged: (d, k, e) => { if (e === 'expired') expired.push(`${d.id}:${k}`); } });
    for (const k of ['a', 'b', 'c']) {
      db.set(k, 'v');
      db.setExpire(k, clock.now() + 1);
    }
    clock.advance(1);
    const dirty = ks.dirty;
    expect(db.lookupWrite('a')).toBeUndefined();
    ks.activeExpireCycle(25);
    expect(ks.dirty).toBe(dirty);
    expect(expired.sort()).toEqual(['0:a', '0:b', '0:c']);
  });

  it('FLUSHDB and SWAPDB report what they affect', () => {
    const { ks, db } = setup();
    const log: string[] = [];
    ks.addListener({
      dbFlushed: (d, old) => log.push(`flushed ${d.id} had ${[...old.keys()].join(',')}`),
      dbsSwapped: (a, b) => log.push(`swapped ${a.id} ${b.id}`),
    });
    db.set('a', 'v');
    db.set('b', 'v');
    ks.swap(0, 1);
    ks.dbs[1]!.clear();
    expect(log).toEqual(['swapped 0 1', 'flushed 1 had a,b']);
  });

  it('the clock is frozen while a command runs', () => {
    const { ks, clock } = setup();
    const t = clock.now();
    ks.freeze(t);
    clock.advance(1000);
    expect(ks.now()).toBe(t);
    ks.thaw();
    expect(ks.now()).toBe(t + 1000);
  });
});

describe('RawString.clone', () => {
  it('is an independent copy', () => {
    const a = new RawString('hello');
    const b = a.clone();
    a.buf[0] = 0x4a;
    expect(a.toString()).toBe('Jello');
    expect(b.toString()).toBe('hello');
    expect(b.encoding()).toBe('raw');
  });
});
