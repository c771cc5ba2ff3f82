// The data types as a user of the client libraries sees them: lists, hashes,
// sets and sorted sets driven through ioredis (RESP2, RESP3) and node-redis
// (RESP2, RESP3), blocking commands served by another client's push, a small
// BLMOVE job queue, and type errors. Each deterministic scenario runs the same
// client code against a real Redis first (checking the expectations written
// here) and then against mini-redis, and the JS values both give must match.

import { Redis, ReplyError } from 'ioredis';
import { ErrorReply, createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealRedis, startTestServer, type RealRedisServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let real: RealRedisServer;
beforeAll(async () => {
  [srv, real] = await Promise.all([startTestServer(), startRealRedis()]);
});
afterAll(async () => {
  await srv?.close();
  await real?.close();
});

type Protocol = 2 | 3;
type NodeClient = ReturnType<typeof createClient<{}, {}, {}, Protocol>>;
type Out = Record<string, unknown>;

async function ioClient(port: number, protocol: Protocol): Promise<Redis> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, protocol, maxRetriesPerRequest: 0 });
  await r.connect();
  return r;
}

async function nodeClient(port: number, RESP: Protocol): Promise<NodeClient> {
  const c: NodeClient = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
  c.on('error', () => {});
  await c.connect();
  return c;
}

/** Strings sorted, for replies whose order Redis leaves unspecified. */
function sorted(v: unknown): string[] {
  expect(Array.isArray(v)).toBe(true);
  return [...(v as unknown[])].map(String).sort();
}

/** The structure of a value with its random content blanked out. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v instanceof Map) return ['Map', v.size];
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}

/** Pairs of a flat [a, b, a, b] or nested [[a, b], ...] reply. */
function pairs(v: unknown): [string, string][] {
  const a = v as unknown[];
  if (a.length > 0 && Array.isArray(a[0])) return (a as unknown[][]).map((p) => [String(p[0]), String(p[1])]);
  const out: [string, string][] = [];
  for (let i = 0; i < a.length; i += 2) out.push([String(a[i]), String(a[i + 1])]);
  return out;
}

interface Lib {
  name: string;
  io: boolean;
  protocol: Protocol;
}
const LIBS: Lib[] = [
  { name: 'ioredis RESP2', io: true, protocol: 2 },
  { name: 'ioredis RESP3', io: true, protocol: 3 },
  { name: 'node-redis RESP2', io: false, protocol: 2 },
  { name: 'node-redis RESP3', io: false, protocol: 3 },
];

type IoScenario = (r: Redis, k: string, protocol: Protocol) => Promise<Out>;
type NodeScenario = (c: NodeClient, k: string, protocol: Protocol) => Promise<Out>;

/** Run a scenario on real Redis, then on mini-redis; both must give the same values. */
async function differential(lib: Lib, kind: string, io: IoScenario, node: NodeScenario): Promise<Out> {
  const k = `${lib.name}:${kind}:`;
  const runOn = async (port: number): Promise<Out> => {
    if (lib.io) {
      const r = await ioClient(port, lib.protocol);
      try {
        return await io(r, k, lib.protocol);
      } finally {
        r.disconnect();
      }
    }
    const c = await nodeClient(port, lib.protocol);
    try {
      return await node(c, k, lib.protocol);
    } finally {
      c.destroy();
    }
  };
  const theirs = await runOn(real.port);
  const ours = await runOn(srv.port);
  expect(ours).toEqual(theirs);
  return ours;
}

// ---------------------------------------------------------------- lists

const listIo: IoScenario = async (r, k) => {
  const L = `${k}l`;
  const D = `${k}dst`;
  const o: Out = {};
  o.rpush = await r.rpush(L, 'a', 'b', 'c');
  o.lpush = await r.lpush(L, 'z', 'y');
  o.rpush2 = await r.rpush(L, 'a', 'b');
  o.all = await r.lrange(L, 0, -1);
  expect(o.all).toEqual(['y', 'z', 'a', 'b', 'c', 'a', 'b']);
  o.lpos = await r.lpos(L, 'a');
  o.lposRank = await r.lpos(L, 'a', 'RANK', -1);
  o.lposCount = await r.lpos(L, 'b', 'COUNT', 0);
  o.lposMissing = await r.lpos(L, 'nope');
  expect([o.lpos, o.lposRank, o.lposCount, o.lposMissing]).toEqual([2, 5, [3, 6], null]);
  o.linsert = await r.linsert(L, 'BEFORE', 'c', 'c0');
  o.linsertMissingPivot = await r.linsert(L, 'AFTER', 'nope', 'x');
  expect([o.linsert, o.linsertMissingPivot]).toEqual([8, -1]);
  o.lmove1 = await r.lmove(L, D, 'LEFT', 'RIGHT');
  o.lmove2 = await r.lmove(L, D, 'RIGHT', 'LEFT');
  o.lmoveEmpty = await r.lmove(`${k}none`, D, 'LEFT', 'LEFT');
  o.dst = await r.lrange(D, 0, -1);
  expect(o.dst).toEqual(['b', 'y']);
  o.ltrim = await r.ltrim(L, 1, -2);
  o.trimmed = await r.lrange(L, 0, -1);
  expect(o.trimmed).toEqual(['a', 'b', 'c0', 'c']);
  o.lrangeNeg = await r.lrange(L, -2, 100);
  o.lindex = await r.lindex(L, -1);
  o.lset = await r.lset(L, 0, 'A');
  o.lrem = await r.lrem(L, 0, 'c0');
  o.lpopCount = await r.lpop(L, 2);
  o.rpop = await r.rpop(L);
  o.llenGone = await r.llen(L);
  o.existsGone = await r.exists(L);
  o.lpopEmpty = await r.lpop(L);
  expect(o.lpopCount).toEqual(['A', 'b']);
  // A pipeline of list commands.
  const p = await r.pipeline().rpush(L, '1', '2', '3').lrange(L, 0, -1).lpos(L, '3').rpoplpush(L, D).llen(L).lrange(D, 0, -1).exec();
  o.pipeline = p;
  expect(p!.map(([e]) => e)).toEqual([null, null, null, null, null, null]);
  return o;
};

const listNode: NodeScenario = async (c, k) => {
  const L = `${k}l`;
  const D = `${k}dst`;
  const o: Out = {};
  o.rpush = await c.rPush(L, ['a', 'b', 'c']);
  o.lpush = await c.lPush(L, ['z', 'y']);
  o.rpush2 = await c.rPush(L, ['a', 'b']);
  o.all = await c.lRange(L, 0, -1);
  expect(o.all).toEqual(['y', 'z', 'a', 'b', 'c', 'a', 'b']);
  o.lpos = await c.lPos(L, 'a');
  o.lposRank = await c.lPos(L, 'a', { RANK: -1 });
  o.lposCount = await c.lPosCount(L, 'b', 0);
  o.lposMaxlen = await c.lPosCount(L, 'a', 0, { MAXLEN: 3 });
  o.lposMissing = await c.lPos(L, 'nope');
  expect([o.lpos, o.lposRank, o.lposCount, o.lposMaxlen, o.lposMissing]).toEqual([2, 5, [3, 6], [2], null]);
  o.linsert = await c.lInsert(L, 'BEFORE', 'c', 'c0');
  o.linsertMissingPivot = await c.lInsert(L, 'AFTER', 'nope', 'x');
  o.lmove1 = await c.lMove(L, D, 'LEFT', 'RIGHT');
  o.lmove2 = await c.lMove(L, D, 'RIGHT', 'LEFT');
  o.dst = await c.lRange(D, 0, -1);
  expect(o.dst).toEqual(['b', 'y']);
  o.ltrim = await c.lTrim(L, 1, -2);
  o.trimmed = await c.lRange(L, 0, -1);
  expect(o.trimmed).toEqual(['a', 'b', 'c0', 'c']);
  o.lpopCount = await c.lPopCount(L, 3);
  o.rpopCount = await c.rPopCount(L, 5);
  o.lpopCountMissing = await c.lPopCount(L, 2);
  o.lpushx = await c.lPushX(L, 'q');
  // Concurrent commands go out as one automatic pipeline.
  o.pipeline = await Promise.all([
    c.rPush(L, ['1', '2', '3']), c.lRange(L, 0, -1), c.lIndex(L, 1), c.lLen(L), c.rPopLPush(L, D), c.lRange(D, 0, -1),
  ]);
  expect(o.pipeline).toEqual([3, ['1', '2', '3'], '2', 3, '3', ['3', 'b', 'y']]);
  return o;
};

// ---------------------------------------------------------------- hashes

const hashIo: IoScenario = async (r, k) => {
  const H = `${k}user`;
  const o: Out = {};
  o.hset = await r.hset(H, { name: 'ada', age: '36', lang: 'ts' });
  o.hsetUpdate = await r.hset(H, 'lang', 'js', 'city', 'london');
  o.hgetall = await r.hgetall(H);
  expect(o.hgetall).toEqual({ name: 'ada', age: '36', lang: 'js', city: 'london' });
  o.hgetallMissing = await r.hgetall(`${k}none`);
  o.hget = await r.hget(H, 'name');
  o.hgetMissing = await r.hget(H, 'nope');
  o.hmget = await r.hmget(H, 'name', 'nope', 'age');
  o.hincrby = await r.hincrby(H, 'age', 1);
  o.hincrbyNew = await r.hincrby(H, 'visits', -5);
  o.hincrbyfloat = await r.hincrbyfloat(H, 'score', 1.5);
  o.hincrbyfloat2 = await r.hincrbyfloat(H, 'score', 0.1);
  o.hincrbyfloatExp = await r.hincrbyfloat(H, 'big', '5.0e3');
  o.hincrbyfloatOnInt = await r.hincrbyfloat(H, 'age', '-0.5');
  expect([o.hincrby, o.hincrbyNew, o.hincrbyfloat, o.hincrbyfloat2, o.hincrbyfloatExp, o.hincrbyfloatOnInt])
    .toEqual([37, -5, '1.5', '1.6', '5000', '36.5']);
  o.hsetnx = [await r.hsetnx(H, 'name', 'x'), await r.hsetnx(H, 'nick', 'a')];
  o.hexists = [await r.hexists(H, 'nick'), await r.hexists(H, 'nope')];
  o.hstrlen = await r.hstrlen(H, 'city');
  o.hdel = await r.hdel(H, 'nick', 'nope', 'big');
  o.hlen = await r.hlen(H);
  o.hkeys = await r.hkeys(H);
  o.hvals = await r.hvals(H);
  const fields = (o.hkeys as string[]);
  // HRANDFIELD: random members, so compare the structure and check membership.
  const one = await r.hrandfield(H);
  expect(fields).toContain(one);
  const two = await r.hrandfield(H, 2);
  expect(new Set(two as string[]).size).toBe(2);
  const many = await r.hrandfield(H, -10);
  expect((many as string[]).length).toBe(10);
  const withValues = await r.hrandfield(H, 3, 'WITHVALUES');
  for (const [f, v] of pairs(withValues)) expect(await r.hget(H, f)).toBe(v);
  expect(pairs(withValues)).toHaveLength(3);
  o.hrandShapes = [shape(one), shape(two), shape(many), shape(withValues)];
  o.hrandMissing = await r.hrandfield(`${k}none`);
  o.hrandMissingCount = await r.hrandfield(`${k}none`, 3);
  o.pipeline = await r.pipeline().hset(`${k}p`, 'a', '1').hincrby(`${k}p`, 'a', 10).hgetall(`${k}p`).hmget(`${k}p`, 'a', 'b').exec();
  expect(o.pipeline).toEqual([[null, 1], [null, 11], [null, { a: '11' }], [null, ['11', null]]]);
  return o;
};

const hashNode: NodeScenario = async (c, k) => {
  const H = `${k}user`;
  const o: Out = {};
  o.hset = await c.hSet(H, { name: 'ada', age: '36', lang: 'ts' });
  o.hsetUpdate = await c.hSet(H, [['lang', 'js'], ['city', 'london']]);
  o.hgetall = await c.hGetAll(H);
  expect(o.hgetall).toEqual({ name: 'ada', age: '36', lang: 'js', city: 'london' });
  o.hgetallMissing = await c.hGetAll(`${k}none`);
  expect(o.hgetallMissing).toEqual({});
  o.hmget = await c.hmGet(H, ['name', 'nope', 'age']);
  o.hincrby = await c.hIncrBy(H, 'age', 1);
  o.hincrbyfloat = await c.hIncrByFloat(H, 'score', 1.5);
  o.hincrbyfloat2 = await c.hIncrByFloat(H, 'score', 0.1);
  o.hincrbyfloatNeg = await c.hIncrByFloat(H, 'score', -1.6);
  expect([o.hincrby, o.hincrbyfloat, o.hincrbyfloat2, o.hincrbyfloatNeg]).toEqual([37, '1.5', '1.6', '0']);
  o.hsetnx = [await c.hSetNX(H, 'name', 'x'), await c.hSetNX(H, 'nick', 'a')];
  o.hexists = [await c.hExists(H, 'nick'), await c.hExists(H, 'nope')];
  o.hdel = await c.hDel(H, ['nick', 'nope']);
  o.hlen = await c.hLen(H);
  o.hkeys = await c.hKeys(H);
  o.hvals = await c.hVals(H);
  const fields = o.hkeys as string[];
  const one = await c.hRandField(H);
  expect(fields).toContain(one);
  const two = await c.hRandFieldCount(H, 2);
  expect(new Set(two).size).toBe(2);
  const many = await c.hRandFieldCount(H, -7);
  expect(many).toHaveLength(7);
  const withValues = await c.hRandFieldCountWithValues(H, 3);
  expect(withValues).toHaveLength(3);
  for (const { field, value } of withValues) expect(await c.hGet(H, String(field))).toBe(value);
  o.hrandShapes = [shape(one), shape(two), shape(many), shape(withValues)];
  o.hrandMissing = await c.hRandField(`${k}none`);
  o.pipeline = await Promise.all([
    c.hSet(`${k}p`, 'a', '1'), c.hIncrBy(`${k}p`, 'a', 10), c.hGetAll(`${k}p`), c.hmGet(`${k}p`, ['a', 'b']),
  ]);
  expect(o.pipeline).toEqual([1, 11, { a: '11' }, ['11', null]]);
  return o;
};

// ---------------------------------------------------------------- sets

const setIo: IoScenario = async (r, k) => {
  const S = `${k}tags`;
  const T = `${k}other`;
  const o: Out = {};
  o.sadd = await r.sadd(S, 'red', 'green', 'blue', 'red');
  o.saddAgain = await r.sadd(S, 'blue', 'cyan');
  o.smembers = sorted(await r.smembers(S));
  expect(o.smembers).toEqual(['blue', 'cyan', 'green', 'red']);
  o.sismember = [await r.sismember(S, 'red'), await r.sismember(S, 'nope')];
  o.smismember = await r.smismember(S, 'red', 'nope', 'cyan');
  expect(o.smismember).toEqual([1, 0, 1]);
  o.scard = await r.scard(S);
  o.sadd2 = await r.sadd(T, 'red', 'cyan', 'black');
  o.sinter = sorted(await r.sinter(S, T));
  o.sunion = sorted(await r.sunion(S, T));
  o.sdiff = sorted(await r.sdiff(S, T));
  o.sinterstore = await r.sinterstore(`${k}both`, S, T);
  o.both = sorted(await r.smembers(`${k}both`));
  expect(o.both).toEqual(['cyan', 'red']);
  o.sinterstoreEmpty = await r.sinterstore(`${k}both`, S, `${k}none`);
  o.bothGone = await r.exists(`${k}both`);
  o.sintercard = await r.sintercard(2, S, T);
  o.smove = await r.smove(S, T, 'green');
  o.srem = await r.srem(S, 'blue', 'nope');
  // SPOP with a count: random, so check what was taken against what is left.
  await r.sadd(`${k}nums`, '1', '2', '3', '4', '5');
  const popped = await r.spop(`${k}nums`, 2);
  expect(popped).toHaveLength(2);
  const left = await r.smembers(`${k}nums`);
  expect([...popped, ...left].sort()).toEqual(['1', '2', '3', '4', '5']);
  o.spopShape = shape(popped);
  o.spopRestLength = (await r.spop(`${k}nums`, 10)).length;
  o.spopEmpty = await r.spop(`${k}nums`);
  o.numsGone = await r.exists(`${k}nums`);
  o.srandShape = shape(await r.srandmember(S, 2));
  const p = await r.pipeline().sadd(`${k}p`, 'x', 'y').sismember(`${k}p`, 'x').scard(`${k}p`).smembers(`${k}p`).exec();
  o.pipeline = p!.map(([e, v]) => [e, Array.isArray(v) ? sorted(v) : v]);
  expect(o.pipeline).toEqual([[null, 2], [null, 1], [null, 2], [null, ['x', 'y']]]);
  return o;
};

const setNode: NodeScenario = async (c, k) => {
  const S = `${k}tags`;
  const T = `${k}other`;
  const o: Out = {};
  o.sadd = await c.sAdd(S, ['red', 'green', 'blue', 'red']);
  o.smembers = sorted(await c.sMembers(S));
  expect(o.smembers).toEqual(['blue', 'green', 'red']);
  o.sismember = [await c.sIsMember(S, 'red'), await c.sIsMember(S, 'nope')];
  o.smismember = await c.smIsMember(S, ['red', 'nope', 'green']);
  expect(o.smismember).toEqual([1, 0, 1]);
  o.sadd2 = await c.sAdd(T, ['red', 'green', 'black']);
  o.sinterstore = await c.sInterStore(`${k}both`, [S, T]);
  o.both = sorted(await c.sMembers(`${k}both`));
  expect(o.both).toEqual(['green', 'red']);
  o.sunionstore = await c.sUnionStore(`${k}any`, [S, T]);
  o.sdiffstore = await c.sDiffStore(`${k}diff`, [S, T]);
  o.diff = sorted(await c.sMembers(`${k}diff`));
  await c.sAdd(`${k}nums`, ['10', '20', '30', '40']);
  const popped = await c.sPopCount(`${k}nums`, 3);
  expect(popped).toHaveLength(3);
  const left = await c.sMembers(`${k}nums`);
  expect([...popped, ...left].sort()).toEqual(['10', '20', '30', '40']);
  o.spopShape = shape(popped);
  o.scard = await c.sCard(`${k}nums`);
  o.pipeline = await Promise.all([c.sAdd(`${k}p`, ['x', 'y']), c.sIsMember(`${k}p`, 'y'), c.sCard(`${k}p`), c.sRem(`${k}p`, 'x')]);
  expect(o.pipeline).toEqual([2, 1, 2, 1]);
  return o;
};

// ---------------------------------------------------------------- sorted sets

const zsetIo: IoScenario = async (r, k, protocol) => {
  const Z = `${k}board`;
  const o: Out = {};
  o.zadd = await r.zadd(Z, 1, 'a', 2, 'b', 3, 'c', 4, 'd');
  o.zaddNX = await r.zadd(Z, 'NX', 10, 'a', 5, 'e');
  o.zaddXXCH = await r.zadd(Z, 'XX', 'CH', 1.5, 'a', 9, 'new');
  o.zaddGT = await r.zadd(Z, 'GT', 'CH', 0.5, 'b');
  o.zaddLT = await r.zadd(Z, 'LT', 'CH', 0.5, 'b');
  expect([o.zadd, o.zaddNX, o.zaddXXCH, o.zaddGT, o.zaddLT]).toEqual([4, 1, 1, 0, 1]);
  o.zaddIncr = await r.zadd(Z, 'INCR', 2, 'c');
  o.zaddIncrNX = await r.zadd(Z, 'NX', 'INCR', 2, 'c');
  expect(o.zaddIncrNX).toBeNull();
  o.zaddFrac = await r.zadd(Z, 0.1, 'tenth', '+inf', 'top', '-inf', 'bottom');
  o.all = await r.zrange(Z, 0, '-1', 'WITHSCORES');
  o.byScore = await r.zrange(Z, 1, '5', 'BYSCORE', 'LIMIT', 1, 2);
  expect(o.byScore).toEqual(['d', 'c']);
  o.byScoreRev = await r.zrange(Z, '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 1, '3', 'WITHSCORES');
  o.byScoreExcl = await r.zrange(Z, '(1.5', '5', 'BYSCORE');
  expect(o.byScoreExcl).toEqual(['d', 'c', 'e']);
  o.rev = await r.zrange(Z, 0, '1', 'REV');
  o.zrangebyscore = await r.zrangebyscore(Z, '-inf', '(1', 'WITHSCORES');
  o.zscore = await r.zscore(Z, 'a');
  o.zscoreTenth = await r.zscore(Z, 'tenth');
  o.zscoreInf = await r.zscore(Z, 'top');
  o.zscoreMissing = await r.zscore(Z, 'nope');
  o.zmscore = await r.zmscore(Z, 'a', 'nope', 'bottom');
  o.zincrby = await r.zincrby(Z, 0.25, 'a');
  o.zrank = [await r.zrank(Z, 'a'), await r.zrevrank(Z, 'a'), await r.zrank(Z, 'nope')];
  o.zcount = await r.zcount(Z, '(0.5', 5);
  o.zcard = await r.zcard(Z);
  o.zpopmin = await r.zpopmin(Z);
  o.zpopmin2 = await r.zpopmin(Z, 2);
  o.zpopmax = await r.zpopmax(Z);
  o.zpopminMissing = await r.zpopmin(`${k}none`);
  await r.zadd(`${k}w1`, 1, 'x', 2, 'y');
  await r.zadd(`${k}w2`, 10, 'y', 20, 'z');
  o.zunionstore = await r.zunionstore(`${k}u`, 2, `${k}w1`, `${k}w2`, 'WEIGHTS', 2, 0.5);
  o.union = await r.zrange(`${k}u`, 0, '-1', 'WITHSCORES');
  o.zunionstoreMax = await r.zunionstore(`${k}u`, 2, `${k}w1`, `${k}w2`, 'WEIGHTS', 3, 1, 'AGGREGATE', 'MAX');
  o.unionMax = await r.zrange(`${k}u`, 0, '-1', 'WITHSCORES');
  o.zinterstore = await r.zinterstore(`${k}i`, 2, `${k}w1`, `${k}w2`);
  o.inter = await r.zrange(`${k}i`, 0, '-1', 'WITHSCORES');
  o.pipeline = await r.pipeline().zadd(`${k}p`, 3, 'q').zscore(`${k}p`, 'q').zrange(`${k}p`, 0, '-1', 'WITHSCORES').zpopmin(`${k}p`).exec();
  if (protocol === 2) {
    expect(o.zaddIncr).toBe('5');
    expect(o.all).toEqual(['bottom', '-inf', 'tenth', '0.10000000000000001', 'b', '0.5', 'a', '1.5', 'd', '4', 'c', '5', 'e', '5', 'top', 'inf']);
    expect(o.union).toEqual(['x', '2', 'y', '9', 'z', '10']);
    expect(o.zpopmin).toEqual(['bottom', '-inf']);
  }
  return o;
};

const zsetNode: NodeScenario = async (c, k) => {
  const Z = `${k}board`;
  const o: Out = {};
  o.zadd = await c.zAdd(Z, [{ score: 1, value: 'a' }, { score: 2, value: 'b' }, { score: 3, value: 'c' }, { score: 4, value: 'd' }]);
  o.zaddNX = await c.zAdd(Z, [{ score: 10, value: 'a' }, { score: 5, value: 'e' }], { condition: 'NX' });
  o.zaddXXCH = await c.zAdd(Z, [{ score: 1.5, value: 'a' }, { score: 9, value: 'new' }], { condition: 'XX', CH: true });
  o.zaddGT = await c.zAdd(Z, { score: 0.5, value: 'b' }, { comparison: 'GT', CH: true });
  o.zaddLT = await c.zAdd(Z, { score: 0.5, value: 'b' }, { comparison: 'LT', CH: true });
  expect([o.zadd, o.zaddNX, o.zaddXXCH, o.zaddGT, o.zaddLT]).toEqual([4, 1, 1, 0, 1]);
  o.zaddIncr = await c.zAddIncr(Z, { score: 2, value: 'c' });
  expect(o.zaddIncr).toBe(5);
  o.zaddIncrNX = await c.zAddIncr(Z, { score: 2, value: 'c' }, { condition: 'NX' });
  expect(o.zaddIncrNX).toBeNull();
  o.zaddFrac = await c.zAdd(Z, [{ score: 0.1, value: 'tenth' }, { score: Infinity, value: 'top' }, { score: -Infinity, value: 'bottom' }]);
  o.all = await c.zRangeWithScores(Z, 0, -1);
  expect(o.all).toEqual([
    { value: 'bottom', score: -Infinity }, { value: 'tenth', score: 0.1 }, { value: 'b', score: 0.5 },
    { value: 'a', score: 1.5 }, { value: 'd', score: 4 }, { value: 'c', score: 5 }, { value: 'e', score: 5 },
    { value: 'top', score: Infinity },
  ]);
  o.byScore = await c.zRange(Z, 1, 5, { BY: 'SCORE', LIMIT: { offset: 1, count: 2 } });
  expect(o.byScore).toEqual(['d', 'c']);
  o.byScoreRev = await c.zRangeWithScores(Z, '+inf', '-inf', { BY: 'SCORE', REV: true, LIMIT: { offset: 1, count: 3 } });
  expect(o.byScoreRev).toEqual([{ value: 'e', score: 5 }, { value: 'c', score: 5 }, { value: 'd', score: 4 }]);
  o.rev = await c.zRange(Z, 0, 1, { REV: true });
  o.zscore = await c.zScore(Z, 'a');
  o.zscoreTenth = await c.zScore(Z, 'tenth');
  o.zscoreInf = await c.zScore(Z, 'top');
  o.zscoreMissing = await c.zScore(Z, 'nope');
  expect([o.zscore, o.zscoreTenth, o.zscoreInf, o.zscoreMissing]).toEqual([1.5, 0.1, Infinity, null]);
  o.zmscore = await c.zmScore(Z, ['a', 'nope', 'bottom']);
  o.zincrby = await c.zIncrBy(Z, 0.25, 'a');
  o.zrank = [await c.zRank(Z, 'a'), await c.zRevRank(Z, 'a'), await c.zRank(Z, 'nope')];
  o.zpopmin = await c.zPopMin(Z);
  expect(o.zpopmin).toEqual({ value: 'bottom', score: -Infinity });
  o.zpopminCount = await c.zPopMinCount(Z, 2);
  o.zpopmax = await c.zPopMax(Z);
  o.zpopminMissing = await c.zPopMin(`${k}none`);
  await c.zAdd(`${k}w1`, [{ score: 1, value: 'x' }, { score: 2, value: 'y' }]);
  await c.zAdd(`${k}w2`, [{ score: 10, value: 'y' }, { score: 20, value: 'z' }]);
  o.zunionstore = await c.zUnionStore(`${k}u`, [{ key: `${k}w1`, weight: 2 }, { key: `${k}w2`, weight: 0.5 }]);
  o.union = await c.zRangeWithScores(`${k}u`, 0, -1);
  expect(o.union).toEqual([{ value: 'x', score: 2 }, { value: 'y', score: 9 }, { value: 'z', score: 10 }]);
  o.zunionstoreMin = await c.zUnionStore(`${k}u`, [`${k}w1`, `${k}w2`], { AGGREGATE: 'MIN' });
  o.unionMin = await c.zRangeWithScores(`${k}u`, 0, -1);
  o.pipeline = await Promise.all([
    c.zAdd(`${k}p`, { score: 3, value: 'q' }), c.zScore(`${k}p`, 'q'), c.zCard(`${k}p`), c.zPopMin(`${k}p`), c.exists(`${k}p`),
  ]);
  expect(o.pipeline).toEqual([1, 3, 1, { value: 'q', score: 3 }, 0]);
  return o;
};

describe.each(LIBS)('data types through $name', (lib) => {
  it('lists', async () => {
    await differential(lib, 'list', listIo, listNode);
  });
  it('hashes', async () => {
    await differential(lib, 'hash', hashIo, hashNode);
  });
  it('sets', async () => {
    await differential(lib, 'set', setIo, setNode);
  });
  it('sorted sets', async () => {
    await differential(lib, 'zset', zsetIo, zsetNode);
  });
});

// ---------------------------------------------------------------- blocking

/** Wait (by asking the server, not by sleeping) until n clients are blocked. */
async function waitBlocked(r: Redis, n: number): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    const m = /blocked_clients:(\d+)/.exec(await r.info('clients'));
    if (m !== null && Number(m[1]) >= n) return;
  }
  throw new Error(`never saw ${n} blocked clients`);
}

/** Blocking pops and moves through both libraries, each served by the other library's push. */
async function blockingScenario(port: number): Promise<Out> {
  const k = 'blk:';
  const [io2, io3, nr2, nr3, ctl] = await Promise.all([
    ioClient(port, 2), ioClient(port, 3), nodeClient(port, 2), nodeClient(port, 3), ioClient(port, 3),
  ]);
  // node-redis: blocking commands on a dedicated connection, not the shared one.
  const nrBlock = nr3.duplicate();
  nrBlock.on('error', () => {});
  await nrBlock.connect();
  const o: Out = {};
  try {
    // BLPOP: two node-redis clients (RESP2, RESP3) wait on one key; an ioredis push serves
    // them first blocked, first served.
    const a2 = nr2.blPop(`${k}a`, 5);
    await waitBlocked(ctl, 1);
    const a3 = nrBlock.blPop([`${k}none`, `${k}a`], 5);
    await waitBlocked(ctl, 2);
    o.pushA = await ctl.rpush(`${k}a`, 'job1', 'job2', 'job3');
    o.blpop = await Promise.all([a2, a3]);
    expect(o.blpop).toEqual([{ key: `${k}a`, element: 'job1' }, { key: `${k}a`, element: 'job2' }]);
    o.leftA = await ctl.lrange(`${k}a`, 0, -1);
    // BRPOP over two keys, served by an LPUSH to the second.
    const b = nrBlock.brPop([`${k}x`, `${k}y`], 5);
    await waitBlocked(ctl, 1);
    await io2.lpush(`${k}y`, 'y1', 'y2');
    o.brpop = await b;
    expect(o.brpop).toEqual({ key: `${k}y`, element: 'y1' });
    // BLMOVE RIGHT -> LEFT.
    const m = nrBlock.blMove(`${k}src`, `${k}dst`, 'RIGHT', 'LEFT', 5);
    await waitBlocked(ctl, 1);
    await io3.rpush(`${k}src`, 'm1', 'm2');
    o.blmove = await m;
    expect(o.blmove).toBe('m2');
    o.afterMove = [await ctl.lrange(`${k}src`, 0, -1), await ctl.lrange(`${k}dst`, 0, -1)];
    // ioredis BZPOPMIN (RESP2 and RESP3) served by a node-redis ZADD of two members.
    const z2 = io2.bzpopmin(`${k}z`, 5);
    await waitBlocked(ctl, 1);
    const z3 = io3.bzpopmin(`${k}z`, 5);
    await waitBlocked(ctl, 2);
    o.zadd = await nr3.zAdd(`${k}z`, [{ score: 2, value: 'b' }, { score: 1.5, value: 'a' }, { score: 3, value: 'c' }]);
    o.bzpopmin = await Promise.all([z2, z3]);
    expect((o.bzpopmin as unknown[][]).map((r) => r.map(String))).toEqual([[`${k}z`, 'a', '1.5'], [`${k}z`, 'b', '2']]);
    // A node-redis BZPOPMIN gets the rest at once, with a number score.
    o.bzpopminNode = await nrBlock.bzPopMin(`${k}z`, 1);
    expect(o.bzpopminNode).toEqual({ key: `${k}z`, value: 'c', score: 3 });
    // Timeouts expire with null in both libraries, each in its protocols.
    const t0 = Date.now();
    o.timeouts = await Promise.all([
      nr2.blPop(`${k}empty`, 0.2), nrBlock.blMove(`${k}empty`, `${k}dst`, 'LEFT', 'LEFT', 0.2),
      io2.bzpopmin(`${k}emptyz`, 0.2), io3.brpop(`${k}empty`, 0.2),
    ]);
    const waited = Date.now() - t0;
    expect(o.timeouts).toEqual([null, null, null, null]);
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(2000);
    o.blockedAfter = /blocked_clients:(\d+)/.exec(await ctl.info('clients'))?.[1];
  } finally {
    nrBlock.destroy();
    nr2.destroy();
    nr3.destroy();
    for (const r of [io2, io3, ctl]) r.disconnect();
  }
  return o;
}

/**
 * A job queue: 2 ioredis producers push 200 jobs, 3 node-redis workers
 * BLMOVE each from 'queue' to 'processing' and ack it with LREM.
 */
async function jobQueue(port: number): Promise<void> {
  const Q = 'queue';
  const P = 'processing';
  const producers = await Promise.all([ioClient(port, 2), ioClient(port, 3)]);
  const workers = await Promise.all([nodeClient(port, 2), nodeClient(port, 3), nodeClient(port, 3)]);
  try {
    await producers[0].del(Q, P);
    const done: string[][] = workers.map(() => []);
    const work = workers.map(async (w, i) => {
      for (;;) {
        const job = await w.blMove(Q, P, 'LEFT', 'RIGHT', 5);
        if (job === null) throw new Error(`worker ${i} starved`);
        expect(await w.lRem(P, 1, job)).toBe(1);
        if (job === 'STOP') return;
        done[i]!.push(job);
      }
    });
    await waitBlocked(producers[0], 3);
    const expected: string[] = [];
    await Promise.all(producers.map(async (p, i) => {
      for (let j = 0; j < 100; j += 10) {
        const batch = p.pipeline();
        for (let n = j; n < j + 10; n++) {
          expected.push(`p${i}:job${n}`);
          batch.rpush(Q, `p${i}:job${n}`);
        }
        const res = await batch.exec();
        expect(res!.every(([e]) => e === null)).toBe(true);
      }
    }));
    // One stop signal per worker, behind every job.
    await producers[1].rpush(Q, 'STOP', 'STOP', 'STOP');
    await Promise.all(work);
    const all = done.flat();
    expect(all).toHaveLength(200);
    expect(new Set(all).size).toBe(200);
    expect(all.sort()).toEqual(expected.sort());
    expect(await producers[0].llen(Q)).toBe(0);
    expect(await producers[0].llen(P)).toBe(0);
    expect(await producers[0].exists(Q, P)).toBe(0);
  } finally {
    for (const w of workers) w.destroy();
    for (const p of producers) p.disconnect();
  }
}

describe('blocking commands through the clients', () => {
  it('BLPOP/BRPOP/BLMOVE (node-redis) and BZPOPMIN (ioredis) served by pushes, and timeouts', async () => {
    const theirs = await blockingScenario(real.port);
    const ours = await blockingScenario(srv.port);
    expect(ours).toEqual(theirs);
    expect(ours.blockedAfter).toBe('0');
  });

  it.each(['real Redis', 'mini-redis'])('a BLMOVE job queue loses and duplicates nothing (%s)', async (which) => {
    await jobQueue(which === 'mini-redis' ? srv.port : real.port);
  });
});

// ---------------------------------------------------------------- errors

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

/** The error class and message a rejected call gives. */
async function failure(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    const ctor = e instanceof ReplyError ? 'ReplyError' : e instanceof ErrorReply ? 'ErrorReply' : (e as Error).constructor.name;
    return [ctor, (e as Error).message];
  }
  return ['none', 'no error'];
}

async function ioErrors(port: number): Promise<Out> {
  const r = await ioClient(port, 3);
  const r2 = await ioClient(port, 2);
  const k = 'err:io:';
  try {
    await r.del(`${k}h`, `${k}l`, `${k}z`, `${k}s`);
    await r.hset(`${k}h`, 'name', 'ada', 'n', '1');
    await r.rpush(`${k}l`, 'x');
    await r.zadd(`${k}z`, 1, 'a');
    const o: Out = {};
    o.wrongtype = [
      await failure(r.lpush(`${k}h`, 'x')), await failure(r.sadd(`${k}l`, 'x')), await failure(r.zadd(`${k}h`, 1, 'x')),
      await failure(r.hgetall(`${k}l`)), await failure(r.lrange(`${k}z`, 0, -1)), await failure(r2.smembers(`${k}z`)),
      await failure(r2.zrange(`${k}l`, 0, '-1', 'WITHSCORES')), await failure(r.bzpopmin(`${k}l`, 0.1)),
      await failure(r2.blpop(`${k}h`, 0.1)), await failure(r.get(`${k}l`)),
    ];
    for (const [ctor, msg] of o.wrongtype as [string, string][]) expect([ctor, msg]).toEqual(['ReplyError', WRONGTYPE]);
    o.others = [
      await failure(r.hincrby(`${k}h`, 'name', 1)), await failure(r.hincrbyfloat(`${k}h`, 'name', 1)),
      await failure(r.zadd(`${k}z`, 'NX', 'XX', 1, 'a')), await failure(r.zadd(`${k}z`, 'GT', 'LT', 1, 'a')),
      await failure(r.zadd(`${k}z`, 'INCR', 1, 'a', 2, 'b')), await failure(r.zadd(`${k}z`, 'nan', 'a')),
      await failure(r.lpos(`${k}l`, 'x', 'RANK', 0)), await failure(r.spop(`${k}s`, -1)),
      await failure(r.call('ZUNIONSTORE', `${k}d`, '2', `${k}z`, `${k}z`, 'WEIGHTS', '1')),
      await failure(r.linsert(`${k}l`, 'BEFORE', 'x', 'y').then(() => r.lset(`${k}l`, 99, 'v'))),
    ];
    const p = await r.pipeline().hset(`${k}h`, 'a', '1').lpush(`${k}h`, 'x').hget(`${k}h`, 'a').exec();
    o.pipeline = p!.map(([e, v]) => (e === null ? v : [e instanceof ReplyError, e.message]));
    expect(o.pipeline).toEqual([1, [true, WRONGTYPE], '1']);
    o.stillUsable = await r.hget(`${k}h`, 'name');
    return o;
  } finally {
    r.disconnect();
    r2.disconnect();
  }
}

async function nodeErrors(port: number): Promise<Out> {
  const c = await nodeClient(port, 3);
  const c2 = await nodeClient(port, 2);
  const k = 'err:nr:';
  try {
    await c.del([`${k}h`, `${k}l`, `${k}z`]);
    await c.hSet(`${k}h`, { name: 'ada' });
    await c.rPush(`${k}l`, 'x');
    await c.zAdd(`${k}z`, { score: 1, value: 'a' });
    const o: Out = {};
    o.wrongtype = [
      await failure(c.lPush(`${k}h`, 'x')), await failure(c.sAdd(`${k}l`, 'x')),
      await failure(c.zAdd(`${k}h`, { score: 1, value: 'x' })), await failure(c.hGetAll(`${k}l`)),
      await failure(c2.hGetAll(`${k}z`)), await failure(c2.zRangeWithScores(`${k}l`, 0, -1)),
      await failure(c.zScore(`${k}l`, 'x')), await failure(c.sMembers(`${k}h`)),
      await failure(c2.blPop(`${k}z`, 0.1)), await failure(c.lMove(`${k}h`, `${k}l`, 'LEFT', 'LEFT')),
    ];
    for (const [ctor, msg] of o.wrongtype as [string, string][]) expect([ctor, msg]).toEqual(['ErrorReply', WRONGTYPE]);
    o.others = [
      await failure(c.hIncrBy(`${k}h`, 'name', 1)), await failure(c2.hIncrByFloat(`${k}h`, 'name', 1.5)),
      await failure(c.zAdd(`${k}z`, [{ score: 1, value: 'a' }, { score: 2, value: 'b' }], { comparison: 'GT', condition: 'NX' })),
      await failure(c.lPos(`${k}l`, 'x', { RANK: 0 })), await failure(c.lSet(`${k}l`, 5, 'v')),
      await failure(c.lSet(`${k}missing`, 0, 'v')), await failure(c.hRandFieldCountWithValues(`${k}l`, 2)),
    ];
    // In an automatic pipeline only the failing command rejects.
    const batch = await Promise.allSettled([c.hSet(`${k}h`, 'a', '1'), c.lPush(`${k}h`, 'x'), c.hGet(`${k}h`, 'a')]);
    o.pipeline = batch.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message));
    expect(o.pipeline).toEqual([1, WRONGTYPE, '1']);
    o.stillUsable = await c.ping();
    return o;
  } finally {
    c.destroy();
    c2.destroy();
  }
}

describe('errors through the clients', () => {
  it('ioredis: ReplyErrors with Redis\'s texts', async () => {
    const theirs = await ioErrors(real.port);
    expect(await ioErrors(srv.port)).toEqual(theirs);
  });
  it('node-redis: ErrorReplys with Redis\'s texts', async () => {
    const theirs = await nodeErrors(real.port);
    expect(await nodeErrors(srv.port)).toEqual(theirs);
  });
});
