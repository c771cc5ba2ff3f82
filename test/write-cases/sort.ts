// Write-command cases for SORT ... STORE: see types.ts.
// SORT without STORE and SORT ... STORE of an empty result onto a missing
// destination change nothing; an empty result deletes an existing destination.
import type { WriteCase } from './types.js';

const L = ['RPUSH', 'l', 3, 1, 2];

export const sortCases: Record<string, WriteCase[]> = {
  sort: [
    { setup: [L], cmd: ['SORT', 'l', 'STORE', 'd'], events: ['sortstore'] },
    { setup: [L, ['SET', 'd', 'x']], cmd: ['SORT', 'l', 'DESC', 'LIMIT', 0, 2, 'STORE', 'd'], events: ['sortstore'] },
    { setup: [['SADD', 's', 'b', 'a']], cmd: ['SORT', 's', 'BY', 'nosort', 'STORE', 'd'], events: ['sortstore'] },
    { setup: [L, ['RPUSH', 'd', 'x']], cmd: ['SORT', 'none', 'STORE', 'd'], events: ['del'] },
    { setup: [L, ['RPUSH', 'd', 'x']], cmd: ['SORT', 'l', 'LIMIT', 5, 1, 'STORE', 'd'], events: ['del'] },
    { setup: [L], cmd: ['SORT', 'none', 'STORE', 'd'], events: [] },
    { setup: [L], cmd: ['SORT', 'l'], events: [] },
    { setup: [['RPUSH', 'l', 'a', 'b']], cmd: ['SORT', 'l', 'STORE', 'd'], error: true },
    { setup: [['SET', 'l', 'x']], cmd: ['SORT', 'l', 'STORE', 'd'], error: true },
  ],
};
