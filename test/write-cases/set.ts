// Write-command cases for sets: see types.ts.
import type { WriteCase } from './types.js';

export const setCases: Record<string, WriteCase[]> = {
  sadd: [
    { cmd: ['SADD', 's', 'a', 'b'], events: ['sadd'] },
    { setup: [['SADD', 's', 1, 2], ['PEXPIRE', 's', 5000]], cmd: ['SADD', 's', 3, 'x'], events: ['sadd'] },
    { setup: [['SADD', 's', 'a']], cmd: ['SADD', 's', 'a', 'a'], events: [] },
    { setup: [['SET', 's', 'v']], cmd: ['SADD', 's', 'a'], error: true },
  ],
  srem: [
    { setup: [['SADD', 's', 'a', 'b']], cmd: ['SREM', 's', 'a', 'x'], events: ['srem'] },
    { setup: [['SADD', 's', 1, 2], ['EXPIRE', 's', 100]], cmd: ['SREM', 's', 1, 2, 3], events: ['srem', 'del'] },
    { setup: [['SADD', 's', 'a']], cmd: ['SREM', 's', 'x'], events: [] },
    { cmd: ['SREM', 's', 'x'], events: [] },
    { setup: [['SET', 's', 'v']], cmd: ['SREM', 's', 'a'], error: true },
  ],
  spop: [
    { setup: [['SADD', 's', 'a', 'b']], cmd: ['SPOP', 's'], events: ['spop'] },
    { setup: [['SADD', 's', 7]], cmd: ['SPOP', 's'], events: ['spop', 'del'] },
    { setup: [['SADD', 's', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]], cmd: ['SPOP', 's', 2], events: ['spop'] },
    { setup: [['SADD', 's', 'a', 'b', 'c', 'd']], cmd: ['SPOP', 's', 3], events: ['spop'] },
    { setup: [['SADD', 's', 'a', 'b'], ['EXPIRE', 's', 100]], cmd: ['SPOP', 's', 2], events: ['spop', 'del'] },
    { setup: [['SADD', 's', 'a']], cmd: ['SPOP', 's', 0], events: [] },
    { cmd: ['SPOP', 's'], events: [] },
    { cmd: ['SPOP', 's', 3], events: [] },
    { setup: [['SADD', 's', 'a']], cmd: ['SPOP', 's', -1], error: true },
    { setup: [['SET', 's', 'v']], cmd: ['SPOP', 's'], error: true },
  ],
  smove: [
    { setup: [['SADD', 's', 'a', 'b'], ['SADD', 'd', 'x']], cmd: ['SMOVE', 's', 'd', 'a'], events: ['srem', 'sadd'] },
    { setup: [['SADD', 's', 'a']], cmd: ['SMOVE', 's', 'd', 'a'], events: ['srem', 'del', 'sadd'] },
    { setup: [['SADD', 's', 'a', 'b'], ['SADD', 'd', 'a']], cmd: ['SMOVE', 's', 'd', 'a'], events: ['srem'] },
    { setup: [['SADD', 's', 'a']], cmd: ['SMOVE', 's', 's', 'a'], events: [] },
    { setup: [['SADD', 's', 'a']], cmd: ['SMOVE', 's', 'd', 'x'], events: [] },
    { cmd: ['SMOVE', 's', 'd', 'x'], events: [] },
    { setup: [['SADD', 's', 'a'], ['SET', 'd', 'v']], cmd: ['SMOVE', 's', 'd', 'a'], error: true },
  ],
  sinterstore: [
    { setup: [['SADD', 'a', 1, 2, 3], ['SADD', 'b', 2, 3, 4]], cmd: ['SINTERSTORE', 'd', 'a', 'b'], events: ['sinterstore'] },
    {
      setup: [['SADD', 'a', 'x'], ['SET', 'd', 'v', 'EX', 100]], cmd: ['SINTERSTORE', 'd', 'a'],
      events: ['sinterstore'],
    },
    { setup: [['SADD', 'a', 1], ['SADD', 'd', 1]], cmd: ['SINTERSTORE', 'd', 'a', 'none'], events: ['del'] },
    { setup: [['SADD', 'a', 1], ['SADD', 'b', 2], ['SADD', 'd', 1]], cmd: ['SINTERSTORE', 'd', 'a', 'b'], events: ['del'] },
    { setup: [['SADD', 'a', 1]], cmd: ['SINTERSTORE', 'd', 'a', 'none'], events: [] },
    {
      setup: [['SADD', 'a', 1, 2], ['SADD', 'd', 1, 2]], cmd: ['SINTERSTORE', 'd', 'a'], events: ['sinterstore'],
      counted: true,
    },
    { setup: [['SET', 'a', 'v']], cmd: ['SINTERSTORE', 'd', 'none', 'a'], error: true },
  ],
  sunionstore: [
    { setup: [['SADD', 'a', 1, 2], ['SADD', 'b', 'x']], cmd: ['SUNIONSTORE', 'd', 'a', 'b'], events: ['sunionstore'] },
    { setup: [['SADD', 'a', 1, 2]], cmd: ['SUNIONSTORE', 'a', 'a', 'none'], events: ['sunionstore'], counted: true },
    { setup: [['SET', 'd', 'v']], cmd: ['SUNIONSTORE', 'd', 'none'], events: ['del'] },
    { cmd: ['SUNIONSTORE', 'd', 'none'], events: [] },
    { setup: [['SET', 'a', 'v']], cmd: ['SUNIONSTORE', 'd', 'a'], error: true },
  ],
  sdiffstore: [
    { setup: [['SADD', 'a', 1, 2, 3], ['SADD', 'b', 2]], cmd: ['SDIFFSTORE', 'd', 'a', 'b'], events: ['sdiffstore'] },
    { setup: [['SADD', 'a', 1], ['SADD', 'd', 'q']], cmd: ['SDIFFSTORE', 'd', 'a', 'a'], events: ['del'] },
    { setup: [['SADD', 'a', 1]], cmd: ['SDIFFSTORE', 'd', 'none', 'a'], events: [] },
    { setup: [['SADD', 'a', 1], ['LPUSH', 'b', 'x']], cmd: ['SDIFFSTORE', 'd', 'a', 'b'], error: true },
  ],
};
