// Generic key commands (Redis 7.0 db.c, expire.c, object.c): DEL, UNLINK,
// EXISTS, TYPE, KEYS, SCAN, RANDOMKEY, RENAME, RENAMENX, COPY, MOVE, the
// EXPIRE family, TTL family, PERSIST, TOUCH and OBJECT.
//
// Every lookup goes through the keyspace (read: lookupKeyRead, counting hits
// and misses; lookupWrite; exists) so lazy expiry applies; every change goes
// through set/delete/setExpire/persist and is reported once with Redis's
// event name (keyspace.ts). Time is always the keyspace clock, frozen for
// the command. What is replayed is said explicitly (propagateAs): EXPIRE and
// friends as PEXPIREAT with an absolute time, or DEL when it is past.

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import type { Database } from '../keyspace/keyspace.js';
import type { Value } from '../keyspace/types.js';
import { encodingOf, typeOf } from '../keyspace/types.js';
import { INT64_MAX, INT64_MIN, parseInt64, type Int } from '../util/numbers.js';
import { Args, int32Arg, intArg, parseScanCursor, parseScanOptions } from '../engine/args.js';
import type { CommandSpec } from '../engine/table.js';
import { NO_KEYS } from '../engine/table.js';

const ALL_KEYS = { first: 1, last: -1, step: 1 };
const ONE_KEY = { first: 1, last: 1, step: 1 };
const TWO_KEYS = { first: 1, last: 2, step: 1 };
const OBJECT_KEY = { first: 2, last: 2, step: 1 };

/** OBJECT REFCOUNT of a shared object (OBJ_SHARED_REFCOUNT = INT_MAX). */
const SHARED_REFCOUNT = 2147483647;
/** Integers 0..OBJ_SHARED_INTEGERS-1 are shared objects in Redis. */
const OBJ_SHARED_INTEGERS = 10000;
/** The LFU counter of a key that was never accessed (LFU_INIT_VAL). */
const LFU_INIT_VAL = 5;

// ---------------------------------------------------------------- helpers

/** selectDb's range check for COPY ... DB and MOVE. */
function dbArg(c: Client, s: string): Database {
  const db = c.server.keyspace.dbs[int32Arg(s)];
  if (db === undefined) throw new RedisError(E.INVALID_DB);
  return db;
}

/** The copy COPY stores: strings are immutable JS strings and can be shared. */
function duplicate(v: Value): Value {
  return typeof v === 'string' ? v : v.clone();
}

function lfuPolicy(c: Client): boolean {
  return c.server.config.get('maxmemory-policy').endsWith('-lfu');
}

/**
 * OBJECT REFCOUNT. Values have no reference count here; what Redis would
 * report is derived instead: small non-negative integers stored as strings
 * are its shared integer objects unless maxmemory with an LRU/LFU policy
 * forbids sharing (each key then needs its own LRU field).
 */
function refcountOf(c: Client, v: Value): number {
  if (typeof v !== 'string' || v.length > 4) return 1;
  const n = parseInt64(v);
  if (n === null || typeof n !== 'number' || n < 0 || n >= OBJ_SHARED_INTEGERS) return 1;
  const policy = c.server.config.get('maxmemory-policy');
  const noSharing = c.server.config.int('maxmemory') !== 0 && (policy.endsWith('-lru') || policy.endsWith('-lfu'));
  return noSharing ? 1 : SHARED_REFCOUNT;
}

/**
 * Access metadata for OBJECT IDLETIME / FREQ. Values carry none: plain
 * string values are bare JS strings, and a per-key LRU/LFU field would cost
 * memory on every key. So a key reads as just accessed (idle 0) and never
 * counted (LFU_INIT_VAL). An LRU clock would plug in here.
 */
function idleTimeMs(_v: Value, _now: number): number {
  return 0;
}

function lfuCounter(_v: Value): number {
  return LFU_INIT_VAL;
}


/**
 * The absolute expiry (unix ms) of an EXPIRE-family argument, or null on the
 * overflows Redis refuses: seconds*1000 beyond int64, or base+ttl beyond
 * LLONG_MAX (there is no underflow check, as in Redis).
 */
function absoluteExpire(raw: Int, seconds: boolean, base: number): number | null {
  if (typeof raw === 'number') {
    const ms = seconds ? raw * 1000 : raw;
    const when = ms + base;
    if (Number.isSafeInteger(ms) && Number.isSafeInteger(when)) return when;
  }
  let w = BigInt(raw);
  if (seconds) {
    if (w > INT64_MAX / 1000n || w < INT64_MIN / 1000n) return null;
    w *= 1000n;
  }
  const b = BigInt(base);
  if (w > INT64_MAX - b) return null;
  // Beyond 2^53 ms (year 287396) the stored time is rounded to a double.
  return Number(w + b);
}

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

function parseExpireFlags(argv: string[]): number {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i]!;
    switch (opt.toUpperCase()) {
      case 'NX': flags |= EXPIRE_NX; break;
      case 'XX': flags |= EXPIRE_XX; break;
      case 'GT': flags |= EXPIRE_GT; break;
      case 'LT': flags |= EXPIRE_LT; break;
      default: throw new RedisError(E.EXPIRE_UNSUPPORTED_OPTION(opt));
    }
  }
  if ((flags & EXPIRE_NX) !== 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) !== 0) {
    throw new RedisError(E.EXPIRE_NX_AND_XX_GT_LT);
  }
  if ((flags & EXPIRE_GT) !== 0 && (flags & EXPIRE_LT) !== 0) throw new RedisError(E.EXPIRE_GT_AND_LT);
  return flags;
}

/** expireGenericCommand: `relative` adds the current time, `seconds` scales by 1000. */
function expireGeneric(c: Client, argv: string[], cmd: string, relative: boolean, seconds: boolean): void {
  const flags = parseExpireFlags(argv);
  const raw = intArg(argv[2]!);
  const now = c.server.keyspace.now();
  const when = absoluteExpire(raw, seconds, relative ? now : 0);
  if (when === null) throw new RedisError(E.INVALID_EXPIRE(cmd));
  const db = c.db;
  const key = argv[1]!;
  if (!db.exists(key)) {
    c.w.integer(0);
    return;
  }
  if (flags !== 0) {
    const current = db.getExpire(key);
    if ((flags & EXPIRE_NX) !== 0 && current !== undefined) return c.w.integer(0);
    if ((flags & EXPIRE_XX) !== 0 && current === undefined) return c.w.integer(0);
    // GT: no TTL counts as an infinite one, which nothing is greater than.
    if ((flags & EXPIRE_GT) !== 0 && (current === undefined || when <= current)) return c.w.integer(0);
    if ((flags & EXPIRE_LT) !== 0 && current !== undefined && when >= current) return c.w.integer(0);
  }
  if (when <= now) {
    // A time already past deletes the key, replayed as a DEL (or UNLINK).
    db.delete(key);
    db.changed(key, 'del');
    c.ctx.propagateAs([c.server.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
  } else {
    db.setExpire(key, when);
    db.changed(key, 'expire');
    // Replayed with the absolute time, flags kept, as expireGenericCommand rewrites it.
    const as = argv.slice();
    as[0] = 'PEXPIREAT';
    as[2] = String(when);
    c.ctx.propagateAs(as);
  }
  c.w.integer(1);
}

/** ttlGenericCommand. */
function ttlGeneric(c: Client, key: string, ms: boolean, absolute: boolean): void {
  const db = c.db;
  if (db.read(key) === undefined) {
    c.w.integer(-2);
    return;
  }
  const expire = db.getExpire(key);
  if (expire === undefined) {
    c.w.integer(-1);
    return;
  }
  let ttl = absolute ? expire : expire - c.server.keyspace.now();
  if (ttl < 0) ttl = 0;
  c.w.integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

/** renameGenericCommand. */
function renameGeneric(c: Client, argv: string[], nx: boolean): void {
  const db = c.db;
  const src = argv[1]!;
  const dst = argv[2]!;
  const v = db.lookupWrite(src);
  if (v === undefined) throw new RedisError(E.NO_SUCH_KEY);
  if (src === dst) {
    // Nothing changes, but the key had to exist.
    if (nx) c.w.integer(0);
    else c.w.ok();
    return;
  }
  const expire = db.getExpire(src);
  if (nx && db.exists(dst)) {
    c.w.integer(0);
    return;
  }
  // As Redis, an old destination is deleted and the value added anew (a
  // 'new' key notification, whether or not the destination existed); the
  // source's TTL moves with the value.
  if (db.exists(dst)) db.delete(dst);
  db.delete(src);
  db.set(dst, v);
  if (expire !== undefined) db.setExpire(dst, expire);
  db.changed(src, 'rename_from');
  db.changed(dst, 'rename_to', 0);
  if (nx) c.w.integer(1);
  else c.w.ok();
}

function objectLookup(c: Client, key: string): Value | undefined {
  // Counted as a hit or miss, but no 'keymiss' notification (LOOKUP_NONOTIFY).
  const v = c.db.readQuiet(key);
  if (v === undefined) c.w.nullBulk();
  return v;
}

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

// ---------------------------------------------------------------- commands

/** DEL and UNLINK: the number of keys that existed and were removed. */
function deleteKeys(c: Client, argv: string[]): void {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const k = argv[i]!;
    // The lookup first: an expired key is reclaimed as such, not counted.
    if (db.exists(k) && db.delete(k)) {
      db.changed(k, 'del');
      n++;
    }
  }
  c.w.integer(n);
}

export const keyCommands: CommandSpec[] = [
  {
    name: 'del', arity: -2, flags: ['write'], keys: ALL_KEYS,
    syntax: 'DEL key [key ...]',
    handler: deleteKeys,
  },
  {
    name: 'unlink', arity: -2, flags: ['write', 'fast'], keys: ALL_KEYS,
    syntax: 'UNLINK key [key ...]',
    // Freeing is the garbage collector's job, so UNLINK is DEL.
    handler: deleteKeys,
  },
  {
    name: 'exists', arity: -2, flags: ['readonly', 'fast'], keys: ALL_KEYS,
    syntax: 'EXISTS key [key ...]',
    handler(c, argv) {
      const db = c.db;
      let n = 0;
      for (let i = 1; i < argv.length; i++) if (db.read(argv[i]!) !== undefined) n++;
      c.w.integer(n);
    },
  },
  {
    name: 'touch', arity: -2, flags: ['readonly', 'fast'], keys: ALL_KEYS,
    syntax: 'TOUCH key [key ...]',
    handler(c, argv) {
      const db = c.db;
      let n = 0;
      for (let i = 1; i < argv.length; i++) if (db.read(argv[i]!) !== undefined) n++;
      c.w.integer(n);
    },
  },
  {
    name: 'type', arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY,
    syntax: 'TYPE key',
    handler(c, argv) {
      const v = c.db.read(argv[1]!);
      c.w.simple(v === undefined ? 'none' : typeOf(v));
    },
  },
  {
    name: 'keys', arity: 2, flags: ['readonly'], keys: NO_KEYS,
    syntax: 'KEYS pattern',
    handler(c, argv) {
      c.w.bulkArray(c.db.keys(argv[1]!));
    },
  },
  {
    name: 'scan', arity: -2, flags: ['readonly'], keys: NO_KEYS,
    syntax: 'SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]',
    handler(c, argv) {
      const cursor = parseScanCursor(argv[1]!);
      if (cursor === null) throw new RedisError(E.INVALID_CURSOR);
      const opts = parseScanOptions(argv, 2, true);
      // An unknown cursor ends the iteration (see Keyspace.scan).
      const [next, keys] = cursor < 0
        ? [0, []]
        : c.server.keyspace.scan(c.db, cursor, opts);
      c.w.array(2);
      c.w.bulk(String(next));
      c.w.bulkArray(keys);
    },
  },
  {
    name: 'randomkey', arity: 1, flags: ['readonly'], keys: NO_KEYS,
    syntax: 'RANDOMKEY',
    handler(c) {
      c.w.bulk(c.db.randomKey());
    },
  },
  {
    name: 'rename', arity: 3, flags: ['write'], keys: TWO_KEYS,
    syntax: 'RENAME key newkey',
    handler(c, argv) {
      renameGeneric(c, argv, false);
    },
  },
  {
    name: 'renamenx', arity: 3, flags: ['write', 'fast'], keys: TWO_KEYS,
    syntax: 'RENAMENX key newkey',
    handler(c, argv) {
      renameGeneric(c, argv, true);
    },
  },
  {
    name: 'copy', arity: -3, flags: ['write', 'denyoom'], keys: TWO_KEYS,
    syntax: 'COPY source destination [DB destination-db] [REPLACE]',
    handler(c, argv) {
      const src = c.db;
      let dst = c.db;
      let replace = false;
      const a = new Args(argv, 3);
      while (a.hasNext()) {
        const opt = a.nextUpper();
        if (opt === 'REPLACE') {
          replace = true;
        } else if (opt === 'DB' && a.hasNext()) {
          dst = dbArg(c, a.next());
        } else {
          throw new RedisError(E.SYNTAX);
        }
      }
      const key = argv[1]!;
      const newkey = argv[2]!;
      if (src === dst && key === newkey) throw new RedisError(E.SAME_OBJECT);
      const v = src.read(key);
      if (v === undefined) {
        c.w.integer(0);
        return;
      }
      const expire = src.getExpire(key);
      if (dst.exists(newkey) && !replace) {
        c.w.integer(0);
        return;
      }
      // REPLACE deletes the old destination and adds the copy anew, as Redis
      // (a 'new' key notification).
      if (replace) dst.delete(newkey);
      dst.set(newkey, duplicate(v));
      if (expire !== undefined) dst.setExpire(newkey, expire);
      dst.changed(newkey, 'copy_to');
      c.w.integer(1);
    },
  },
  {
    name: 'move', arity: 3, flags: ['write', 'fast'], keys: ONE_KEY,
    syntax: 'MOVE key db',
    handler(c, argv) {
      const src = c.db;
      const dst = dbArg(c, argv[2]!);
      if (src === dst) throw new RedisError(E.SAME_OBJECT);
      const key = argv[1]!;
      const v = src.lookupWrite(key);
      if (v === undefined || dst.exists(key)) {
        c.w.integer(0);
        return;
      }
      const expire = src.getExpire(key);
      // The value itself moves: the source key is gone right after.
      src.delete(key);
      dst.set(key, v);
      if (expire !== undefined) dst.setExpire(key, expire);
      src.changed(key, 'move_from');
      dst.changed(key, 'move_to', 0);
      c.w.integer(1);
    },
  },
  {
    name: 'expire', arity: -3, flags: ['write', 'fast'], keys: ONE_KEY,
    syntax: 'EXPIRE key seconds [NX | XX | GT | LT]',
    handler(c, argv) {
      expireGeneric(c, argv, 'expire', true, true);
    },
  },
  {
    name: 'pexpire', arity: -3, flags: ['write', 'fast'], keys: ONE_KEY,
    syntax: 'PEXPIRE key milliseconds [NX | XX | GT | LT]',
    handler(c, argv) {
      expireGeneric(c, argv, 'pexpire', true, false);
    },
  },
  {
    name: 'expireat', arity: -3, flags: ['write', 'fast'], keys: ONE_KEY,
    syntax: 'EXPIREAT key unix-time-seconds [NX | XX | GT | LT]',
    handler(c, argv) {
      expireGeneric(c, argv, 'expireat', false, true);
    },
  },
  {
    name: 'pexpireat', arity: -3, flags: ['write', 'fast'], keys: ONE_KEY,
    syntax: 'PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]',
    handler(c, argv) {
      expireGeneric(c, argv, 'pexpireat', false, false);
    },
  },
  {
    name: 'ttl', arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY,
    syntax: 'TTL key',
    handler(c, argv) {
      ttlGeneric(c, argv[1]!, false, false);
    },
  },
  {
    name: 'pttl', arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY,
    syntax: 'PTTL key',
    handler(c, argv) {
      ttlGeneric(c, argv[1]!, true, false);
    },
  },
  {
    name: 'expiretime', arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY,
    syntax: 'EXPIRETIME key',
    handler(c, argv) {
      ttlGeneric(c, argv[1]!, false, true);
    },
  },
  {
    name: 'pexpiretime', arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY,
    syntax: 'PEXPIRETIME key',
    handler(c, argv) {
      ttlGeneric(c, argv[1]!, true, true);
    },
  },
  {
    name: 'persist', arity: 2, flags: ['write', 'fast'], keys: ONE_KEY,
    syntax: 'PERSIST key',
    handler(c, argv) {
      const key = argv[1]!;
      const db = c.db;
      const done = db.exists(key) && db.persist(key);
      if (done) db.changed(key, 'persist');
      c.w.integer(done ? 1 : 0);
    },
  },
  {
    name: 'object', arity: -2, flags: [], keys: NO_KEYS,
    syntax: 'OBJECT <subcommand> [<arg> [value] [opt] ...]',
    subcommands: [
      {
        name: 'object|encoding', arity: 3, flags: ['readonly'], keys: OBJECT_KEY,
        syntax: 'OBJECT ENCODING key',
        handler(c, argv) {
          const v = objectLookup(c, argv[2]!);
          if (v !== undefined) c.w.bulk(encodingOf(v));
        },
      },
      {
        name: 'object|freq', arity: 3, flags: ['readonly'], keys: OBJECT_KEY,
        syntax: 'OBJECT FREQ key',
        handler(c, argv) {
          const v = objectLookup(c, argv[2]!);
          if (v === undefined) return;
          if (!lfuPolicy(c)) throw new RedisError(E.LFU_NOT_SELECTED);
          c.w.integer(lfuCounter(v));
        },
      },
      {
        name: 'object|idletime', arity: 3, flags: ['readonly'], keys: OBJECT_KEY,
        syntax: 'OBJECT IDLETIME key',
        handler(c, argv) {
          const v = objectLookup(c, argv[2]!);
          if (v === undefined) return;
          if (lfuPolicy(c)) throw new RedisError(E.LFU_SELECTED);
          c.w.integer(Math.floor(idleTimeMs(v, c.server.keyspace.now()) / 1000));
        },
      },
      {
        name: 'object|refcount', arity: 3, flags: ['readonly'], keys: OBJECT_KEY,
        syntax: 'OBJECT REFCOUNT key',
        handler(c, argv) {
          const v = objectLookup(c, argv[2]!);
          if (v !== undefined) c.w.integer(refcountOf(c, v));
        },
      },
      {
        name: 'object|help', arity: 2, flags: ['loading', 'stale'], keys: NO_KEYS,
        syntax: 'OBJECT HELP',
        handler(c) {
          c.w.array(OBJECT_HELP.length);
          for (const line of OBJECT_HELP) c.w.simple(line);
        },
      },
    ],
  },
];
