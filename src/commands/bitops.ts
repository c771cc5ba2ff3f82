// Bit commands: GETBIT, SETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.
//
// Reads work on either string representation; writes turn the value into a
// RawString and edit its Buffer in place (Redis's dbUnshareStringValue).
// Bits are numbered from the most significant bit of the first byte.

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import { intArg, numArg } from '../engine/args.js';
import type { Database } from '../keyspace/keyspace.js';
import { RawString } from '../keyspace/types.js';
import { parseInt64 } from '../util/numbers.js';
import { checkString, optName, unshare } from './string.js';
import type { CommandSpec } from '../engine/table.js';

type Bytes = string | Buffer;

function byteAt(p: Bytes, i: number): number {
  return typeof p === 'string' ? p.charCodeAt(i) : p[i]!;
}

/** The bytes of a string value and how many there are. */
function bytesOf(v: string | RawString): [Bytes, number] {
  return typeof v === 'string' ? [v, v.length] : [v.buf, v.len];
}

/**
 * getBitOffsetFromArgument: a bit offset within proto-max-bulk-len bytes;
 * with `hash`, "#N" means N * bits (BITFIELD), multiplied in wrapping int64
 * arithmetic as C does.
 */
function bitOffsetArg(c: Client, s: string, hash: boolean, bits: number): number {
  const useHash = hash && s.length > 1 && s.charCodeAt(0) === 35; /* # */
  const v = parseInt64(useHash ? s.slice(1) : s);
  if (v === null) throw new RedisError(E.BIT_OFFSET);
  let off = BigInt(v);
  if (useHash) off = BigInt.asIntN(64, off * BigInt(bits));
  if (off < 0n || off >> 3n >= BigInt(c.server.limits.maxBulkLen)) throw new RedisError(E.BIT_OFFSET);
  return Number(off);
}

interface BitTarget {
  r: RawString;
  /** The key did not exist: `commit` stores `r`. */
  fresh: boolean;
  /** The value was created, lengthened or edited: `commit` reports it. */
  changed: boolean;
}

/**
 * lookupStringForBitCommand: a RawString long enough to hold bit `maxBit`,
 * looked up for writing (a snapshot in progress keeps the old value).
 */
function bitTarget(db: Database, key: string, maxBit: number): BitTarget {
  const v = checkString(db.lookupWrite(key));
  const size = Math.floor(maxBit / 8) + 1;
  if (v === undefined) {
    const r = new RawString('', size);
    r.grow(size);
    return { r, fresh: true, changed: true };
  }
  const r = unshare(db, key, v);
  if (size <= r.len) return { r, fresh: false, changed: false };
  r.grow(size);
  return { r, fresh: false, changed: true };
}

/** Store a new string, and report the change when there was one. */
function commit(db: Database, key: string, t: BitTarget): void {
  if (t.fresh) db.set(key, t.r);
  if (t.changed) db.changed(key, 'setbit');
}

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

function popcount(p: Bytes, from: number, to: number): number {
  let n = 0;
  if (typeof p === 'string') {
    for (let i = from; i <= to; i++) n += POPCOUNT[p.charCodeAt(i)]!;
  } else {
    for (let i = from; i <= to; i++) n += POPCOUNT[p[i]!]!;
  }
  return n;
}

/** The first bit equal to `bit` in bits [startBit, endBit], or -1. */
function findBit(p: Bytes, startBit: number, endBit: number, bit: number): number {
  const fb = Math.floor(startBit / 8);
  const lb = Math.floor(endBit / 8);
  const skip = bit === 1 ? 0 : 0xff;
  for (let i = fb; i <= lb; i++) {
    let b = byteAt(p, i);
    if (b === skip && i !== fb && i !== lb) continue;
    if (bit === 0) b = ~b & 0xff;
    if (i === fb) b &= 0xff >> (startBit & 7);
    if (i === lb) b &= (0xff << (7 - (endBit & 7))) & 0xff;
    if (b !== 0) return i * 8 + Math.clz32(b) - 24;
  }
  return -1;
}

/** Parse the optional BYTE|BIT unit argument. */
function isBitUnit(s: string): boolean {
  const u = optName(s);
  if (u === 'BIT') return true;
  if (u === 'BYTE') return false;
  throw new RedisError(E.SYNTAX);
}

// ---------------------------------------------------------------------------
// BITFIELD

const OW_WRAP = 0;
const OW_SAT = 1;
const OW_FAIL = 2;

const OP_GET = 0;
const OP_SET = 1;
const OP_INCRBY = 2;

interface FieldOp {
  op: number;
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: number;
}

/** getBitfieldTypeFromArgument: i1..i64 or u1..u63. */
function fieldType(s: string): [boolean, number] {
  const c0 = s.charCodeAt(0);
  if (c0 !== 105 /* i */ && c0 !== 117 /* u */) throw new RedisError(E.BITFIELD_TYPE);
  const signed = c0 === 105;
  // The width is read as a C string: up to a NUL byte.
  const z = s.indexOf('\0');
  const bits = parseInt64(s.slice(1, z < 0 ? s.length : z));
  if (bits === null || bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) throw new RedisError(E.BITFIELD_TYPE);
  return [signed, Number(bits)];
}

/** `bits` bits from bit `offset`, as an unsigned number; bytes past `len` read as 0. */
function getField(p: Bytes, len: number, offset: number, bits: number): bigint {
  let v = 0n;
  for (let k = 0; k < bits; k++) {
    const o = offset + k;
    const byte = Math.floor(o / 8);
    const b = byte < len ? (byteAt(p, byte) >> (7 - (o & 7))) & 1 : 0;
    v = (v << 1n) | BigInt(b);
  }
  return v;
}

function setField(buf: Buffer, offset: number, bits: number, value: bigint): void {
  let v = BigInt.asUintN(bits, value);
  for (let k = bits - 1; k >= 0; k--) {
    const o = offset + k;
    const byte = Math.floor(o / 8);
    const mask = 1 << (7 - (o & 7));
    if ((v & 1n) === 1n) buf[byte]! |= mask;
    else buf[byte]! &= ~mask & 0xff;
    v >>= 1n;
  }
}

/**
 * value + incr in a field of `bits` bits: the result, and whether it
 * overflowed (then it is wrapped or saturated as `overflow` says).
 */
function fieldAdd(signed: boolean, bits: number, value: bigint, incr: bigint, overflow: number): [bigint, boolean] {
  const sum = value + incr;
  if (signed) {
    const max = (1n << BigInt(bits - 1)) - 1n;
    const min = -max - 1n;
    if (sum > max) return [overflow === OW_SAT ? max : BigInt.asIntN(bits, sum), true];
    if (sum < min) return [overflow === OW_SAT ? min : BigInt.asIntN(bits, sum), true];
    return [sum, false];
  }
  const max = (1n << BigInt(bits)) - 1n;
  if (value > max || (incr > 0n && sum > max)) return [overflow === OW_SAT ? max : BigInt.asUintN(bits, sum), true];
  if (incr < 0n && sum < 0n) return [overflow === OW_SAT ? 0n : BigInt.asUintN(bits, sum), true];
  return [sum, false];
}

function bitfieldGeneric(c: Client, argv: string[], readonlyCommand: boolean): void {
  const ops: FieldOp[] = [];
  let overflow = OW_WRAP;
  let readonly = true;
  let highest = 0;
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = optName(argv[j]!);
    let op: number;
    if (sub === 'GET' && remaining >= 2) op = OP_GET;
    else if (sub === 'SET' && remaining >= 3) op = OP_SET;
    else if (sub === 'INCRBY' && remaining >= 3) op = OP_INCRBY;
    else if (sub === 'OVERFLOW' && remaining >= 1) {
      const t = optName(argv[++j]!);
      if (t === 'WRAP') overflow = OW_WRAP;
      else if (t === 'SAT') overflow = OW_SAT;
      else if (t === 'FAIL') overflow = OW_FAIL;
      else throw new RedisError(E.BITFIELD_OVERFLOW_TYPE);
      continue;
    } else {
      throw new RedisError(E.SYNTAX);
    }
    const [signed, bits] = fieldType(argv[j + 1]!);
    const offset = bitOffsetArg(c, argv[j + 2]!, true, bits);
    let value = 0n;
    if (op !== OP_GET) {
      readonly = false;
      if (offset + bits - 1 > highest) highest = offset + bits - 1;
      value = BigInt(intArg(argv[j + 3]!));
    }
    ops.push({ op, signed, bits, offset, value, overflow });
    j += op === OP_GET ? 2 : 3;
  }

  const db = c.db;
  const key = argv[1]!;
  let target: BitTarget | null = null;
  let src: Bytes = '';
  let len = 0;
  if (readonly) {
    const v = checkString(db.read(key));
    if (v !== undefined) [src, len] = bytesOf(v);
  } else {
    if (readonlyCommand) throw new RedisError(E.BITFIELD_RO_GET_ONLY);
    target = bitTarget(db, key, highest);
  }

  const w = c.w;
  w.array(ops.length);
  for (const f of ops) {
    if (target !== null) {
      src = target.r.buf;
      len = target.r.len;
    }
    const raw = getField(src, len, f.offset, f.bits);
    const old = f.signed ? BigInt.asIntN(f.bits, raw) : raw;
    if (f.op === OP_GET) {
      w.integer(small(old));
      continue;
    }
    let next: bigint;
    let over: boolean;
    let reply: bigint;
    if (f.op === OP_INCRBY) {
      [next, over] = fieldAdd(f.signed, f.bits, old, f.value, f.overflow);
      reply = next;
    } else {
      // SET takes the int64 argument as is (an unsigned field sees it as uint64).
      const v = f.signed ? f.value : BigInt.asUintN(64, f.value);
      [next, over] = fieldAdd(f.signed, f.bits, v, 0n, f.overflow);
      reply = old;
    }
    if (over && f.overflow === OW_FAIL) {
      w.nullBulk();
    } else {
      w.integer(small(reply));
      // Only a field whose bits change is a change (Redis counts nothing else).
      if (BigInt.asUintN(f.bits, next) !== raw) target!.changed = true;
      setField(target!.r.buf, f.offset, f.bits, next);
    }
  }
  if (target !== null) commit(db, key, target);
}

function small(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

// ---------------------------------------------------------------------------

export const bitCommands: CommandSpec[] = [
  {
    name: 'getbit', arity: 3, flags: ['readonly', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'GETBIT key offset',
    handler(c, argv) {
      const offset = bitOffsetArg(c, argv[2]!, false, 0);
      const v = checkString(c.db.read(argv[1]!));
      if (v === undefined) {
        c.w.integer(0);
        return;
      }
      const [p, len] = bytesOf(v);
      const byte = Math.floor(offset / 8);
      c.w.integer(byte < len ? (byteAt(p, byte) >> (7 - (offset & 7))) & 1 : 0);
    },
  },
  {
    name: 'setbit', arity: 4, flags: ['write', 'denyoom'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'SETBIT key offset value',
    handler(c, argv) {
      const offset = bitOffsetArg(c, argv[2]!, false, 0);
      const on = parseInt64(argv[3]!);
      if (on === null || (on !== 0 && on !== 1)) throw new RedisError(E.BIT_VALUE);
      const key = argv[1]!;
      const t = bitTarget(c.db, key, offset);
      const buf = t.r.buf;
      const byte = Math.floor(offset / 8);
      const mask = 1 << (7 - (offset & 7));
      const old = (buf[byte]! & mask) !== 0 ? 1 : 0;
      // Unchanged bits of an existing string that kept its length are not a
      // modification.
      if (old !== on) {
        t.changed = true;
        if (on === 1) buf[byte]! |= mask;
        else buf[byte]! &= ~mask & 0xff;
      }
      commit(c.db, key, t);
      c.w.integer(old);
    },
  },
  {
    name: 'bitcount', arity: -2, flags: ['readonly'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'BITCOUNT key [start end [BYTE | BIT]]',
    handler(c, argv) {
      const v = checkString(c.db.read(argv[1]!));
      if (v === undefined) {
        c.w.integer(0);
        return;
      }
      const [p, len] = bytesOf(v);
      const argc = argv.length;
      let start: number;
      let end: number;
      let firstMask = 0;
      let lastMask = 0;
      if (argc === 4 || argc === 5) {
        start = numArg(argv[2]!);
        end = numArg(argv[3]!);
        const isBit = argc === 5 && isBitUnit(argv[4]!);
        const total = isBit ? len * 8 : len;
        if (start < 0 && end < 0 && start > end) {
          c.w.integer(0);
          return;
        }
        if (start < 0) start += total;
        if (end < 0) end += total;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= total) end = total - 1;
        if (isBit && start <= end) {
          // Bits of the edge bytes outside the range, to subtract.
          firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
          lastMask = (1 << (7 - (end & 7))) - 1;
          start = Math.floor(start / 8);
          end = Math.floor(end / 8);
        }
      } else if (argc === 2) {
        start = 0;
        end = len - 1;
      } else {
        throw new RedisError(E.SYNTAX);
      }
      if (start > end) {
        c.w.integer(0);
        return;
      }
      let n = popcount(p, start, end);
      if (firstMask !== 0) n -= POPCOUNT[byteAt(p, start) & firstMask]!;
      if (lastMask !== 0) n -= POPCOUNT[byteAt(p, end) & lastMask]!;
      c.w.integer(n);
    },
  },
  {
    name: 'bitpos', arity: -3, flags: ['readonly'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'BITPOS key bit [start [end [BYTE | BIT]]]',
    handler(c, argv) {
      const bit = numArg(argv[2]!);
      if (bit !== 0 && bit !== 1) throw new RedisError(E.BITPOS_BIT);
      const v0 = c.db.read(argv[1]!);
      // A missing key is an endless run of zeros.
      if (v0 === undefined) {
        c.w.integer(bit === 1 ? -1 : 0);
        return;
      }
      const v = checkString(v0)!;
      const [p, len] = bytesOf(v);
      const argc = argv.length;
      let start: number;
      let end: number;
      let endGiven = false;
      let isBit = false;
      if (argc >= 4 && argc <= 6) {
        start = numArg(argv[3]!);
        if (argc === 6) isBit = isBitUnit(argv[5]!);
        if (argc >= 5) {
          end = numArg(argv[4]!);
          endGiven = true;
        } else {
          end = len - 1;
        }
        const total = isBit ? len * 8 : len;
        if (start < 0) start += total;
        if (end < 0) end += total;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= total) end = total - 1;
      } else if (argc === 3) {
        start = 0;
        end = len - 1;
      } else {
        throw new RedisError(E.SYNTAX);
      }
      if (start > end) {
        c.w.integer(-1);
        return;
      }
      const startBit = isBit ? start : start * 8;
      const endBit = isBit ? end : end * 8 + 7;
      const pos = findBit(p, startBit, endBit, bit);
      // Looking for a clear bit with no explicit end, the string counts as
      // padded with zeros: the first bit after it is the answer.
      if (pos === -1 && bit === 0 && !endGiven) c.w.integer(endBit + 1);
      else c.w.integer(pos);
    },
  },
  {
    name: 'bitop', arity: -4, flags: ['write', 'denyoom'], keys: { first: 2, last: -1, step: 1 },
    syntax: 'BITOP <AND | OR | XOR | NOT> destkey key [key ...]',
    handler(c, argv) {
      const op = optName(argv[1]!);
      if (op !== 'AND' && op !== 'OR' && op !== 'XOR' && op !== 'NOT') throw new RedisError(E.SYNTAX);
      if (op === 'NOT' && argv.length !== 4) throw new RedisError(E.BITOP_NOT_ONE_KEY);
      const db = c.db;
      const srcs: (Buffer | null)[] = [];
      let maxLen = 0;
      for (let j = 3; j < argv.length; j++) {
        const v = checkString(db.read(argv[j]!));
        if (v === undefined) {
          srcs.push(null);
          continue;
        }
        const b = typeof v === 'string' ? Buffer.from(v, 'latin1') : v.buf.subarray(0, v.len);
        srcs.push(b);
        if (b.length > maxLen) maxLen = b.length;
      }
      const dest = argv[2]!;
      if (maxLen === 0) {
        if (db.delete(dest)) db.changed(dest, 'del');
        c.w.integer(0);
        return;
      }
      const out = new RawString('', maxLen);
      out.grow(maxLen);
      const res = out.buf;
      const first = srcs[0];
      if (first) first.copy(res);
      if (op === 'NOT') {
        for (let i = 0; i < maxLen; i++) res[i] = ~res[i]! & 0xff;
      } else {
        for (let k = 1; k < srcs.length; k++) {
          const s = srcs[k];
          const n = s ? s.length : 0;
          if (op === 'AND') {
            for (let i = 0; i < n; i++) res[i]! &= s![i]!;
            // A shorter (or missing) operand is zero-padded.
            res.fill(0, n);
          } else if (op === 'OR') {
            for (let i = 0; i < n; i++) res[i]! |= s![i]!;
          } else {
            for (let i = 0; i < n; i++) res[i]! ^= s![i]!;
          }
        }
      }
      db.set(dest, out);
      db.changed(dest, 'set');
      c.w.integer(maxLen);
    },
  },
  {
    name: 'bitfield', arity: -2, flags: ['write', 'denyoom'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'BITFIELD key [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>] <SET encoding offset value | INCRBY encoding offset increment> [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>] <SET encoding offset value | INCRBY encoding offset increment> ...]]',
    handler(c, argv) {
      bitfieldGeneric(c, argv, false);
    },
  },
  {
    name: 'bitfield_ro', arity: -2, flags: ['readonly', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'BITFIELD_RO key [GET encoding offset [GET encoding offset ...]]',
    handler(c, argv) {
      bitfieldGeneric(c, argv, true);
    },
  },
];
