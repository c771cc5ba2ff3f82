// Sorted set commands, checked byte for byte against real Redis 7.0 (RESP2
// and RESP3), plus what cannot be compared directly: random replies,
// propagation, encodings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCommand } from '../helpers/resp.js';
import {
  expectSameReplies, HAVE_REDIS_SERVER, RawClient, recordPropagation, startRealRedis, startTestServer, type TestServer,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping zset differential tests: redis-server not installed');

type Cmd = (string | number)[];

const SETUP: Cmd[] = [
  ['FLUSHALL'],
  ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 3, 'cc', 4.5, 'd', '-inf', 'ninf', '+inf', 'pinf', 0, 'zero'],
  ['ZADD', 'lex', 0, 'a', 0, 'b', 0, 'c', 0, 'd', 0, 'e', 0, 'f', 0, 'g', 0, '\x00', 0, '\xff'],
  ['SET', 'str', 'v'],
  ['RPUSH', 'list', 'x'],
];

function withSetup(cmds: Cmd[]): Cmd[] {
  return [...SETUP, ...cmds];
}

describe.skipIf(!HAVE_REDIS_SERVER)('sorted sets vs real Redis', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => { srv = await startTestServer(); real = await startRealRedis(); });
  afterAll(async () => { await srv.close(); await real.close(); });

  const same = (cmds: Cmd[]) => expectSameReplies(srv.port, real.port, cmds);
  const both = async (cmds: Cmd[]) => {
    await same(withSetup(cmds));
    await same([['HELLO', 3], ...withSetup(cmds)]);
  };

  it('ZADD options, conflicts and errors', async () => {
    await both([
      ['ZADD', 'n', 1, 'x'], ['ZADD', 'n', 'NX', 2, 'x', 3, 'y'], ['ZADD', 'n', 'XX', 5, 'x', 6, 'new'],
      ['ZADD', 'n', 'XX', 'CH', 7, 'x', 6, 'new'], ['ZADD', 'n', 'CH', 7, 'x', 8, 'y', 9, 'w'],
      ['ZADD', 'n', 'GT', 'CH', 1, 'x', 100, 'y', 1, 'v'], ['ZADD', 'n', 'LT', 'CH', 0, 'x', 200, 'y'],
      ['ZADD', 'n', 'INCR', 5, 'x'], ['ZADD', 'n', 'INCR', 'NX', 5, 'x'], ['ZADD', 'n', 'INCR', 'XX', 5, 'nope'],
      ['ZADD', 'n', 'INCR', 'GT', -1, 'x'], ['ZADD', 'n', 'INCR', 'LT', -1, 'x'], ['ZADD', 'n', 'INCR', 0, 'x'],
      ['ZADD', 'n', 'NX', 'XX', 1, 'x'], ['ZADD', 'n', 'GT', 'LT', 1, 'x'], ['ZADD', 'n', 'NX', 'GT', 1, 'x'],
      ['ZADD', 'n', 'NX', 'LT', 1, 'x'], ['ZADD', 'n', 'INCR', 1, 'x', 2, 'y'], ['ZADD', 'n', 1],
      ['ZADD', 'n', 1, 'x', 2], ['ZADD', 'n', 'NX'], ['ZADD', 'n', 'x', 'y'], ['ZADD', 'n', 'nan', 'y'],
      ['ZADD', 'n', '1e400', 'y'], ['ZADD', 'n', ' 1', 'y'], ['ZADD', 'n', 'inf', 'i'], ['ZADD', 'n', 'INCR', '-inf', 'i'],
      ['ZSCORE', 'n', 'i'], ['ZADD', 'str', 1, 'x'], ['ZADD', 'str', 'NX', 'XX', 1, 'x'], ['ZADD', 'n'],
      ['ZADD', 'fresh', 'XX', 1, 'a'], ['EXISTS', 'fresh'], ['ZADD', 'fresh', 'GT', 1, 'a'], ['ZADD', 'fresh', '-0', 'm'],
      ['ZSCORE', 'fresh', 'm'], ['ZADD', 'fresh', 0.1, 'f1', '1.5e-7', 'f2', '1e20', 'f3', '123456789012345678', 'f4'],
      ['ZRANGE', 'fresh', 0, -1, 'WITHSCORES'], ['ZADD', 'n', 'ch', 'incr', 'xx', 2, 'x'],
      ['ZINCRBY', 'n', 1.5, 'x'], ['ZINCRBY', 'n', 1, 'brand'], ['ZINCRBY', 'n', 'x', 'x'], ['ZINCRBY', 'n', '-inf', 'i'],
      ['ZINCRBY', 'str', 1, 'x'], ['ZINCRBY', 'n', 1], ['ZRANGE', 'n', 0, -1, 'WITHSCORES'],
    ]);
  });

  it('ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK', async () => {
    await both([
      ['ZCARD', 'z'], ['ZCARD', 'none'], ['ZCARD', 'str'], ['ZSCORE', 'z', 'd'], ['ZSCORE', 'z', 'ninf'],
      ['ZSCORE', 'z', 'nope'], ['ZSCORE', 'none', 'a'], ['ZSCORE', 'str', 'a'], ['ZMSCORE', 'z', 'a', 'nope', 'pinf'],
      ['ZMSCORE', 'none', 'a', 'b'], ['ZMSCORE', 'str', 'a'], ['ZMSCORE', 'z'],
      ['ZRANK', 'z', 'ninf'], ['ZRANK', 'z', 'c'], ['ZRANK', 'z', 'cc'], ['ZRANK', 'z', 'nope'], ['ZRANK', 'none', 'a'],
      ['ZREVRANK', 'z', 'ninf'], ['ZREVRANK', 'z', 'pinf'], ['ZREVRANK', 'z', 'x'], ['ZRANK', 'str', 'a'],
      // Without WITHSCORE (Redis 7.2's) ZRANK/ZREVRANK answer as 7.0's, arity errors included.
      ['ZRANK', 'z'], ['ZREVRANK', 'z'], ['ZRANK'], ['ZRANK', 'z', 'a', 'WITHSCORE', 'x'],
      ['ZREVRANK', 'z', 'a', 'b', 'c'], ['ZREVRANK', 'none', 'a'], ['ZREVRANK', 'str', 'a'], ['ZREVRANK', 'z', 'nope'],
      ['ZRANK', 'z', ''], ['ZADD', 'z', 0, ''], ['ZRANK', 'z', ''], ['ZREVRANK', 'z', ''], ['ZREM', 'z', ''],
      ['ZREM', 'z', 'a', 'nope', 'b', 'a'], ['ZREM', 'none', 'a'], ['ZREM', 'str', 'a'], ['ZREM', 'z'],
      ['ZREM', 'lex', 'a', 'b', 'c', 'd', 'e', 'f', 'g', '\x00', '\xff', 'zz'], ['EXISTS', 'lex'], ['ZCARD', 'z'],
    ]);
  });

  it('ZCOUNT and ZLEXCOUNT ranges', async () => {
    await both([
      ['ZCOUNT', 'z', '-inf', '+inf'], ['ZCOUNT', 'z', 1, 3], ['ZCOUNT', 'z', '(1', '(3'], ['ZCOUNT', 'z', '(1', 3],
      ['ZCOUNT', 'z', 3, 1], ['ZCOUNT', 'z', '(3', 3], ['ZCOUNT', 'z', 'inf', 'inf'], ['ZCOUNT', 'z', '-inf', '-inf'],
      ['ZCOUNT', 'z', '(-inf', '(inf'], ['ZCOUNT', 'z', 'x', 1], ['ZCOUNT', 'z', 1, '(x'], ['ZCOUNT', 'z', '((1', 2],
      ['ZCOUNT', 'z', 'nan', 2], ['ZCOUNT', 'z', ' 1', 2], ['ZCOUNT', 'none', 0, 1], ['ZCOUNT', 'str', 0, 1],
      ['ZCOUNT', 'str', 'x', 1], ['ZCOUNT', 'z', '', 1], ['ZCOUNT', 'z', '(', 1],
      ['ZCOUNT', 'z', '1e400', '+inf'], ['ZCOUNT', 'z', '-1e400', '(1e400'], ['ZCOUNT', 'z', '1e-400', 10], ['ZCOUNT', 'z', '0x10', 100],
      ['ZCOUNT', 'z', '1e', 1], ['ZCOUNT', 'z', '.5', 1], ['ZCOUNT', 'z', '5.', 10], ['ZCOUNT', 'z', '\t1', 10], ['ZCOUNT', 'z', ' ', 10],
      ['ZLEXCOUNT', 'lex', '-', '+'], ['ZLEXCOUNT', 'lex', '[b', '[d'], ['ZLEXCOUNT', 'lex', '(b', '(d'],
      ['ZLEXCOUNT', 'lex', '+', '-'], ['ZLEXCOUNT', 'lex', '-', '-'], ['ZLEXCOUNT', 'lex', '+', '+'],
      ['ZLEXCOUNT', 'lex', '[d', '[b'], ['ZLEXCOUNT', 'lex', '[', '+'], ['ZLEXCOUNT', 'lex', '(', '+'],
      ['ZLEXCOUNT', 'lex', 'b', '+'], ['ZLEXCOUNT', 'lex', '-x', '+'], ['ZLEXCOUNT', 'lex', '[\xff', '+'],
      ['ZLEXCOUNT', 'lex', '(\x00', '(\xff'], ['ZLEXCOUNT', 'none', '-', '+'], ['ZLEXCOUNT', 'str', '-', '+'],
      ['ZLEXCOUNT', 'str', 'x', '+'],
    ]);
  });

  it('the ZRANGE family', async () => {
    await both([
      ['ZRANGE', 'z', 0, -1], ['ZRANGE', 'z', 0, -1, 'WITHSCORES'], ['ZRANGE', 'z', -3, -2, 'withscores'],
      ['ZRANGE', 'z', 5, 2], ['ZRANGE', 'z', 100, 200], ['ZRANGE', 'z', -100, 1], ['ZRANGE', 'z', 0, 100, 'REV'],
      ['ZRANGE', 'z', 1, 2, 'REV', 'WITHSCORES'], ['ZRANGE', 'z', 'x', 1], ['ZRANGE', 'z', 0, 1, 'LIMIT', 0, 1],
      ['ZRANGE', 'z', 0, 1, 'BYLEX', 'WITHSCORES'], ['ZRANGE', 'z', 0, 1, 'BYSCORE', 'BYLEX'], ['ZRANGE', 'z', 0, 1, 'REV', 'REV'],
      ['ZRANGE', 'z', 0, 1, 'LIMIT', 0], ['ZRANGE', 'z', 0, 1, 'FOO'], ['ZRANGE', 'none', 0, -1], ['ZRANGE', 'str', 0, -1],
      ['ZRANGE', 'str', 'x', -1], ['ZRANGE', 'z', '(1', 3, 'BYSCORE'], ['ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV', 'WITHSCORES'],
      ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', 1, 3], ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', 1, -1],
      ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', -1, 3], ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', 100, 3],
      ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', 2, 0], ['ZRANGE', 'z', 3, 1, 'BYSCORE', 'REV', 'LIMIT', 1, 1],
      ['ZRANGE', 'z', 'x', 1, 'BYSCORE'], ['ZRANGE', 'z', 0, 1, 'BYSCORE', 'LIMIT', 'x', 1],
      ['ZRANGE', 'lex', '[b', '(f', 'BYLEX'], ['ZRANGE', 'lex', '+', '-', 'BYLEX', 'REV'], ['ZRANGE', 'lex', '-', '+', 'BYLEX', 'LIMIT', 2, 3],
      ['ZRANGE', 'lex', 'b', 'f', 'BYLEX'], ['ZRANGE', 'lex', '(f', '[b', 'BYLEX', 'REV', 'LIMIT', 1, 2],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES'], ['ZRANGEBYSCORE', 'z', 1, 3, 'LIMIT', 1, 2],
      ['ZRANGEBYSCORE', 'z', 1, 3, 'WITHSCORES', 'LIMIT', 1, 2], ['ZRANGEBYSCORE', 'z', 1, 3, 'REV'],
      ['ZRANGEBYSCORE', 'z', 1, 3, 'BYSCORE'], ['ZRANGEBYSCORE', 'z', 1, 3, 'LIMIT', 1], ['ZRANGEBYSCORE', 'z', '(3', '(3'],
      ['ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'WITHSCORES'], ['ZREVRANGEBYSCORE', 'z', 3, 1], ['ZREVRANGEBYSCORE', 'z', 1, 3],
      ['ZREVRANGEBYSCORE', 'z', '(3', '(1', 'LIMIT', 0, 1], ['ZREVRANGEBYSCORE', 'none', 3, 1],
      ['ZRANGEBYLEX', 'lex', '-', '+'], ['ZRANGEBYLEX', 'lex', '[c', '+', 'LIMIT', 1, 2], ['ZRANGEBYLEX', 'lex', '-', '+', 'WITHSCORES'],
      ['ZRANGEBYLEX', 'lex', 'a', '+'], ['ZREVRANGEBYLEX', 'lex', '+', '-'], ['ZREVRANGEBYLEX', 'lex', '(e', '[b', 'LIMIT', 1, 10],
      ['ZREVRANGEBYLEX', 'lex', '-', '+'], ['ZRANGEBYLEX', 'str', '-', '+'],
      ['ZREVRANGE', 'z', 0, -1], ['ZREVRANGE', 'z', 0, 2, 'WITHSCORES'], ['ZREVRANGE', 'z', 0, 2, 'REV'],
      ['ZREVRANGE', 'z', 0, 2, 'BYSCORE'], ['ZREVRANGE', 'z', 0, 2, 'LIMIT', 0, 1], ['ZREVRANGE', 'z', -2, -1],
      ['ZRANGE', 'z', 0], ['ZRANGEBYSCORE', 'z', 0],
    ]);
  });

  it('ZRANGESTORE and ZREMRANGEBY*', async () => {
    await both([
      ['ZRANGESTORE', 'dst', 'z', 0, 2], ['ZRANGE', 'dst', 0, -1, 'WITHSCORES'], ['ZRANGESTORE', 'dst', 'z', 1, 3, 'BYSCORE', 'LIMIT', 1, 1],
      ['ZRANGE', 'dst', 0, -1, 'WITHSCORES'], ['ZRANGESTORE', 'dst', 'lex', '[c', '-', 'BYLEX', 'REV'], ['ZRANGE', 'dst', 0, -1],
      ['ZRANGESTORE', 'dst', 'z', 0, 1, 'WITHSCORES'], ['ZRANGESTORE', 'dst', 'z', 5, 1], ['EXISTS', 'dst'],
      ['ZRANGESTORE', 'dst', 'none', 0, -1], ['SET', 'dst', 'x'], ['ZRANGESTORE', 'dst', 'z', 0, 0], ['TYPE', 'dst'],
      ['ZRANGESTORE', 'dst', 'str', 0, -1], ['ZRANGESTORE', 'str', 'z', 0, -1], ['TYPE', 'str'], ['ZRANGESTORE', 'dst', 'z', 0],
      ['ZREMRANGEBYRANK', 'z', 0, 0], ['ZREMRANGEBYRANK', 'z', -2, -1], ['ZREMRANGEBYRANK', 'z', 5, 1], ['ZREMRANGEBYRANK', 'z', 'x', 1],
      ['ZREMRANGEBYRANK', 'none', 0, 1], ['ZREMRANGEBYRANK', 'list', 0, 1], ['ZRANGE', 'z', 0, -1],
      ['ZREMRANGEBYSCORE', 'z', '(1', 3], ['ZREMRANGEBYSCORE', 'z', 'x', 3], ['ZREMRANGEBYSCORE', 'z', 10, 30], ['ZRANGE', 'z', 0, -1],
      ['ZREMRANGEBYLEX', 'lex', '[b', '(e'], ['ZREMRANGEBYLEX', 'lex', 'b', '(e'], ['ZREMRANGEBYLEX', 'lex', '+', '-'],
      ['ZRANGE', 'lex', 0, -1], ['ZREMRANGEBYLEX', 'lex', '-', '+'], ['EXISTS', 'lex'], ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'],
      ['EXISTS', 'z'], ['ZREMRANGEBYLEX', 'str', '-', '+'], ['ZREMRANGEBYSCORE', 'str', 'x', 1],
    ]);
  });

  it('ZPOPMIN, ZPOPMAX, ZMPOP', async () => {
    await both([
      ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z'], ['ZPOPMIN', 'z', 2], ['ZPOPMAX', 'z', 1], ['ZPOPMIN', 'z', 0], ['ZPOPMIN', 'z', -1],
      ['ZPOPMIN', 'z', 'x'], ['ZPOPMIN', 'z', 1, 2], ['ZPOPMIN', 'none'], ['ZPOPMIN', 'none', 2], ['ZPOPMIN', 'none', 0],
      ['ZPOPMAX', 'str'], ['ZPOPMAX', 'z', 100], ['EXISTS', 'z'],
      ['ZMPOP', 1, 'lex', 'MIN'], ['ZMPOP', 2, 'none', 'lex', 'MAX', 'COUNT', 3], ['ZMPOP', 1, 'none', 'MIN'],
      ['ZMPOP', 0, 'lex', 'MIN'], ['ZMPOP', -1, 'lex', 'MIN'], ['ZMPOP', 'x', 'lex', 'MIN'], ['ZMPOP', 1, 'lex', 'MIDDLE'],
      ['ZMPOP', 1, 'lex', 'MIN', 'COUNT', 0], ['ZMPOP', 1, 'lex', 'MIN', 'COUNT', 'x'], ['ZMPOP', 1, 'lex', 'MIN', 'COUNT'],
      ['ZMPOP', 1, 'lex', 'MIN', 'COUNT', 1, 'COUNT', 1], ['ZMPOP', 5, 'lex', 'MIN'], ['ZMPOP', 2, 'str', 'lex', 'MIN'],
      ['ZMPOP', 2, 'none', 'str', 'MIN'], ['ZMPOP', 1, 'lex', 'max', 'count', 100], ['EXISTS', 'lex'],
    ]);
  });

  it('ZRANDMEMBER shapes and errors', async () => {
    await both([
      ['ZRANDMEMBER', 'none'], ['ZRANDMEMBER', 'none', 5], ['ZRANDMEMBER', 'none', -5, 'WITHSCORES'], ['ZRANDMEMBER', 'str'],
      ['ZRANDMEMBER', 'str', 1], ['ZRANDMEMBER', 'z', 'x'], ['ZRANDMEMBER', 'z', 1, 'FOO'], ['ZRANDMEMBER', 'z', 1, 'WITHSCORES', 'x'],
      ['ZRANDMEMBER', 'z', 0], ['ZRANDMEMBER', 'z', 0, 'WITHSCORES'], ['ZRANDMEMBER', 'z', 100], ['ZRANDMEMBER', 'z', 8, 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '9223372036854775807', 'WITHSCORES'], ['ZRANDMEMBER', 'z', '-9223372036854775808'],
      ['ZRANDMEMBER', 'z', '-9223372036854775807', 'WITHSCORES'], ['ZRANDMEMBER', 'none', '9223372036854775808'],
      ['ZADD', 'one', 7, 'only'], ['ZRANDMEMBER', 'one'], ['ZRANDMEMBER', 'one', -3], ['ZRANDMEMBER', 'one', -2, 'WITHSCORES'],
      ['ZRANDMEMBER', 'one', 1, 'WITHSCORES'],
    ]);
  });

  it('ZUNION, ZINTER, ZDIFF, ZINTERCARD and the STORE forms', async () => {
    const pre: Cmd[] = [
      ['ZADD', 'z1', 1, 'a', 2, 'b', 3, 'c'], ['ZADD', 'z2', 10, 'b', 20, 'c', 30, 'd'], ['ZADD', 'z3', 0.1, 'c', 0.2, 'd'],
      ['ZADD', 'zi', '+inf', 'a', '-inf', 'b'], ['ZADD', 'zj', '-inf', 'a', '+inf', 'b'],
    ];
    await both([
      ...pre,
      ['ZUNION', 2, 'z1', 'z2'], ['ZUNION', 2, 'z1', 'z2', 'WITHSCORES'], ['ZUNION', 3, 'z1', 'z2', 'z3', 'WEIGHTS', 1, 2, 3, 'WITHSCORES'],
      ['ZUNION', 2, 'z1', 'z2', 'AGGREGATE', 'MIN', 'WITHSCORES'], ['ZUNION', 2, 'z1', 'z2', 'AGGREGATE', 'max', 'WITHSCORES'],
      ['ZUNION', 2, 'z1', 'none', 'WITHSCORES'], ['ZUNION', 1, 'none'], ['ZUNION', 0, 'z1'], ['ZUNION', -1, 'z1'], ['ZUNION', 'x', 'z1'],
      ['ZUNION', 3, 'z1', 'z2'], ['ZUNION', 2, 'z1', 'str'], ['ZUNION', 2, 'z1', 'z2', 'WEIGHTS', 1], ['ZUNION', 2, 'z1', 'z2', 'WEIGHTS', 1, 'x'],
      ['ZUNION', 2, 'z1', 'z2', 'AGGREGATE', 'avg'], ['ZUNION', 2, 'z1', 'z2', 'AGGREGATE'], ['ZUNION', 2, 'z1', 'z2', 'FOO'],
      ['ZUNION', 2, 'zi', 'zj', 'WITHSCORES'], ['ZUNION', 2, 'zi', 'zj', 'WEIGHTS', 0, 0, 'WITHSCORES'],
      ['ZINTER', 2, 'zi', 'zj', 'WITHSCORES'], ['ZINTER', 2, 'zi', 'zi', 'WEIGHTS', 1, -1, 'WITHSCORES'],
      ['ZINTER', 2, 'z1', 'z2'], ['ZINTER', 2, 'z1', 'z2', 'WITHSCORES'], ['ZINTER', 3, 'z1', 'z2', 'z3', 'WITHSCORES'],
      ['ZINTER', 2, 'z1', 'z2', 'WEIGHTS', 2, 0.5, 'AGGREGATE', 'MAX', 'WITHSCORES'], ['ZINTER', 2, 'z1', 'none'],
      ['ZINTER', 2, 'z1', 'z1', 'WITHSCORES'], ['ZINTER', 1, 'z1', 'LIMIT', 1], ['ZINTER', 2, 'list', 'z1'],
      ['ZDIFF', 2, 'z1', 'z2'], ['ZDIFF', 2, 'z1', 'z3', 'WITHSCORES'], ['ZDIFF', 1, 'z1', 'WITHSCORES'], ['ZDIFF', 2, 'none', 'z1'],
      ['ZDIFF', 2, 'z1', 'none', 'WITHSCORES'], ['ZDIFF', 2, 'z1', 'z2', 'WEIGHTS', 1, 1], ['ZDIFF', 2, 'z1', 'z2', 'AGGREGATE', 'SUM'],
      ['ZDIFF', 0, 'z1'], ['ZDIFF', 2, 'z1', 'z1'],
      ['ZINTERCARD', 2, 'z1', 'z2'], ['ZINTERCARD', 2, 'z1', 'z2', 'LIMIT', 1], ['ZINTERCARD', 2, 'z1', 'z2', 'LIMIT', 0],
      ['ZINTERCARD', 2, 'z1', 'z2', 'LIMIT', -1], ['ZINTERCARD', 2, 'z1', 'z2', 'LIMIT', 'x'], ['ZINTERCARD', 2, 'z1', 'z2', 'WITHSCORES'],
      ['ZINTERCARD', 0, 'z1'], ['ZINTERCARD', 2, 'z1'], ['ZINTERCARD', 1, 'none'], ['ZINTERCARD', 1, 'str'],
      ['ZINTERCARD', 2, 'z1', 'z2', 'WEIGHTS', 1, 1], ['ZINTERCARD', 2, 'z1', 'z2', 'LIMIT'],
      ['ZUNIONSTORE', 'out', 2, 'z1', 'z2'], ['ZRANGE', 'out', 0, -1, 'WITHSCORES'], ['OBJECT', 'ENCODING', 'out'],
      ['ZUNIONSTORE', 'out', 2, 'z1', 'z2', 'WITHSCORES'], ['ZUNIONSTORE', 'out', 0, 'z1'], ['ZUNIONSTORE', 'out', 1, 'none'],
      ['EXISTS', 'out'], ['ZINTERSTORE', 'out', 2, 'z1', 'z2', 'WEIGHTS', 1, 2], ['ZRANGE', 'out', 0, -1, 'WITHSCORES'],
      ['ZINTERSTORE', 'out', 2, 'z1', 'z3', 'AGGREGATE', 'MIN'], ['ZRANGE', 'out', 0, -1, 'WITHSCORES'], ['ZINTERSTORE', 'out', 2, 'z1', 'none'],
      ['EXISTS', 'out'], ['ZDIFFSTORE', 'out', 2, 'z1', 'z2'], ['ZRANGE', 'out', 0, -1, 'WITHSCORES'], ['ZDIFFSTORE', 'out', 1, 'z1', 'WEIGHTS', 1],
      ['ZDIFFSTORE', 'z1', 2, 'z1', 'z2'], ['ZRANGE', 'z1', 0, -1], ['ZUNIONSTORE', 'str', 1, 'z2'], ['TYPE', 'str'],
      ['ZINTERSTORE', 'out', 1, 'list'], ['ZDIFFSTORE', 'out', 2, 'z2', 'z2'], ['EXISTS', 'out'],
    ]);
  });

  it('sets as inputs count with score 1', async () => {
    const cmds: Cmd[] = [
      ['FLUSHALL'], ['SADD', 's', 'a', 'b', 'x'], ['ZADD', 'z', 5, 'a', 6, 'y'],
      ['ZUNION', 2, 's', 'z', 'WITHSCORES'], ['ZINTER', 2, 's', 'z', 'WITHSCORES'], ['ZDIFF', 2, 's', 'z', 'WITHSCORES'],
      ['ZINTERCARD', 2, 's', 'z'], ['ZUNIONSTORE', 'o', 2, 's', 'z', 'WEIGHTS', 3, 1], ['ZRANGE', 'o', 0, -1, 'WITHSCORES'],
    ];
    const probe = await RawClient.connect(srv.port);
    const hasSets = !String(await probe.callRaw('SADD', 'probe', 'x')).startsWith('-ERR unknown');
    await probe.callRaw('DEL', 'probe');
    probe.close();
    if (hasSets) await same(cmds);
  });

  it('ZSCAN of small sets, OBJECT ENCODING', async () => {
    await both([
      ['ZSCAN', 'z', 0], ['ZSCAN', 'z', 0, 'MATCH', 'c*'], ['ZSCAN', 'z', 0, 'COUNT', 1], ['ZSCAN', 'z', 0, 'COUNT', 0],
      ['ZSCAN', 'z', 0, 'COUNT', 'x'], ['ZSCAN', 'z', 0, 'MATCH'], ['ZSCAN', 'z', 0, 'TYPE', 'zset'], ['ZSCAN', 'z', 'x'],
      ['ZSCAN', 'none', 0], ['ZSCAN', 'none', 0, 'FOO'], ['ZSCAN', 'str', 0], ['ZSCAN', 'z', -1],
      ['OBJECT', 'ENCODING', 'z'], ['CONFIG', 'SET', 'zset-max-listpack-entries', 3], ['ZADD', 'small', 1, 'a', 2, 'b', 3, 'c'],
      ['OBJECT', 'ENCODING', 'small'], ['ZADD', 'small', 4, 'd'], ['OBJECT', 'ENCODING', 'small'], ['ZREM', 'small', 'a', 'b'],
      ['OBJECT', 'ENCODING', 'small'], ['ZUNIONSTORE', 'u', 1, 'small'], ['OBJECT', 'ENCODING', 'u'],
      ['ZRANGESTORE', 'r', 'z', 0, -1], ['OBJECT', 'ENCODING', 'r'], ['ZRANGESTORE', 'r', 'z', 0, 1], ['OBJECT', 'ENCODING', 'r'],
      ['CONFIG', 'SET', 'zset-max-listpack-value', 4], ['ZADD', 'long', 1, 'abcde'], ['OBJECT', 'ENCODING', 'long'],
      ['ZADD', 'short', 1, 'abcd'], ['OBJECT', 'ENCODING', 'short'], ['CONFIG', 'SET', 'zset-max-listpack-entries', 0],
      ['ZADD', 'zero', 1, 'a'], ['OBJECT', 'ENCODING', 'zero'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', 128], ['CONFIG', 'SET', 'zset-max-listpack-value', 64],
    ]);
  });

  it('a larger random workload matches', async () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const cmds: Cmd[] = [['FLUSHALL']];
    for (let i = 0; i < 400; i++) {
      const m = `m${Math.floor(rnd() * 60)}`;
      const s = Math.floor(rnd() * 20) - 10;
      const r = rnd();
      if (r < 0.4) cmds.push(['ZADD', 'big', s, m, s + 0.5, `${m}x`]);
      else if (r < 0.5) cmds.push(['ZINCRBY', 'big', 0.25, m]);
      else if (r < 0.6) cmds.push(['ZREM', 'big', m]);
      else if (r < 0.7) cmds.push(['ZRANK', 'big', m]);
      else if (r < 0.8) cmds.push(['ZRANGEBYSCORE', 'big', s, `(${s + 3}`, 'WITHSCORES', 'LIMIT', 1, 5]);
      else if (r < 0.85) cmds.push(['ZCOUNT', 'big', s, s + 5]);
      else if (r < 0.9) cmds.push(['ZREVRANGE', 'big', 3, 9, 'WITHSCORES']);
      else if (r < 0.95) cmds.push(['ZREVRANK', 'big', m]);
      else {
        // Lex ranges are defined on members of equal scores only.
        cmds.push(['ZADD', 'lexbig', 0, m], ['ZRANGEBYLEX', 'lexbig', `[${m}`, '+', 'LIMIT', 0, 4]);
        cmds.push(['ZLEXCOUNT', 'lexbig', `(${m}`, '+'], ['ZREVRANGEBYLEX', 'lexbig', `[${m}`, '-', 'LIMIT', 1, 3]);
      }
    }
    cmds.push(['ZRANGE', 'big', 0, -1, 'WITHSCORES'], ['OBJECT', 'ENCODING', 'big'], ['ZCARD', 'big']);
    cmds.push(['ZADD', 'big', 'INCR', 0, 'm1'], ['ZSCAN', 'lexbig', 0], ['ZRANGESTORE', 'st', 'big', 5, 40], ['ZRANGE', 'st', 0, -1, 'WITHSCORES']);
    await same(cmds);
  });
});

/** Wait until the server counts `n` blocked clients. */
async function waitBlocked(ctl: RawClient, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const info = String(await ctl.call('INFO', 'clients'));
    if (info.includes(`blocked_clients:${n}\r\n`)) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`never ${n} blocked clients`);
}

/** Blocking pops served at once and served later: the raw replies seen, in a fixed order. */
async function blockingScenario(port: number, resp3: boolean): Promise<string[]> {
  const ctl = await RawClient.connect(port);
  const w = await RawClient.connect(port);
  const out: string[] = [];
  try {
    await ctl.call('FLUSHALL');
    if (resp3) await w.callRaw('HELLO', 3);
    const now: Cmd[] = [
      ['ZADD', 'a', 1, 'x', 2, 'y', 3, 'z'], ['BZPOPMIN', 'none', 'a', 0], ['BZPOPMAX', 'a', 1], ['BZMPOP', 0, 2, 'none', 'a', 'MAX', 'COUNT', 5],
      ['EXISTS', 'a'], ['BZPOPMIN', 'a', -1], ['BZPOPMIN', 'a', 'x'], ['BZMPOP', 'x', 1, 'a', 'MIN'], ['BZMPOP', 0, 0, 'a', 'MIN'],
      ['BZMPOP', 0, 1, 'a', 'MIDDLE'], ['SET', 's', 'v'], ['BZPOPMIN', 's', 0], ['BZMPOP', 0, 1, 's', 'MIN'],
      ['BZPOPMIN', 'none', 0.01], ['BZMPOP', 0.01, 1, 'none', 'MIN'],
    ];
    for (const cmd of now) out.push(await w.callRaw(...cmd));
    const cases: [Cmd, Cmd][] = [
      [['BZPOPMIN', 'b', 'c', 0], ['ZADD', 'c', 5, 'p', 6, 'q']],
      [['BZPOPMAX', 'c2', 0], ['ZADD', 'c2', 7, 'r', 8, 's']],
      [['BZMPOP', 0, 2, 'd', 'e', 'MAX', 'COUNT', 2], ['ZADD', 'e', 1, 'a', 2, 'b', 3, 'c']],
      [['BZMPOP', 0, 1, 'f', 'MIN'], ['ZADD', 'f', 1, 'only']],
    ];
    for (const [block, push] of cases) {
      w.write(encodeCommand(block));
      await waitBlocked(ctl, 1);
      out.push(await ctl.callRaw(...push));
      out.push(await w.readRaw());
    }
    // A key of another type does not serve a waiter; a zset later does.
    w.write(encodeCommand(['BZPOPMIN', 'g', 0]));
    await waitBlocked(ctl, 1);
    out.push(await ctl.callRaw('SET', 'g', 'str'), await ctl.callRaw('DEL', 'g'), await ctl.callRaw('ZADD', 'g', 9, 'm'));
    out.push(await w.readRaw());
    for (const k of ['c', 'c2', 'e', 'f', 'g']) out.push(await ctl.callRaw('ZRANGE', k, 0, -1, 'WITHSCORES'));
  } finally {
    ctl.close();
    w.close();
  }
  return out;
}

describe.skipIf(!HAVE_REDIS_SERVER)('blocking sorted set pops vs real Redis', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => { srv = await startTestServer(); real = await startRealRedis(); });
  afterAll(async () => { await srv.close(); await real.close(); });

  it('served at once, served later, timing out (RESP2 and RESP3)', async () => {
    for (const resp3 of [false, true]) {
      const theirs = await blockingScenario(real.port, resp3);
      expect(await blockingScenario(srv.port, resp3)).toEqual(theirs);
    }
  });
});

// ZRANK/ZREVRANK WITHSCORE is Redis 7.2's, which the 7.0 oracle rejects: the
// expected bytes are written from 7.2's zrankGenericCommand and docs (a
// [rank, score] pair, the score a bulk string in RESP2 and a double in
// RESP3; a missing key or member with WITHSCORE is a null array). Scores are
// formatted as this server formats every score (7.0's %.17g, as ZSCORE).
describe('ZRANK/ZREVRANK WITHSCORE (Redis 7.2)', () => {
  let srv: TestServer;
  beforeAll(async () => { srv = await startTestServer(); });
  afterAll(async () => { await srv.close(); });

  const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
  const SYNTAX = '-ERR syntax error\r\n';
  const arity = (n: string) => `-ERR wrong number of arguments for '${n}' command\r\n`;
  // z: ninf -inf, zero 0, a 1, b 2, c 3, cc 3, d 4.5, pinf +inf (ranks 0..7).
  const cases = (resp: 2 | 3): [Cmd, string][] => {
    const pair = (rank: number, score: string) =>
      `*2\r\n:${rank}\r\n${resp === 2 ? `$${score.length}\r\n${score}` : `,${score}`}\r\n`;
    const nullArray = resp === 2 ? '*-1\r\n' : '_\r\n';
    const nullBulk = resp === 2 ? '$-1\r\n' : '_\r\n';
    return [
      [['ZRANK', 'z', 'a', 'WITHSCORE'], pair(2, '1')],
      [['ZREVRANK', 'z', 'a', 'WITHSCORE'], pair(5, '1')],
      [['ZRANK', 'z', 'd', 'withscore'], pair(6, '4.5')],
      [['ZREVRANK', 'z', 'd', 'WithScore'], pair(1, '4.5')],
      [['ZRANK', 'z', 'zero', 'WITHSCORE'], pair(1, '0')],
      [['ZRANK', 'z', 'cc', 'WITHSCORE'], pair(5, '3')],
      [['ZREVRANK', 'z', 'c', 'WITHSCORE'], pair(3, '3')],
      [['ZRANK', 'z', 'ninf', 'WITHSCORE'], pair(0, '-inf')],
      [['ZREVRANK', 'z', 'ninf', 'WITHSCORE'], pair(7, '-inf')],
      [['ZREVRANK', 'z', 'pinf', 'WITHSCORE'], pair(0, 'inf')],
      [['ZRANK', 'z', 'pinf', 'WITHSCORE'], pair(7, 'inf')],
      [['ZRANK', 'z', 'nope', 'WITHSCORE'], nullArray],
      [['ZREVRANK', 'z', 'nope', 'WITHSCORE'], nullArray],
      [['ZRANK', 'none', 'a', 'WITHSCORE'], nullArray],
      [['ZREVRANK', 'none', 'a', 'WITHSCORE'], nullArray],
      [['ZRANK', 'none', 'a'], nullBulk],
      [['ZRANK', 'z', 'a'], ':2\r\n'],
      [['ZRANK', 'str', 'a', 'WITHSCORE'], WRONGTYPE],
      [['ZREVRANK', 'list', 'x', 'WITHSCORE'], WRONGTYPE],
      // The extra argument is checked before the key: a syntax error wins over WRONGTYPE and a missing key.
      [['ZRANK', 'z', 'a', 'foo'], SYNTAX],
      [['ZRANK', 'z', 'a', 'WITHSCORES'], SYNTAX],
      [['ZREVRANK', 'z', 'a', ''], SYNTAX],
      [['ZRANK', 'str', 'a', 'foo'], SYNTAX],
      [['ZRANK', 'none', 'a', 'foo'], SYNTAX],
      [['ZRANK', 'z', 'a', 'WITHSCORE', 'WITHSCORE'], arity('zrank')],
      [['ZREVRANK', 'z', 'a', 'foo', 'bar'], arity('zrevrank')],
      [['ZRANK', 'z'], arity('zrank')],
    ];
  };

  for (const resp of [2, 3] as const) {
    it(`replies byte for byte (RESP${resp})`, async () => {
      const c = await RawClient.connect(srv.port);
      for (const cmd of SETUP) await c.call(...cmd);
      if (resp === 3) await c.call('HELLO', 3);
      for (const [cmd, want] of cases(resp)) expect(await c.callRaw(...cmd), cmd.join(' ')).toBe(want);
      c.close();
    });
  }

  it('a score is the stored one, also after ZINCRBY; the rank follows updates', async () => {
    const c = await RawClient.connect(srv.port);
    await c.call('FLUSHALL');
    await c.call('ZADD', 'k', 10, 'x', 20, 'y', '1e20', 'big', '-2.5', 'neg');
    expect(await c.callRaw('ZRANK', 'k', 'big', 'WITHSCORE')).toBe('*2\r\n:3\r\n$5\r\n1e+20\r\n');
    expect(await c.callRaw('ZRANK', 'k', 'neg', 'WITHSCORE')).toBe('*2\r\n:0\r\n$4\r\n-2.5\r\n');
    await c.call('ZINCRBY', 'k', 15, 'x');
    expect(await c.callRaw('ZRANK', 'k', 'x', 'WITHSCORE')).toBe('*2\r\n:2\r\n$2\r\n25\r\n');
    expect(await c.callRaw('ZREVRANK', 'k', 'x', 'WITHSCORE')).toBe('*2\r\n:1\r\n$2\r\n25\r\n');
    // The same answers for a large (skiplist-encoded) set.
    const args: (string | number)[] = [];
    for (let i = 0; i < 300; i++) args.push(i * 0.5, `m${i}`);
    await c.call('ZADD', 'big', ...args);
    expect(await c.callRaw('ZRANK', 'big', 'm7', 'WITHSCORE')).toBe('*2\r\n:7\r\n$3\r\n3.5\r\n');
    expect(await c.callRaw('ZREVRANK', 'big', 'm7', 'WITHSCORE')).toBe('*2\r\n:292\r\n$3\r\n3.5\r\n');
    expect(await c.callRaw('ZREVRANK', 'big', 'm300', 'WITHSCORE')).toBe('*-1\r\n');
    c.close();
  });
});

describe('sorted sets (mini-redis only)', () => {
  let srv: TestServer;
  beforeAll(async () => { srv = await startTestServer(); });
  afterAll(async () => { await srv.close(); });

  it('ZMPOP is propagated as ZPOPMIN/ZPOPMAX with a count', async () => {
    const c = await RawClient.connect(srv.port);
    await c.call('ZADD', 'a', 1, 'x', 2, 'y', 3, 'z');
    const rec = recordPropagation(srv.server);
    expect(await c.call('ZMPOP', 2, 'none', 'a', 'MAX', 'COUNT', 2)).toEqual(['a', [['z', '3'], ['y', '2']]]);
    expect(await c.call('ZMPOP', 1, 'a', 'MIN')).toEqual(['a', [['x', '1']]]);
    expect(await c.call('ZMPOP', 1, 'a', 'MIN')).toEqual(null);
    expect(await c.call('ZRANDMEMBER', 'a')).toEqual(null);
    rec.stop();
    expect(rec.ops).toEqual([['ZPOPMAX', 'a', '2'], ['ZPOPMIN', 'a', '1']]);
    c.close();
  });

  it('blocking pops are propagated as ZPOPMIN/ZPOPMAX, at once or when served', async () => {
    const c = await RawClient.connect(srv.port);
    const w = await RawClient.connect(srv.port);
    await c.call('ZADD', 'a', 1, 'x', 2, 'y', 3, 'z');
    const rec = recordPropagation(srv.server);
    expect(await c.call('BZPOPMIN', 'a', 0)).toEqual(['a', 'x', '1']);
    expect(await c.call('BZMPOP', 0, 1, 'a', 'MAX', 'COUNT', 5)).toEqual(['a', [['z', '3'], ['y', '2']]]);
    w.write(encodeCommand(['BZPOPMAX', 'b', 0]));
    await waitBlocked(c, 1);
    await c.call('ZADD', 'b', 1, 'm', 2, 'n');
    expect(await w.read()).toEqual(['b', 'n', '2']);
    w.write(encodeCommand(['BZMPOP', 0, 1, 'd', 'MIN']));
    await waitBlocked(c, 1);
    await c.call('ZADD', 'd', 1, 'm');
    expect(await w.read()).toEqual(['d', [['m', '1']]]);
    rec.stop();
    expect(rec.ops).toEqual([
      ['ZPOPMIN', 'a'], ['ZPOPMAX', 'a', '5'],
      ['MULTI'], ['ZADD', 'b', '1', 'm', '2', 'n'], ['ZPOPMAX', 'b'], ['EXEC'],
      ['MULTI'], ['ZADD', 'd', '1', 'm'], ['ZPOPMIN', 'd', '1'], ['EXEC'],
    ]);
    c.close();
    w.close();
  });

  it('ZRANDMEMBER: distinct members with a positive count, repeats allowed with a negative one', async () => {
    const c = await RawClient.connect(srv.port);
    const args: (string | number)[] = [];
    for (let i = 0; i < 50; i++) args.push(i, `m${i}`);
    await c.call('ZADD', 'r', ...args);
    const some = (await c.call('ZRANDMEMBER', 'r', 20)) as string[];
    expect(some).toHaveLength(20);
    expect(new Set(some).size).toBe(20);
    const many = (await c.call('ZRANDMEMBER', 'r', -200)) as string[];
    expect(many).toHaveLength(200);
    for (const m of many) expect(m).toMatch(/^m\d+$/);
    const ws = (await c.call('ZRANDMEMBER', 'r', 3, 'WITHSCORES')) as string[];
    expect(ws).toHaveLength(6);
    expect(ws[1]).toBe(ws[0]!.slice(1));
    expect(typeof (await c.call('ZRANDMEMBER', 'r'))).toBe('string');
    c.close();
  });
});
