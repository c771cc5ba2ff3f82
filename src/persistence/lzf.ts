// LZF, the compression of RDB strings (Redis's bundled liblzf: lzf_c.c,
// lzf_d.c). The format: a control byte c; c < 32 starts a literal run of
// c + 1 bytes; otherwise a back reference of length (c >> 5) + 2 (7 meaning
// "add the next byte") at distance ((c & 31) << 8 | next byte) + 1.
//
// `lzfCompress` is liblzf's greedy compressor as Redis configures it (3-byte
// hash of the next bytes into a table of recent positions, references up to
// 8 KB back and 264 bytes long), step for step, so DUMP payloads and files
// match Redis's bytes. It returns null when the result would not fit in
// `maxOut` bytes, which is how rdbSaveLzfStringObject asks for "at least 4
// bytes saved or nothing".

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/** The hash table of recent positions, reused (compression is synchronous); -1: none. */
const htab = new Int32Array(HSIZE);

/** liblzf's VERY_FAST hash slot of the 3 bytes in h. */
function idx(h: number): number {
  return ((h >>> (24 - HLOG)) - h * 5) & (HSIZE - 1);
}

/**
 * Compress src[start, end) into a new buffer of at most `maxOut` bytes, or
 * null when it does not fit (incompressible input). This follows Redis's
 * lzf_c.c (HLOG 16, VERY_FAST) step by step, so that the output is the
 * bytes Redis writes (Redis leaves its table uninitialized, so in rare cases
 * it may find a match this does not, or the reverse: both stay valid LZF).
 */
export function lzfCompress(src: Uint8Array, start: number, end: number, maxOut: number): Buffer | null {
  if (end - start === 0 || maxOut <= 0) return null;
  const out = Buffer.allocUnsafe(maxOut + 3);
  htab.fill(-1);
  const inEnd = end;
  const outEnd = maxOut;
  let ip = start;
  let op = 1; // start run
  let lit = 0;
  let hval = (src[ip]! << 8) | (ip + 1 < inEnd ? src[ip + 1]! : 0);
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | src[ip + 2]!) & 0xffffff;
    const slot = idx(hval);
    const ref = htab[slot]!;
    htab[slot] = ip;
    const off = ip - ref - 1;
    if (ref !== -1 && off < MAX_OFF && ref > start
      && src[ref] === src[ip] && src[ref + 1] === src[ip + 1] && src[ref + 2] === src[ip + 2]) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      out[op - lit - 1] = lit - 1; // stop run
      if (lit === 0) op--; // undo run if length is zero
      if (op + 3 + 1 >= outEnd) return null;
      do len++; while (len < maxlen && src[ref + len] === src[ip + len]);
      len -= 2; // len is now #octets - 1
      ip++;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      ip -= 2;
      hval = (src[ip]! << 8) | src[ip + 1]!;
      hval = ((hval << 8) | src[ip + 2]!) & 0xffffff;
      htab[idx(hval)] = ip;
      ip++;
      hval = ((hval << 8) | src[ip + 2]!) & 0xffffff;
      htab[idx(hval)] = ip;
      ip++;
    } else {
      if (op >= outEnd) return null;
      lit++;
      out[op++] = src[ip++]!;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1; // stop run
        lit = 0;
        op++; // start run
      }
    }
  }
  if (op + 3 > outEnd) return null; // at most 3 bytes can be missing here
  while (ip < inEnd) {
    lit++;
    out[op++] = src[ip++]!;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end run
  if (lit === 0) op--;
  return out.subarray(0, op);
}

/**
 * Decompress src[start, end) into exactly `outLen` bytes; null when the data
 * is corrupt (a reference before the start, a run past either end, or a
 * different length), as lzf_decompress reports E2BIG / EINVAL.
 */
export function lzfDecompress(src: Uint8Array, start: number, end: number, outLen: number, into?: Buffer): Buffer | null {
  // `into`: a scratch buffer of at least outLen bytes to reuse (loading
  // decompresses a value per key: a fresh buffer each is garbage to collect).
  const out = into !== undefined && into.length >= outLen ? into : Buffer.allocUnsafe(outLen);
  let ip = start;
  let op = 0;
  while (ip < end) {
    const ctrl = src[ip++]!;
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outLen || ip + n > end) return null;
      if (n < 16) {
        for (let i = 0; i < n; i++) out[op++] = src[ip++]!;
      } else {
        out.set(src.subarray(ip, ip + n), op);
        ip += n;
        op += n;
      }
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= end) return null;
        len += src[ip++]!;
      }
      if (ip >= end) return null;
      let ref = op - ((ctrl & 0x1f) << 8) - 1 - src[ip++]!;
      len += 2;
      if (op + len > outLen || ref < 0) return null;
      // Byte by byte: the source may overlap what is being written (runs).
      for (let i = 0; i < len; i++) out[op++] = out[ref++]!;
    }
  }
  return op === outLen ? out : null;
}
