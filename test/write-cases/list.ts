// Write-command cases for lists (beyond the first commands, whose cases are in mutation.test.ts): see types.ts.
// Blocking commands appear only where they are served at once (a case never blocks).
import type { WriteCase } from './types.js';

const L = ['RPUSH', 'l', 'a', 'b', 'c'];

export const listCases: Record<string, WriteCase[]> = {
  lset: [
    { setup: [L], cmd: ['LSET', 'l', -1, 'z'], events: ['lset'] },
    { setup: [L], cmd: ['LSET', 'l', 5, 'z'], error: true },
    { cmd: ['LSET', 'none', 0, 'z'], error: true },
  ],
  ltrim: [
    { setup: [L], cmd: ['LTRIM', 'l', 1, -1], events: ['ltrim'] },
    { setup: [L], cmd: ['LTRIM', 'l', 5, 10], events: ['ltrim', 'del'] },
    {
      setup: [L], cmd: ['LTRIM', 'l', 0, -1], events: [],
      redisDiffers: 'Redis publishes ltrim for a trim that removes nothing (counting no change)',
    },
    { cmd: ['LTRIM', 'none', 0, 1], events: [] },
  ],
  lrem: [
    { setup: [['RPUSH', 'l', 'a', 'b', 'a']], cmd: ['LREM', 'l', -1, 'a'], events: ['lrem'] },
    { setup: [['RPUSH', 'l', 'a', 'a']], cmd: ['LREM', 'l', 0, 'a'], events: ['lrem', 'del'] },
    { setup: [L], cmd: ['LREM', 'l', 0, 'x'], events: [] },
  ],
  linsert: [
    { setup: [L], cmd: ['LINSERT', 'l', 'BEFORE', 'b', 'x'], events: ['linsert'] },
    { setup: [L], cmd: ['LINSERT', 'l', 'after', 'c', 'x'], events: ['linsert'] },
    { setup: [L], cmd: ['LINSERT', 'l', 'AFTER', 'nope', 'x'], events: [] },
    { cmd: ['LINSERT', 'none', 'AFTER', 'a', 'x'], events: [] },
  ],
  lmove: [
    { setup: [L], cmd: ['LMOVE', 'l', 'd', 'LEFT', 'RIGHT'], events: ['rpush', 'lpop'] },
    { setup: [['RPUSH', 'l', 'a']], cmd: ['LMOVE', 'l', 'd', 'RIGHT', 'LEFT'], events: ['lpush', 'rpop', 'del'] },
    { setup: [['RPUSH', 'l', 'a']], cmd: ['LMOVE', 'l', 'l', 'LEFT', 'RIGHT'], events: ['rpush', 'lpop'], counted: true },
    { setup: [L, ['SET', 's', 'x']], cmd: ['LMOVE', 'l', 's', 'LEFT', 'RIGHT'], error: true },
    { cmd: ['LMOVE', 'none', 'd', 'LEFT', 'RIGHT'], events: [] },
  ],
  rpoplpush: [
    { setup: [L], cmd: ['RPOPLPUSH', 'l', 'd'], events: ['lpush', 'rpop'] },
    { cmd: ['RPOPLPUSH', 'none', 'd'], events: [] },
  ],
  lmpop: [
    { setup: [L], cmd: ['LMPOP', 2, 'none', 'l', 'LEFT', 'COUNT', 2], events: ['lpop'] },
    { setup: [L], cmd: ['LMPOP', 1, 'l', 'RIGHT', 'COUNT', 10], events: ['rpop', 'del'] },
    { cmd: ['LMPOP', 1, 'none', 'RIGHT'], events: [] },
  ],
  blpop: [
    { setup: [L], cmd: ['BLPOP', 'none', 'l', 0], events: ['lpop'] },
    { setup: [['RPUSH', 'l', 'a']], cmd: ['BLPOP', 'l', 1], events: ['lpop', 'del'] },
    { setup: [['SET', 's', 'x']], cmd: ['BLPOP', 's', 0], error: true },
  ],
  brpop: [
    { setup: [L], cmd: ['BRPOP', 'l', 0], events: ['rpop'] },
    { cmd: ['BRPOP', 'l', -1], error: true },
  ],
  blmove: [
    { setup: [L], cmd: ['BLMOVE', 'l', 'd', 'RIGHT', 'RIGHT', 0], events: ['rpush', 'rpop'] },
    { setup: [['RPUSH', 'l', 'a']], cmd: ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', 0], events: ['lpush', 'lpop', 'del'] },
    { cmd: ['BLMOVE', 'l', 'd', 'LEFT', 'UP', 0], error: true },
  ],
  brpoplpush: [
    { setup: [L], cmd: ['BRPOPLPUSH', 'l', 'd', 0], events: ['lpush', 'rpop'] },
    { setup: [L], cmd: ['BRPOPLPUSH', 'l', 'd', 'x'], error: true },
  ],
  blmpop: [
    { setup: [L], cmd: ['BLMPOP', 0, 1, 'l', 'LEFT'], events: ['lpop'] },
    { setup: [L], cmd: ['BLMPOP', 0.5, 1, 'l', 'RIGHT', 'COUNT', 3], events: ['rpop', 'del'] },
    { setup: [L], cmd: ['BLMPOP', 0, 0, 'l', 'RIGHT'], error: true },
  ],
};
