// The RDB format's vocabulary (Redis's rdb.h), the error every refusal
// throws, and the limits that decide encodings. See rdb.ts for the codec's
// overview and API.

/** The RDB version we write: Redis 7.0's. */
import type { EncodingLimits } from '../server.js';

export const RDB_VERSION = 10;
/** The newest RDB version we read (Redis 7.4). */
export const RDB_MAX_VERSION = 12;

// Value types.
export const RDB_TYPE_STRING = 0;
export const RDB_TYPE_LIST = 1;
export const RDB_TYPE_SET = 2;
export const RDB_TYPE_ZSET = 3;
export const RDB_TYPE_HASH = 4;
export const RDB_TYPE_ZSET_2 = 5;
export const RDB_TYPE_MODULE_PRE_GA = 6;
export const RDB_TYPE_MODULE_2 = 7;
export const RDB_TYPE_HASH_ZIPMAP = 9;
export const RDB_TYPE_LIST_ZIPLIST = 10;
export const RDB_TYPE_SET_INTSET = 11;
export const RDB_TYPE_ZSET_ZIPLIST = 12;
export const RDB_TYPE_HASH_ZIPLIST = 13;
export const RDB_TYPE_LIST_QUICKLIST = 14;
export const RDB_TYPE_STREAM_LISTPACKS = 15;
export const RDB_TYPE_HASH_LISTPACK = 16;
export const RDB_TYPE_ZSET_LISTPACK = 17;
export const RDB_TYPE_LIST_QUICKLIST_2 = 18;
export const RDB_TYPE_STREAM_LISTPACKS_2 = 19;
export const RDB_TYPE_SET_LISTPACK = 20;
export const RDB_TYPE_STREAM_LISTPACKS_3 = 21;
export const RDB_TYPE_HASH_METADATA_PRE_GA = 22;
export const RDB_TYPE_HASH_LISTPACK_EX_PRE_GA = 23;
export const RDB_TYPE_HASH_METADATA = 24;
export const RDB_TYPE_HASH_LISTPACK_EX = 25;

// Opcodes.
export const RDB_OPCODE_SLOT_INFO = 244;
export const RDB_OPCODE_FUNCTION2 = 245;
export const RDB_OPCODE_FUNCTION_PRE_GA = 246;
export const RDB_OPCODE_MODULE_AUX = 247;
export const RDB_OPCODE_IDLE = 248;
export const RDB_OPCODE_FREQ = 249;
export const RDB_OPCODE_AUX = 250;
export const RDB_OPCODE_RESIZEDB = 251;
export const RDB_OPCODE_EXPIRETIME_MS = 252;
export const RDB_OPCODE_EXPIRETIME = 253;
export const RDB_OPCODE_SELECTDB = 254;
export const RDB_OPCODE_EOF = 255;

// Length and string encodings (the first byte's two high bits).
export const RDB_6BITLEN = 0;
export const RDB_14BITLEN = 1;
export const RDB_32BITLEN = 0x80;
export const RDB_64BITLEN = 0x81;
export const RDB_ENCVAL = 3;
export const RDB_ENC_INT8 = 0;
export const RDB_ENC_INT16 = 1;
export const RDB_ENC_INT32 = 2;
export const RDB_ENC_LZF = 3;

/** Quicklist node containers in RDB_TYPE_LIST_QUICKLIST_2. */
export const QUICKLIST_NODE_CONTAINER_PLAIN = 1;
export const QUICKLIST_NODE_CONTAINER_PACKED = 2;

/** Names of value types for messages (redis-check-rdb's rdb_type_string). */
export const RDB_TYPE_NAMES: Record<number, string> = {
  0: 'string', 1: 'list-linked', 2: 'set-hashtable', 3: 'zset-v1', 4: 'hash-hashtable', 5: 'zset-v2',
  6: 'module-pre-release', 7: 'module-value', 9: 'hash-zipmap', 10: 'list-ziplist', 11: 'set-intset',
  12: 'zset-ziplist', 13: 'hash-ziplist', 14: 'quicklist', 15: 'stream', 16: 'hash-listpack', 17: 'zset-listpack',
  18: 'quicklist-v2', 19: 'stream-v2', 20: 'set-listpack', 21: 'stream-v3', 22: 'hash-hashtable-md-pre-ga',
  23: 'hash-listpack-md-pre-ga', 24: 'hash-hashtable-md', 25: 'hash-listpack-md',
};

/**
 * Every refusal of the codec: corrupt or truncated data, a bad checksum, a
 * version or type we cannot load. Loading never returns a partial result:
 * it throws this instead. `offset` is where in the buffer the problem was
 * found (-1 when not meaningful).
 */
export class RdbError extends Error {
  constructor(message: string, readonly offset = -1) {
    super(message);
    this.name = 'RdbError';
  }
}

/**
 * The encoding thresholds (the server's `encodingLimits`, from
 * hash-max-listpack-entries etc.): which encoding a value is written in
 * follows the value's own encoding; which encoding a loaded value gets
 * follows these, as Redis's rdbLoadObject converts.
 */
export type RdbLimits = EncodingLimits;

/** Redis 7.0's defaults (tests and tools). */
export const DEFAULT_RDB_LIMITS: Readonly<RdbLimits> = Object.freeze({
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  listMaxListpackSize: -2,
});

