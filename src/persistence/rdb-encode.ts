// Writing RDB: whole files (RdbWriter, for snapshots and the AOF preamble)
// and single values (encodeValue, createDumpPayload for DUMP), in RDB 10 as
// Redis 7.0 writes it. See rdb.ts for the overview.
//
// Which RDB type a value is written as follows the value's own encoding
// (what OBJECT ENCODING reports), so a file is what Redis would have written
// for the same dataset: a listpack hash as HASH_LISTPACK, a hashtable one as
// HASH, an intset as SET_INTSET, a listpack sorted set as ZSET_LISTPACK, a
// skiplist one as ZSET_2 (written from the highest score down, as Redis's
// rdbSaveObject does), a list as QUICKLIST_2 of listpack nodes filled by
// list-max-listpack-size's rule. Strings use Redis's rdbSaveRawString: an
// integer of at most 11 characters that fits 32 bits as an integer
// encoding, then LZF for strings over 20 bytes when compression is on and
// it saves at least 4 bytes, else the raw bytes.

import type { Cut, CutEntry } from '../keyspace/cut.js';
import { HashValue } from '../keyspace/hash.js';
import { ListValue } from '../keyspace/list.js';
import { SetValue } from '../keyspace/set.js';
import type { Stored } from '../keyspace/types.js';
import { RawString } from '../keyspace/types.js';
import { ZSetValue } from '../keyspace/zset.js';
import { formatDouble17g, parseInt64 } from '../util/numbers.js';
import { Crc64 } from './crc64.js';
import {
  QUICKLIST_NODE_CONTAINER_PACKED, RDB_ENCVAL, RDB_ENC_LZF, RDB_OPCODE_AUX, RDB_OPCODE_EOF,
  RDB_OPCODE_EXPIRETIME_MS, RDB_OPCODE_RESIZEDB, RDB_OPCODE_SELECTDB, RDB_TYPE_HASH, RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_LIST_QUICKLIST_2, RDB_TYPE_SET, RDB_TYPE_SET_INTSET, RDB_TYPE_STRING, RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK, RDB_VERSION, RdbError, type RdbLimits,
} from './format.js';
import { lzfCompress } from './lzf.js';
import { ListpackBuilder, buildIntset } from './packed.js';

export interface RdbWriterOptions {
  /** rdbcompression: LZF for strings longer than 20 bytes. */
  compress: boolean;
  /** rdbchecksum: a CRC-64 after EOF; 8 zero bytes when false. */
  checksum: boolean;
  /** The encoding limits (list-max-listpack-size fills quicklist nodes). */
  limits: RdbLimits;
}

/** quicklist's optimization_level: a node's byte budget for fill -1 .. -5. */
const FILL_BYTES = [4096, 8192, 16384, 32768, 65536];
/** quicklist's SIZE_SAFETY_LIMIT, for a positive (count) fill. */
const SIZE_SAFETY_LIMIT = 8192;
/** quicklist's SIZE_ESTIMATE_OVERHEAD. */
const SIZE_ESTIMATE_OVERHEAD = 8;

/**
 * A growable byte buffer with the RDB primitives. Bytes are appended at
 * `len`; the owner takes them out (RdbWriter.take) or copies them.
 */
class Out {
  buf: Buffer;
  len = 0;
  private readonly lp = new ListpackBuilder();

  constructor(readonly opts: RdbWriterOptions, capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  /** rdbSaveLen. */
  length(n: number): void {
    this.ensure(9);
    const b = this.buf;
    if (n < 64) {
      b[this.len++] = n;
    } else if (n < 16384) {
      b[this.len++] = 0x40 | (n >> 8);
      b[this.len++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.len++] = 0x80;
      b.writeUInt32BE(n, this.len);
      this.len += 4;
    } else {
      b[this.len++] = 0x81;
      b.writeBigUInt64BE(BigInt(n), this.len);
      this.len += 8;
    }
  }

  /** An integer string encoding when v fits 32 bits (rdbEncodeInteger); false otherwise. */
  private intEncoded(v: number): boolean {
    this.ensure(5);
    const b = this.buf;
    if (v >= -128 && v <= 127) {
      b[this.len++] = 0xc0;
      b[this.len++] = v & 0xff;
    } else if (v >= -32768 && v <= 32767) {
      b[this.len++] = 0xc1;
      b.writeInt16LE(v, this.len);
      this.len += 2;
    } else if (v >= -2147483648 && v <= 2147483647) {
      b[this.len++] = 0xc2;
      b.writeInt32LE(v, this.len);
      this.len += 4;
    } else {
      return false;
    }
    return true;
  }

  /** rdbSaveRawString of a latin1 JS string. */
  string(s: string): void {
    const n = s.length;
    if (n <= 11 && n > 0) {
      const c = s.charCodeAt(0);
      if ((c >= 48 && c <= 57) || c === 45) {
        const v = parseInt64(s);
        if (typeof v === 'number' && this.intEncoded(v)) return;
      }
    }
    if (n > 20 && this.opts.compress) {
      const raw = Buffer.from(s, 'latin1');
      if (this.lzf(raw, 0, n)) return;
    }
    this.length(n);
    this.ensure(n);
    const b = this.buf;
    if (n < 16) {
      let p = this.len;
      for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    } else {
      b.latin1Write(s, this.len, n);
    }
    this.len += n;
  }

  /** rdbSaveRawString of bytes (blobs, RawString values). */
  raw(src: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n > 20 && this.opts.compress && this.lzf(src, start, end)) return;
    this.length(n);
    this.ensure(n);
    src.copy(this.buf, this.len, start, end);
    this.len += n;
  }

  /** rdbSaveLongLongAsStringObject: an int-encoded string value. */
  integer(v: number): void {
    if (!this.intEncoded(v)) this.string(String(v));
  }

  /** rdbSaveLzfStringObject: true when written (it saved at least 4 bytes). */
  private lzf(src: Buffer, start: number, end: number): boolean {
    const n = end - start;
    if (n <= 4) return false;
    const c = lzfCompress(src, start, end, n - 4);
    if (c === null) return false;
    this.byte((RDB_ENCVAL << 6) | RDB_ENC_LZF);
    this.length(c.length);
    this.length(n);
    this.bytes(c);
    return true;
  }

  /** rdbSaveBinaryDoubleValue. */
  double(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.len);
    this.len += 8;
  }

  /** rdbSaveMillisecondTime. */
  millis(ms: number): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(ms), this.len);
    this.len += 8;
  }

  /** The RDB type byte of a value, then its payload (rdbSaveObjectType + rdbSaveObject). */
  value(v: Stored): void {
    this.byte(rdbTypeOf(v));
    this.payload(v);
  }

  /** rdbSaveObject: the payload of a value, its type byte being rdbTypeOf(v). */
  payload(v: Stored): void {
    if (typeof v === 'number') {
      this.integer(v);
    } else if (typeof v === 'string') {
      this.string(v);
    } else if (v instanceof RawString) {
      // A short RawString holding an integer is written as one, as Redis's
      // tryObjectEncoding would have encoded it.
      if (v.len <= 11) this.string(v.toString());
      else this.raw(v.buf, 0, v.len);
    } else if (v instanceof ListValue) {
      this.list(v);
    } else if (v instanceof SetValue) {
      if (v.isIntset) {
        const blob = buildIntset(v.members());
        this.raw(blob, 0, blob.length);
      } else {
        this.length(v.size);
        for (const m of v.keys()) this.string(m);
      }
    } else if (v instanceof HashValue) {
      if (v.isListpack) {
        const lp = this.lp;
        lp.reset();
        for (const [f, val] of v.map) {
          lp.append(f);
          lp.append(val);
        }
        const blob = lp.finish();
        this.raw(blob, 0, blob.length);
      } else {
        this.length(v.size);
        for (const [f, val] of v.map) {
          this.string(f);
          this.string(val);
        }
      }
    } else if (v instanceof ZSetValue) {
      if (v.listpack) {
        const lp = this.lp;
        lp.reset();
        for (let n = v.first(); n !== null; n = n.forward) {
          lp.append(n.member);
          lp.append(d2string(n.score));
        }
        const blob = lp.finish();
        this.raw(blob, 0, blob.length);
      } else {
        // From the highest score down, as rdbSaveObject walks the skiplist.
        this.length(v.size);
        for (let n = v.last(); n !== null; n = n.backward) {
          this.string(n.member);
          this.double(n.score);
        }
      }
    } else {
      throw new RdbError(`Can't save a value of type ${v.type}: not supported yet`);
    }
  }

  /**
   * A list as QUICKLIST_2: nodes filled as quicklist's _quicklistNodeAllowInsert
   * fills them when the list is built by pushes at the tail.
   */
  private list(v: ListValue): void {
    const fill = this.opts.limits.listMaxListpackSize;
    const budget = fill < 0 ? FILL_BYTES[Math.min(-fill, 5) - 1]! : -1;
    // The node count comes first: collect the node blobs, then write them.
    const nodes: Buffer[] = [];
    const lp = this.lp;
    lp.reset();
    v.forEach(0, v.length - 1, (s) => {
      if (lp.count > 0) {
        const newSize = lp.bytes + s.length + SIZE_ESTIMATE_OVERHEAD;
        const fits = budget > 0 ? newSize <= budget : newSize <= SIZE_SAFETY_LIMIT && lp.count < fill;
        if (!fits) {
          nodes.push(Buffer.from(lp.finish()));
          lp.reset();
        }
      }
      lp.append(s);
    });
    if (lp.count > 0) nodes.push(Buffer.from(lp.finish()));
    this.length(nodes.length);
    for (const n of nodes) {
      this.length(QUICKLIST_NODE_CONTAINER_PACKED);
      this.raw(n, 0, n.length);
    }
  }
}

/** The RDB type a value is written as (rdbSaveObjectType), from its encoding. */
export function rdbTypeOf(v: Stored): number {
  if (typeof v === 'number' || typeof v === 'string' || v instanceof RawString) return RDB_TYPE_STRING;
  if (v instanceof ListValue) return RDB_TYPE_LIST_QUICKLIST_2;
  if (v instanceof SetValue) return v.isIntset ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
  if (v instanceof HashValue) return v.isListpack ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
  if (v instanceof ZSetValue) return v.listpack ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
  throw new RdbError(`Can't save a value of type ${v.type}: not supported yet`);
}

/**
 * Redis's d2string, as zzlInsertAt formats a score into a listpack: integral
 * values within +-2^52 as integers, others with %.17g.
 */
function d2string(d: number): string {
  if (Number.isInteger(d) && d > -4503599627370495 && d < 4503599627370496) {
    return Object.is(d, -0) ? '-0' : String(d);
  }
  return formatDouble17g(d);
}

/**
 * Writes an RDB file incrementally: header, then per database selectDb and
 * its entries, then end. The bytes produced so far are taken with `take`
 * whenever the caller wants to write them out (a snapshot writes slices as
 * it goes); the CRC-64 is computed over what is taken, so the file never has
 * to be in memory whole.
 */
export class RdbWriter {
  private readonly out: Out;
  private readonly crc = new Crc64();
  /** Bytes of out already covered by the CRC (everything before the trailer). */
  private crcDone = 0;
  private ended = false;
  /** Total bytes produced (taken or pending). */
  private produced = 0;

  constructor(readonly opts: RdbWriterOptions) {
    this.out = new Out(opts);
  }

  /** "REDIS0010" and the AUX fields (see defaultAuxFields), in order. */
  header(aux: Iterable<readonly [string, string | number]> = []): this {
    const o = this.out;
    o.bytes(Buffer.from(`REDIS${String(RDB_VERSION).padStart(4, '0')}`, 'latin1'));
    for (const [k, v] of aux) this.aux(k, v);
    return this;
  }

  /** One AUX field (rdbSaveAuxField: both as raw strings, integers int-encoded). */
  aux(key: string, value: string | number): this {
    const o = this.out;
    o.byte(RDB_OPCODE_AUX);
    o.string(key);
    o.string(String(value));
    return this;
  }

  /** SELECTDB, then RESIZEDB with the database's key and expires counts. */
  /**
   * One entry of a point-in-time cut: SELECTDB and RESIZEDB (sized as at the
   * cut) first whenever the entry's database is not the current one.
   */
  cutEntry(e: CutEntry, cut: Cut): void {
    if (e.db !== this.db) {
      const [size, expires] = cut.sizes[e.db] ?? [0, 0];
      this.selectDb(e.db, size, expires);
    }
    this.entry(e.key, e.value, e.expire);
  }

  selectDb(db: number, size: number, expires: number): this {
    this.db = db;
    const o = this.out;
    o.byte(RDB_OPCODE_SELECTDB);
    o.length(db);
    o.byte(RDB_OPCODE_RESIZEDB);
    o.length(size);
    o.length(expires);
    return this;
  }

  /** One key (rdbSaveKeyValuePair); expireAt is unix ms, -1 for none. */
  entry(key: string, value: Stored, expireAt = -1): this {
    const o = this.out;
    if (expireAt !== -1) {
      o.byte(RDB_OPCODE_EXPIRETIME_MS);
      o.millis(expireAt);
    }
    o.byte(rdbTypeOf(value));
    o.string(key);
    o.payload(value);
    return this;
  }

  /** EOF and the checksum (or 8 zero bytes). Nothing may be added after it. */
  end(): this {
    const o = this.out;
    o.byte(RDB_OPCODE_EOF);
    if (this.opts.checksum) this.crc.update(o.buf, this.crcDone, o.len);
    o.ensure(8);
    if (this.opts.checksum) this.crc.writeLE(o.buf, o.len);
    else o.buf.fill(0, o.len, o.len + 8);
    o.len += 8;
    this.crcDone = o.len;
    this.ended = true;
    return this;
  }

  /** Bytes waiting to be taken. */
  get pending(): number {
    return this.out.len;
  }

  /** Bytes produced so far in all (taken and pending). */
  get total(): number {
    return this.produced + this.out.len;
  }

  /** The bytes produced since the last take (a copy: the writer reuses its buffer). */
  take(): Buffer {
    const o = this.out;
    if (!this.ended && this.opts.checksum) this.crc.update(o.buf, this.crcDone, o.len);
    const chunk = Buffer.from(o.buf.subarray(0, o.len));
    this.produced += o.len;
    o.len = 0;
    this.crcDone = 0;
    return chunk;
  }

  /** The database of the last SELECTDB written (-1 before any). */
  private db = -1;

  /** The buffer a view from `takeView` left, reused by the one after. */
  private spare: Buffer | null = null;

  /**
   * The bytes produced since the last take, as a view of the writer's buffer
   * (no copy, no fresh memory: a background save of a large dataset would
   * otherwise allocate its whole size in chunks, and fresh external memory
   * both costs page faults and makes V8 run full collections). The writer
   * then fills its other buffer: a view stays valid until the second
   * `takeView` after it, enough for one write in flight while the next
   * chunk is serialized.
   */
  takeView(): Buffer {
    const o = this.out;
    if (!this.ended && this.opts.checksum) this.crc.update(o.buf, this.crcDone, o.len);
    const view = o.buf.subarray(0, o.len);
    this.produced += o.len;
    const spare = this.spare;
    this.spare = o.buf;
    o.buf = spare !== null && spare.length >= o.buf.length ? spare : Buffer.allocUnsafe(o.buf.length);
    o.len = 0;
    this.crcDone = 0;
    return view;
  }

  /** Whether end() was called. */
  get finished(): boolean {
    return this.ended;
  }
}

/**
 * The AUX fields Redis 7.0 writes at the head of a file, in its order
 * (without the replication fields, which belong to replication).
 */
export function defaultAuxFields(nowMs: number, usedMem: number, aofBase: boolean): [string, string | number][] {
  return [
    ['redis-ver', '7.0.15'],
    ['redis-bits', 64],
    ['ctime', Math.floor(nowMs / 1000)],
    ['used-mem', usedMem],
    ['aof-base', aofBase ? 1 : 0],
  ];
}

/** The RDB type byte and payload of one value (DUMP, the AOF preamble's building block). */
export function encodeValue(value: Stored, opts: RdbWriterOptions): Buffer {
  const o = new Out(opts, 256);
  o.value(value);
  return Buffer.from(o.buf.subarray(0, o.len));
}

/**
 * A DUMP payload: the value's type and payload, the RDB version (2 bytes,
 * little endian) and the CRC-64 of all that (8 bytes, little endian).
 */
export function createDumpPayload(value: Stored, opts: RdbWriterOptions): Buffer {
  const o = new Out(opts, 256);
  o.value(value);
  o.byte(RDB_VERSION & 0xff);
  o.byte(RDB_VERSION >> 8);
  const crc = new Crc64().update(o.buf, 0, o.len);
  o.ensure(8);
  crc.writeLE(o.buf, o.len);
  o.len += 8;
  return Buffer.from(o.buf.subarray(0, o.len));
}
