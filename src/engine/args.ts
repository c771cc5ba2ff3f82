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
