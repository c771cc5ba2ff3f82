// CRC-64 as Redis computes it (crc64.c): the "Jones" polynomial
// 0xad93d23594c935a9, reflected input and output, initial value 0, no final
// xor. Check value: crc64("123456789") = 0xe9c6d914c4b8d9ca. It guards RDB
// files (the 8 bytes after the EOF opcode) and DUMP payloads.
//
// Speed matters (it runs over whole files on load and save), so the inner
// loop uses no BigInt: the 64-bit CRC is kept as two 32-bit halves, and the
// input is consumed 8 bytes per step with eight lookup tables ("slicing by
// 8"); a byte-at-a-time loop handles the tail. Measured on the shared 2-core
// test machine under load (test/unit/rdb.test.ts prints it): 120-400 MB/s,
// i.e. 0.1-0.2 s over a 25 MB file of a million keys.

/** The reflected polynomial (0x95ac9329ac4bc9b5) as halves. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

/**
 * Tables T0..T7, each 256 entries, halves interleaved: entry n of table k is
 * at [(k * 256 + n) * 2] (low half) and [+1] (high half). Tk[n] is the CRC
 * of byte n followed by k zero bytes.
 */
const T = new Int32Array(8 * 256 * 2);
for (let n = 0; n < 256; n++) {
  let lo = n;
  let hi = 0;
  for (let b = 0; b < 8; b++) {
    const carry = lo & 1;
    lo = (lo >>> 1) | ((hi & 1) << 31);
    hi >>>= 1;
    if (carry !== 0) {
      lo ^= POLY_LO;
      hi ^= POLY_HI;
    }
  }
  T[n * 2] = lo;
  T[n * 2 + 1] = hi;
}
for (let k = 1; k < 8; k++) {
  for (let n = 0; n < 256; n++) {
    const prev = ((k - 1) * 256 + n) * 2;
    const lo = T[prev]!;
    const hi = T[prev + 1]!;
    const idx = (lo & 0xff) * 2;
    T[(k * 256 + n) * 2] = ((lo >>> 8) | (hi << 24)) ^ T[idx]!;
    T[(k * 256 + n) * 2 + 1] = (hi >>> 8) ^ T[idx + 1]!;
  }
}

/** An incremental CRC-64: feed it slices in order, read the result at any point. */
export class Crc64 {
  lo = 0;
  hi = 0;

  /** Continue over buf[start, end). */
  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let lo = this.lo;
    let hi = this.hi;
    let p = start;
    const t = T;
    // 8 bytes per step while 8 remain, then byte at a time.
    const fastEnd = end - 8;
    while (p <= fastEnd) {
      lo ^= buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
      hi ^= buf[p + 4]! | (buf[p + 5]! << 8) | (buf[p + 6]! << 16) | (buf[p + 7]! << 24);
      const a = (7 * 256 + (lo & 0xff)) << 1;
      const b = (6 * 256 + ((lo >>> 8) & 0xff)) << 1;
      const c = (5 * 256 + ((lo >>> 16) & 0xff)) << 1;
      const d = (4 * 256 + (lo >>> 24)) << 1;
      const e = (3 * 256 + (hi & 0xff)) << 1;
      const f = (2 * 256 + ((hi >>> 8) & 0xff)) << 1;
      const g = (256 + ((hi >>> 16) & 0xff)) << 1;
      const h = (hi >>> 24) << 1;
      lo = t[a]! ^ t[b]! ^ t[c]! ^ t[d]! ^ t[e]! ^ t[f]! ^ t[g]! ^ t[h]!;
      hi = t[a + 1]! ^ t[b + 1]! ^ t[c + 1]! ^ t[d + 1]! ^ t[e + 1]! ^ t[f + 1]! ^ t[g + 1]! ^ t[h + 1]!;
      p += 8;
    }
    for (; p < end; p++) {
      const idx = ((lo ^ buf[p]!) & 0xff) << 1;
      lo = ((lo >>> 8) | (hi << 24)) ^ t[idx]!;
      hi = (hi >>> 8) ^ t[idx + 1]!;
    }
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  /** Write the CRC as 8 little-endian bytes (as Redis stores it) at buf[at]. */
  writeLE(buf: Uint8Array, at: number): void {
    const lo = this.lo;
    const hi = this.hi;
    buf[at] = lo & 0xff;
    buf[at + 1] = (lo >>> 8) & 0xff;
    buf[at + 2] = (lo >>> 16) & 0xff;
    buf[at + 3] = lo >>> 24;
    buf[at + 4] = hi & 0xff;
    buf[at + 5] = (hi >>> 8) & 0xff;
    buf[at + 6] = (hi >>> 16) & 0xff;
    buf[at + 7] = hi >>> 24;
  }

  /** Whether the 8 little-endian bytes at buf[at] hold this CRC. */
  equalsLE(buf: Uint8Array, at: number): boolean {
    const lo = (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) | 0;
    const hi = (buf[at + 4]! | (buf[at + 5]! << 8) | (buf[at + 6]! << 16) | (buf[at + 7]! << 24)) | 0;
    return lo === (this.lo | 0) && hi === (this.hi | 0);
  }

  /** The CRC as an unsigned 64-bit bigint (for messages and tests). */
  value(): bigint {
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0);
  }
}

/** CRC-64 of buf[start, end) as an unsigned bigint. */
export function crc64(buf: Uint8Array, start = 0, end = buf.length): bigint {
  return new Crc64().update(buf, start, end).value();
}

/** The unsigned 64-bit little-endian number stored at buf[at] (for messages). */
export function readU64LE(buf: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(buf[at + i]!);
  return v;
}
