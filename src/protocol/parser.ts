// Incremental RESP request parser.
//
// Owns the bytes a client has sent that are not yet a whole request. `feed`
// appends a chunk; `next` returns one request (its arguments as latin1 strings,
// one char per byte, so arbitrary bytes round-trip exactly) or null when more
// input is needed, and throws ProtocolError on input Redis would refuse.
//
// Technique (after node-redis-parser): an offset cursor over one Buffer,
// byte-code comparisons, and a resumable state for a multibulk request that
// is only partly here. A bulk string larger than BIG_BULK that has not fully
// arrived is copied, as its chunks arrive, into one buffer of its exact size,
// instead of being re-concatenated on every read (and so that the memory is
// one block, given back whole when the value goes).
//
// Limits, error texts and quirks follow Redis 7.0's processMultibulkBuffer and
// processInlineBuffer exactly:
// - header lines are found with strchr, so a NUL byte before the line's end
//   hides the end: the request then waits, until 64 KB pile up (too big ...);
// - a bulk string's trailing two bytes and the byte after a header's CR are
//   skipped unseen (Redis does not check that they are CRLF);
// - an inline line is only "too big" while its newline has not arrived;
// - before AUTH, more than 10 arguments or a bulk over 16 KB is refused.
// Requests are parsed one at a time as they run, so an AUTH in a pipeline
// lifts the unauthenticated limits for the very next request, as in Redis.

import { ProtocolError } from '../errors.js';
import { splitArgs } from './inline.js';

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;

/** Inline requests and the count lines of multibulk requests: PROTO_INLINE_MAX_SIZE. */
export const INLINE_MAX_SIZE = 64 * 1024;
/** PROTO_MBULK_BIG_ARG: bulks this large are collected as chunks. */
export const BIG_BULK = 32 * 1024;
/** Limits for a client that has not authenticated yet (authRequired in Redis). */
const UNAUTH_MAX_ARGS = 10;
const UNAUTH_MAX_BULK = 16384;

export interface ParserLimits {
  /** proto-max-bulk-len; read at every bulk header, so CONFIG SET applies at once. */
  maxBulkLen: number;
}

/** Whether the connection has authenticated (the Client itself). */
export interface AuthState {
  readonly authenticated: boolean;
}

const ALWAYS_AUTHENTICATED: AuthState = { authenticated: true };

// Results of findLineEnd besides an index.
const NOT_FOUND = -1; // no end yet: the size limit applies
const WAIT = -2; // the CR is there but not the byte after it: just wait

export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  // How many bytes after `pos` are known not to hold the current line's end,
  // so a line arriving in many small chunks is scanned once; BLOCKED after a
  // NUL byte, which hides the end for good (strchr).
  private scanned = 0;
  // State of a multibulk request in progress: arguments still to read, those
  // read so far, and the length of the bulk whose header has been consumed.
  private remaining = 0;
  private argv: string[] = NO_ARGS;
  private argc = 0;
  private bulkLen = -1;
  // A big bulk string being received: its buffer (the bulk and its CRLF)
  // and how many bytes of it have arrived.
  private big: Buffer | null = null;
  private bigHave = 0;
  /** `buf` is the caller's memory, valid until `detach`. */
  private borrowed = false;
  /** True when the last request was sent inline (telnet style). */
  lastWasInline = false;

  constructor(
    private readonly limits: ParserLimits,
    private readonly auth: AuthState = ALWAYS_AUTHENTICATED,
  ) {}

  /**
   * Append bytes. A `borrowed` chunk is memory the caller reuses (the
   * server's shared read buffer): the parser copies what it must keep, and
   * the caller calls `detach` once it has run the requests it could.
   */
  feed(chunk: Buffer, borrowed = false): void {
    const big = this.big;
    if (big !== null) {
      const need = big.length - this.bigHave;
      if (chunk.length < need) {
        chunk.copy(big, this.bigHave);
        this.bigHave += chunk.length;
        return;
      }
      // The bulk is complete: it becomes the request's next argument, and
      // what follows it in this chunk is parsed as usual.
      chunk.copy(big, this.bigHave, 0, need);
      this.argv[this.argc++] = big.latin1Slice(0, this.bulkLen);
      this.remaining--;
      this.bulkLen = -1;
      this.big = null;
      this.bigHave = 0;
      this.buf = chunk.subarray(need);
      this.borrowed = borrowed;
      this.pos = 0;
      this.scanned = 0;
      return;
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
      this.borrowed = borrowed;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.borrowed = false;
    }
    this.pos = 0;
  }

  /** Stop using a borrowed chunk: copy its unconsumed bytes, if any. */
  detach(): void {
    if (!this.borrowed) return;
    this.borrowed = false;
    if (this.pos >= this.buf.length) this.release();
    else {
      this.buf = Buffer.from(this.buf.subarray(this.pos));
      this.pos = 0;
    }
  }

  /** Bytes received and not yet consumed (for CLIENT LIST's qbuf). */
  get pendingBytes(): number {
    return this.big !== null ? this.bigHave : this.buf.length - this.pos;
  }

  next(): string[] | null {
    if (this.big !== null) return null;
    if (this.argv === NO_ARGS) {
      // Skip empty requests (`*0`, `*-1`, blank inline lines) until a real one.
      for (;;) {
        if (this.pos >= this.buf.length) {
          this.release();
          return null;
        }
        if (this.buf[this.pos] === STAR) {
          const started = this.startMultibulk();
          if (started === INCOMPLETE) return null;
          if (started === EMPTY_REQUEST) continue;
          break;
        }
        const inline = this.parseInline();
        if (inline === null) return null;
        if (inline.length > 0) {
          this.lastWasInline = true;
          return inline;
        }
      }
    }
    this.lastWasInline = false;
    return this.continueMultibulk();
  }

  private release(): void {
    // Let a large fully consumed buffer be collected.
    this.buf = EMPTY;
    this.pos = 0;
    this.scanned = 0;
    this.borrowed = false;
  }

  /**
   * The index of the byte `term` ending the line at `pos`, as strchr finds it:
   * NOT_FOUND when it is not there (or a NUL comes first), WAIT when it is a
   * CR with nothing after it yet. Header lines are a few bytes, so a plain
   * loop beats a native indexOf call here.
   */
  private findLineEnd(term: number): number {
    if (this.scanned === BLOCKED) return NOT_FOUND;
    const buf = this.buf;
    const start = this.pos;
    const end = buf.length;
    for (let i = start + this.scanned; i < end; i++) {
      const b = buf[i]!;
      if (b === term) {
        if (term === CR && i + 1 >= end) {
          this.scanned = i - start;
          return WAIT;
        }
        this.scanned = 0;
        return i;
      }
      if (b === 0) {
        this.scanned = BLOCKED;
        return NOT_FOUND;
      }
    }
    this.scanned = end - start;
    return NOT_FOUND;
  }

  private startMultibulk(): number {
    const buf = this.buf;
    const start = this.pos;
    const cr = this.findLineEnd(CR);
    if (cr < 0) {
      if (cr === NOT_FOUND && buf.length - start > INLINE_MAX_SIZE) {
        throw new ProtocolError('too big mbulk count string');
      }
      return INCOMPLETE;
    }
    const n = parseCount(buf, start + 1, cr);
    if (Number.isNaN(n) || n > 2147483647) throw new ProtocolError('invalid multibulk length');
    if (n > UNAUTH_MAX_ARGS && !this.auth.authenticated) {
      throw new ProtocolError('unauthenticated multibulk length');
    }
    this.pos = cr + 2;
    if (n <= 0) return EMPTY_REQUEST;
    this.remaining = n;
    // Preallocated for the declared count, but a huge declared count only
    // gets room as its arguments arrive (Redis caps argv_len at 1024 too).
    this.argv = n <= MAX_PREALLOC ? new Array<string>(n) : [];
    this.argc = 0;
    this.bulkLen = -1;
    return STARTED;
  }

  private continueMultibulk(): string[] | null {
    const buf = this.buf;
    while (this.remaining > 0) {
      if (this.bulkLen < 0) {
        const start = this.pos;
        const cr = this.findLineEnd(CR);
        if (cr < 0) {
          if (cr === NOT_FOUND && buf.length - start > INLINE_MAX_SIZE) {
            throw new ProtocolError('too big bulk count string');
          }
          return null;
        }
        if (buf[start] !== DOLLAR) {
          throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[start]!)}'`);
        }
        const len = parseCount(buf, start + 1, cr);
        if (Number.isNaN(len) || len < 0 || len > this.limits.maxBulkLen) {
          throw new ProtocolError('invalid bulk length');
        }
        if (len > UNAUTH_MAX_BULK && !this.auth.authenticated) {
          throw new ProtocolError('unauthenticated bulk length');
        }
        this.pos = cr + 2;
        this.bulkLen = len;
      }
      const len = this.bulkLen;
      const avail = buf.length - this.pos;
      if (avail < len + 2) {
        if (len >= BIG_BULK) {
          // Copy what is here into a buffer for the whole bulk; feed fills it.
          const big = Buffer.allocUnsafeSlow(len + 2);
          this.bigHave = buf.copy(big, 0, this.pos);
          this.big = big;
          this.borrowed = false;
          this.buf = EMPTY;
          this.pos = 0;
        }
        return null;
      }
      // The command name is interned: the same string object each time, whose
      // hash V8 has cached, so the command table lookup does not rehash it.
      this.argv[this.argc] = this.argc === 0 && len <= INTERN_MAX
        ? intern(buf, this.pos, len)
        : buf.latin1Slice(this.pos, this.pos + len);
      this.argc++;
      this.pos += len + 2;
      this.bulkLen = -1;
      this.remaining--;
    }
    const argv = this.argv;
    this.argv = NO_ARGS;
    if (this.pos >= buf.length) this.release();
    return argv;
  }

  /** An inline request, [] for a blank line, or null when the line is incomplete. */
  private parseInline(): string[] | null {
    const buf = this.buf;
    const start = this.pos;
    const lf = this.findLineEnd(LF);
    if (lf < 0) {
      if (buf.length - start > INLINE_MAX_SIZE) throw new ProtocolError('too big inline request');
      return null;
    }
    let end = lf;
    if (end > start && buf[end - 1] === CR) end--;
    const args = end === start ? NO_ARGS : splitArgs(buf.latin1Slice(start, end));
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    this.pos = lf + 1;
    return args;
  }
}

const EMPTY = Buffer.alloc(0);
const NO_ARGS: string[] = [];
/** Requests declaring more arguments than this get their array grown as they arrive. */
const MAX_PREALLOC = 1024;
/** Command names up to this length are interned. */
const INTERN_MAX = 24;
/** At most this many distinct names are kept (a client sending random names cannot grow it). */
const INTERN_CAP = 1024;
const interned = new Map<number, string>();

/** The bytes buf[pos, pos+len) as a string, the same object for the same bytes. */
function intern(buf: Buffer, pos: number, len: number): string {
  let h = len;
  for (let i = pos; i < pos + len; i++) h = (Math.imul(h, 31) + buf[i]!) | 0;
  const s = interned.get(h);
  if (s !== undefined && s.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (s.charCodeAt(i) !== buf[pos + i]) {
        same = false;
        break;
      }
    }
    if (same) return s;
  }
  const fresh = buf.latin1Slice(pos, pos + len);
  if (interned.size < INTERN_CAP) interned.set(h, fresh);
  return fresh;
}
const BLOCKED = -1;
const INCOMPLETE = 0;
const EMPTY_REQUEST = 1;
const STARTED = 2;

// string2ll accepts at most 20 characters; past 19 digits only these bounds fit.
const INT64_MAX_DIGITS = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';

/**
 * Parse the decimal between start and end the way string2ll does (optional
 * '-', no '+', no leading zeros, int64 range). NaN when it is not such a
 * number. Values beyond 2^53 are approximate, which is harmless: every
 * caller refuses anything that large, and the exact int64 range check below
 * decides what is refused with which error.
 */
export function parseCount(buf: Buffer, start: number, end: number): number {
  if (start >= end || end - start > 20) return NaN;
  let i = start;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (i === end) return NaN;
  }
  if (buf[i] === 48) return end - i === 1 && !neg ? 0 : NaN;
  const digits = end - i;
  if (digits > 19) return NaN;
  let v = 0;
  for (let j = i; j < end; j++) {
    const d = buf[j]! - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  if (digits === 19 && buf.latin1Slice(i, end) > (neg ? INT64_MIN_DIGITS : INT64_MAX_DIGITS)) return NaN;
  return neg ? -v : v;
}
