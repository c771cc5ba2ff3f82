// Write-command cases for hashes: see types.ts.
import type { WriteCase } from './types.js';

export const hashCases: Record<string, WriteCase[]> = {
  hset: [
    { cmd: ['HSET', 'h', 'f', 'v'], events: ['hset'] },
    { setup: [['HSET', 'h', 'f', 'v']], cmd: ['HSET', 'h', 'f', 'w', 'g', 'x'], events: ['hset'] },
    // Redis reports (and counts) HSET even when every value was already there.
    { setup: [['HSET', 'h', 'f', 'v']], cmd: ['HSET', 'h', 'f', 'v'], events: ['hset'], counted: true },
    { setup: [['SET', 'h', 'v']], cmd: ['HSET', 'h', 'f', 'v'], error: true },
    { cmd: ['HSET', 'h', 'f', 'v', 'g'], error: true },
  ],
  hmset: [
    { cmd: ['HMSET', 'h', 'f', 'v', 'g', 'w'], events: ['hset'] },
    { setup: [['HSET', 'h', 'f', 'v']], cmd: ['HMSET', 'h', 'f', 'v'], events: ['hset'], counted: true },
    { setup: [['SET', 'h', 'v']], cmd: ['HMSET', 'h', 'f', 'v'], error: true },
  ],
  hsetnx: [
    { cmd: ['HSETNX', 'h', 'f', 'v'], events: ['hset'] },
    { setup: [['HSET', 'h', 'f', 'v']], cmd: ['HSETNX', 'h', 'g', 'v'], events: ['hset'] },
    { setup: [['HSET', 'h', 'f', 'v']], cmd: ['HSETNX', 'h', 'f', 'w'], events: [] },
    { setup: [['SET', 'h', 'v']], cmd: ['HSETNX', 'h', 'f', 'v'], error: true },
  ],
  hdel: [
    { setup: [['HSET', 'h', 'f', 'v', 'g', 'w']], cmd: ['HDEL', 'h', 'f', 'none'], events: ['hdel'] },
    { setup: [['HSET', 'h', 'f', 'v'], ['EXPIRE', 'h', 100]], cmd: ['HDEL', 'h', 'f', 'f'], events: ['hdel', 'del'] },
    { setup: [['HSET', 'h', 'f', 'v']], cmd: ['HDEL', 'h', 'none'], events: [] },
    { cmd: ['HDEL', 'h', 'f'], events: [] },
    { setup: [['SET', 'h', 'v']], cmd: ['HDEL', 'h', 'f'], error: true },
  ],
  hincrby: [
    { cmd: ['HINCRBY', 'h', 'f', 5], events: ['hincrby'] },
    { setup: [['HSET', 'h', 'f', '10']], cmd: ['HINCRBY', 'h', 'f', -3], events: ['hincrby'] },
    { setup: [['HSET', 'h', 'f', '10']], cmd: ['HINCRBY', 'h', 'f', 0], events: ['hincrby'], counted: true },
    { setup: [['HSET', 'h', 'f', 'x']], cmd: ['HINCRBY', 'h', 'f', 1], error: true },
    { setup: [['HSET', 'h', 'f', '9223372036854775807']], cmd: ['HINCRBY', 'h', 'f', 1], error: true },
    { cmd: ['HINCRBY', 'h', 'f', 'x'], error: true },
  ],
  hincrbyfloat: [
    { cmd: ['HINCRBYFLOAT', 'h', 'f', '1.5'], events: ['hincrbyfloat'] },
    { setup: [['HSET', 'h', 'f', '10']], cmd: ['HINCRBYFLOAT', 'h', 'f', '0.1'], events: ['hincrbyfloat'] },
    { setup: [['HSET', 'h', 'f', '1.5']], cmd: ['HINCRBYFLOAT', 'h', 'f', '0'], events: ['hincrbyfloat'], counted: true },
    { setup: [['HSET', 'h', 'f', 'x']], cmd: ['HINCRBYFLOAT', 'h', 'f', '1'], error: true },
    { cmd: ['HINCRBYFLOAT', 'h', 'f', 'inf'], error: true },
  ],
};
