// String commands: SET, GET, INCR family, APPEND, GETRANGE, SETRANGE, LCS and the rest of t_string.
//
// Values set whole (SET, MSET, INCR ...) are stored as the latin1 argv string
// itself; APPEND and SETRANGE turn the value into a RawString (a growable
// Buffer, Redis's raw encoding) and edit it in place. Order of checks and
// replies follows t_string.c so errors and edge cases match Redis 7.0.

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import type { Database } from '../keyspace/keyspace.js';
import type { Value } from '../keyspace/types.js';
import { RawString, isString, stringLength, stringValue } from '../keyspace/types.js';
import type { Int, LongDouble } from '../util/numbers.js';
import {
  INT64_MIN, addInt64, addLongDouble, formatLongDouble, parseInt64, parseLongDouble,
} from '../util/numbers.js';
import { intArg } from '../engine/args.js';
import type { CommandSpec } from '../engine/table.js';

// ---------------------------------------------------------------------------
// Helpers shared with the bit commands.

/** Write a string value as a bulk reply. */
export function replyString(c: Client, v: string | RawString): void {
  if (typeof v === 'string') c.w.bulk(v);
  else c.w.bulkBytes(v.buf, v.len);
}

/** A value that must be a string (or missing): WRONGTYPE otherwise. */
export function checkString(v: Value | undefined): string | RawString | undefined {
  if (v === undefined || typeof v === 'string' || v instanceof RawString) return v;
  throw new RedisError(E.WRONGTYPE);
}

/**
 * dbUnshareStringValue: the value as a RawString that can be edited in place.
 * `v` must come from lookupWrite (a snapshot in progress has its old value).
 * Only the representation changes, so this is no change to report (callers
 * report theirs with db.changed once they edit bytes); Redis too switches the
 * encoding to raw even when a SETBIT leaves the bits as they were.
 */
export function unshare(db: Database, key: string, v: string | RawString, extra = 0): RawString {
  if (v instanceof RawString) return v;
  const r = new RawString(v, v.length + extra);
  db.reencode(key, r);
  return r;
}

/** checkStringLength: a result of size + append bytes must fit proto-max-bulk-len. */
export function checkStringLength(c: Client, size: number, append: number): void {
  if (size + append > c.server.limits.maxBulkLen) throw new RedisError(E.STRING_TOO_LONG);
}

/**
 * An option name as Redis compares it (strcasecmp on a C string): upper
 * case, and cut at a NUL byte, so "nx\0junk" is NX there as well.
 */
export function optName(s: string): string {
  const z = s.indexOf('\0');
  return (z < 0 ? s : s.slice(0, z)).toUpperCase();
}

// ---------------------------------------------------------------------------
// SET and its options (parseExtendedStringArgumentsOrReply).

const F_NX = 1;
const F_XX = 2;
const F_GET = 4;
const F_KEEPTTL = 8;
const F_PERSIST = 16;
const F_EX = 32;
const F_PX = 64;
const F_EXAT = 128;
const F_PXAT = 256;
const ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

interface SetOptions {
  flags: number;
  expire: string | null;
  /** The expire argument is in seconds (EX, EXAT) rather than milliseconds. */
  seconds: boolean;
}

/** Options of SET (forSet) or GETEX, from argv[from]; any conflict is a syntax error. */
function parseSetOptions(argv: readonly string[], from: number, forSet: boolean): SetOptions {
  let flags = 0;
  let expire: string | null = null;
  let seconds = false;
  for (let j = from; j < argv.length; j++) {
    const opt = optName(argv[j]!);
    const hasNext = j < argv.length - 1;
    if (opt === 'NX' && forSet && (flags & F_XX) === 0) {
      flags |= F_NX;
    } else if (opt === 'XX' && forSet && (flags & F_NX) === 0) {
      flags |= F_XX;
    } else if (opt === 'GET' && forSet) {
      flags |= F_GET;
    } else if (opt === 'KEEPTTL' && forSet && (flags & (F_PERSIST | ANY_EXPIRE)) === 0) {
      flags |= F_KEEPTTL;
    } else if (opt === 'PERSIST' && !forSet && (flags & (ANY_EXPIRE | F_KEEPTTL)) === 0) {
      flags |= F_PERSIST;
    } else if ((opt === 'EX' || opt === 'PX' || opt === 'EXAT' || opt === 'PXAT') && hasNext) {
      const f = opt === 'EX' ? F_EX : opt === 'PX' ? F_PX : opt === 'EXAT' ? F_EXAT : F_PXAT;
      // The same option given twice is allowed (the last wins), a different one is not.
      if ((flags & (F_KEEPTTL | F_PERSIST | (ANY_EXPIRE & ~f))) !== 0) throw new RedisError(E.SYNTAX);
      flags |= f;
      expire = argv[++j]!;
      seconds = f === F_EX || f === F_EXAT;
    } else {
      throw new RedisError(E.SYNTAX);
    }
  }
  return { flags, expire, seconds };
}

const INT64_MAX_DIV_1000 = 9223372036854775;

/**
 * getExpireMillisecondsOrReply: the absolute unix time in ms for an expire
 * argument, with Redis's range checks (non-positive, the seconds-to-ms
 * multiplication or the addition of now overflowing int64).
 */
function expireAt(c: Client, arg: string, flags: number, seconds: boolean, cmd: string): number {
  const v = parseInt64(arg);
  if (v === null) throw new RedisError(E.NOT_INTEGER);
  const relative = (flags & (F_EX | F_PX)) !== 0;
  // Small enough that ms + now stays exact in a double: no BigInt needed.
  if (typeof v === 'number' && v > 0 && v < (seconds ? 9e12 : 9e15)) {
    const ms = seconds ? v * 1000 : v;
    return relative ? ms + c.server.keyspace.now() : ms;
  }
  let ms = BigInt(v);
  if (ms <= 0n || (seconds && ms > BigInt(INT64_MAX_DIV_1000))) throw new RedisError(E.INVALID_EXPIRE(cmd));
  if (seconds) ms *= 1000n;
  if (relative) ms += BigInt(c.server.keyspace.now());
  // The C addition wraps to a negative number on overflow.
  if (ms > 9223372036854775807n) throw new RedisError(E.INVALID_EXPIRE(cmd));
  return Number(ms);
}

/**
 * setGenericCommand. With `numericReply` the answer to a set / not set is
 * 1 / 0 (SETNX), otherwise OK / nil; with GET it is the old value either way.
 */
function setGeneric(
  c: Client, argv: string[], flags: number, key: string, value: string, expire: string | null, seconds: boolean,
  cmd: string, numericReply: boolean,
): void {
  let when = 0;
  if (expire !== null) when = expireAt(c, expire, flags, seconds, cmd);
  const db = c.db;
  if ((flags & F_GET) !== 0) {
    const old = checkString(db.read(key));
    if (old === undefined) c.w.nullBulk();
    else replyString(c, old);
  }
  const found = db.exists(key);
  if (((flags & F_NX) !== 0 && found) || ((flags & F_XX) !== 0 && !found)) {
    if ((flags & F_GET) === 0) {
      if (numericReply) c.w.integer(0);
      else c.w.nullBulk();
    }
    return;
  }
  db.set(key, value, (flags & F_KEEPTTL) !== 0);
  db.changed(key, 'set');
  // A time already past is stored as is: the key is gone at its next access.
  if (expire !== null) {
    db.setExpire(key, when);
    db.changed(key, 'expire', 0);
    // Replayed with an absolute time, so a later replay does not extend the TTL.
    c.ctx.propagateAs(['SET', key, value, 'PXAT', String(when)]);
  } else if ((flags & F_GET) !== 0) {
    // Replayed without GET, which only shapes the reply.
    c.ctx.propagateAs(argv.filter((a, i) => i < 3 || optName(a) !== 'GET'));
  }
  if ((flags & F_GET) === 0) {
    if (numericReply) c.w.integer(1);
    else c.w.ok();
  }
}

function setCommand(c: Client, argv: string[]): void {
  // The common case, before any option parsing.
  if (argv.length === 3) {
    const db = c.db;
    db.set(argv[1]!, argv[2]!);
    db.changed(argv[1]!, 'set');
    c.w.ok();
    return;
  }
  const o = parseSetOptions(argv, 3, true);
  setGeneric(c, argv, o.flags, argv[1]!, argv[2]!, o.expire, o.seconds, 'set', false);
}

function getCommand(c: Client, argv: string[]): void {
  const v = c.db.readStored(argv[1]!);
  if (v === undefined) c.w.nullBulk();
  else if (typeof v === 'string') c.w.bulk(v);
  else if (typeof v === 'number') c.w.bulkInt(v);
  else if (v instanceof RawString) c.w.bulkBytes(v.buf, v.len);
  else throw new RedisError(E.WRONGTYPE);
}

/** getGenericCommand: reply with the value (nil if missing); false when missing. */
function getGeneric(c: Client, key: string): boolean {
  const v = checkString(c.db.read(key));
  if (v === undefined) {
    c.w.nullBulk();
    return false;
  }
  replyString(c, v);
  return true;
}

// ---------------------------------------------------------------------------
// Handlers.

export const stringCommands: CommandSpec[] = [
  {
    name: 'set', arity: -3, flags: ['write', 'denyoom'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]',
    handler: setCommand,
  },
  {
    name: 'get', arity: 2, flags: ['readonly', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'GET key',
    handler: getCommand,
  },
  {
    name: 'getset', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'GETSET key value',
    handler(c, argv) {
      getGeneric(c, argv[1]!);
      c.db.set(argv[1]!, argv[2]!);
      c.db.changed(argv[1]!, 'set');
      // Replayed as SET (the reply is what GETSET adds), as Redis rewrites it.
      c.ctx.propagateAs(['SET', argv[1]!, argv[2]!]);
    },
  },
  {
    name: 'getdel', arity: 2, flags: ['write', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'GETDEL key',
    handler(c, argv) {
      const key = argv[1]!;
      if (getGeneric(c, key)) {
        c.db.delete(key);
        c.db.changed(key, 'del');
        c.ctx.propagateAs(['DEL', key]);
      }
    },
  },
  {
    name: 'getex', arity: -2, flags: ['write', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]',
    handler(c, argv) {
      const o = parseSetOptions(argv, 2, false);
      const key = argv[1]!;
      const v = checkString(c.db.read(key));
      if (v === undefined) {
        c.w.nullBulk();
        return;
      }
      let when = 0;
      if (o.expire !== null) when = expireAt(c, o.expire, o.flags, o.seconds, 'getex');
      replyString(c, v);
      const db = c.db;
      if ((o.flags & (F_EXAT | F_PXAT)) !== 0 && when <= c.server.keyspace.now()) {
        // An absolute time already past deletes the key now (checkAlreadyExpired).
        db.delete(key);
        db.changed(key, 'del');
        c.ctx.propagateAs(['DEL', key]);
      } else if (o.expire !== null) {
        db.setExpire(key, when);
        db.changed(key, 'expire');
        c.ctx.propagateAs(['PEXPIREAT', key, String(when)]);
      } else if ((o.flags & F_PERSIST) !== 0) {
        if (db.persist(key)) {
          db.changed(key, 'persist');
          c.ctx.propagateAs(['PERSIST', key]);
        }
      }
    },
  },
  {
    name: 'setnx', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'SETNX key value',
    handler(c, argv) {
      setGeneric(c, argv, F_NX, argv[1]!, argv[2]!, null, false, 'setnx', true);
    },
  },
  {
    name: 'setex', arity: 4, flags: ['write', 'denyoom'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'SETEX key seconds value',
    handler(c, argv) {
      setGeneric(c, argv, F_EX, argv[1]!, argv[3]!, argv[2]!, true, 'setex', false);
    },
  },
  {
    name: 'psetex', arity: 4, flags: ['write', 'denyoom'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'PSETEX key milliseconds value',
    handler(c, argv) {
      setGeneric(c, argv, F_PX, argv[1]!, argv[3]!, argv[2]!, false, 'psetex', false);
    },
  },
  {
    name: 'mset', arity: -3, flags: ['write', 'denyoom'], keys: { first: 1, last: -1, step: 2 },
    syntax: 'MSET key value [key value ...]',
    handler(c, argv) {
      const n = argv.length;
      if ((n & 1) === 0) throw new RedisError(E.WRONG_ARITY('mset'));
      const db = c.db;
      for (let j = 1; j < n; j += 2) {
        db.set(argv[j]!, argv[j + 1]!);
        db.changed(argv[j]!, 'set');
      }
      c.w.ok();
    },
  },
  {
    name: 'msetnx', arity: -3, flags: ['write', 'denyoom'], keys: { first: 1, last: -1, step: 2 },
    syntax: 'MSETNX key value [key value ...]',
    handler(c, argv) {
      const n = argv.length;
      if ((n & 1) === 0) throw new RedisError(E.WRONG_ARITY('msetnx'));
      const db = c.db;
      for (let j = 1; j < n; j += 2) {
        if (db.exists(argv[j]!)) {
          c.w.integer(0);
          return;
        }
      }
      for (let j = 1; j < n; j += 2) {
        db.set(argv[j]!, argv[j + 1]!);
        db.changed(argv[j]!, 'set');
      }
      c.w.integer(1);
    },
  },
  {
    name: 'mget', arity: -2, flags: ['readonly', 'fast'], keys: { first: 1, last: -1, step: 1 },
    syntax: 'MGET key [key ...]',
    handler(c, argv) {
      const w = c.w;
      const db = c.db;
      w.array(argv.length - 1);
      for (let j = 1; j < argv.length; j++) {
        const v = db.read(argv[j]!);
        if (typeof v === 'string') w.bulk(v);
        else if (v instanceof RawString) w.bulkBytes(v.buf, v.len);
        else w.nullBulk();
      }
    },
  },
  {
    name: 'append', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'APPEND key value',
    handler(c, argv) {
      const key = argv[1]!;
      const add = argv[2]!;
      const db = c.db;
      const v = checkString(db.lookupWrite(key));
      if (v === undefined) {
        db.set(key, add);
        db.changed(key, 'append');
        c.w.integer(add.length);
        return;
      }
      checkStringLength(c, stringLength(v), add.length);
      const r = unshare(db, key, v, add.length);
      r.append(add);
      db.changed(key, 'append');
      c.w.integer(r.len);
    },
  },
  {
    name: 'strlen', arity: 2, flags: ['readonly', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'STRLEN key',
    handler(c, argv) {
      const v = checkString(c.db.read(argv[1]!));
      c.w.integer(v === undefined ? 0 : stringLength(v));
    },
  },
  {
    name: 'getrange', arity: 4, flags: ['readonly'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'GETRANGE key start end',
    handler: getrangeCommand,
  },
  {
    name: 'substr', arity: 4, flags: ['readonly'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'SUBSTR key start end',
    handler: getrangeCommand,
  },
  {
    name: 'setrange', arity: 4, flags: ['write', 'denyoom'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'SETRANGE key offset value',
    handler(c, argv) {
      const key = argv[1]!;
      const value = argv[3]!;
      const off = intArg(argv[2]!);
      if (off < 0) throw new RedisError(E.OFFSET_OUT_OF_RANGE);
      const offset = Number(off);
      const db = c.db;
      const v = checkString(db.lookupWrite(key));
      if (v === undefined) {
        if (value.length === 0) {
          c.w.integer(0);
          return;
        }
        checkStringLength(c, offset, value.length);
        const r = new RawString('', offset + value.length);
        r.writeAt(offset, value);
        db.set(key, r);
        db.changed(key, 'setrange');
        c.w.integer(r.len);
        return;
      }
      if (value.length === 0) {
        c.w.integer(stringLength(v));
        return;
      }
      checkStringLength(c, offset, value.length);
      const r = unshare(db, key, v);
      r.writeAt(offset, value);
      db.changed(key, 'setrange');
      c.w.integer(r.len);
    },
  },
  {
    name: 'incr', arity: 2, flags: ['write', 'denyoom', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'INCR key',
    handler(c, argv) {
      incrDecr(c, argv[1]!, 1);
    },
  },
  {
    name: 'decr', arity: 2, flags: ['write', 'denyoom', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'DECR key',
    handler(c, argv) {
      incrDecr(c, argv[1]!, -1);
    },
  },
  {
    name: 'incrby', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'INCRBY key increment',
    handler(c, argv) {
      incrDecr(c, argv[1]!, intArg(argv[2]!));
    },
  },
  {
    name: 'decrby', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'DECRBY key decrement',
    handler(c, argv) {
      const d = intArg(argv[2]!);
      // -LLONG_MIN does not exist.
      if (d === INT64_MIN) throw new RedisError(E.DECREMENT_OVERFLOW);
      incrDecr(c, argv[1]!, typeof d === 'number' ? 0 - d : -d);
    },
  },
  {
    name: 'incrbyfloat', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'INCRBYFLOAT key increment',
    handler(c, argv) {
      const key = argv[1]!;
      const v = checkString(c.db.lookupWrite(key));
      let cur: LongDouble | null = LD_ZERO;
      if (v !== undefined) cur = parseLongDouble(stringValue(v));
      const incr = cur === null ? null : parseLongDouble(argv[2]!);
      if (cur === null || incr === null) throw new RedisError(E.NOT_FLOAT);
      // Computed in 80-bit long double as Redis does: 0.1 + 0.2 is 0.3 there.
      const sum = addLongDouble(cur, incr);
      if (sum === null) throw new RedisError(E.NAN_OR_INF);
      const s = formatLongDouble(sum);
      c.db.set(key, s, true);
      c.db.changed(key, 'incrbyfloat');
      c.w.bulk(s);
      // The result, not the increment, so that a replay gives the same bytes.
      c.ctx.propagateAs(['SET', key, s, 'KEEPTTL']);
    },
  },
  {
    name: 'lcs', arity: -3, flags: ['readonly'], keys: { first: 1, last: 2, step: 1 },
    syntax: 'LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]',
    handler: lcsCommand,
  },
];

const LD_ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false };

/** incrDecrCommand. The TTL is kept (dbOverwrite), the result stored as a plain string. */
function incrDecr(c: Client, key: string, incr: Int): void {
  const db = c.db;
  const v = db.lookupWriteStored(key);
  let cur: Int | null;
  if (v === undefined) cur = 0;
  else if (typeof v === 'number') cur = v;
  else if (typeof v === 'string') cur = parseInt64(v);
  else if (v instanceof RawString) cur = parseInt64(v.toString());
  else throw new RedisError(E.WRONGTYPE);
  if (cur === null) throw new RedisError(E.NOT_INTEGER);
  let r: Int | null;
  if (typeof cur === 'number' && typeof incr === 'number') {
    r = cur + incr;
    if (!Number.isSafeInteger(r)) r = addInt64(cur, incr);
  } else {
    r = addInt64(cur, incr);
  }
  if (r === null) throw new RedisError(E.OVERFLOW);
  db.set(key, typeof r === 'number' ? r : String(r), true);
  db.changed(key, 'incrby');
  c.w.integer(r);
}

function getrangeCommand(c: Client, argv: string[]): void {
  const s0 = intArg(argv[2]!);
  const e0 = intArg(argv[3]!);
  const v = checkString(c.db.read(argv[1]!));
  if (v === undefined) {
    c.w.bulk('');
    return;
  }
  // Precision beyond 2^53 does not matter: such indexes are clamped anyway.
  let start = Number(s0);
  let end = Number(e0);
  const len = stringLength(v);
  if (start < 0 && end < 0 && start > end) {
    c.w.bulk('');
    return;
  }
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) {
    c.w.bulk('');
    return;
  }
  if (typeof v === 'string') c.w.bulk(v.slice(start, end + 1));
  else c.w.bulkBytes(v.buf.subarray(start, end + 1));
}

function lcsCommand(c: Client, argv: string[]): void {
  const va = c.db.read(argv[1]!);
  const vb = c.db.read(argv[2]!);
  if ((va !== undefined && !isString(va)) || (vb !== undefined && !isString(vb))) {
    throw new RedisError(E.LCS_NOT_STRING);
  }
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = optName(argv[j]!);
    const moreArgs = argv.length - 1 - j;
    if (opt === 'IDX') getIdx = true;
    else if (opt === 'LEN') getLen = true;
    else if (opt === 'WITHMATCHLEN') withMatchLen = true;
    else if (opt === 'MINMATCHLEN' && moreArgs > 0) {
      const m = intArg(argv[++j]!);
      minMatchLen = m < 0 ? 0 : Number(m);
    } else throw new RedisError(E.SYNTAX);
  }
  if (getIdx && getLen) throw new RedisError(E.LCS_IDX_AND_LEN);
  const a = va === undefined ? '' : stringValue(va as string | RawString);
  const b = vb === undefined ? '' : stringValue(vb as string | RawString);
  const alen = a.length;
  const blen = b.length;
  if (alen >= 0xfffffffe || blen >= 0xfffffffe) throw new RedisError(E.LCS_TOO_LONG);
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > c.server.limits.maxBulkLen) throw new RedisError(E.LCS_MEMORY);

  // The classic dynamic programming table: LCS(i,j) is the LCS length of
  // a[0..i-1] and b[0..j-1], stored row by row.
  const w1 = blen + 1;
  const t = new Uint32Array(cells);
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    const row = i * w1;
    const prev = row - w1;
    for (let j = 1; j <= blen; j++) {
      if (ai === b.charCodeAt(j - 1)) {
        t[row + j] = t[prev + j - 1]! + 1;
      } else {
        const x = t[prev + j]!;
        const y = t[row + j - 1]!;
        t[row + j] = x > y ? x : y;
      }
    }
  }
  const total = t[alen * w1 + blen]!;
  if (getLen) {
    c.w.integer(total);
    return;
  }

  // Walk back from the end, collecting the LCS and (for IDX) the ranges of
  // contiguous matches, in the order Redis emits them (last first).
  const out = new Array<string>(total);
  let idx = total;
  const ranges: number[] = [];
  let aStart = alen; // alen: no range open
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      out[idx - 1] = a[i - 1]!;
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const x = t[(i - 1) * w1 + j]!;
      const y = t[i * w1 + j - 1]!;
      if (x > y) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) ranges.push(aStart, aEnd, bStart, bEnd, matchLen);
      aStart = alen;
    }
  }
  if (!getIdx) {
    c.w.bulk(out.join(''));
    return;
  }
  const w = c.w;
  w.map(2);
  w.bulk('matches');
  const n = ranges.length / 5;
  w.array(n);
  for (let k = 0; k < ranges.length; k += 5) {
    w.array(withMatchLen ? 3 : 2);
    w.array(2);
    w.integer(ranges[k]!);
    w.integer(ranges[k + 1]!);
    w.array(2);
    w.integer(ranges[k + 2]!);
    w.integer(ranges[k + 3]!);
    if (withMatchLen) w.integer(ranges[k + 4]!);
  }
  w.bulk('len');
  w.integer(total);
}
