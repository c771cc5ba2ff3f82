// An argument cursor for handlers: read options in order, with Redis's error
// for each kind of bad value, and `finish` to refuse leftovers. It keeps
// option parsing in handlers short and uniform.

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
    const v = parseInt64(this.next());
    if (v === null) throw new RedisError(err);
    return v;
  }

  /** An integer as a JS number (values beyond 2^53 lose precision; for counts and indexes). */
  nextNumber(err: string = E.NOT_INTEGER): number {
    const v = this.nextInt(err);
    return typeof v === 'number' ? v : Number(v);
  }

  nextFloat(err: string = E.NOT_FLOAT): number {
    const v = parseFloatStrict(this.next());
    if (v === null) throw new RedisError(err);
    return v;
  }

  finish(): void {
    if (this.i < this.argv.length) throw new RedisError(E.SYNTAX);
  }
}

/** Parse one integer argument with Redis's error. */
export function intArg(s: string, err: string = E.NOT_INTEGER): Int {
  const v = parseInt64(s);
  if (v === null) throw new RedisError(err);
  return v;
}

/** Parse one integer argument as a JS number (indexes, counts). */
export function numArg(s: string, err: string = E.NOT_INTEGER): number {
  const v = intArg(s, err);
  return typeof v === 'number' ? v : Number(v);
}
