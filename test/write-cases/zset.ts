// Write-command cases for sorted sets: see types.ts.
import type { WriteCase } from './types.js';

const Z: (string | number)[] = ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c'];
const Z2: (string | number)[] = ['ZADD', 'y', 2, 'b', 4, 'd'];

export const zsetCases: Record<string, WriteCase[]> = {
  zadd: [
    { cmd: ['ZADD', 'z', 1, 'a', 2, 'b'], events: ['zadd'] },
    { setup: [Z], cmd: ['ZADD', 'z', 'XX', 'CH', 5, 'a', 9, 'new'], events: ['zadd'] },
    { setup: [Z], cmd: ['ZADD', 'z', 1, 'a'], events: [] },
    { setup: [Z], cmd: ['ZADD', 'z', 'NX', 7, 'a'], events: [] },
    { setup: [Z], cmd: ['ZADD', 'z', 'GT', 0, 'b'], events: [] },
    { cmd: ['ZADD', 'z', 'XX', 1, 'a'], events: [] },
    { setup: [Z], cmd: ['ZADD', 'z', 'INCR', 2, 'a'], events: ['zincr'] },
    { setup: [Z], cmd: ['ZADD', 'z', 'INCR', 0, 'a'], events: [] },
    { setup: [['ZADD', 'z', 'inf', 'a']], cmd: ['ZADD', 'z', 'INCR', '-inf', 'a'], error: true },
    { setup: [['SET', 'z', 'v']], cmd: ['ZADD', 'z', 1, 'a'], error: true },
    { cmd: ['ZADD', 'z', 'NX', 'XX', 1, 'a'], error: true },
  ],
  zincrby: [
    { setup: [Z], cmd: ['ZINCRBY', 'z', 1.5, 'a'], events: ['zincr'] },
    { cmd: ['ZINCRBY', 'z', 1, 'a'], events: ['zincr'] },
    { setup: [Z], cmd: ['ZINCRBY', 'z', 0, 'a'], events: [] },
    { setup: [Z], cmd: ['ZINCRBY', 'z', 'x', 'a'], error: true },
  ],
  zrem: [
    { setup: [Z], cmd: ['ZREM', 'z', 'a', 'nope'], events: ['zrem'] },
    { setup: [Z], cmd: ['ZREM', 'z', 'a', 'b', 'c'], events: ['zrem', 'del'] },
    { setup: [Z], cmd: ['ZREM', 'z', 'nope'], events: [] },
    { cmd: ['ZREM', 'z', 'a'], events: [] },
  ],
  zrangestore: [
    { setup: [Z], cmd: ['ZRANGESTORE', 'd', 'z', 0, 1], events: ['zrangestore'] },
    { setup: [Z, ['SET', 'd', 'v']], cmd: ['ZRANGESTORE', 'd', 'z', '(1', '+inf', 'BYSCORE'], events: ['zrangestore'] },
    { setup: [Z, ['SET', 'd', 'v']], cmd: ['ZRANGESTORE', 'd', 'z', 5, 9], events: ['del'] },
    { setup: [Z], cmd: ['ZRANGESTORE', 'd', 'z', 5, 9], events: [] },
    { setup: [Z, ['ZADD', 'd', 1, 'a']], cmd: ['ZRANGESTORE', 'd', 'z', 0, 0], events: ['zrangestore'], counted: true },
    { setup: [Z], cmd: ['ZRANGESTORE', 'd', 'z', 0, 1, 'LIMIT', 0, 1], error: true },
  ],
  zremrangebyrank: [
    { setup: [Z], cmd: ['ZREMRANGEBYRANK', 'z', 0, 0], events: ['zremrangebyrank'] },
    { setup: [Z], cmd: ['ZREMRANGEBYRANK', 'z', 0, -1], events: ['zremrangebyrank', 'del'] },
    { setup: [Z], cmd: ['ZREMRANGEBYRANK', 'z', 5, 9], events: [] },
  ],
  zremrangebyscore: [
    { setup: [Z], cmd: ['ZREMRANGEBYSCORE', 'z', '(1', 2], events: ['zremrangebyscore'] },
    { setup: [Z], cmd: ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'], events: ['zremrangebyscore', 'del'] },
    { setup: [Z], cmd: ['ZREMRANGEBYSCORE', 'z', 10, 20], events: [] },
    { setup: [Z], cmd: ['ZREMRANGEBYSCORE', 'z', 'x', 20], error: true },
  ],
  zremrangebylex: [
    { setup: [Z], cmd: ['ZREMRANGEBYLEX', 'z', '-', '[a'], events: ['zremrangebylex'] },
    { setup: [Z], cmd: ['ZREMRANGEBYLEX', 'z', '-', '+'], events: ['zremrangebylex', 'del'] },
    { setup: [Z], cmd: ['ZREMRANGEBYLEX', 'z', '(x', '+'], events: [] },
  ],
  zpopmin: [
    { setup: [Z], cmd: ['ZPOPMIN', 'z'], events: ['zpopmin'] },
    { setup: [Z], cmd: ['ZPOPMIN', 'z', 5], events: ['zpopmin', 'del'] },
    { setup: [Z], cmd: ['ZPOPMIN', 'z', 0], events: [] },
    { cmd: ['ZPOPMIN', 'z'], events: [] },
  ],
  zpopmax: [
    { setup: [Z], cmd: ['ZPOPMAX', 'z', 2], events: ['zpopmax'] },
    { setup: [['ZADD', 'z', 1, 'a']], cmd: ['ZPOPMAX', 'z'], events: ['zpopmax', 'del'] },
    { cmd: ['ZPOPMAX', 'z', 3], events: [] },
  ],
  zmpop: [
    { setup: [Z], cmd: ['ZMPOP', 2, 'none', 'z', 'MAX', 'COUNT', 2], events: ['zpopmax'] },
    { setup: [Z], cmd: ['ZMPOP', 1, 'z', 'MIN', 'COUNT', 10], events: ['zpopmin', 'del'] },
    { cmd: ['ZMPOP', 1, 'z', 'MIN'], events: [] },
    { setup: [Z], cmd: ['ZMPOP', 0, 'z', 'MIN'], error: true },
  ],
  bzpopmin: [
    { setup: [Z], cmd: ['BZPOPMIN', 'none', 'z', 0], events: ['zpopmin'] },
    { setup: [['ZADD', 'z', 1, 'a']], cmd: ['BZPOPMIN', 'z', 1], events: ['zpopmin', 'del'] },
    { setup: [['SET', 's', 'x']], cmd: ['BZPOPMIN', 's', 0], error: true },
  ],
  bzpopmax: [
    { setup: [Z], cmd: ['BZPOPMAX', 'z', 0], events: ['zpopmax'] },
    { setup: [Z], cmd: ['BZPOPMAX', 'z', -1], error: true },
  ],
  bzmpop: [
    { setup: [Z], cmd: ['BZMPOP', 0, 1, 'z', 'MIN'], events: ['zpopmin'] },
    { setup: [Z], cmd: ['BZMPOP', 0.5, 2, 'none', 'z', 'MAX', 'COUNT', 3], events: ['zpopmax', 'del'] },
    { setup: [Z], cmd: ['BZMPOP', 0, 0, 'z', 'MIN'], error: true },
  ],
  zunionstore: [
    { setup: [Z, Z2], cmd: ['ZUNIONSTORE', 'd', 2, 'z', 'y'], events: ['zunionstore'] },
    { setup: [Z, ['SET', 'd', 'v']], cmd: ['ZUNIONSTORE', 'd', 1, 'none'], events: ['del'] },
    { cmd: ['ZUNIONSTORE', 'd', 1, 'none'], events: [] },
    { setup: [Z], cmd: ['ZUNIONSTORE', 'z', 1, 'z'], events: ['zunionstore'], counted: true },
  ],
  zinterstore: [
    { setup: [Z, Z2], cmd: ['ZINTERSTORE', 'd', 2, 'z', 'y', 'WEIGHTS', 1, 3], events: ['zinterstore'] },
    { setup: [Z, ['ZADD', 'd', 1, 'x']], cmd: ['ZINTERSTORE', 'd', 2, 'z', 'none'], events: ['del'] },
    { setup: [Z], cmd: ['ZINTERSTORE', 'd', 2, 'z', 'none'], events: [] },
  ],
  zdiffstore: [
    { setup: [Z, Z2], cmd: ['ZDIFFSTORE', 'd', 2, 'z', 'y'], events: ['zdiffstore'] },
    { setup: [Z, ['ZADD', 'd', 1, 'x']], cmd: ['ZDIFFSTORE', 'd', 2, 'z', 'z'], events: ['del'] },
    { setup: [Z], cmd: ['ZDIFFSTORE', 'd', 2, 'z', 'z'], events: [] },
  ],
};
