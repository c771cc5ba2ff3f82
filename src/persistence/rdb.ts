// The RDB codec: Redis's own snapshot format (rdb.c), the base of
// persistence (snapshots, the AOF's RDB preamble, start-up loading) and of
// DUMP/RESTORE. This module is the entry point; the work is split into
// format.ts (rdb.h's constants, RdbError, the encoding limits),
// rdb-encode.ts (writing), rdb-decode.ts (reading), packed.ts (listpack,
// ziplist, intset, zipmap blobs), lzf.ts and crc64.ts.
//
// Writing (RDB 10, what Redis 7.0 writes; the file redis-server 7.0 loads):
//   const w = new RdbWriter({ compress, checksum, limits });
//   w.header(defaultAuxFields(now, usedMem, aofBase));
//   for each non-empty db: w.selectDb(id, size, expiresCount);
//     for each key: w.entry(key, stored, expireAt /* unix ms, -1: none */);
//     (call w.take() whenever convenient and write the Buffer it returns:
//      the CRC-64 is computed incrementally over what is taken)
//   w.end(); write w.take();
// encodeValue(value, opts) gives the type byte and payload of one value;
// createDumpPayload(value, opts) a whole DUMP payload.
//
// Reading (RDB 1..12: Redis up to 7.4):
//   loadRdb(buf, sink, { checksum, limits, now? }, start = 0)
//     -> { version, keys, end } where `end` is just past the checksum (an
//        AOF with an RDB preamble continues there);
//   sink: { aux?(k, v), selectDb?(n), resizeDb?(size, expires),
//           entry(db, key, value: Stored, expireAt /* -1: none */), warn?(msg) }.
//   Expired keys are passed with their past expireAt: the sink decides (a
//   master skips them, the AOF preamble keeps them). Empty collections are
//   skipped with a warning, as Redis does.
// decodeValue(type, buf, limits, start?, end?) reads one value;
// verifyDumpPayload(payload) and decodeDumpPayload(payload, limits) are
// RESTORE's two steps.
//
// Refusals, all as RdbError (never a partial silent load; on a throw the
// caller discards what the sink built): a wrong signature, a version newer
// than 12 ("Can't handle RDB format version N"), a wrong checksum ("Wrong
// RDB checksum expected: (x) got: (y). Aborting now."; a stored checksum of
// 0 is never verified, nor any when `checksum` is false), truncation ("Short
// read or OOM loading DB. Unrecoverable error, aborting now." plus the
// offset), corrupt blobs, duplicate members, and what this server cannot
// hold: streams (types 15, 19, 21) and module values (6, 7) name the key;
// module aux data (opcode 247) and 7.0-RC functions (246) are refused.
// Skipped with a warning to sink.warn: function libraries (FUNCTION2, 245:
// functions do not exist here yet), 7.4 hash field TTLs (HASH_METADATA,
// HASH_LISTPACK_EX: the fields are loaded without their TTL, fields already
// expired are dropped), SLOT_INFO (244), IDLE/FREQ (no LRU/LFU tracking).
//
// Values are latin1 JS strings (one char per byte) throughout, as keys and
// strings are everywhere in this server; loaded values are built through
// the data-type classes and get the encoding Redis would report after
// loading.

export * from './format.js';
export {
  RdbWriter, encodeValue, createDumpPayload, defaultAuxFields, rdbTypeOf, type RdbWriterOptions,
} from './rdb-encode.js';
export {
  loadRdb, decodeValue, decodeDumpPayload, verifyDumpPayload, type RdbSink, type LoadOptions, type LoadResult,
} from './rdb-decode.js';
export { Crc64, crc64 } from './crc64.js';
export { lzfCompress, lzfDecompress } from './lzf.js';
