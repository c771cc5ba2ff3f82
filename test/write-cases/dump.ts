// Write-command cases for RESTORE (DUMP is read-only): see types.ts.
import { DEFAULT_RDB_LIMITS, createDumpPayload } from '../../src/persistence/rdb.js';
import { ListValue } from '../../src/keyspace/list.js';
import type { WriteCase } from './types.js';

const opts = { compress: true, checksum: true, limits: DEFAULT_RDB_LIMITS };
/** DUMP of the string "hello", as Redis 7.0 writes it. */
const STRING = createDumpPayload('hello', opts).latin1Slice();
const LIST = (() => {
  const l = new ListValue();
  l.pushTail('a');
  l.pushTail('b');
  return createDumpPayload(l, opts).latin1Slice();
})();
const CORRUPT = `${STRING.slice(0, -1)}${String.fromCharCode(STRING.charCodeAt(STRING.length - 1) ^ 1)}`;

export const dumpCases: Record<string, WriteCase[]> = {
  restore: [
    { cmd: ['RESTORE', 'k', 0, STRING], events: ['restore'] },
    { cmd: ['RESTORE', 'k', 100000, LIST], events: ['restore'] },
    { cmd: ['RESTORE', 'k', 4102444800000, STRING, 'ABSTTL'], events: ['restore'] },
    { setup: [['SET', 'k', 'v', 'EX', 100]], cmd: ['RESTORE', 'k', 0, LIST, 'REPLACE'], events: ['restore'] },
    { setup: [['SET', 'k', 'v']], cmd: ['RESTORE', 'k', 0, STRING], error: true },
    // A TTL already past: nothing created; a key REPLACE removed is a deletion.
    { cmd: ['RESTORE', 'k', 1, STRING, 'ABSTTL'], events: [] },
    { setup: [['SET', 'k', 'v']], cmd: ['RESTORE', 'k', 1, STRING, 'ABSTTL', 'REPLACE'], events: ['del'] },
    { cmd: ['RESTORE', 'k', 0, CORRUPT], error: true },
    { cmd: ['RESTORE', 'k', -1, STRING], error: true },
    { cmd: ['RESTORE', 'k', 0, STRING, 'IDLETIME', 5, 'FREQ', 1], error: true },
  ],
};
