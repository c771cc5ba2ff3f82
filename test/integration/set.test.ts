// Set commands against real Redis 7.0: byte for byte where Redis's reply is
// deterministic (intsets answer in ascending order, errors, counts), sorted
// where a hashtable's order or randomness decides; SPOP's propagation; SSCAN's
// cursor guarantee.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReply, type Reply } from '../helpers/resp.js';
import {
  differential, expectSameReplies, HAVE_REDIS_SERVER, RawClient, recordPropagation, startRealRedis, startTestServer,
  type TestServer,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping set differential tests: redis-server not installed');

type Cmd = (string | number)[];

/** A raw reply with the elements of its top-level aggregate sorted (order-free comparison). */
function sortedRaw(raw: string): string {
  if (raw[0] !== '*' && raw[0] !== '~') return raw;
  const r = parseReply(Buffer.from(raw, 'latin1'))![0];
  const items = Array.isArray(r) ? r : (r as { set: Reply[] }).set;
  const header = raw.slice(0, raw.indexOf('\r\n'));
  return `${header} ${items.map((x) => JSON.stringify(x)).sort().join(',')}`;
}

/** Both servers give the same replies once each aggregate's elements are sorted. */
async function expectSameSorted(ours: number, theirs: number, cmds: Cmd[]): Promise<void> {
  const d = await differential(ours, theirs, cmds);
  const show = (rs: string[]) => cmds.map((c, i) => [c.join(' '), String(c[0]).toUpperCase() === 'HELLO' ? '' : sortedRaw(rs[i]!)]);
  expect(show(d.ours)).toEqual(show(d.theirs));
}

const FLUSH: Cmd = ['FLUSHALL'];

describe.skipIf(!HAVE_REDIS_SERVER)('sets vs real Redis', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => { srv = await startTestServer(); real = await startRealRedis(); });
  afterAll(async () => { await srv.close(); await real.close(); });

  const basics: Cmd[] = [
    FLUSH,
    ['SADD', 's', 5, -3, 100, 0, 7, '9223372036854775807', '-9223372036854775808', 5],
    ['SMEMBERS', 's'], ['SCARD', 's'], ['OBJECT', 'ENCODING', 's'],
    ['SISMEMBER', 's', 5], ['SISMEMBER', 's', '05'], ['SISMEMBER', 'none', 5],
    ['SMISMEMBER', 's', 5, 6, -3], ['SMISMEMBER', 'none', 1, 2],
    ['SADD', 't', 7, 100, 8, 5], ['SADD', 'u', 100, 1],
    ['SINTER', 's', 't'], ['SINTER', 's', 't', 'u'], ['SINTER', 's', 'none'], ['SINTER', 'none', 's'], ['SINTER', 't'],
    ['SUNION', 's', 't', 'u'], ['SUNION', 'none'], ['SUNION', 'u', 'none'],
    ['SDIFF', 's', 't'], ['SDIFF', 't', 's', 'u'], ['SDIFF', 'none', 's'], ['SDIFF', 's', 's'], ['SDIFF', 'u'],
    ['SINTERCARD', 2, 's', 't'], ['SINTERCARD', 1, 's', 'LIMIT', 3], ['SINTERCARD', 2, 's', 't', 'limit', 0],
    ['SINTERCARD', 2, 's', 'none'], ['SINTERCARD', 3, 's', 't', 'u', 'LIMIT', 1],
    ['SINTERSTORE', 'd', 's', 't'], ['SMEMBERS', 'd'], ['OBJECT', 'ENCODING', 'd'],
    ['SUNIONSTORE', 'd', 's', 'u'], ['SMEMBERS', 'd'],
    ['SDIFFSTORE', 'd', 's', 't'], ['SMEMBERS', 'd'],
    ['SINTERSTORE', 'd', 's', 'none'], ['EXISTS', 'd'],
    ['SET', 'd', 'str'], ['EXPIRE', 'd', 100], ['SUNIONSTORE', 'd', 'u'], ['TTL', 'd'], ['TYPE', 'd'],
    ['SDIFFSTORE', 'd', 'none'], ['EXISTS', 'd'],
    ['SREM', 's', 5, 6, 7], ['SREM', 'none', 1], ['SMEMBERS', 's'],
    ['SMOVE', 's', 'm', 0], ['SMOVE', 's', 'm', 0], ['SMOVE', 'none', 'm', 1], ['SMOVE', 's', 's', 100],
    ['SMOVE', 's', 's', 99], ['SMEMBERS', 'm'], ['SADD', 'one', 'x'], ['SMOVE', 'one', 'm', 'x'], ['EXISTS', 'one'],
    ['OBJECT', 'ENCODING', 'm'], ['SMEMBERS', 'u'], ['SREM', 'u', 1, 100, 3], ['EXISTS', 'u'],
    ['SADD', 'e', ''], ['SMEMBERS', 'e'], ['SADD', 'e', '\x00\xff'], ['SCARD', 'e'], ['SISMEMBER', 'e', '\x00\xff'],
    ['SPOP', 'none'], ['SPOP', 'none', 2], ['SPOP', 'e', 0], ['SPOP', 'none', 0], ['SRANDMEMBER', 'none'],
    ['SRANDMEMBER', 'none', 5], ['SRANDMEMBER', 'none', -5], ['SRANDMEMBER', 'e', 0],
    ['SADD', 'i', 3, 1, 2], ['SRANDMEMBER', 'i', 3], ['SRANDMEMBER', 'i', 10], ['SPOP', 'i', 3], ['EXISTS', 'i'],
    ['SADD', 'single', 'only'], ['SPOP', 'single'], ['EXISTS', 'single'], ['SADD', 'single', 'only'],
    ['SRANDMEMBER', 'single'], ['SRANDMEMBER', 'single', -3], ['SRANDMEMBER', 'single', 1],
    ['SPOP', 'single', 1], ['EXISTS', 'single'],
  ];

  const errors: Cmd[] = [
    FLUSH, ['SET', 'str', 'v'], ['SADD', 's', 1, 2, 3],
    ['SADD', 'str', 1], ['SREM', 'str', 1], ['SMEMBERS', 'str'], ['SISMEMBER', 'str', 1], ['SMISMEMBER', 'str', 1],
    ['SCARD', 'str'], ['SPOP', 'str'], ['SPOP', 'str', 1], ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', 2],
    ['SMOVE', 'str', 's', 1], ['SMOVE', 's', 'str', 1], ['SMOVE', 'none', 'str', 1], ['SMOVE', 's', 'str', 9],
    ['SINTER', 's', 'str'], ['SINTER', 'none', 'str'], ['SUNION', 'str', 's'], ['SDIFF', 'none', 'str'],
    ['SINTERCARD', 2, 'none', 'str'], ['SINTERSTORE', 'd', 'str'], ['SUNIONSTORE', 'd', 's', 'str'],
    ['SDIFFSTORE', 'd', 'none', 'str'], ['SSCAN', 'str', 0], ['SSCAN', 'str', 'x'],
    ['SADD', 's'], ['SREM', 's'], ['SMEMBERS'], ['SMEMBERS', 's', 't'], ['SISMEMBER', 's'], ['SMISMEMBER', 's'],
    ['SCARD'], ['SPOP'], ['SPOP', 's', 1, 2], ['SRANDMEMBER', 's', 1, 2], ['SMOVE', 's', 'd'], ['SINTER'],
    ['SINTERCARD', 1], ['SUNION'], ['SDIFF'], ['SINTERSTORE', 'd'], ['SUNIONSTORE', 'd'], ['SDIFFSTORE', 'd'],
    ['SSCAN', 's'],
    ['SPOP', 's', -1], ['SPOP', 's', 'x'], ['SPOP', 's', '1.5'], ['SPOP', 'none', -1], ['SPOP', 's', '9223372036854775808'],
    ['SRANDMEMBER', 's', 'x'], ['SRANDMEMBER', 's', '-9223372036854775808'], ['SRANDMEMBER', 's', '99999999999999999999'],
    ['SRANDMEMBER', 'none', 'x'],
    ['SINTERCARD', 0, 's'], ['SINTERCARD', -1, 's'], ['SINTERCARD', 'x', 's'], ['SINTERCARD', 3, 's', 't'],
    ['SINTERCARD', 1, 's', 'LIMIT'], ['SINTERCARD', 1, 's', 'LIMIT', -1], ['SINTERCARD', 1, 's', 'LIMIT', 'x'],
    ['SINTERCARD', 1, 's', 'FOO', 1], ['SINTERCARD', 1, 's', 'LIMIT', 1, 'LIMIT', 2], ['SINTERCARD', 2, 's', 'LIMIT'],
    ['SINTERCARD', '9223372036854775808', 's'],
    ['COMMAND', 'GETKEYS', 'SINTERCARD', 2, 'a', 'b', 'LIMIT', 1], ['COMMAND', 'GETKEYS', 'SINTERCARD', 1, 'a'],
    ['COMMAND', 'GETKEYS', 'SINTERCARD', 3, 'a', 'b'], ['COMMAND', 'GETKEYS', 'SMOVE', 'a', 'b', 'm'],
    ['COMMAND', 'GETKEYS', 'SINTERSTORE', 'd', 'a', 'b'],
    ['SSCAN', 's', 'x'], ['SSCAN', 's', '-1'], ['SSCAN', 's', '1.5'], ['SSCAN', 's', ' 0'], ['SSCAN', 'none', 'x'],
    ['SSCAN', 'none', 0, 'COUNT', 0], ['SSCAN', 's', 0, 'COUNT', 0], ['SSCAN', 's', 0, 'COUNT', 'x'],
    ['SSCAN', 's', 0, 'COUNT'], ['SSCAN', 's', 0, 'TYPE', 'set'], ['SSCAN', 's', 0, 'FOO', 1], ['SSCAN', 's', 0, 'MATCH'],
  ];

  it('deterministic replies match byte for byte (RESP2 and RESP3)', async () => {
    await expectSameReplies(srv.port, real.port, [...basics, ...errors]);
    await expectSameReplies(srv.port, real.port, [['HELLO', 3], ...basics, ...errors]);
  });

  it('intset / hashtable encodings follow set-max-intset-entries', async () => {
    const cmds: Cmd[] = [
      FLUSH, ['CONFIG', 'SET', 'set-max-intset-entries', 4],
      ['SADD', 'a', 1, 2, 3, 4], ['OBJECT', 'ENCODING', 'a'], ['SMEMBERS', 'a'],
      ['SADD', 'a', 4], ['OBJECT', 'ENCODING', 'a'], ['SADD', 'a', 5], ['OBJECT', 'ENCODING', 'a'],
      ['SREM', 'a', 5, 4], ['OBJECT', 'ENCODING', 'a'],
      ['SADD', 'b', 'x'], ['OBJECT', 'ENCODING', 'b'], ['SADD', 'c', '1', '01'], ['OBJECT', 'ENCODING', 'c'],
      ['SADD', 'n', '9223372036854775808'], ['OBJECT', 'ENCODING', 'n'], ['SADD', 'n2', '-0'], ['OBJECT', 'ENCODING', 'n2'],
      ['SADD', 'p', 1, 2, 3], ['SADD', 'q', 3, 4, 5], ['SUNIONSTORE', 'd', 'p', 'q'], ['OBJECT', 'ENCODING', 'd'],
      ['SINTERSTORE', 'd', 'p', 'q'], ['OBJECT', 'ENCODING', 'd'], ['SDIFFSTORE', 'd', 'p', 'q'], ['SMEMBERS', 'd'],
      ['OBJECT', 'ENCODING', 'd'], ['SADD', 'h', 'x', 1, 2], ['SREM', 'h', 'x'], ['SMOVE', 'h', 'mv', 1],
      ['OBJECT', 'ENCODING', 'mv'], ['SINTERSTORE', 'd', 'h'], ['OBJECT', 'ENCODING', 'd'], ['SMEMBERS', 'd'],
      ['SSCAN', 'p', 0], ['SSCAN', 'p', 12345, 'COUNT', 1], ['SSCAN', 'p', 0, 'MATCH', '[12]'], ['SSCAN', 'p', '', 'MATCH', '*'],
      ['CONFIG', 'SET', 'set-max-intset-entries', 0], ['SADD', 'z', 1], ['OBJECT', 'ENCODING', 'z'],
      ['SUNIONSTORE', 'z2', 'z'], ['OBJECT', 'ENCODING', 'z2'],
      ['CONFIG', 'SET', 'set-max-intset-entries', 512],
    ];
    await expectSameReplies(srv.port, real.port, cmds);
  });

  it('hashtable replies match once sorted', async () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    const cmds: Cmd[] = [
      FLUSH, ['SADD', 'a', ...words.slice(0, 30), 1, 2], ['SADD', 'b', ...words.slice(20), 2, 3], ['SADD', 'n', 1, 2, 3],
      ['SMEMBERS', 'a'], ['SINTER', 'a', 'b'], ['SINTER', 'b', 'a', 'n'], ['SUNION', 'a', 'b', 'n'], ['SDIFF', 'a', 'b'],
      ['SDIFF', 'b', 'a', 'n'], ['SINTERCARD', 2, 'a', 'b'], ['SINTERCARD', 2, 'a', 'b', 'LIMIT', 4],
      ['SINTERSTORE', 'd', 'a', 'b'], ['SMEMBERS', 'd'], ['SUNIONSTORE', 'd', 'a', 'n'], ['SMEMBERS', 'd'],
      ['SDIFFSTORE', 'd', 'a', 'b', 'n'], ['SMEMBERS', 'd'], ['OBJECT', 'ENCODING', 'd'],
      ['SRANDMEMBER', 'n', 5], ['SRANDMEMBER', 'b', 100], ['SRANDMEMBER', 'b', 22],
      ['SPOP', 'b', 22], ['EXISTS', 'b'], ['SPOP', 'a', 32], ['EXISTS', 'a'],
    ];
    await expectSameSorted(srv.port, real.port, cmds);
    await expectSameSorted(srv.port, real.port, [['HELLO', 3], ...cmds]);
  });

  it('random commands: same shapes and effects as Redis', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    const members = Array.from({ length: 50 }, (_, i) => `m${i}`);
    const ints = Array.from({ length: 50 }, (_, i) => String(i * 3));
    try {
      for (const c of [a, b]) await c.call('FLUSHALL');
      for (const [key, ms] of [['h', members], ['i', ints]] as const) {
        for (const count of [1, 3, 20, 49, -1, -5, -80]) {
          const results: Reply[] = [];
          for (const c of [a, b]) {
            await c.call('DEL', key);
            await c.call('SADD', key, ...ms);
            results.push(await c.call('SRANDMEMBER', key, count));
          }
          for (const r of results) {
            const got = r as string[];
            expect(got.length).toBe(Math.abs(count));
            for (const m of got) expect(ms).toContain(m);
            if (count > 0) expect(new Set(got).size).toBe(count);
          }
        }
        for (const count of [1, 2, 10, 45]) {
          const shapes: unknown[] = [];
          for (const c of [a, b]) {
            await c.call('DEL', key);
            await c.call('SADD', key, ...ms);
            const got = await c.call('SPOP', key, count) as string[];
            const left = await c.call('SMEMBERS', key) as string[];
            expect(new Set([...got, ...left]).size).toBe(ms.length);
            shapes.push([got.length, left.length, await c.call('OBJECT', 'ENCODING', key)]);
          }
          expect(shapes[0]).toEqual(shapes[1]);
        }
        // A hashtable of integers stays a hashtable when SPOP takes most of it.
        const enc: Reply[] = [];
        for (const c of [a, b]) {
          await c.call('DEL', 'hi');
          await c.call('SADD', 'hi', ...ints.slice(0, 10), 'x');
          await c.call('SREM', 'hi', 'x');
          await c.call('SPOP', 'hi', 8);
          enc.push(await c.call('OBJECT', 'ENCODING', 'hi'));
        }
        expect(enc).toEqual(['hashtable', 'hashtable']);
        for (const c of [a, b]) {
          await c.call('DEL', key);
          await c.call('SADD', key, ...ms);
          const one = await c.call('SPOP', key) as string;
          expect(ms).toContain(one);
          expect(await c.call('SISMEMBER', key, one)).toBe(0);
          expect(ms).toContain(await c.call('SRANDMEMBER', key));
        }
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('SSCAN over a hashtable returns every member; MATCH filters', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    const members = Array.from({ length: 300 }, (_, i) => `k${i}`);
    try {
      const all: Set<string>[] = [];
      for (const c of [a, b]) {
        await c.call('FLUSHALL');
        await c.call('SADD', 's', ...members);
        for (const extra of [[], ['MATCH', 'k1*'], ['COUNT', 7], ['MATCH', 'k2?', 'COUNT', 50]] as Cmd[]) {
          const seen = new Set<string>();
          let cursor = '0';
          do {
            const [next, items] = await c.call('SSCAN', 's', cursor, ...extra) as [string, string[]];
            for (const m of items) seen.add(m);
            cursor = next;
          } while (cursor !== '0');
          all.push(seen);
        }
      }
      for (let i = 0; i < 4; i++) expect([...all[i]!].sort()).toEqual([...all[i + 4]!].sort());
      expect(all[0]!.size).toBe(300);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('sets on mini-redis', () => {
  let srv: TestServer;
  beforeAll(async () => { srv = await startTestServer(); });
  afterAll(async () => { await srv.close(); });

  it('SPOP is replayed as SREM of what it popped, or DEL of a set taken whole', async () => {
    const c = await RawClient.connect(srv.port);
    await c.call('FLUSHALL');
    await c.call('SADD', 's', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j');
    const rec = recordPropagation(srv.server);
    try {
      const one = await c.call('SPOP', 's') as string;
      const three = await c.call('SPOP', 's', 3) as string[];
      await c.call('SPOP', 's', 0);
      await c.call('SRANDMEMBER', 's', 2);
      await c.call('SPOP', 's', 100);
      await c.call('SPOP', 's');
      expect(rec.units.map((u) => u.map((op) => op.argv.join(' ')))).toEqual([
        [`SREM s ${one}`],
        ['MULTI', ...three.map((m) => `SREM s ${m}`), 'EXEC'],
        ['DEL s'],
      ]);
    } finally {
      rec.stop();
      c.close();
    }
  });

  it('SSCAN returns every member present throughout while the set changes', async () => {
    const c = await RawClient.connect(srv.port);
    await c.call('FLUSHALL');
    const stable = Array.from({ length: 200 }, (_, i) => `s${i}`);
    await c.call('SADD', 'x', ...stable);
    const seen = new Set<string>();
    let cursor = '0';
    let i = 0;
    do {
      const [next, items] = await c.call('SSCAN', 'x', cursor, 'COUNT', 5) as [string, string[]];
      for (const m of items) seen.add(m);
      cursor = next;
      await c.call('SADD', 'x', `new${i}`, `tmp${i}`);
      await c.call('SREM', 'x', `tmp${i}`, `new${i - 3}`);
      i++;
    } while (cursor !== '0');
    for (const m of stable) expect(seen.has(m)).toBe(true);
    c.close();
  });
});
