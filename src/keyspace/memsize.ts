// Memory estimates for MEMORY USAGE: what Redis 7.0 would report for a key
// and its value (objectComputeSize in object.c, plus the key's sds and its
// dictEntry, as memoryCommand adds them). Free of RESP.
//
// Our values are JS objects whose real cost says nothing useful to tools such
// as `redis-cli --memkeys` / `--bigkeys`, so we compute the size Redis's own
// structures would take for the same contents on a 64-bit build with
// jemalloc: robj, sds headers (sdsReqType), dictEntry, listpack / intset /
// quicklist / skiplist / hashtable layouts, each allocation rounded up to its
// jemalloc size class (zmalloc_size). Sampling follows Redis: the first
// `samples` elements (default 5, all when 0) are measured and their average
// is multiplied by the element (or quicklist node) count.
//
// Where history matters and is not kept we assume a value built by appending
// its current contents: quicklist nodes are packed from the head, hash tables
// have the smallest power-of-two size holding their elements (a table being
// rehashed or not yet shrunk would count more slots in Redis), an intset has
// the narrowest encoding for its current members (Redis never narrows).
// list-compress-depth is ignored (compressed nodes are counted uncompressed).

import type { HashValue } from './hash.js';
import type { ListValue } from './list.js';
import type { SetValue } from './set.js';
import { RawString, type Stored, encodingOf } from './types.js';
import type { ZSetValue } from './zset.js';
import { formatDouble17g, parseInt64 } from '../util/numbers.js';

// sizeof() of Redis 7.0's structures on a 64-bit build.
export const SIZEOF_ROBJ = 16;
export const SIZEOF_DICT_ENTRY = 24;
export const SIZEOF_DICT = 56;
export const SIZEOF_QUICKLIST = 40;
export const SIZEOF_QUICKLIST_NODE = 40;
export const SIZEOF_ZSET = 16;
export const SIZEOF_ZSKIPLIST = 32;
/** zskiplistNode without its levels: ele, score, backward. */
const ZSKIPLIST_NODE_BASE = 24;
/** One zskiplistLevel: forward pointer and span. */
const ZSKIPLIST_LEVEL = 16;
const ZSKIPLIST_MAXLEVEL = 32;
/** sizeof(intset): encoding and length. */
const INTSET_HEADER = 8;
/** listpack: total bytes (4) + element count (2), and the end byte. */
const LP_HDR_SIZE = 6;
/** Strings of at most this many bytes are embstr (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
const EMBSTR_LIMIT = 44;
/** Arguments of this size or more are read straight into their own sds (PROTO_MBULK_BIG_ARG). */
const MBULK_BIG_ARG = 32 * 1024;
/** quicklist.c: SIZE_SAFETY_LIMIT and optimization_level (for negative fill). */
const SIZE_SAFETY_LIMIT = 8192;
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];

export const DEFAULT_SAMPLES = 5;

/**
 * jemalloc's usable size for a request of `n` bytes (its size classes with a
 * 16-byte quantum: 8, 16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256,
 * 320 ...: four classes per doubling from 64 on).
 */
export function jemallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 16) return 16;
  const lg = Math.floor(Math.log2(n - 1));
  const step = Math.max(16, 2 ** (lg - 2));
  return Math.ceil(n / step) * step;
}

/** Size of the sds header Redis picks for a string of `len` bytes (sdsReqType). */
export function sdsHeaderSize(len: number): number {
  if (len < 1 << 5) return 1;
  if (len < 1 << 8) return 3;
  if (len < 1 << 16) return 5;
  if (len < 2 ** 32) return 9;
  return 17;
}

/** sdsZmallocSize of an sds made exactly for `len` bytes (sdsnewlen, sdsdup). */
export function sdsAllocSize(len: number): number {
  return jemallocSize(sdsHeaderSize(len) + len + 1);
}

/** Bytes of one listpack entry holding `s` (encoding, data and back length). */
export function listpackEntrySize(s: string): number {
  let enc: number;
  const n = s.length <= 20 ? parseInt64(s) : null;
  if (n !== null) {
    const v = typeof n === 'number' ? n : Number(n);
    if (v >= 0 && v <= 127) enc = 1;
    else if (v >= -4096 && v <= 4095) enc = 2;
    else if (v >= -32768 && v <= 32767) enc = 3;
    else if (v >= -8388608 && v <= 8388607) enc = 4;
    else if (v >= -2147483648 && v <= 2147483647) enc = 5;
    else enc = 9;
  } else {
    const l = s.length;
    enc = l < 64 ? 1 + l : l < 4096 ? 2 + l : 5 + l;
  }
  return enc + backlenSize(enc);
}

/** lpEncodeBacklen's size for an entry of `l` bytes. */
function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Total bytes of a listpack holding these entries. */
export function listpackBytes(entries: Iterable<string>): number {
  let n = LP_HDR_SIZE + 1;
  for (const e of entries) n += listpackEntrySize(e);
  return n;
}

/** The encoding limit `list-max-listpack-size` and friends, as the server holds them. */
export interface SizeLimits {
  listMaxListpackSize: number;
}

/** Whether `sz` more bytes fit a quicklist node (quicklist.c _quicklistNodeAllowInsert). */
function nodeAllowsInsert(nodeBytes: number, nodeCount: number, fill: number, sz: number): boolean {
  let overhead = sz < 254 ? 1 : 5;
  overhead += sz < 64 ? 1 : sz < 16384 ? 2 : 5;
  const newSz = nodeBytes + sz + overhead;
  if (fill < 0) {
    const level = OPTIMIZATION_LEVEL[-fill - 1];
    if (level !== undefined && newSz <= level) return true;
  }
  if (newSz > SIZE_SAFETY_LIMIT) return false;
  return nodeCount < fill;
}

/** Above this many elements, a list's node count is extrapolated rather than counted. */
const LIST_EXACT_LIMIT = 1 << 16;

function listSize(l: ListValue, samples: number, limits: SizeLimits): number {
  const fill = limits.listMaxListpackSize;
  // Pack the elements into nodes from the head, as RPUSH would have built them.
  let nodes = 0;
  let sampled = 0;
  let sampledBytes = 0;
  let sampledElements = 0;
  let nodeBytes = 0;
  let nodeCount = 0;
  const closeNode = (): void => {
    nodes++;
    if (sampled < samples) {
      sampled++;
      sampledBytes += SIZEOF_QUICKLIST_NODE + jemallocSize(nodeBytes);
      sampledElements += nodeCount;
    }
  };
  let i = l.length;
  l.forEach(0, l.length - 1, (v, at) => {
    if (nodeCount === 0 || !nodeAllowsInsert(nodeBytes, nodeCount, fill, v.length)) {
      if (nodeCount !== 0) closeNode();
      // A new node starts as an empty listpack.
      nodeBytes = LP_HDR_SIZE + 1;
      nodeCount = 0;
      if (sampled >= samples && at >= LIST_EXACT_LIMIT && sampledElements > 0) {
        i = at;
        return false;
      }
    }
    nodeBytes += listpackEntrySize(v);
    nodeCount++;
    return true;
  });
  if (i < l.length) {
    // Long list, samples taken: the remaining nodes hold about as many
    // elements as the sampled ones did.
    nodes += Math.ceil((l.length - i) / (sampledElements / sampled));
  } else if (nodeCount !== 0) {
    closeNode();
  }
  if (sampled === 0) return SIZEOF_ROBJ + SIZEOF_QUICKLIST;
  return SIZEOF_ROBJ + SIZEOF_QUICKLIST + (sampledBytes / sampled) * nodes;
}

/** Buckets of a dict holding `n` entries: the power of two it grew to (at least 4). */
export function dictSlots(n: number): number {
  let s = 4;
  while (s < n) s *= 2;
  return s;
}

function dictBase(n: number): number {
  return SIZEOF_ROBJ + SIZEOF_DICT + 8 * dictSlots(n);
}

/** The narrowest intset encoding (2, 4 or 8 bytes) for these members. */
function intsetWidth(members: Iterable<string>): number {
  let w = 2;
  for (const m of members) {
    const n = parseInt64(m);
    const v = typeof n === 'number' ? n : Number(n);
    if (v < -2147483648 || v > 2147483647) return 8;
    if (v < -32768 || v > 32767) w = 4;
  }
  return w;
}

function setSize(s: SetValue, samples: number): number {
  if (s.isIntset) return SIZEOF_ROBJ + jemallocSize(INTSET_HEADER + intsetWidth(s.keys()) * s.size);
  let asize = dictBase(s.size);
  let elesize = 0;
  let sampled = 0;
  for (const m of s.keys()) {
    if (sampled >= samples) break;
    elesize += SIZEOF_DICT_ENTRY + sdsAllocSize(m.length);
    sampled++;
  }
  if (sampled !== 0) asize += (elesize / sampled) * s.size;
  return asize;
}

function hashSize(h: HashValue, samples: number): number {
  if (h.isListpack) {
    let bytes = LP_HDR_SIZE + 1;
    for (const [f, v] of h.map) bytes += listpackEntrySize(f) + listpackEntrySize(v);
    return SIZEOF_ROBJ + jemallocSize(bytes);
  }
  let asize = dictBase(h.size);
  let elesize = 0;
  let sampled = 0;
  for (const [f, v] of h.map) {
    if (sampled >= samples) break;
    elesize += sdsAllocSize(f.length) + sdsAllocSize(v.length) + SIZEOF_DICT_ENTRY;
    sampled++;
  }
  if (sampled !== 0) asize += (elesize / sampled) * h.size;
  return asize;
}

/** The listpack form of a score (zzlInsertAt stores d2string's text). */
function scoreText(score: number): string {
  if (Number.isInteger(score) && Math.abs(score) < 4503599627370496 && !Object.is(score, -0)) {
    return String(score);
  }
  return formatDouble17g(score);
}

function zsetSize(z: ZSetValue, samples: number): number {
  if (z.listpack) {
    let bytes = LP_HDR_SIZE + 1;
    for (let n = z.first(); n !== null; n = n.forward) {
      bytes += listpackEntrySize(n.member) + listpackEntrySize(scoreText(n.score));
    }
    return SIZEOF_ROBJ + jemallocSize(bytes);
  }
  let asize = SIZEOF_ROBJ + SIZEOF_ZSET + SIZEOF_ZSKIPLIST + SIZEOF_DICT + 8 * dictSlots(z.size) +
    jemallocSize(ZSKIPLIST_NODE_BASE + ZSKIPLIST_MAXLEVEL * ZSKIPLIST_LEVEL);
  let elesize = 0;
  let sampled = 0;
  for (let n = z.first(); n !== null && sampled < samples; n = n.forward) {
    elesize += sdsAllocSize(n.member.length);
    elesize += SIZEOF_DICT_ENTRY + jemallocSize(ZSKIPLIST_NODE_BASE + n.level * ZSKIPLIST_LEVEL);
    sampled++;
  }
  if (sampled !== 0) asize += (elesize / sampled) * z.size;
  return asize;
}

function stringSize(v: Stored): number {
  if (v instanceof RawString) {
    // Edited in place: its buffer's capacity is the sds allocation (grown
    // greedily as sdsMakeRoomFor does).
    const cap = v.buf.length;
    return SIZEOF_ROBJ + sdsAllocSize(cap);
  }
  const enc = encodingOf(v);
  if (enc === 'int') return SIZEOF_ROBJ;
  const len = (v as string).length;
  // embstr: robj, sdshdr8 and the bytes in one allocation.
  if (len <= EMBSTR_LIMIT) return jemallocSize(SIZEOF_ROBJ + 3 + len + 1);
  // A big argument is its own query buffer, which still has room for the CRLF.
  if (len >= MBULK_BIG_ARG) return SIZEOF_ROBJ + jemallocSize(sdsHeaderSize(len + 2) + len + 2 + 1);
  return SIZEOF_ROBJ + sdsAllocSize(len);
}

/**
 * objectComputeSize: the estimated bytes of a value. `samples` is the number
 * of elements measured (Infinity for all). Truncated to an integer, as
 * Redis's `size_t asize += (double)elesize/samples*count` does.
 */
export function objectComputeSize(v: Stored, samples: number, limits: SizeLimits): number {
  return Math.floor(computeSize(v, samples, limits));
}

function computeSize(v: Stored, samples: number, limits: SizeLimits): number {
  if (typeof v === 'string' || typeof v === 'number' || v instanceof RawString) return stringSize(v);
  switch (v.type) {
    case 'list': return listSize(v as ListValue, samples, limits);
    case 'set': return setSize(v as SetValue, samples);
    case 'hash': return hashSize(v as HashValue, samples);
    case 'zset': return zsetSize(v as ZSetValue, samples);
    default: return SIZEOF_ROBJ;
  }
}

/** MEMORY USAGE: the value's size plus the key's sds and its dictEntry, truncated as size_t. */
export function keyMemoryUsage(key: string, v: Stored, samples: number, limits: SizeLimits): number {
  return objectComputeSize(v, samples, limits) + sdsAllocSize(key.length) + SIZEOF_DICT_ENTRY;
}
