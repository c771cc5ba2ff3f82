// Reading RDB: whole files (loadRdb, for start-up loading and the AOF
// preamble) and single values (decodeValue, decodeDumpPayload for RESTORE).
// Everything Redis 7.0, 7.2 and 7.4 write is read (RDB 1..12); see rdb.ts
// for what is refused.
//
// Speed: a file is decoded from one Buffer by a single reader object whose
// methods read lengths and strings inline (no per-byte closures); strings
// are sliced with latin1Slice (or String.fromCharCode when tiny); integer-
// encoded strings become stored numbers without going through text.
//
// Loaded values get the encoding Redis would give them after loading
// (rdbLoadObject's conversions): a value written as a plain collection is
// converted by the element count and element sizes, one written as a
// listpack/ziplist blob by its element count only (Redis skips the O(N)
// size check there), an intset past set-max-intset-entries becomes a
// hashtable.

import { HashValue, type HashLimits } from '../keyspace/hash.js';
import { ListValue } from '../keyspace/list.js';
import { SetValue } from '../keyspace/set.js';
import type { Stored } from '../keyspace/types.js';
import { encodeStored } from '../keyspace/types.js';
import { ZSetValue } from '../keyspace/zset.js';
import { Crc64, readU64LE } from './crc64.js';
import {
  QUICKLIST_NODE_CONTAINER_PACKED, QUICKLIST_NODE_CONTAINER_PLAIN, RDB_MAX_VERSION, RDB_OPCODE_AUX,
  RDB_OPCODE_EOF, RDB_OPCODE_EXPIRETIME, RDB_OPCODE_EXPIRETIME_MS, RDB_OPCODE_FREQ, RDB_OPCODE_FUNCTION2,
  RDB_OPCODE_FUNCTION_PRE_GA, RDB_OPCODE_IDLE, RDB_OPCODE_MODULE_AUX, RDB_OPCODE_RESIZEDB,
  RDB_OPCODE_SELECTDB, RDB_OPCODE_SLOT_INFO, RDB_TYPE_HASH, RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_HASH_LISTPACK_EX, RDB_TYPE_HASH_LISTPACK_EX_PRE_GA, RDB_TYPE_HASH_METADATA,
  RDB_TYPE_HASH_METADATA_PRE_GA, RDB_TYPE_HASH_ZIPLIST, RDB_TYPE_HASH_ZIPMAP, RDB_TYPE_LIST,
  RDB_TYPE_LIST_QUICKLIST, RDB_TYPE_LIST_QUICKLIST_2, RDB_TYPE_LIST_ZIPLIST, RDB_TYPE_MODULE_2,
  RDB_TYPE_MODULE_PRE_GA, RDB_TYPE_NAMES, RDB_TYPE_SET, RDB_TYPE_SET_INTSET, RDB_TYPE_SET_LISTPACK,
  RDB_TYPE_STREAM_LISTPACKS, RDB_TYPE_STREAM_LISTPACKS_2, RDB_TYPE_STREAM_LISTPACKS_3, RDB_TYPE_STRING,
  RDB_TYPE_ZSET, RDB_TYPE_ZSET_2, RDB_TYPE_ZSET_LISTPACK, RDB_TYPE_ZSET_ZIPLIST, RDB_VERSION, RdbError,
  type RdbLimits,
} from './format.js';
import { lzfDecompress } from './lzf.js';
import { intsetEntries, listpackEntries, ziplistEntries, zipmapEntries } from './packed.js';

/** What loadRdb reports to, in file order. Only `entry` is required. */
export interface RdbSink {
  /** An AUX field (redis-ver, ctime, aof-base, repl-id ...). */
  aux?(key: string, value: string): void;
  /** SELECTDB: the following entries belong to database n. */
  selectDb?(db: number): void;
  /** RESIZEDB: the counts announced for the current database (a sizing hint). */
  resizeDb?(size: number, expires: number): void;
  /**
   * One key. `expireAt` is unix ms, -1 for none; an expiry already in the
   * past is passed as is (Redis's loader, as a master, skips such keys
   * unless loading an AOF preamble: the sink decides).
   */
  entry(db: number, key: string, value: Stored, expireAt: number): void;
  /** Something skipped or dropped on the way (a function library, field TTLs, empty keys). */
  warn?(message: string): void;
}

export interface LoadOptions {
  /**
   * rdbchecksum: verify the CRC-64 after EOF. A file whose stored checksum
   * is 0 (written with rdbchecksum no) is never verified, as in Redis.
   */
  checksum: boolean;
  limits: RdbLimits;
  /** The time for dropping already-expired hash fields (7.4 field TTLs); default Date.now(). */
  now?: number;
}

export interface LoadResult {
  /** The file's RDB version. */
  version: number;
  /** Keys passed to the sink. */
  keys: number;
  /** The offset just past the file (past its checksum): an AOF continues there. */
  end: number;
}

/** Where the last readBlob found its bytes. */
let blobBuf: Buffer = Buffer.alloc(0);
/** Where LZF strings up to its size are decompressed (see `lzf`). */
const LZF_SCRATCH = Buffer.allocUnsafe(64 * 1024);
let blobStart = 0;
let blobEnd = 0;

const EMPTY = null;

class Reader {
  pos: number;
  readonly blobHashLimits: HashLimits;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
    readonly limits: RdbLimits,
    readonly now: number,
    readonly warn: (msg: string) => void,
  ) {
    this.pos = start;
    // Blob-encoded hashes are converted by their length only (rdbLoadObject).
    this.blobHashLimits = { hashMaxListpackEntries: limits.hashMaxListpackEntries, hashMaxListpackValue: Infinity };
  }

  short(): never {
    throw new RdbError(
      `Short read or OOM loading DB. Unrecoverable error, aborting now. (unexpected end of data at offset ${this.pos})`,
      this.pos,
    );
  }

  byte(): number {
    if (this.pos >= this.end) this.short();
    return this.buf[this.pos++]!;
  }

  /** rdbLoadLen of a plain length (a string's special encoding is an error here). */
  len(): number {
    const b = this.buf;
    const p = this.pos;
    if (p >= this.end) this.short();
    const c = b[p]!;
    const t = c >> 6;
    if (t === 0) {
      this.pos = p + 1;
      return c;
    }
    if (t === 1) {
      if (p + 2 > this.end) this.short();
      this.pos = p + 2;
      return ((c & 0x3f) << 8) | b[p + 1]!;
    }
    if (c === 0x80) {
      if (p + 5 > this.end) this.short();
      this.pos = p + 5;
      return b.readUInt32BE(p + 1);
    }
    if (c === 0x81) {
      if (p + 9 > this.end) this.short();
      this.pos = p + 9;
      const v = b.readUInt32BE(p + 1) * 4294967296 + b.readUInt32BE(p + 5);
      if (v > Number.MAX_SAFE_INTEGER) throw new RdbError(`Length too large at offset ${p}`, p);
      return v;
    }
    throw new RdbError(`Unknown length encoding ${c} in rdbLoadLen() at offset ${p}`, p);
  }

  /** A string (any encoding) as a latin1 JS string. */
  str(): string {
    const b = this.buf;
    const p = this.pos;
    if (p >= this.end) this.short();
    const c = b[p]!;
    if (c >= 0xc0) return this.special(c, false) as string;
    const n = this.len();
    const q = this.pos;
    if (q + n > this.end) this.short();
    this.pos = q + n;
    switch (n) {
      case 0: return '';
      case 1: return String.fromCharCode(b[q]!);
      case 2: return String.fromCharCode(b[q]!, b[q + 1]!);
      case 3: return String.fromCharCode(b[q]!, b[q + 1]!, b[q + 2]!);
      default: return b.latin1Slice(q, q + n);
    }
  }

  /** A string value as stored: integers (encoded or canonical text) as numbers. */
  stored(): Stored {
    const c = this.pos < this.end ? this.buf[this.pos]! : -1;
    if (c >= 0xc0) return this.special(c, true);
    return encodeStored(this.str());
  }

  /** A specially encoded string: INT8/16/32 or LZF. */
  private special(c: number, asNumber: boolean): Stored {
    const b = this.buf;
    const p = this.pos;
    const enc = c & 0x3f;
    let v: number;
    if (enc === 0) {
      if (p + 2 > this.end) this.short();
      v = b.readInt8(p + 1);
      this.pos = p + 2;
    } else if (enc === 1) {
      if (p + 3 > this.end) this.short();
      v = b.readInt16LE(p + 1);
      this.pos = p + 3;
    } else if (enc === 2) {
      if (p + 5 > this.end) this.short();
      v = b.readInt32LE(p + 1);
      this.pos = p + 5;
    } else if (enc === 3) {
      this.pos = p + 1;
      this.lzf();
      const s = blobBuf.latin1Slice(blobStart, blobEnd);
      return asNumber ? encodeStored(s) : s;
    } else {
      throw new RdbError(`Unknown RDB string encoding type ${enc} at offset ${p}`, p);
    }
    return asNumber ? v : String(v);
  }

  /** An LZF string after its type byte: decompressed into blobBuf. */
  private lzf(): void {
    const clen = this.len();
    const len = this.len();
    const p = this.pos;
    if (p + clen > this.end) this.short();
    // A reference of 3 bytes expands to at most 264: a larger claim is
    // corrupt (and must not make us allocate it).
    if (len > clen * 88 + 64) throw new RdbError(`Invalid LZF compressed string at offset ${p}`, p);
    // Into a scratch buffer: what reads blobBuf copies out of it before the next blob.
    const out = lzfDecompress(this.buf, p, p + clen, len, len <= LZF_SCRATCH.length ? LZF_SCRATCH : undefined);
    if (out === null) throw new RdbError(`Invalid LZF compressed string at offset ${p}`, p);
    this.pos = p + clen;
    blobBuf = out;
    blobStart = 0;
    blobEnd = len;
  }

  /** A string's bytes without copying when possible: sets blobBuf/blobStart/blobEnd. */
  blob(): void {
    const p = this.pos;
    if (p >= this.end) this.short();
    const c = this.buf[p]!;
    if (c >= 0xc0) {
      if ((c & 0x3f) === 3) {
        this.pos = p + 1;
        this.lzf();
        return;
      }
      const s = this.str();
      blobBuf = Buffer.from(s, 'latin1');
      blobStart = 0;
      blobEnd = blobBuf.length;
      return;
    }
    const n = this.len();
    const q = this.pos;
    if (q + n > this.end) this.short();
    this.pos = q + n;
    blobBuf = this.buf;
    blobStart = q;
    blobEnd = q + n;
  }

  /** rdbLoadMillisecondTime: 8 bytes little endian. */
  millis(): number {
    const p = this.pos;
    if (p + 8 > this.end) this.short();
    this.pos = p + 8;
    return this.buf.readInt32LE(p + 4) * 4294967296 + this.buf.readUInt32LE(p);
  }

  /** rdbLoadBinaryDoubleValue. */
  binaryDouble(): number {
    const p = this.pos;
    if (p + 8 > this.end) this.short();
    this.pos = p + 8;
    return this.buf.readDoubleLE(p);
  }

  /** rdbLoadDoubleValue (ZSET v1): a length byte, or 253/254/255 for nan/inf/-inf. */
  textDouble(): number {
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const p = this.pos;
    if (p + n > this.end) this.short();
    this.pos = p + n;
    return parseScore(this.buf.latin1Slice(p, p + n));
  }

  /** rdbLoadObject: a value of RDB type `type`; null for an empty collection (skipped). */
  value(type: number, key: string): Stored | null {
    const L = this.limits;
    switch (type) {
      case RDB_TYPE_STRING:
        return this.stored();
      case RDB_TYPE_LIST: {
        const n = this.len();
        if (n === 0) return EMPTY;
        const l = new ListValue(n);
        for (let i = 0; i < n; i++) l.pushTail(this.str());
        return l;
      }
      case RDB_TYPE_SET: {
        const n = this.len();
        if (n === 0) return EMPTY;
        const s = new SetValue(true);
        for (let i = 0; i < n; i++) {
          if (!s.add(this.str(), L.setMaxIntsetEntries)) throw new RdbError('Duplicate set members detected');
        }
        return s;
      }
      case RDB_TYPE_ZSET:
      case RDB_TYPE_ZSET_2: {
        const n = this.len();
        if (n === 0) return EMPTY;
        const z = new ZSetValue();
        for (let i = 0; i < n; i++) {
          const m = this.str();
          const score = type === RDB_TYPE_ZSET_2 ? this.binaryDouble() : this.textDouble();
          if (Number.isNaN(score)) throw new RdbError('Zset with NAN score detected');
          if (z.set(m, score) !== 'added') throw new RdbError('Duplicate zset fields detected');
        }
        z.fitsListpack(L);
        return z;
      }
      case RDB_TYPE_HASH: {
        const n = this.len();
        if (n === 0) return EMPTY;
        const h = new HashValue();
        for (let i = 0; i < n; i++) {
          const f = this.str();
          const v = this.str();
          if (h.has(f)) throw new RdbError('Duplicate hash fields detected');
          h.set(f, v, L);
        }
        return h;
      }
      case RDB_TYPE_HASH_METADATA:
      case RDB_TYPE_HASH_METADATA_PRE_GA: {
        const minExpire = type === RDB_TYPE_HASH_METADATA ? this.millis() : 0;
        const n = this.len();
        if (n === 0) return EMPTY;
        const h = new HashValue();
        let dropped = 0;
        let ttls = 0;
        for (let i = 0; i < n; i++) {
          const ttl = this.len();
          const f = this.str();
          const v = this.str();
          const expireAt = ttl === 0 ? 0 : type === RDB_TYPE_HASH_METADATA ? ttl + minExpire - 1 : ttl;
          if (h.has(f)) throw new RdbError('Duplicate hash fields detected');
          if (expireAt !== 0 && expireAt <= this.now) {
            dropped++;
            continue;
          }
          if (expireAt !== 0) ttls++;
          h.set(f, v, L);
        }
        this.fieldTtls(key, ttls, dropped);
        return h.size === 0 ? EMPTY : h;
      }
      case RDB_TYPE_LIST_QUICKLIST:
      case RDB_TYPE_LIST_QUICKLIST_2: {
        const nodes = this.len();
        if (nodes === 0) return EMPTY;
        let items: string[] = [];
        for (let i = 0; i < nodes; i++) {
          let container = QUICKLIST_NODE_CONTAINER_PACKED;
          if (type === RDB_TYPE_LIST_QUICKLIST_2) {
            container = this.len();
            if (container !== QUICKLIST_NODE_CONTAINER_PACKED && container !== QUICKLIST_NODE_CONTAINER_PLAIN) {
              throw new RdbError('Quicklist integrity check failed.');
            }
          }
          if (container === QUICKLIST_NODE_CONTAINER_PLAIN) {
            items.push(this.str());
            continue;
          }
          this.blob();
          const part = type === RDB_TYPE_LIST_QUICKLIST_2
            ? listpackEntries(blobBuf, blobStart, blobEnd)
            : ziplistEntries(blobBuf, blobStart, blobEnd);
          if (items.length === 0) items = part;
          else for (const s of part) items.push(s);
        }
        return listOf(items);
      }
      case RDB_TYPE_LIST_ZIPLIST: {
        this.blob();
        return listOf(ziplistEntries(blobBuf, blobStart, blobEnd));
      }
      case RDB_TYPE_SET_INTSET:
      case RDB_TYPE_SET_LISTPACK: {
        this.blob();
        const members = type === RDB_TYPE_SET_INTSET
          ? intsetEntries(blobBuf, blobStart, blobEnd)
          : listpackEntries(blobBuf, blobStart, blobEnd);
        if (members.length === 0) return EMPTY;
        const s = new SetValue(true);
        for (const m of members) {
          if (!s.add(m, L.setMaxIntsetEntries)) throw new RdbError('Set with dup elements');
        }
        return s;
      }
      case RDB_TYPE_ZSET_ZIPLIST:
      case RDB_TYPE_ZSET_LISTPACK: {
        this.blob();
        const e = type === RDB_TYPE_ZSET_LISTPACK
          ? listpackEntries(blobBuf, blobStart, blobEnd)
          : ziplistEntries(blobBuf, blobStart, blobEnd);
        if (e.length % 2 !== 0) throw new RdbError('Zset listpack integrity check failed.');
        if (e.length === 0) return EMPTY;
        const z = new ZSetValue();
        for (let i = 0; i < e.length; i += 2) {
          const score = parseScore(e[i + 1]!);
          if (Number.isNaN(score)) throw new RdbError('Zset with NAN score detected');
          if (z.set(e[i]!, score) !== 'added') throw new RdbError('Zset with dup elements');
        }
        z.listpack = z.size <= L.zsetMaxListpackEntries;
        return z;
      }
      case RDB_TYPE_HASH_ZIPMAP:
      case RDB_TYPE_HASH_ZIPLIST:
      case RDB_TYPE_HASH_LISTPACK: {
        this.blob();
        const e = type === RDB_TYPE_HASH_LISTPACK
          ? listpackEntries(blobBuf, blobStart, blobEnd)
          : type === RDB_TYPE_HASH_ZIPLIST
            ? ziplistEntries(blobBuf, blobStart, blobEnd)
            : zipmapEntries(blobBuf, blobStart, blobEnd);
        if (e.length % 2 !== 0) throw new RdbError('Hash listpack integrity check failed.');
        if (e.length === 0) return EMPTY;
        // A zipmap is converted by sizes too (Redis walks it anyway).
        const limits = type === RDB_TYPE_HASH_ZIPMAP ? L : this.blobHashLimits;
        const h = new HashValue();
        for (let i = 0; i < e.length; i += 2) {
          if (h.has(e[i]!)) throw new RdbError('Hash with dup elements');
          h.set(e[i]!, e[i + 1]!, limits);
        }
        return h;
      }
      case RDB_TYPE_HASH_LISTPACK_EX:
      case RDB_TYPE_HASH_LISTPACK_EX_PRE_GA: {
        if (type === RDB_TYPE_HASH_LISTPACK_EX) this.millis(); // minExpire, unused
        this.blob();
        const e = listpackEntries(blobBuf, blobStart, blobEnd);
        if (e.length % 3 !== 0) throw new RdbError('Hash listpackex integrity check failed.');
        const h = new HashValue();
        let dropped = 0;
        let ttls = 0;
        for (let i = 0; i < e.length; i += 3) {
          const expireAt = Number(e[i + 2]);
          if (!Number.isInteger(expireAt) || expireAt < 0) throw new RdbError('Hash listpackex integrity check failed.');
          if (h.has(e[i]!)) throw new RdbError('Hash with dup elements');
          if (expireAt !== 0 && expireAt <= this.now) {
            dropped++;
            continue;
          }
          if (expireAt !== 0) ttls++;
          h.set(e[i]!, e[i + 1]!, this.blobHashLimits);
        }
        this.fieldTtls(key, ttls, dropped);
        return h.size === 0 ? EMPTY : h;
      }
      case RDB_TYPE_STREAM_LISTPACKS:
      case RDB_TYPE_STREAM_LISTPACKS_2:
      case RDB_TYPE_STREAM_LISTPACKS_3:
        throw new RdbError(
          `Can't load key '${key}': streams (RDB type ${type}, ${RDB_TYPE_NAMES[type]}) are not supported yet`, this.pos,
        );
      case RDB_TYPE_MODULE_PRE_GA:
      case RDB_TYPE_MODULE_2:
        throw new RdbError(
          `Can't load key '${key}': module values (RDB type ${type}) are not supported (no modules)`, this.pos,
        );
      default:
        throw new RdbError(`Unknown RDB encoding type ${type} (key '${key}')`, this.pos);
    }
  }

  /** Field TTLs (Redis 7.4) have nowhere to go: say what was dropped. */
  private fieldTtls(key: string, kept: number, expired: number): void {
    if (kept > 0) this.warn(`Key '${key}': ${kept} hash field TTL(s) dropped (hash field expiry is not supported)`);
    if (expired > 0) this.warn(`Key '${key}': ${expired} already expired hash field(s) skipped`);
  }
}

/** A list of the loaded elements; null when empty (Redis skips empty keys). */
function listOf(items: string[]): ListValue | null {
  if (items.length === 0) return null;
  const l = new ListValue(items.length);
  for (let i = 0; i < items.length; i++) l.pushTail(items[i]!);
  return l;
}

/** A score as strtod reads it (zzlStrtod), with Redis's inf spellings. */
function parseScore(s: string): number {
  const t = s.toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (s.length === 0) return NaN;
  return Number(s);
}

function isObjectType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 25);
}

/**
 * Load a whole RDB file held in `buf` (from `start`), reporting to `sink`.
 * Throws RdbError on anything Redis would refuse (bad signature, version,
 * checksum, truncation, corrupt encodings) and on what we cannot hold
 * (streams, modules, module aux data). On a throw the sink has seen part of
 * the file: the caller must discard what it built (Redis exits).
 */
export function loadRdb(buf: Buffer, sink: RdbSink, opts: LoadOptions, start = 0): LoadResult {
  if (buf.length - start < 9 || buf.latin1Slice(start, start + 5) !== 'REDIS') {
    throw new RdbError('Wrong signature trying to load DB from file', start);
  }
  const verText = buf.latin1Slice(start + 5, start + 9);
  const version = /^[0-9]{4}$/.test(verText) ? parseInt(verText, 10) : -1;
  if (version < 1 || version > RDB_MAX_VERSION) {
    throw new RdbError(`Can't handle RDB format version ${version >= 0 ? version : verText}`, start + 5);
  }
  const warn = sink.warn !== undefined ? sink.warn.bind(sink) : (_: string) => {};
  const r = new Reader(buf, start + 9, buf.length, opts.limits, opts.now ?? Date.now(), warn);
  let db = 0;
  let expireAt = -1;
  let keys = 0;
  let emptySkipped = 0;
  for (;;) {
    const type = r.byte();
    if (type >= 0xf4) {
      if (type === RDB_OPCODE_EOF) break;
      switch (type) {
        case RDB_OPCODE_EXPIRETIME_MS:
          expireAt = r.millis();
          continue;
        case RDB_OPCODE_EXPIRETIME: {
          const p = r.pos;
          if (p + 4 > r.end) r.short();
          expireAt = buf.readInt32LE(p) * 1000;
          r.pos = p + 4;
          continue;
        }
        case RDB_OPCODE_FREQ:
          r.byte();
          continue;
        case RDB_OPCODE_IDLE:
          r.len();
          continue;
        case RDB_OPCODE_SELECTDB:
          db = r.len();
          if (sink.selectDb !== undefined) sink.selectDb(db);
          continue;
        case RDB_OPCODE_RESIZEDB: {
          const size = r.len();
          const expires = r.len();
          if (sink.resizeDb !== undefined) sink.resizeDb(size, expires);
          continue;
        }
        case RDB_OPCODE_SLOT_INFO:
          r.len();
          r.len();
          r.len();
          continue;
        case RDB_OPCODE_AUX: {
          const k = r.str();
          const v = r.str();
          if (sink.aux !== undefined) sink.aux(k, v);
          continue;
        }
        case RDB_OPCODE_FUNCTION2: {
          r.str();
          warn('A function library in the RDB file was skipped (functions are not supported yet)');
          continue;
        }
        case RDB_OPCODE_FUNCTION_PRE_GA:
          throw new RdbError('Pre-release function format (Redis 7.0 RC) not supported', r.pos - 1);
        case RDB_OPCODE_MODULE_AUX:
          throw new RdbError('Module auxiliary data found in the RDB file: modules are not supported', r.pos - 1);
        default:
          throw new RdbError(`Unknown RDB opcode ${type} at offset ${r.pos - 1}`, r.pos - 1);
      }
    }
    if (!isObjectType(type)) throw new RdbError(`Unknown RDB encoding type ${type} at offset ${r.pos - 1}`, r.pos - 1);
    const key = r.str();
    const value = r.value(type, key);
    if (value === null) {
      if (emptySkipped++ < 10) warn(`rdbLoadObject skipping empty key: ${key}`);
    } else {
      sink.entry(db, key, value, expireAt);
      keys++;
    }
    expireAt = -1;
  }
  let end = r.pos;
  if (version >= 5) {
    if (end + 8 > buf.length) {
      r.pos = buf.length;
      r.short();
    }
    const expected = readU64LE(buf, end);
    if (opts.checksum && expected !== 0n) {
      const crc = new Crc64().update(buf, start, end);
      if (!crc.equalsLE(buf, end)) {
        throw new RdbError(
          `Wrong RDB checksum expected: (${expected.toString(16)}) got: (${crc.value().toString(16)}). Aborting now.`,
          end,
        );
      }
    }
    end += 8;
  }
  return { version, keys, end };
}

/**
 * One value of RDB type `type` from buf[start, end) (RESTORE's rdbLoadObject).
 * Throws RdbError when it is corrupt, empty, or of a type we cannot hold.
 */
export function decodeValue(type: number, buf: Buffer, limits: RdbLimits, start = 0, end = buf.length): Stored {
  if (!isObjectType(type)) throw new RdbError(`Unknown RDB encoding type ${type}`);
  const r = new Reader(buf, start, end, limits, Date.now(), () => {});
  const v = r.value(type, '');
  if (v === null) throw new RdbError('Empty value');
  return v;
}

/**
 * Whether a DUMP payload's footer is acceptable (verifyDumpPayload): at
 * least 10 bytes, an RDB version not newer than ours (10: Redis 7.0 refuses
 * 7.2's payloads the same way) and a matching CRC-64.
 */
export function verifyDumpPayload(payload: Buffer, checksum = true): boolean {
  const n = payload.length;
  if (n < 10) return false;
  const ver = payload[n - 10]! | (payload[n - 9]! << 8);
  if (ver > RDB_VERSION) return false;
  if (!checksum) return true;
  return new Crc64().update(payload, 0, n - 8).equalsLE(payload, n - 8);
}

/** The value of a DUMP payload that verifyDumpPayload accepted (throws RdbError on bad data). */
export function decodeDumpPayload(payload: Buffer, limits: RdbLimits): Stored {
  if (payload.length < 11) throw new RdbError('Payload too short');
  return decodeValue(payload[0]!, payload, limits, 1, payload.length - 10);
}
