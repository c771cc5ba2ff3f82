// ZSCAN, HSCAN and SSCAN over big (skiplist / hashtable encoded) values:
// incremental iteration with the guarantees of SCAN (src/keyspace/scan.ts).
// A complete iteration ends with cursor 0 and returns every element present
// for the whole of it at least once (ours: exactly once), about COUNT
// elements per call; MATCH filters; elements added, removed or (for a sorted
// set) re-scored meanwhile do not break the guarantee. The contents of a
// complete scan are also compared with real Redis's (whose order differs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_REDIS_SERVER, RawClient, startRealRedis, startTestServer, type TestServer } from '../helpers/server.js';

const N = 2000;

interface Kind {
  cmd: 'ZSCAN' | 'HSCAN' | 'SSCAN';
  encoding: string;
  /** Whether replies are element/value pairs. */
  pairs: boolean;
  /** Commands adding elements i..j-1 (member:<i>). */
  add(key: string, from: number, to: number): (string | number)[];
  remove(key: string, member: string): (string | number)[];
  /** The value a pair carries for member:<i> (pairs only). */
  valueOf(i: number): string;
}

const KINDS: Kind[] = [
  {
    cmd: 'ZSCAN', encoding: 'skiplist', pairs: true,
    add(key, from, to) {
      const out: (string | number)[] = ['ZADD', key];
      for (let i = from; i < to; i++) out.push(i, `member:${i}`);
      return out;
    },
    remove: (key, m) => ['ZREM', key, m],
    valueOf: (i) => String(i),
  },
  {
    cmd: 'HSCAN', encoding: 'hashtable', pairs: true,
    add(key, from, to) {
      const out: (string | number)[] = ['HSET', key];
      for (let i = from; i < to; i++) out.push(`member:${i}`, i);
      return out;
    },
    remove: (key, m) => ['HDEL', key, m],
    valueOf: (i) => String(i),
  },
  {
    cmd: 'SSCAN', encoding: 'hashtable', pairs: false,
    add(key, from, to) {
      const out: (string | number)[] = ['SADD', key];
      for (let i = from; i < to; i++) out.push(`member:${i}`);
      return out;
    },
    remove: (key, m) => ['SREM', key, m],
    valueOf: () => '',
  },
];

interface ScanResult {
  /** How many times each element came. */
  seen: Map<string, number>;
  /** element -> value (pairs only; the last one seen). */
  values: Map<string, string>;
  /** Elements per reply. */
  sizes: number[];
}

/** A complete iteration; `between` runs after each call that did not end it. */
async function scanAll(c: RawClient, kind: Kind, key: string, opts: (string | number)[],
  between?: (step: number) => Promise<void>): Promise<ScanResult> {
  const res: ScanResult = { seen: new Map(), values: new Map(), sizes: [] };
  let cursor = '0';
  let step = 0;
  do {
    const [next, items] = (await c.call(kind.cmd, key, cursor, ...opts)) as [string, string[]];
    const stride = kind.pairs ? 2 : 1;
    res.sizes.push(items.length / stride);
    for (let i = 0; i < items.length; i += stride) {
      res.seen.set(items[i]!, (res.seen.get(items[i]!) ?? 0) + 1);
      if (kind.pairs) res.values.set(items[i]!, items[i + 1]!);
    }
    cursor = next;
    if (cursor !== '0' && between !== undefined) await between(step);
    step++;
    expect(step).toBeLessThan(100000);
  } while (cursor !== '0');
  return res;
}

describe('ZSCAN / HSCAN / SSCAN over big values', () => {
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

  for (const kind of KINDS) {
    describe(kind.cmd, () => {
      const key = `big-${kind.cmd}`;
      beforeAll(async () => {
        await c.call('DEL', key);
        for (let i = 0; i < N; i += 500) await c.call(...kind.add(key, i, i + 500));
        expect(await c.call('OBJECT', 'ENCODING', key)).toBe(kind.encoding);
      });

      it('COUNT 10: every element exactly once, 10 per call, ending with cursor 0', async () => {
        const r = await scanAll(c, kind, key, ['COUNT', 10]);
        expect(r.seen.size).toBe(N);
        for (const [m, n] of r.seen) {
          expect(n, m).toBe(1);
          expect(m).toMatch(/^member:\d+$/);
          if (kind.pairs) expect(r.values.get(m)).toBe(kind.valueOf(Number(m.slice(7))));
        }
        // About COUNT per call: exactly 10 but for the last one or two.
        expect(r.sizes.length).toBeGreaterThanOrEqual(N / 10);
        expect(r.sizes.length).toBeLessThanOrEqual(N / 10 + 1);
        for (const s of r.sizes.slice(0, -1)) expect(s).toBe(10);
        // The default COUNT is 10 too; a larger COUNT means fewer calls.
        expect((await scanAll(c, kind, key, [])).sizes.length).toBe(r.sizes.length);
        const big = await scanAll(c, kind, key, ['COUNT', 700]);
        expect(big.seen.size).toBe(N);
        expect(big.sizes.length).toBeLessThanOrEqual(4);
      });

      it('MATCH filters what is returned, COUNT still bounds the work', async () => {
        const r = await scanAll(c, kind, key, ['MATCH', 'member:1?5', 'COUNT', 10]);
        const expected: string[] = [];
        for (let i = 0; i < N; i++) if (/^member:1.5$/.test(`member:${i}`)) expected.push(`member:${i}`);
        expect([...r.seen.keys()].sort()).toEqual(expected.sort());
        for (const n of r.seen.values()) expect(n).toBe(1);
        expect(r.sizes.length).toBeGreaterThanOrEqual(N / 10);
        expect(r.sizes.filter((s) => s === 0).length).toBeGreaterThan(0);
        const none = await scanAll(c, kind, key, ['MATCH', 'nothing*', 'COUNT', 1000]);
        expect(none.seen.size).toBe(0);
      });

      it('elements added and removed during the iteration keep the guarantee', async () => {
        const k = `${key}-mut`;
        await c.call('DEL', k);
        for (let i = 0; i < N; i += 500) await c.call(...kind.add(k, i, i + 500));
        const removed = new Set<string>();
        let added = N;
        let seed = 7;
        const rnd = () => {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          return seed / 0x7fffffff;
        };
        const r = await scanAll(c, kind, k, ['COUNT', 10], async (step) => {
          // Each step: two new elements, one removed, and for a sorted set a
          // re-score that moves a member to the other end of the order.
          await c.call(...kind.add(k, added, added + 2));
          added += 2;
          const victim = `member:${Math.floor(rnd() * N)}`;
          await c.call(...kind.remove(k, victim));
          removed.add(victim);
          if (kind.cmd === 'ZSCAN') {
            // (Not a removed member: ZINCRBY would add it back, as new.)
            let m: string;
            do m = `member:${Math.floor(rnd() * N)}`; while (removed.has(m));
            await c.call('ZINCRBY', k, step % 2 === 0 ? 1e6 : -1e6, m);
          }
        });
        // Every element present throughout came, exactly once in practice.
        for (let i = 0; i < N; i++) {
          const m = `member:${i}`;
          if (removed.has(m)) continue;
          expect(r.seen.get(m), m).toBe(1);
        }
        // Nothing came that was never there, nothing twice.
        for (const [m, n] of r.seen) {
          expect(Number(m.slice(7))).toBeLessThan(added);
          expect(n, m).toBe(1);
        }
        expect(removed.size).toBeGreaterThan(50);
        await c.call('DEL', k);
      });

      it('an unknown or stale cursor starts over without missing anything', async () => {
        for (const cursor of ['987654321', '-1', '18446744073709551615']) {
          const [next, items] = (await c.call(kind.cmd, key, cursor, 'COUNT', 10)) as [string, string[]];
          expect(items.length).toBe(kind.pairs ? 20 : 10);
          expect(next).not.toBe('0');
        }
        // A cursor from another value of the same type is unknown here.
        const other = `${key}-other`;
        await c.call(...kind.add(other, 0, 300));
        const [foreign] = (await c.call(kind.cmd, other, 0, 'COUNT', 5)) as [string, string[]];
        const [, items] = (await c.call(kind.cmd, key, foreign, 'COUNT', 5)) as [string, string[]];
        expect(items[0]).toBe('member:0');
        await c.call('DEL', other);
        // Many iterations left open: the oldest are dropped, and resuming one
        // of those starts over (complete, with repeats).
        const [first] = (await c.call(kind.cmd, key, 0, 'COUNT', 10)) as [string, string[]];
        for (let i = 0; i < 40; i++) await c.call(kind.cmd, key, 0, 'COUNT', 10);
        const seen = new Set<string>();
        let cursor = first;
        let calls = 0;
        do {
          const [next, its] = (await c.call(kind.cmd, key, cursor, 'COUNT', 100)) as [string, string[]];
          for (let i = 0; i < its.length; i += kind.pairs ? 2 : 1) seen.add(its[i]!);
          cursor = next;
          calls++;
        } while (cursor !== '0');
        expect(seen.size).toBe(N);
        expect(calls).toBeGreaterThanOrEqual(N / 100);
      });

      it('a value deleted or replaced mid-iteration: the old cursor is harmless', async () => {
        const k = `${key}-gone`;
        await c.call(...kind.add(k, 0, 300));
        const [cursor] = (await c.call(kind.cmd, k, 0, 'COUNT', 10)) as [string, string[]];
        await c.call('DEL', k);
        expect(await c.call(kind.cmd, k, cursor, 'COUNT', 10)).toEqual(['0', []]);
        await c.call(...kind.add(k, 0, 300));
        const [, items] = (await c.call(kind.cmd, k, cursor, 'COUNT', 10)) as [string, string[]];
        expect(items[0]).toBe('member:0');
        await c.call('DEL', k);
      });
    });
  }
});

describe.skipIf(!HAVE_REDIS_SERVER)('complete big scans have the same contents as real Redis', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => { srv = await startTestServer(); real = await startRealRedis(); });
  afterAll(async () => { await srv.close(); await real.close(); });

  it('ZSCAN, HSCAN, SSCAN with and without MATCH, fractional scores', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    try {
      for (const kind of KINDS) {
        const key = `k-${kind.cmd}`;
        for (const cl of [a, b]) {
          await cl.call(...kind.add(key, 0, 1000));
          await cl.call(...kind.remove(key, 'member:10'));
          if (kind.cmd === 'ZSCAN') {
            await cl.call('ZADD', key, 0.1, 'member:20', '-inf', 'member:21', '1e300', 'member:22', '-0', 'member:23');
            await cl.call('ZINCRBY', key, 2.5, 'member:24');
          }
          expect(await cl.call('OBJECT', 'ENCODING', key)).toBe(kind.encoding);
        }
        for (const opts of [['COUNT', 10], ['MATCH', '*1*', 'COUNT', 25], ['MATCH', 'member:2?']]) {
          const ours = await scanAll(a, kind, key, opts);
          const theirs = await scanAll(b, kind, key, opts);
          expect([...ours.seen.keys()].sort()).toEqual([...theirs.seen.keys()].sort());
          expect([...ours.values].sort()).toEqual([...theirs.values].sort());
          expect(ours.sizes.length).toBeGreaterThan(1);
        }
      }
    } finally {
      a.close();
      b.close();
    }
  });
});
