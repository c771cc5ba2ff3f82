// Reply encoding for RESP2 and RESP3.
//
// A ReplyWriter is an append-only output buffer with the RESP encoders on
// it. The server has one shared writer, the output of the client whose
// requests are running, and a client gets its own for output produced while
// it is not running (see client.ts); either is emptied into the client's
// output queue, written to its socket once per event-loop turn. Replies are
// latin1 strings (one char per byte) or Buffers.
// Types that only RESP3 has (map, set, double, boolean, null, push, verbatim,
// big number) degrade to their RESP2 equivalents when `resp` is 2, as Redis
// does.

import { formatDouble17g } from '../util/numbers.js';

const INITIAL = 64 * 1024;
/** Past this size a flushed buffer is dropped rather than kept for reuse. */
const KEEP_MAX = 1024 * 1024;

/** Strings shorter than this are copied byte by byte: cheaper than a native latin1Write call. */
const SHORT = 32;

export type RespVersion = 2 | 3;

export class ReplyWriter {
  buf: Buffer;
  /** End of what was written; [start, len) is output not taken yet. */
  len = 0;
  /**
   * Start of the output not taken yet. Output taken as views (`takeView`)
   * stays in place in `buf` until `recycle` (or until the buffer is replaced
   * by a bigger one, which gets only the output not taken).
   */
  start = 0;
  /** Bytes dropped from the front by buffer replacements: `position` stays monotonic. */
  private moved = 0;
  resp: RespVersion = 2;
  /** Error replies written since the last reset, by error code (for INFO errorstats). */
  onError: ((code: string) => void) | null = null;

  constructor(private readonly initial: number = INITIAL) {
    this.buf = Buffer.allocUnsafeSlow(initial);
  }

  /** A mark of the current end of output, valid across buffer growth (see `truncate`). */
  get position(): number {
    return this.moved + this.len;
  }

  /** Drop what was written after `position` mark `pos` (CLIENT REPLY OFF/SKIP), if not taken yet. */
  truncate(pos: number): void {
    const l = pos - this.moved;
    if (l >= this.start && l < this.len) this.len = l;
  }

  /** Bytes written and not taken yet. */
  get pending(): number {
    return this.len - this.start;
  }

  /** Drop what was written and not taken (output to a client being closed). */
  discardPending(): void {
    this.len = this.start;
  }

  /** The bytes not taken yet as a Buffer the caller owns (a copy). */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.len - this.start);
    this.buf.copy(out, 0, this.start, this.len);
    this.len = this.start;
    // With no view out, the buffer can be reused (and a big one dropped).
    if (this.start === 0) this.recycle();
    return out;
  }

  /**
   * The bytes not taken yet as a view of this writer's buffer, without a
   * copy: valid until `recycle` is called, which the server does once every
   * view was handed to the kernel. Fresh memory is expensive to touch (page
   * faults), so the common case writes every reply from the same buffer.
   */
  takeView(): Buffer {
    const v = this.buf.subarray(this.start, this.len);
    this.start = this.len;
    return v;
  }

  /**
   * Every view taken so far was written to its socket (none is still
   * referenced): write from the beginning of the buffer again. A buffer that
   * grew past KEEP_MAX for a big reply is dropped for a small one.
   */
  recycle(): void {
    if (this.start !== this.len) return;
    this.len = this.start = 0;
    if (this.buf.length > KEEP_MAX) this.buf = Buffer.allocUnsafeSlow(this.initial);
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const pending = this.len - this.start;
    const need = pending + extra;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    // Only the output not taken moves to the new buffer (to its start): views
    // taken keep the old buffer alive until their sockets are done with it.
    this.buf.copy(next, 0, this.start, this.len);
    this.moved += this.start;
    this.buf = next;
    this.start = 0;
    this.len = pending;
  }

  raw(s: string): void {
    this.ensure(s.length);
    this.put(s);
  }

  /** Append a latin1 string; room must have been ensured. */
  private put(s: string): void {
    const n = s.length;
    if (n < SHORT) {
      const buf = this.buf;
      let p = this.len;
      for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
      this.len = p;
    } else {
      this.len += this.buf.latin1Write(s, this.len);
    }
  }

  rawBuffer(b: Buffer): void {
    this.ensure(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }

  private writeInt(n: number): void {
    // Digits are written straight into the buffer: this is on every reply.
    if (n < 0) {
      this.buf[this.len++] = 45;
      n = -n;
    }
    if (n < 10) {
      this.buf[this.len++] = 48 + n;
      return;
    }
    if (n >= 1e15) {
      this.len += this.buf.latin1Write(String(n), this.len);
      return;
    }
    let digits = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
    let p = this.len + digits - 1;
    for (let i = 0; i < digits; i++) {
      this.buf[p--] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.len += digits;
  }

  private header(prefix: number, n: number): void {
    this.ensure(24);
    this.buf[this.len++] = prefix;
    this.writeInt(n);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  simple(s: string): void {
    this.ensure(s.length + 3);
    this.buf[this.len++] = 43; // +
    this.put(s);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  ok(): void {
    this.simple('OK');
  }

  /** `msg` starts with the error code (ERR, WRONGTYPE, ...). */
  error(msg: string): void {
    // Redis never lets a newline into an error reply: it would end it.
    if (msg.includes('\r') || msg.includes('\n')) msg = msg.replace(/[\r\n]/g, ' ');
    this.ensure(msg.length + 3);
    this.buf[this.len++] = 45; // -
    this.put(msg);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
    if (this.onError !== null) this.onError(errorCode(msg));
  }

  integer(n: number | bigint): void {
    if (typeof n === 'bigint') {
      this.raw(`:${n}\r\n`);
      return;
    }
    this.header(58, n); // :
  }

  bulk(s: string | null): void {
    if (s === null) {
      this.nullBulk();
      return;
    }
    const n = s.length;
    this.ensure(n + 24);
    this.buf[this.len++] = 36; // $
    this.writeInt(n);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
    this.put(s);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  /** A bulk string holding the decimal digits of a safe integer (int-encoded values). */
  bulkInt(n: number): void {
    if (n >= 0 && n < 10) {
      this.ensure(7);
      this.buf[this.len++] = 36; // $
      this.buf[this.len++] = 49; // 1
      this.buf[this.len++] = 13;
      this.buf[this.len++] = 10;
      this.buf[this.len++] = 48 + n;
      this.buf[this.len++] = 13;
      this.buf[this.len++] = 10;
      return;
    }
    this.bulk(String(n));
  }

  /** A bulk string from `n` bytes of a Buffer (raw-encoded string values). */
  bulkBytes(b: Buffer, n: number = b.length): void {
    this.ensure(n + 24);
    this.buf[this.len++] = 36;
    this.writeInt(n);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
    b.copy(this.buf, this.len, 0, n);
    this.len += n;
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  /** A bulk string of the `n` bytes of `b` from byte `from` (packed list elements). */
  bulkSlice(b: Buffer, from: number, n: number): void {
    this.ensure(n + 24);
    const buf = this.buf;
    buf[this.len++] = 36; // $
    this.writeInt(n);
    let p = this.len;
    buf[p++] = 13;
    buf[p++] = 10;
    if (n < SHORT) {
      for (let i = 0; i < n; i++) buf[p++] = b[from + i]!;
    } else {
      p += b.copy(buf, p, from, from + n);
    }
    buf[p++] = 13;
    buf[p++] = 10;
    this.len = p;
  }

  /** The null of a missing string: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): void {
    this.raw(this.resp === 2 ? '$-1\r\n' : '_\r\n');
  }

  /** The null of a missing aggregate: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    this.raw(this.resp === 2 ? '*-1\r\n' : '_\r\n');
  }

  array(n: number): void {
    this.header(42, n); // *
  }

  /** A map of n pairs; a flat array of 2n elements in RESP2. */
  map(n: number): void {
    if (this.resp === 2) this.header(42, n * 2);
    else this.header(37, n); // %
  }

  set(n: number): void {
    if (this.resp === 2) this.header(42, n);
    else this.header(126, n); // ~
  }

  push(n: number): void {
    if (this.resp === 2) this.header(42, n);
    else this.header(62, n); // >
  }

  /** A double as Redis 7.0 formats it (%.17g); a bulk string in RESP2. */
  double(d: number): void {
    const s = formatDouble17g(d);
    if (this.resp === 2) this.bulk(s);
    else this.raw(`,${s}\r\n`);
  }

  /** A double already formatted by the caller (e.g. a stored score string). */
  doubleString(s: string): void {
    if (this.resp === 2) this.bulk(s);
    else this.raw(`,${s}\r\n`);
  }

  bool(b: boolean): void {
    if (this.resp === 2) this.integer(b ? 1 : 0);
    else this.raw(b ? '#t\r\n' : '#f\r\n');
  }

  /** Free text (INFO, CLIENT LIST ...): a verbatim string in RESP3. */
  verbatim(s: string, format = 'txt'): void {
    if (this.resp === 2) {
      this.bulk(s);
      return;
    }
    const n = s.length + 4;
    this.ensure(n + 24);
    this.buf[this.len++] = 61; // =
    this.writeInt(n);
    this.raw(`\r\n${format}:`);
    this.raw(s);
    this.raw('\r\n');
  }

  /** Arrays of strings, the most common aggregate reply. */
  bulkArray(items: readonly (string | null)[]): void {
    this.array(items.length);
    for (const s of items) this.bulk(s);
  }
}

/**
 * The code INFO errorstats counts an error under, as afterErrorReply finds
 * it: the word before the first space within the first 32 bytes of the
 * reply ("-" included), else ERR.
 */
/**
 * A bulk string as a latin1 string, for frames built once and copied to many
 * clients (pub/sub messages, invalidations) or to a file (propagation).
 */
export function encodeBulk(s: string): string {
  return '$' + s.length + '\r\n' + s + '\r\n';
}

/** The null of a protocol version (`_` in RESP3, a null bulk in RESP2), as raw bytes. */
export function encodeNull(resp: RespVersion): string {
  return resp === 3 ? '_\r\n' : '$-1\r\n';
}

export function errorCode(msg: string): string {
  const sp = msg.indexOf(' ');
  return sp >= 0 && sp < 31 ? msg.slice(0, sp) : 'ERR';
}
