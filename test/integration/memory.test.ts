// MEMORY against real Redis 7.0: the replies of HELP, PURGE, DOCTOR (quiet
// server), errors and edge cases byte for byte; MEMORY USAGE numbers for a
// representative value of every type and encoding, exact where our estimate
// reproduces Redis's layout exactly and within ±20% where Redis's answer
// depends on history we do not keep (marked `approx` below, with the reason).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  differential, expectSameReplies, HAVE_REDIS_SERVER, RawClient, startRealRedis, startTestServer, type TestServer,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping memory differential tests: redis-server not installed');

type Cmd = (string | number)[];

const range = (n: number, f: (i: number) => string | number): (string | number)[] =>
  Array.from({ length: n }, (_, i) => f(i));

interface SizeCase {
  key: string;
  setup: Cmd[];
  /** Why only approximately equal (±20%); absent: exact. */
  approx?: string;
  /** Extra arguments after the key (SAMPLES ...). */
  opts?: Cmd;
}

const cases: SizeCase[] = [
  // Strings: every encoding, exact.
  { key: 'int', setup: [['SET', 'int', 12345]] },
  { key: 'int0', setup: [['SET', 'int0', 0]] },
  { key: 'bigint', setup: [['SET', 'bigint', '-9223372036854775808']] },
  { key: 'incr', setup: [['INCRBY', 'incr', 1000000]] },
  { key: 'notint', setup: [['SET', 'notint', '012']] },
  { key: 'emb1', setup: [['SET', 'emb1', 'x']] },
  { key: 'emb44', setup: [['SET', 'emb44', 'y'.repeat(44)]] },
  { key: 'raw45', setup: [['SET', 'raw45', 'y'.repeat(45)]] },
  { key: 'raw1000', setup: [['SET', 'raw1000', 'z'.repeat(1000)]] },
  { key: 'raw100k', setup: [['SET', 'raw100k', 'z'.repeat(100000)]] },
  { key: 'k'.repeat(40), setup: [['SET', 'k'.repeat(40), 'long key']] },
  { key: 'setrange', setup: [['SETRANGE', 'setrange', 5000, 'x']] },
  {
    key: 'append', setup: [['SET', 'append', 'hello'], ['APPEND', 'append', ' world'], ['APPEND', 'append', 'again']],
    approx: 'APPEND capacity: Redis grows the sds greedily from an exact copy, our buffer from its own capacity',
  },
  // Lists (quicklist in 7.0).
  { key: 'l1', setup: [['RPUSH', 'l1', 'a']] },
  { key: 'lsmall', setup: [['RPUSH', 'lsmall', 'a', 1, 300, -5000, 70000, 'x'.repeat(100), '3.5']] },
  { key: 'lrpush', setup: [['RPUSH', 'lrpush', ...range(10000, (i) => `element:${i}`)]] },
  { key: 'lrpush', setup: [], opts: ['SAMPLES', 0] },
  { key: 'lints', setup: [['RPUSH', 'lints', ...range(10000, (i) => i * 7)]] },
  {
    key: 'llpush', setup: [['LPUSH', 'llpush', ...range(10000, (i) => `element:${i}`)]],
    approx: 'LPUSH fills nodes from the head: Redis samples a partly filled first node, we pack from the head',
  },
  { key: 'lbig', setup: [['RPUSH', 'lbig', ...range(100, (i) => `${i}`.padEnd(3000, 'v'))]] },
  // Hashes.
  { key: 'hlp', setup: [['HSET', 'hlp', 'f1', 'v1', 'f2', 123, 'n', -70000, 'long', 'w'.repeat(60)]] },
  { key: 'hlp64', setup: [['HSET', 'hlp64', 'f', 'w'.repeat(64)]] },
  {
    key: 'hht', setup: [['HSET', 'hht', ...range(2000, (i) => (i % 2 === 0 ? `field:${i / 2}` : `value:${i}`))]],
    approx: 'hashtable: Redis samples the first buckets (a different order) and may be mid-rehash',
  },
  {
    key: 'hht', setup: [], opts: ['SAMPLES', 0],
    approx: 'hashtable: the table may be mid-rehash in Redis (both tables counted)',
  },
  { key: 'hlong', setup: [['HSET', 'hlong', 'f', 'w'.repeat(100)]] },
  // Sets.
  { key: 'sint', setup: [['SADD', 'sint', 1, 2, 3, -100]] },
  { key: 'sint32', setup: [['SADD', 'sint32', 1, 100000]] },
  { key: 'sint64', setup: [['SADD', 'sint64', 1, '9223372036854775807']] },
  { key: 'sbigint', setup: [['SADD', 'sbigint', ...range(500, (i) => i * 3)]] },
  { key: 'shtsmall', setup: [['SADD', 'shtsmall', 'a', 'b', 'c']] },
  {
    key: 'sht', setup: [['SADD', 'sht', ...range(1000, (i) => `member:${i}`)]],
    approx: 'hashtable: Redis may be mid-rehash (both tables counted)',
  },
  {
    key: 'sconv', setup: [['SADD', 'sconv', ...range(600, (i) => i)]],
    approx: 'converted from an intset: Redis pre-sizes the table, then may be mid-rehash',
  },
  // Sorted sets.
  { key: 'zlp', setup: [['ZADD', 'zlp', 1, 'a', 2.5, 'b', -3, 'c', 1e20, 'd', 100000, 'e', '-inf', 'f']] },
  {
    key: 'zsl', setup: [['ZADD', 'zsl', ...range(2000, (i) => (i % 2 === 0 ? i / 2 + 0.5 : `member:${i}`))]],
    approx: 'skiplist: node levels are random, and the dict may be mid-rehash in Redis',
  },
  {
    key: 'zsl', setup: [], opts: ['SAMPLES', 0],
    approx: 'skiplist: node levels are random, and the dict may be mid-rehash in Redis',
  },
  {
    key: 'zlong', setup: [['ZADD', 'zlong', 1, 'm'.repeat(65)]],
    approx: 'skiplist: node levels are random',
  },
];

function intReply(raw: string): number {
  expect(raw[0]).toBe(':');
  return Number(raw.slice(1, -2));
}

describe.skipIf(!HAVE_REDIS_SERVER)('MEMORY vs real Redis', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => { srv = await startTestServer(); real = await startRealRedis(); });
  afterAll(async () => { await srv.close(); await real.close(); });

  it('MEMORY USAGE estimates match Redis 7.0 for every type and encoding', async () => {
    const cmds: Cmd[] = [['FLUSHALL']];
    const probes: number[] = [];
    for (const c of cases) {
      cmds.push(...c.setup);
      probes.push(cmds.length);
      cmds.push(['MEMORY', 'USAGE', c.key, ...(c.opts ?? [])]);
    }
    const d = await differential(srv.port, real.port, cmds);
    const bad: string[] = [];
    cases.forEach((c, i) => {
      const ours = intReply(d.ours[probes[i]!]!);
      const theirs = intReply(d.theirs[probes[i]!]!);
      const name = `${c.key.slice(0, 12)} ${(c.opts ?? []).join(' ')}`;
      if (c.approx === undefined ? ours !== theirs : Math.abs(ours - theirs) > theirs * 0.2) {
        bad.push(`${name}: ours ${ours}, Redis ${theirs}${c.approx === undefined ? ' (exact expected)' : ''}`);
      }
    });
    // MEM_DEBUG=1 prints every case: key, our estimate, Redis's answer.
    if (process.env.MEM_DEBUG) console.log(cases.map((c, i) => `${c.key.slice(0, 12)} ${intReply(d.ours[probes[i]!]!)} ${intReply(d.theirs[probes[i]!]!)}`).join("\n"));
    expect(bad).toEqual([]);
  });

  it('errors and edge cases are the same', async () => {
    await expectSameReplies(srv.port, real.port, [
      ['FLUSHALL'],
      ['RPUSH', 'l', 'a', 'b'],
      ['MEMORY', 'USAGE', 'missing'],
      ['MEMORY', 'USAGE', 'missing', 'SAMPLES', 3],
      ['MEMORY', 'USAGE', 'l', 'SAMPLES', 0],
      ['MEMORY', 'USAGE', 'l', 'samples', 1],
      ['MEMORY', 'USAGE', 'l', 'SaMpLeS', 0, 'SAMPLES', 9],
      ['MEMORY', 'USAGE', 'l', 'SAMPLES'],
      ['MEMORY', 'USAGE', 'l', 'SAMPLES', -1],
      ['MEMORY', 'USAGE', 'l', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'l', 'SAMPLES', '1.5'],
      ['MEMORY', 'USAGE', 'l', 'SAMPLES', '99999999999999999999'],
      ['MEMORY', 'USAGE', 'missing', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'missing', 'SAMPLES', -1],
      ['MEMORY', 'USAGE', 'l', 'foo'],
      ['MEMORY', 'USAGE', 'l', 'SAMPLES', 1, 'foo'],
      ['MEMORY', 'USAGE'],
      ['MEMORY'],
      ['MEMORY', 'foo'],
      ['MEMORY', 'HELP'],
      ['MEMORY', 'help', 'extra'],
      ['MEMORY', 'PURGE'],
      ['MEMORY', 'PURGE', 'x'],
      ['MEMORY', 'DOCTOR'],
      ['MEMORY', 'DOCTOR', 'x'],
      ['HELLO', 3],
      ['MEMORY', 'DOCTOR'],
      ['MEMORY', 'USAGE', 'missing'],
    ]);
  });

  it('MEMORY USAGE does not count keyspace hits or misses', async () => {
    const c = await RawClient.connect(srv.port);
    try {
      await c.call('SET', 'k', 'v');
      const before = await c.callRaw('INFO', 'stats');
      await c.call('MEMORY', 'USAGE', 'k');
      await c.call('MEMORY', 'USAGE', 'nokey');
      const after = await c.callRaw('INFO', 'stats');
      const field = (s: string, f: string) => new RegExp(`${f}:(\\d+)`).exec(s)?.[1];
      expect(field(after, 'keyspace_hits')).toBe(field(before, 'keyspace_hits'));
      expect(field(after, 'keyspace_misses')).toBe(field(before, 'keyspace_misses'));
    } finally {
      c.close();
    }
  });
});
