// The values a key can hold.
//
// A string value is usually a plain JS string holding one char per byte
// (latin1): compact in V8 and written to sockets without conversion. A string
// that is modified in place (APPEND, SETRANGE, SETBIT, BITFIELD) becomes a
// RawString, a growable Buffer, so that repeated edits do not copy the whole
// value each time; this mirrors Redis's embstr/raw encodings.
//
// Other types are classes extending RObject; each data-type module adds its
// own (lists, sets, hashes, sorted sets ...).

import { parseInt64 } from '../util/numbers.js';

export type ValueType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

export abstract class RObject {
  abstract get type(): ValueType;
  /** The name OBJECT ENCODING reports. */
  abstract encoding(): string;
  /** An independent deep copy (COPY): later edits to either leave the other alone. */
  abstract clone(): RObject;
  /**
   * The contents as plain data, the same for equal values whatever their
   * encoding or history: a list's items in order, a set's members sorted, a
   * hash's [field, value] pairs sorted by field, a sorted set's [member,
   * score] pairs in order (scores as Redis prints them). For digests and tests.
   */
  abstract contents(): unknown;
}

export class RawString extends RObject {
  buf: Buffer;
  len: number;

  constructor(initial: string | Buffer, capacity = 0) {
    super();
    const bytes = typeof initial === 'string' ? Buffer.from(initial, 'latin1') : initial;
    const cap = Math.max(capacity, bytes.length);
    this.buf = Buffer.alloc(cap);
    bytes.copy(this.buf, 0);
    this.len = bytes.length;
  }

  get type(): ValueType {
    return 'string';
  }

  encoding(): string {
    return 'raw';
  }

  clone(): RawString {
    return new RawString(this.buf.subarray(0, this.len));
  }

  contents(): string {
    return this.toString();
  }

  /** Make room for `size` bytes, zero-filled past the current length. */
  grow(size: number): void {
    if (size <= this.len) return;
    if (size > this.buf.length) {
      // Amortized growth for APPEND loops, as sdsMakeRoomFor does.
      const cap = size < 1024 * 1024 ? size * 2 : size + 1024 * 1024;
      const next = Buffer.alloc(cap);
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    } else {
      this.buf.fill(0, this.len, size);
    }
    this.len = size;
  }

  /** Append latin1 bytes (APPEND). */
  append(s: string): void {
    const at = this.len;
    this.grow(at + s.length);
    this.buf.latin1Write(s, at);
  }

  /** Write latin1 bytes at `offset`, zero-filling any gap (SETRANGE). */
  writeAt(offset: number, s: string): void {
    if (offset + s.length > this.len) this.grow(offset + s.length);
    this.buf.latin1Write(s, offset);
  }

  override toString(): string {
    return this.buf.latin1Slice(0, this.len);
  }
}

export type Value = string | RObject;

/**
 * What the dictionary holds: a Value, or a number for a string that is a
 * canonical integer (Redis's "int" encoding). A V8 small integer costs no
 * memory beyond its Map slot, where even a short string costs 24 bytes, and
 * INCR on it needs no parsing. Database.get turns it back into its string,
 * so only code that reads the dictionary directly sees numbers.
 */
export type Stored = Value | number;

/** The form in which a value is stored: canonical integer strings become numbers. */
export function encodeStored(v: Value): Stored {
  // Only up to 15 characters: such integers are exact doubles, and longer
  // strings are rarely integers worth the parse.
  if (typeof v !== 'string' || v.length > 15 || v.length === 0) return v;
  const c = v.charCodeAt(0);
  if ((c < 48 || c > 57) && c !== 45) return v;
  const n = parseInt64(v);
  return typeof n === 'number' ? n : v;
}

/** The Value of a stored entry. */
export function decodeStored(v: Stored): Value {
  return typeof v === 'number' ? String(v) : v;
}

export function typeOf(v: Stored): ValueType {
  return typeof v === 'string' || typeof v === 'number' ? 'string' : v.type;
}

export function isString(v: Value): v is string | RawString {
  return typeof v === 'string' || v instanceof RawString;
}

/** The bytes of a string value as a latin1 string. */
export function stringValue(v: string | RawString): string {
  return typeof v === 'string' ? v : v.toString();
}

export function stringLength(v: string | RawString): number {
  return typeof v === 'string' ? v.length : v.len;
}

/** OBJECT ENCODING of a value, with Redis's rules for strings. */
export function encodingOf(v: Stored): string {
  if (typeof v === 'number') return 'int';
  if (typeof v !== 'string') return v.encoding();
  if (v.length <= 20 && parseInt64(v) !== null) return 'int';
  return v.length <= 44 ? 'embstr' : 'raw';
}
