// Argument helpers for handlers, the only place numbers in arguments are
// parsed: `intArg` (int64, exact), `numArg` (an int64 as a JS number, for
// counts and indexes that get clamped), `int32Arg` (getIntFromObjectOrReply),
// `floatArg`; and `Args`, a cursor that reads options in order with Redis's
// error for each kind of bad value and `finish` to refuse leftovers, so that
// option parsing in handlers reads as the syntax line does.

import { E, RedisError } from '../errors.js';
import type { Int } from '../util/numbers.js';
import { parseFloatStrict, parseInt64 } from '../util/numbers.js';

export class Args {
  constructor(readonly argv: readonly string[], public i = 1) {}

  get remaining(): number {
    return this.argv.length - this.i;
  }

  hasNext(): boolean {
    return this.i < this.argv.length;
  }

  /** The next argument; a syntax error when there is none. */
  next(): string {
    if (this.i >= this.argv.length) throw new RedisError(E.SYNTAX);
    return this.argv[this.i++]!;
  }

  /** The next argument upper-cased, for matching option names. */
  nextUpper(): string {
    return this.next().toUpperCase();
  }

  peekUpper(): string | undefined {
    const a = this.argv[this.i];
    return a === undefined ? undefined : a.toUpperCase();
  }

  /** A signed 64-bit integer (number when it fits 2^53). */
  nextInt(err: string = E.NOT_INTEGER): Int {
    return intArg(this.next(), err);
  }

  /** An integer as a JS number (for counts and indexes). */
  nextNumber(err: string = E.NOT_INTEGER): number {
    return numArg(this.next(), err);
  }

  nextInt32(err?: string): number {
    return int32Arg(this.next(), err);
  }

  nextFloat(err: string = E.NOT_FLOAT): number {
    return floatArg(this.next(), err);
  }

  finish(): void {
    if (this.i < this.argv.length) throw new RedisError(E.SYNTAX);
  }
}

/** A signed 64-bit integer argument (a bigint beyond 2^53), with Redis's error. */
export function intArg(s: string, err: string = E.NOT_INTEGER): Int {
  const v = parseInt64(s);
  if (v === null) throw new RedisError(err);
  return v;
}

/**
 * An integer argument as a JS number: values beyond 2^53 lose precision,
 * which only matters for indexes and counts that are clamped anyway.
 */
export function numArg(s: string, err: string = E.NOT_INTEGER): number {
  const v = intArg(s, err);
  return typeof v === 'number' ? v : Number(v);
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * getIntFromObjectOrReply: a 32-bit integer. `err` replaces both of Redis's
 * errors (not an integer; out of range) when given.
 */
export function int32Arg(s: string, err?: string): number {
  const v = parseInt64(s);
  if (v === null) throw new RedisError(err ?? E.NOT_INTEGER);
  const n = Number(v);
  if (n < INT32_MIN || n > INT32_MAX) throw new RedisError(err ?? E.VALUE_NOT_BETWEEN(INT32_MIN, INT32_MAX));
  return n;
}

/** A float argument (strtold's syntax, as Redis reads them). */
export function floatArg(s: string, err: string = E.NOT_FLOAT): number {
  const v = parseFloatStrict(s);
  if (v === null) throw new RedisError(err);
  return v;
}

/**
 * SCAN's cursor, parsed as Redis does with strtoul: optional sign, decimal
 * digits, nothing after (a NUL ends the C string), no leading space, within
 * unsigned 64 bits; a negative value wraps. "" is cursor 0. Returns the
 * cursor as a JS number (-1 for values no issued cursor can have), or null.
 */
export function parseScanCursor(raw: string): number | null {
  const nul = raw.indexOf('\0');
  const s = nul < 0 ? raw : raw.slice(0, nul);
  if (s.length === 0) return 0;
  let i = 0;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  let neg = false;
  if (c0 === 43 /* + */ || c0 === 45 /* - */) {
    neg = c0 === 45;
    i = 1;
  }
  if (i === s.length) return null; // a lone sign: strtoul parsed nothing
  for (let j = i; j < s.length; j++) {
    const d = s.charCodeAt(j);
    if (d < 48 || d > 57) return null;
  }
  if (s.length - i <= 15) {
    const v = Number(s.slice(i));
    return neg && v !== 0 ? -1 : v;
  }
  let v = BigInt(s.slice(i));
  if (v > 0xffffffffffffffffn) return null; // ERANGE
  if (neg) v = (0x10000000000000000n - v) & 0xffffffffffffffffn;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : -1;
}

export interface ScanOptions {
  count: number;
  /** null for none (or "*"). */
  match: string | null;
  /** SCAN's TYPE, lower case; null for none. */
  type: string | null;
}

/**
 * The options of SCAN, HSCAN, SSCAN and ZSCAN from argv[from] on: MATCH
 * pattern, COUNT n (at least 1), and TYPE for SCAN only (`withType`). Every
 * problem is Redis's syntax error (scanGenericCommand).
 */
export function parseScanOptions(argv: readonly string[], from: number, withType: boolean): ScanOptions {
  const o: ScanOptions = { count: 10, match: null, type: null };
  const a = new Args(argv, from);
  while (a.hasNext()) {
    const opt = a.nextUpper();
    if (!a.hasNext()) throw new RedisError(E.SYNTAX);
    if (opt === 'COUNT') {
      o.count = a.nextNumber();
      if (o.count < 1) throw new RedisError(E.SYNTAX);
    } else if (opt === 'MATCH') {
      const p = a.next();
      o.match = p === '*' ? null : p;
    } else if (opt === 'TYPE' && withType) {
      o.type = a.next().toLowerCase();
    } else {
      throw new RedisError(E.SYNTAX);
    }
  }
  return o;
}
