// The compact blobs an RDB file embeds as strings: listpack (Redis 7's small
// lists, hashes, sorted sets, 7.2's small sets), ziplist (its predecessor,
// read only: RDB 9 and older, and quicklist v1 nodes), intset (small integer
// sets) and zipmap (Redis 2.x small hashes, read only).
//
// Elements are latin1 JS strings; integers stored as integers come out as
// their decimal strings. Readers check every length against the blob's
// bounds and throw RdbError on anything inconsistent (RESTORE's "Bad data
// format"), never read past the blob.

import { parseInt64 } from '../util/numbers.js';
import { RdbError } from './format.js';

function corrupt(what: string): never {
  throw new RdbError(`${what} integrity check failed.`);
}

// ---------------------------------------------------------------- listpack

/** Bytes of the back-length that follows an entry of `l` bytes (lpEncodeBacklen). */
function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/**
 * Builds one listpack at a time in a reused scratch buffer. `finish`
 * returns a view of the scratch: copy it (or write it out) before the next
 * `reset`.
 */
export class ListpackBuilder {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private pos = 6;
  count = 0;

  reset(): void {
    this.pos = 6;
    this.count = 0;
  }

  /** Bytes the listpack would have if finished now (header and terminator included). */
  get bytes(): number {
    return this.pos + 1;
  }

  private ensure(n: number): void {
    if (this.pos + n + 1 <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n + 1) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Append an element as lpAppend does: integers (string2ll) as integers. */
  append(s: string): void {
    const n = s.length;
    if (n <= 20 && n > 0) {
      const c = s.charCodeAt(0);
      if ((c >= 48 && c <= 57) || c === 45) {
        const v = parseInt64(s);
        if (v !== null) {
          this.appendInt(v);
          return;
        }
      }
    }
    this.appendString(s);
  }

  appendString(s: string): void {
    const n = s.length;
    this.ensure(n + 10);
    const b = this.buf;
    let p = this.pos;
    let hdr: number;
    if (n < 64) {
      b[p++] = 0x80 | n;
      hdr = 1;
    } else if (n < 4096) {
      b[p++] = 0xe0 | (n >> 8);
      b[p++] = n & 0xff;
      hdr = 2;
    } else {
      b[p++] = 0xf0;
      b.writeUInt32LE(n, p);
      p += 4;
      hdr = 5;
    }
    if (n < 24) for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    else p += b.latin1Write(s, p, n);
    p = writeBacklen(b, p, hdr + n);
    this.pos = p;
    this.count++;
  }

  appendInt(v: number | bigint): void {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    if (typeof v === 'number' && v >= 0 && v <= 127) {
      b[p++] = v;
      b[p++] = 1;
    } else if (typeof v === 'number' && v >= -4096 && v <= 4095) {
      const u = v < 0 ? 8192 + v : v;
      b[p++] = 0xc0 | (u >> 8);
      b[p++] = u & 0xff;
      b[p++] = 2;
    } else if (typeof v === 'number' && v >= -32768 && v <= 32767) {
      b[p++] = 0xf1;
      b.writeInt16LE(v, p);
      p += 2;
      b[p++] = 3;
    } else if (typeof v === 'number' && v >= -8388608 && v <= 8388607) {
      b[p++] = 0xf2;
      b.writeIntLE(v, p, 3);
      p += 3;
      b[p++] = 4;
    } else if (typeof v === 'number' && v >= -2147483648 && v <= 2147483647) {
      b[p++] = 0xf3;
      b.writeInt32LE(v, p);
      p += 4;
      b[p++] = 5;
    } else {
      b[p++] = 0xf4;
      b.writeBigInt64LE(BigInt(v), p);
      p += 8;
      b[p++] = 9;
    }
    this.pos = p;
    this.count++;
  }

  /** The finished listpack (a view of the scratch buffer). */
  finish(): Buffer {
    const b = this.buf;
    b[this.pos] = 0xff;
    const total = this.pos + 1;
    b.writeUInt32LE(total, 0);
    b.writeUInt16LE(this.count < 65535 ? this.count : 65535, 4);
    return b.subarray(0, total);
  }
}

function writeBacklen(b: Buffer, p: number, l: number): number {
  if (l <= 127) {
    b[p++] = l;
  } else if (l < 16383) {
    b[p++] = l >> 7;
    b[p++] = (l & 127) | 128;
  } else if (l < 2097151) {
    b[p++] = l >> 14;
    b[p++] = ((l >> 7) & 127) | 128;
    b[p++] = (l & 127) | 128;
  } else if (l < 268435455) {
    b[p++] = l >> 21;
    b[p++] = ((l >> 14) & 127) | 128;
    b[p++] = ((l >> 7) & 127) | 128;
    b[p++] = (l & 127) | 128;
  } else {
    b[p++] = Math.floor(l / 2 ** 28);
    b[p++] = ((l >> 21) & 127) | 128;
    b[p++] = ((l >> 14) & 127) | 128;
    b[p++] = ((l >> 7) & 127) | 128;
    b[p++] = (l & 127) | 128;
  }
  return p;
}

/** A short latin1 string without a native call. */
function latin1(b: Buffer, p: number, n: number): string {
  switch (n) {
    case 0: return '';
    case 1: return String.fromCharCode(b[p]!);
    case 2: return String.fromCharCode(b[p]!, b[p + 1]!);
    case 3: return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!);
    default: return b.latin1Slice(p, p + n);
  }
}

/**
 * The elements of the listpack in b[start, end) (the whole blob), in order.
 * Throws RdbError when the blob is inconsistent.
 */
export function listpackEntries(b: Buffer, start: number, end: number): string[] {
  if (end - start < 7) corrupt('Listpack');
  const total = b.readUInt32LE(start);
  if (total !== end - start || b[end - 1] !== 0xff) corrupt('Listpack');
  const declared = b.readUInt16LE(start + 4);
  const out: string[] = declared !== 65535 ? new Array<string>(declared) : [];
  let k = 0;
  let p = start + 6;
  const last = end - 1;
  while (p < last) {
    const e = b[p]!;
    let hdr: number;
    let len: number;
    if (e < 0x80) {
      if (p + 2 > last) corrupt('Listpack');
      out[k++] = String(e);
      p += 2;
      continue;
    } else if (e < 0xc0) {
      hdr = 1;
      len = e & 0x3f;
    } else if (e < 0xe0) {
      if (p + 3 > last) corrupt('Listpack');
      let v = ((e & 0x1f) << 8) | b[p + 1]!;
      if (v >= 4096) v -= 8192;
      out[k++] = String(v);
      p += 3;
      continue;
    } else if (e < 0xf0) {
      if (p + 2 > last) corrupt('Listpack');
      hdr = 2;
      len = ((e & 0x0f) << 8) | b[p + 1]!;
    } else if (e === 0xf0) {
      if (p + 5 > last) corrupt('Listpack');
      hdr = 5;
      len = b.readUInt32LE(p + 1);
    } else {
      let size: number;
      let v: number | bigint;
      if (e === 0xf1) size = 3;
      else if (e === 0xf2) size = 4;
      else if (e === 0xf3) size = 5;
      else if (e === 0xf4) size = 9;
      else corrupt('Listpack');
      if (p + size + 1 > last) corrupt('Listpack');
      if (e === 0xf1) v = b.readInt16LE(p + 1);
      else if (e === 0xf2) v = b.readIntLE(p + 1, 3);
      else if (e === 0xf3) v = b.readInt32LE(p + 1);
      else v = b.readBigInt64LE(p + 1);
      out[k++] = String(v);
      p += size + 1;
      continue;
    }
    const next = p + hdr + len + backlenSize(hdr + len);
    if (next > last) corrupt('Listpack');
    out[k++] = latin1(b, p + hdr, len);
    p = next;
  }
  if (p !== last) corrupt('Listpack');
  if (declared !== 65535 && k !== declared) corrupt('Listpack');
  return out;
}

// ---------------------------------------------------------------- ziplist

/** The elements of the ziplist in b[start, end), in order. */
export function ziplistEntries(b: Buffer, start: number, end: number): string[] {
  if (end - start < 11) corrupt('Ziplist');
  if (b.readUInt32LE(start) !== end - start || b[end - 1] !== 0xff) corrupt('Ziplist');
  const declared = b.readUInt16LE(start + 8);
  const out: string[] = [];
  let p = start + 10;
  const last = end - 1;
  while (p < last) {
    p += b[p]! < 254 ? 1 : 5;
    if (p >= last) corrupt('Ziplist');
    const e = b[p]!;
    const top = e >> 6;
    if (top === 0 || top === 1 || e === 0x80) {
      let len: number;
      if (top === 0) {
        len = e & 0x3f;
        p += 1;
      } else if (top === 1) {
        if (p + 2 > last) corrupt('Ziplist');
        len = ((e & 0x3f) << 8) | b[p + 1]!;
        p += 2;
      } else {
        if (p + 5 > last) corrupt('Ziplist');
        len = b.readUInt32BE(p + 1);
        p += 5;
      }
      if (p + len > last) corrupt('Ziplist');
      out.push(latin1(b, p, len));
      p += len;
      continue;
    }
    let v: number | bigint;
    let size: number;
    if (e === 0xc0) {
      size = 2;
      if (p + 1 + size > last) corrupt('Ziplist');
      v = b.readInt16LE(p + 1);
    } else if (e === 0xd0) {
      size = 4;
      if (p + 1 + size > last) corrupt('Ziplist');
      v = b.readInt32LE(p + 1);
    } else if (e === 0xe0) {
      size = 8;
      if (p + 1 + size > last) corrupt('Ziplist');
      v = b.readBigInt64LE(p + 1);
    } else if (e === 0xf0) {
      size = 3;
      if (p + 1 + size > last) corrupt('Ziplist');
      v = b.readIntLE(p + 1, 3);
    } else if (e === 0xfe) {
      size = 1;
      if (p + 1 + size > last) corrupt('Ziplist');
      v = b.readInt8(p + 1);
    } else if (e >= 0xf1 && e <= 0xfd) {
      size = 0;
      v = (e & 0x0f) - 1;
    } else {
      corrupt('Ziplist');
    }
    out.push(String(v));
    p += 1 + size;
  }
  if (p !== last) corrupt('Ziplist');
  if (declared !== 65535 && declared !== out.length) corrupt('Ziplist');
  return out;
}

// ---------------------------------------------------------------- intset

/** The members of the intset in b[start, end), as decimal strings, ascending. */
export function intsetEntries(b: Buffer, start: number, end: number): string[] {
  if (end - start < 8) corrupt('Intset');
  const enc = b.readUInt32LE(start);
  const n = b.readUInt32LE(start + 4);
  if ((enc !== 2 && enc !== 4 && enc !== 8) || 8 + n * enc !== end - start) corrupt('Intset');
  const out = new Array<string>(n);
  let p = start + 8;
  for (let i = 0; i < n; i++, p += enc) {
    out[i] = String(enc === 2 ? b.readInt16LE(p) : enc === 4 ? b.readInt32LE(p) : b.readBigInt64LE(p));
  }
  return out;
}

/** An intset of `members` (canonical integer strings, distinct), ascending as Redis keeps it. */
export function buildIntset(members: readonly string[]): Buffer {
  const vals: bigint[] = members.map((m) => BigInt(m));
  vals.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let enc = 2;
  for (const v of vals) {
    if (v < -2147483648n || v > 2147483647n) {
      enc = 8;
      break;
    }
    if (v < -32768n || v > 32767n) enc = 4;
  }
  const b = Buffer.allocUnsafe(8 + vals.length * enc);
  b.writeUInt32LE(enc, 0);
  b.writeUInt32LE(vals.length, 4);
  let p = 8;
  for (const v of vals) {
    if (enc === 2) b.writeInt16LE(Number(v), p);
    else if (enc === 4) b.writeInt32LE(Number(v), p);
    else b.writeBigInt64LE(v, p);
    p += enc;
  }
  return b;
}

// ---------------------------------------------------------------- zipmap

/** The [field, value, field, value ...] of the zipmap in b[start, end). */
export function zipmapEntries(b: Buffer, start: number, end: number): string[] {
  const out: string[] = [];
  let p = start + 1; // zmlen
  const readLen = (): number => {
    if (p >= end) corrupt('Zipmap');
    const c = b[p]!;
    if (c < 254) {
      p += 1;
      return c;
    }
    if (c === 255 || p + 5 > end) corrupt('Zipmap');
    const l = b.readUInt32LE(p + 1);
    p += 5;
    return l;
  };
  for (;;) {
    if (p >= end) corrupt('Zipmap');
    if (b[p] === 255) {
      p++;
      break;
    }
    const klen = readLen();
    if (p + klen > end) corrupt('Zipmap');
    const k = b.latin1Slice(p, p + klen);
    p += klen;
    const vlen = readLen();
    if (p >= end) corrupt('Zipmap');
    const free = b[p++]!;
    if (p + vlen + free > end) corrupt('Zipmap');
    out.push(k, b.latin1Slice(p, p + vlen));
    p += vlen + free;
  }
  if (p !== end) corrupt('Zipmap');
  return out;
}
