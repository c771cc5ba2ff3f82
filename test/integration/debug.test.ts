// DEBUG against real Redis 7.0: the enable-debug-command gate, DIGEST and
// DIGEST-VALUE over datasets of every type in both encodings (equal digests
// on both servers), RELOAD and LOADAOF keeping the dataset, POPULATE, SLEEP,
// SET-ACTIVE-EXPIRE, OBJECT's line and HELP.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client.js';
import { debugAllowed } from '../../src/commands/debug.js';
import { sha1Hex } from '../../src/keyspace/digest.js';
import {
  expectSameReplies, HAVE_REDIS_SERVER, RawClient, recordPropagation, startRealRedis, startTestServer,
  type RealRedisServer, type TestServer,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping DEBUG differential tests: redis-server not installed');

type Cmd = (string | number)[];

const range = (n: number, f: (i: number) => string | number): (string | number)[] =>
  Array.from({ length: n }, (_, i) => f(i));

/** A dataset covering every type in both encodings, TTLs, binary values, several databases. */
const DATASET: Cmd[] = [
  ['SET', 'int', 12345], ['SET', 'neg', -7], ['SET', 'emb', 'hello'], ['SET', 'raw', 'r'.repeat(100)],
  ['SET', 'bin', '\x00\xff\r\n\x80binary'], ['SET', 'empty', ''], ['SET', 'big', '9'.repeat(30)],
  ['APPEND', 'appended', 'abc'], ['APPEND', 'appended', 'def'],
  ['RPUSH', 'list', 'a', 'b', 'c', 1, 2, '\x00'],
  ['RPUSH', 'biglist', ...range(600, (i) => `e${i}`)],
  ['LPUSH', 'lpushed', ...range(300, (i) => i)],
  ['SADD', 'intset', 1, 2, 3, -100, 99999],
  ['SADD', 'hset', 'x', 'y', 'z', '\xfe'],
  ['SADD', 'bigset', ...range(600, (i) => i)],
  ['HSET', 'hash', 'f1', 'v1', 'f2', 2, '\x00', '\xff'],
  ['HSET', 'bighash', ...range(300, (i) => (i % 2 === 0 ? `f${i}` : `v${i}`))],
  ['HSET', 'longhash', 'f', 'v'.repeat(100)],
  ['ZADD', 'zset', 1, 'a', 2.5, 'b', -0.1, 'c', 0, 'd', '1e300', 'e', '-inf', 'f', 'inf', 'g', 3, 4],
  ['ZADD', 'bigzset', ...range(400, (i) => (i % 2 === 0 ? i / 7 : `m${i}`))],
  ['ZADD', 'longzset', 1.5, 'm'.repeat(100)],
  ['SET', 'ttl', 'v', 'EX', 100000],
  ['RPUSH', 'ttllist', 'x'], ['PEXPIRE', 'ttllist', 99999999],
  ['SELECT', 3],
  ['SET', 'int', 12345], ['SADD', 'db3set', 'a'], ['HSET', 'h', 'a', 'b'],
  ['SELECT', 15],
  ['ZADD', 'z', 0.1, 'x'],
  ['SELECT', 0],
];
const KEYS = [
  'int', 'neg', 'emb', 'raw', 'bin', 'empty', 'big', 'appended', 'list', 'biglist', 'lpushed', 'intset', 'hset',
  'bigset', 'hash', 'bighash', 'longhash', 'zset', 'bigzset', 'longzset', 'ttl', 'ttllist', 'missing',
];

/** Run commands on a fresh connection, returning the raw replies. */
async function run(port: number, cmds: readonly Cmd[]): Promise<string[]> {
  const c = await RawClient.connect(port);
  const out: string[] = [];
  try {
    for (const cmd of cmds) out.push(await c.callRaw(...cmd));
  } finally {
    c.close();
  }
  return out;
}

async function one(port: number, ...cmd: Cmd): Promise<string> {
  return (await run(port, [cmd]))[0]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the digest\'s SHA1', () => {
  it('equals node:crypto\'s for every length across the block boundaries', () => {
    const bytes = Buffer.alloc(300);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 0xff;
    for (let n = 0; n <= 300; n++) {
      const b = bytes.subarray(0, n);
      const want = createHash('sha1').update(b).digest('hex');
      expect(sha1Hex(b), `length ${n}`).toBe(want);
      expect(sha1Hex(b.latin1Slice(0, n)), `length ${n} (string)`).toBe(want);
    }
    const big = 'x'.repeat(100000);
    expect(sha1Hex(big)).toBe(createHash('sha1').update(big, 'latin1').digest('hex'));
  });
});

describe.skipIf(!HAVE_REDIS_SERVER)('DEBUG gate (enable-debug-command)', () => {
  let off: TestServer;
  let local: TestServer;
  let realOff: RealRedisServer;
  let realLocal: RealRedisServer;
  beforeAll(async () => {
    off = await startTestServer();
    local = await startTestServer({ config: { 'enable-debug-command': 'local' } });
    realOff = await startRealRedis();
    realLocal = await startRealRedis(['--enable-debug-command', 'local']);
  });
  afterAll(async () => {
    await off?.close();
    await local?.close();
    await realOff?.close();
    await realLocal?.close();
  });

  it('refuses DEBUG by default with Redis\'s error; the directive is immutable', async () => {
    const cmds: Cmd[] = [
      ['DEBUG', 'DIGEST'], ['DEBUG', 'HELP'], ['DEBUG', 'nosuch'], ['DEBUG'],
      ['CONFIG', 'GET', 'enable-debug-command'], ['CONFIG', 'SET', 'enable-debug-command', 'yes'],
    ];
    await expectSameReplies(off.port, realOff.port, cmds);
    expect(await one(off.port, 'DEBUG', 'DIGEST')).toBe(
      '-ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a ' +
      'local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n');
  });

  it('"local" allows loopback connections', async () => {
    await expectSameReplies(local.port, realLocal.port, [
      ['DEBUG', 'DIGEST'], ['CONFIG', 'GET', 'enable-debug-command'],
    ]);
    expect(await one(local.port, 'DEBUG', 'DIGEST')).toBe(`+${'0'.repeat(40)}\r\n`);
  });

  it('"local" refuses other addresses; "yes" allows any', () => {
    const fake = (mode: string, ip: string | null) => ({
      server: { config: { get: () => mode } },
      socket: ip === null ? null : { remoteAddress: ip },
    }) as unknown as Client;
    expect(debugAllowed(fake('local', '10.1.2.3'))).toBe(false);
    expect(debugAllowed(fake('local', '::ffff:192.168.0.1'))).toBe(false);
    expect(debugAllowed(fake('local', '::1'))).toBe(true);
    expect(debugAllowed(fake('local', '::ffff:127.0.0.1'))).toBe(true);
    expect(debugAllowed(fake('local', null))).toBe(true);
    expect(debugAllowed(fake('yes', '10.1.2.3'))).toBe(true);
    expect(debugAllowed(fake('no', '127.0.0.1'))).toBe(false);
  });
});

describe.skipIf(!HAVE_REDIS_SERVER)('DEBUG against Redis 7.0', () => {
  let srv: TestServer;
  let real: RealRedisServer;
  beforeAll(async () => {
    srv = await startTestServer({ config: { 'enable-debug-command': 'yes' } });
    real = await startRealRedis(['--enable-debug-command', 'yes']);
  });
  afterAll(async () => {
    await srv?.close();
    await real?.close();
  });

  const both = async (cmds: Cmd[]): Promise<void> => {
    await run(srv.port, cmds);
    await run(real.port, cmds);
  };

  it('HELP, errors and argument checks as Redis', async () => {
    await expectSameReplies(srv.port, real.port, [
      ['FLUSHALL'],
      ['DEBUG', 'HELP'], ['DEBUG', 'help', 'x'], ['DEBUG'], ['DEBUG', 'nosuch'], ['DEBUG', 'digest', 'x'],
      ['DEBUG', 'DIGEST'], ['DEBUG', 'DIGEST-VALUE'], ['DEBUG', 'DIGEST-VALUE', 'nokey'],
      ['DEBUG', 'OBJECT', 'nokey'], ['DEBUG', 'OBJECT'], ['DEBUG', 'SLEEP'], ['DEBUG', 'SLEEP', 'abc'],
      ['DEBUG', 'SLEEP', '0'], ['DEBUG', 'SLEEP', '-1'],
      ['DEBUG', 'POPULATE'], ['DEBUG', 'POPULATE', -1], ['DEBUG', 'POPULATE', 'x'], ['DEBUG', 'POPULATE', 0],
      ['DEBUG', 'POPULATE', 1, 'p', -2], ['DEBUG', 'POPULATE', 1, 'p', 1, 1],
      ['DEBUG', 'RELOAD', 'bogus'], ['DEBUG', 'SET-ACTIVE-EXPIRE'], ['DEBUG', 'SET-ACTIVE-EXPIRE', 1],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 0], ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '5gb'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 'x'], ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1kb'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 0],
      ['DEBUG', 'CHANGE-REPL-ID'], ['DEBUG', 'LOG', 'hello'], ['DEBUG', 'ERROR', 'MYERR custom\r\ntext'],
      ['DEBUG', 'DIGEST'],
    ]);
  });

  it('DIGEST and DIGEST-VALUE equal Redis\'s for every type and encoding, TTLs and several databases', async () => {
    await both([['FLUSHALL'], ...DATASET]);
    // Both encodings of each type are really there.
    await expectSameReplies(srv.port, real.port, KEYS.map((k) => ['OBJECT', 'ENCODING', k]));
    await expectSameReplies(srv.port, real.port, [
      ['DEBUG', 'DIGEST'],
      ['DEBUG', 'DIGEST-VALUE', ...KEYS],
      ['SELECT', 3], ['DEBUG', 'DIGEST-VALUE', 'int', 'db3set', 'h'],
    ]);
    const d = await one(srv.port, 'DEBUG', 'DIGEST');
    expect(d).toMatch(/^\+[0-9a-f]{40}\r\n$/);
    expect(d).not.toBe(`+${'0'.repeat(40)}\r\n`);
    // Order matters for lists, not for sets; a TTL changes the digest, its time does not.
    await expectSameReplies(srv.port, real.port, [
      ['RPUSH', 'l2', 'b', 'a'], ['RPUSH', 'l3', 'a', 'b'], ['DEBUG', 'DIGEST-VALUE', 'l2', 'l3'],
      ['SADD', 's2', 'b', 'a'], ['SADD', 's3', 'a', 'b'], ['DEBUG', 'DIGEST-VALUE', 's2', 's3'],
      ['EXPIRE', 'l2', 1000], ['DEBUG', 'DIGEST-VALUE', 'l2'], ['EXPIRE', 'l2', 5000], ['DEBUG', 'DIGEST-VALUE', 'l2'],
      ['DEBUG', 'DIGEST'], ['SWAPDB', 0, 1], ['DEBUG', 'DIGEST'], ['SWAPDB', 0, 1], ['DEBUG', 'DIGEST'],
    ]);
  });

  it('RELOAD keeps the content and the TTLs; options as Redis', async () => {
    // Active expiry off, so that 'gone' is still in the dictionary when saved.
    await both([['FLUSHALL'], ['DEBUG', 'SET-ACTIVE-EXPIRE', 0], ...DATASET, ['SET', 'gone', 'x', 'PX', 1]]);
    await sleep(5);
    const before = await one(srv.port, 'DEBUG', 'DIGEST');
    await expectSameReplies(srv.port, real.port, [
      ['DEBUG', 'RELOAD'], ['DEBUG', 'DIGEST'], ['DBSIZE'], ['EXISTS', 'gone'],
      ['DEBUG', 'DIGEST-VALUE', ...KEYS], ['OBJECT', 'ENCODING', 'bigzset'],
    ]);
    await both([['DEBUG', 'SET-ACTIVE-EXPIRE', 1]]);
    // The expired key was saved then skipped by the load (Redis's master rule): the rest is unchanged.
    await run(srv.port, [['DEBUG', 'RELOAD']]);
    const after = await one(srv.port, 'DEBUG', 'DIGEST');
    await run(srv.port, [['DEBUG', 'RELOAD']]);
    expect(await one(srv.port, 'DEBUG', 'DIGEST')).toBe(after);
    expect(after).not.toBe(before); // 'gone' was in the dictionary before the first reload
    const ttl = Number((await one(srv.port, 'PTTL', 'ttl')).slice(1));
    expect(ttl).toBeGreaterThan(99990000);
    expect(ttl).toBeLessThanOrEqual(100000000);
    // NOSAVE / NOFLUSH / MERGE.
    await expectSameReplies(srv.port, real.port, [
      ['SET', 'emb', 'changed'], ['SET', 'newkey', 1],
      ['DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE'], ['GET', 'emb'], ['GET', 'newkey'], ['DEBUG', 'DIGEST'],
      ['SET', 'emb', 'changed'], ['DEBUG', 'RELOAD', 'NOSAVE'], ['GET', 'emb'], ['EXISTS', 'newkey'], ['DEBUG', 'DIGEST'],
    ]);
  });

  it('POPULATE as Redis, skipping existing keys', async () => {
    await both([['FLUSHALL'], ['SET', 'key:5', 'mine'], ['SET', 'key:7', 'x', 'PX', 1]]);
    await sleep(5);
    await expectSameReplies(srv.port, real.port, [
      ['DEBUG', 'POPULATE', 1000], ['DBSIZE'], ['GET', 'key:5'], ['GET', 'key:7'], ['GET', 'key:999'],
      ['DEBUG', 'POPULATE', 10, 'p', 20], ['GET', 'p:3'], ['DEBUG', 'POPULATE', 5, 'q', 2], ['GET', 'q:4'],
      ['DEBUG', 'POPULATE', 3, 'x'.repeat(200)], ['DBSIZE'],
      ['OBJECT', 'ENCODING', 'key:1'], ['OBJECT', 'ENCODING', 'p:1'], ['DEBUG', 'DIGEST'],
    ]);
  });

  it('SLEEP blocks the whole server', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    try {
      const t0 = performance.now();
      const slept = a.callRaw('DEBUG', 'SLEEP', '0.3');
      await sleep(20);
      expect(await b.callRaw('PING')).toBe('+PONG\r\n');
      const waited = performance.now() - t0;
      expect(await slept).toBe('+OK\r\n');
      expect(waited).toBeGreaterThanOrEqual(280);
    } finally {
      a.close();
      b.close();
    }
  });

  it('SET-ACTIVE-EXPIRE 0 keeps expired keys stored until accessed', async () => {
    const setup: Cmd[] = [['FLUSHALL'], ['DEBUG', 'SET-ACTIVE-EXPIRE', 0]];
    for (let i = 0; i < 50; i++) setup.push(['SET', `e${i}`, i, 'PX', 10]);
    await both(setup);
    await sleep(400);
    await expectSameReplies(srv.port, real.port, [['DBSIZE'], ['GET', 'e1'], ['DBSIZE']]);
    expect(await one(srv.port, 'DBSIZE')).toBe(':49\r\n');
    const again: Cmd[] = [['DEBUG', 'SET-ACTIVE-EXPIRE', 1]];
    for (let i = 0; i < 50; i++) again.push(['PEXPIRE', `e${i}`, 10]);
    await both(again);
    await sleep(600);
    await expectSameReplies(srv.port, real.port, [['DBSIZE']]);
    expect(await one(srv.port, 'DBSIZE')).toBe(':0\r\n');
  });

  it('OBJECT: the same fields, encoding, serializedlength and quicklist fields as Redis', async () => {
    await both([['FLUSHALL'], ...DATASET, ['SET', 'compressible', 'ab'.repeat(100)], ['SET', 'shared', 42]]);
    const keys = [...KEYS.filter((k) => k !== 'missing'), 'compressible', 'shared'];
    const norm = (s: string) => s
      .replace(/^\+Value at:0x[0-9a-f]+ /, '+Value at:ADDR ')
      .replace(/ lru:\d+ lru_seconds_idle:\d+/, ' lru:N lru_seconds_idle:N');
    const cmds = keys.map((k) => ['DEBUG', 'OBJECT', k]);
    const ours = (await run(srv.port, cmds)).map(norm);
    const theirs = (await run(real.port, cmds)).map(norm);
    expect(keys.map((k, i) => [k, ours[i]])).toEqual(keys.map((k, i) => [k, theirs[i]]));
    for (const line of ours) {
      expect(line).toMatch(/^\+Value at:ADDR refcount:\d+ encoding:\S+ serializedlength:\d+ lru:N lru_seconds_idle:N/);
    }
    const raw = await one(srv.port, 'DEBUG', 'OBJECT', 'list');
    expect(raw).toMatch(/^\+Value at:0x[0-9a-f]+ refcount:1 encoding:quicklist serializedlength:\d+ lru:\d+ lru_seconds_idle:\d+ ql_nodes:1 ql_avg_node:6\.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:\d+\r\n$/);
  });
});

describe.skipIf(!HAVE_REDIS_SERVER)('DEBUG LOADAOF', () => {
  let srv: TestServer;
  let real: RealRedisServer;
  beforeAll(async () => {
    srv = await startTestServer({ inMemory: false, config: { 'enable-debug-command': 'yes', appendonly: 'yes' } });
    real = await startRealRedis(['--enable-debug-command', 'yes', '--appendonly', 'yes']);
  });
  afterAll(async () => {
    await srv?.close();
    await real?.close();
  });

  it('reloads the dataset from the AOF, unchanged', async () => {
    const cmds: Cmd[] = [...DATASET, ['INCR', 'counter'], ['DEL', 'emb'], ['MULTI'], ['SET', 'a', 1], ['LPUSH', 'q', 1], ['EXEC']];
    await run(srv.port, cmds);
    await run(real.port, cmds);
    const before = await one(srv.port, 'DEBUG', 'DIGEST');
    await expectSameReplies(srv.port, real.port, [
      ['DEBUG', 'DIGEST'], ['DEBUG', 'LOADAOF'], ['DEBUG', 'DIGEST'], ['DBSIZE'], ['EXISTS', 'ttl'],
    ]);
    expect(await one(srv.port, 'DEBUG', 'DIGEST')).toBe(before);
    // Writes after a reload still go to the AOF, and the reload itself is not logged.
    await run(srv.port, [['SET', 'after', 'x'], ['DEBUG', 'LOADAOF']]);
    expect(await one(srv.port, 'GET', 'after')).toBe('$1\r\nx\r\n');
  });
});

describe('DEBUG and propagation', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ config: { 'enable-debug-command': 'yes' } });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('POPULATE, RELOAD and the rest are not replicated; changed keys touch WATCH', async () => {
    const rec = recordPropagation(srv.server);
    await run(srv.port, [
      ['SET', 'a', 1], ['DEBUG', 'POPULATE', 5], ['DEBUG', 'RELOAD'], ['DEBUG', 'DIGEST'], ['DEBUG', 'RELOAD', 'NOSAVE'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', 1], ['DEBUG', 'OBJECT', 'a'], ['SET', 'b', 2],
    ]);
    rec.stop();
    expect(rec.ops).toEqual([['SET', 'a', '1'], ['SET', 'b', '2']]);
    const replies = await run(srv.port, [
      ['WATCH', 'key:7'], ['DEBUG', 'POPULATE', 10], ['MULTI'], ['PING'], ['EXEC'],
    ]);
    expect(replies[4]).toBe('*-1\r\n');
  });
});

describe('DEBUG LOADAOF without an AOF', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ config: { 'enable-debug-command': 'yes' } });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('answers an error (Redis exits) and leaves the server running', async () => {
    await run(srv.port, [['SET', 'k', 'v']]);
    expect(await one(srv.port, 'DEBUG', 'LOADAOF')).toBe('-ERR DEBUG LOADAOF failed: no append only file to load\r\n');
    expect(await one(srv.port, 'PING')).toBe('+PONG\r\n');
  });
});
