// Hash commands (t_hash.c): HSET/HMSET/HSETNX, HGET/HMGET/HGETALL/HKEYS/HVALS,
// HDEL, HEXISTS, HLEN, HSTRLEN, HINCRBY/HINCRBYFLOAT, HRANDFIELD, HSCAN.
//
// The order of checks follows Redis 7.0 so that errors and edge cases match:
// argument errors that Redis finds before the key lookup come first, a
// missing key answers with Redis's shared empty reply for the command.

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import { defineEvents } from '../keyspace/events.js';
import { HashValue } from '../keyspace/hash.js';
import type { Value } from '../keyspace/types.js';
import { intArg, parseScanCursor, parseScanOptions } from '../engine/args.js';
import type { CommandSpec } from '../engine/table.js';
import type { LongDouble } from '../util/numbers.js';
import { INT64_MIN, addInt64, addLongDouble, formatLongDouble, parseInt64, parseLongDouble } from '../util/numbers.js';

defineEvents('h', ['hset', 'hdel', 'hincrby', 'hincrbyfloat']);

const KEY1 = { first: 1, last: 1, step: 1 };

function hashOrNull(v: Value | undefined): HashValue | null {
  if (v === undefined) return null;
  if (!(v instanceof HashValue)) throw new RedisError(E.WRONGTYPE);
  return v;
}

/** HKEYS / HVALS: one side of every pair, an empty array for a missing key. */
function replyColumn(column: (h: HashValue) => IterableIterator<string>): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    const h = hashOrNull(c.db.read(argv[1]!));
    if (h === null) {
      c.w.array(0);
      return;
    }
    c.w.array(h.size);
    for (const s of column(h)) c.w.bulk(s);
  };
}

/** hashTypeLookupWriteOrCreate: the hash at `key`, created (empty) when missing. */
function lookupWriteOrCreate(c: Client, key: string): HashValue {
  const h = hashOrNull(c.db.lookupWrite(key));
  if (h !== null) return h;
  const created = new HashValue();
  c.db.set(key, created);
  return created;
}

/** HSET and HMSET: every pair set, one 'hset' event even when nothing changed (as Redis). */
function hset(c: Client, argv: string[], name: string): number {
  if (argv.length % 2 === 1) throw new RedisError(E.WRONG_ARITY(name));
  const key = argv[1]!;
  const h = lookupWriteOrCreate(c, key);
  const limits = c.server.encodingLimits;
  h.checkLengths(argv, 2, limits);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    if (h.set(argv[i]!, argv[i + 1]!, limits)) created++;
  }
  c.db.changed(key, 'hset');
  return created;
}

/** One field (and its value) of a reply, as a pair in RESP3 when `withValues`. */
function replyField(c: Client, h: HashValue, field: string, withValues: boolean): void {
  if (withValues) {
    if (c.resp !== 2) c.w.array(2);
    c.w.bulk(field);
    c.w.bulk(h.get(field)!);
  } else {
    c.w.bulk(field);
  }
}

const LONG_MAX = 9223372036854775807n;
const HALF_LONG_MAX = LONG_MAX / 2n;

/** HRANDFIELD key count [WITHVALUES] (hrandfieldWithCountCommand). */
function hrandfieldWithCount(c: Client, key: string, l: number, withValues: boolean): void {
  const h = hashOrNull(c.db.read(key));
  if (h === null) {
    c.w.array(0);
    return;
  }
  if (l === 0) {
    c.w.array(0);
    return;
  }
  const size = h.size;
  const perItem = withValues && c.resp === 2 ? 2 : 1;
  // A negative count: that many fields, repeats allowed, in random order.
  if (l < 0 || l === 1) {
    const count = l < 0 ? -l : 1;
    c.w.array(count * perItem);
    for (let i = 0; i < count; i++) replyField(c, h, h.randomField(), withValues);
    return;
  }
  // Distinct fields: the whole hash, in its order, when count covers it.
  if (l >= size) {
    c.w.array(size * perItem);
    for (const f of h.map.keys()) replyField(c, h, f, withValues);
    return;
  }
  c.w.array(l * perItem);
  for (const f of h.randomDistinct(l)) replyField(c, h, f, withValues);
}


/** HINCRBY / HINCRBYFLOAT reply the new value; both create the hash. */
function hincrbyfloat(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const field = argv[2]!;
  const incr = parseLongDouble(argv[3]!);
  if (incr === null) throw new RedisError(E.NOT_FLOAT);
  if (incr.inf) throw new RedisError(E.VALUE_NAN_OR_INF);
  const h = lookupWriteOrCreate(c, key);
  const old = h.get(field);
  let cur: LongDouble = LD_ZERO;
  if (old !== undefined) {
    const v = parseLongDouble(old);
    if (v === null) throw new RedisError(E.HASH_NOT_FLOAT);
    cur = v;
  }
  // Computed in 80-bit long double, as Redis does (see INCRBYFLOAT).
  const sum = addLongDouble(cur, incr);
  if (sum === null) throw new RedisError(E.NAN_OR_INF);
  const s = formatLongDouble(sum);
  h.set(field, s, c.server.encodingLimits);
  c.db.changed(key, 'hincrbyfloat');
  c.w.bulk(s);
  // The result, not the increment, so that a replay gives the same bytes.
  c.ctx.propagateAs(['HSET', key, field, s]);
}

const LD_ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false };

export const hashCommands: CommandSpec[] = [
  {
    name: 'hset', arity: -4, flags: ['write', 'denyoom', 'fast'], keys: KEY1,
    syntax: 'HSET key field value [field value ...]',
    handler(c, argv) {
      c.w.integer(hset(c, argv, 'hset'));
    },
  },
  {
    name: 'hmset', arity: -4, flags: ['write', 'denyoom', 'fast'], keys: KEY1,
    syntax: 'HMSET key field value [field value ...]',
    handler(c, argv) {
      hset(c, argv, 'hmset');
      c.w.ok();
    },
  },
  {
    name: 'hsetnx', arity: 4, flags: ['write', 'denyoom', 'fast'], keys: KEY1,
    syntax: 'HSETNX key field value',
    handler(c, argv) {
      const key = argv[1]!;
      const h = lookupWriteOrCreate(c, key);
      if (h.has(argv[2]!)) {
        c.w.integer(0);
        return;
      }
      const limits = c.server.encodingLimits;
      h.checkLengths(argv, 2, limits);
      h.set(argv[2]!, argv[3]!, limits);
      c.db.changed(key, 'hset');
      c.w.integer(1);
    },
  },
  {
    name: 'hget', arity: 3, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'HGET key field',
    handler(c, argv) {
      const h = hashOrNull(c.db.read(argv[1]!));
      c.w.bulk(h === null ? null : h.get(argv[2]!) ?? null);
    },
  },
  {
    name: 'hmget', arity: -3, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'HMGET key field [field ...]',
    handler(c, argv) {
      const h = hashOrNull(c.db.read(argv[1]!));
      c.w.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) c.w.bulk(h === null ? null : h.get(argv[i]!) ?? null);
    },
  },
  {
    name: 'hgetall', arity: 2, flags: ['readonly'], keys: KEY1,
    syntax: 'HGETALL key',
    handler(c, argv) {
      const h = hashOrNull(c.db.read(argv[1]!));
      if (h === null) {
        c.w.map(0);
        return;
      }
      c.w.map(h.size);
      for (const [f, v] of h.map) {
        c.w.bulk(f);
        c.w.bulk(v);
      }
    },
  },
  {
    name: 'hkeys', arity: 2, flags: ['readonly'], keys: KEY1,
    syntax: 'HKEYS key',
    handler: replyColumn((h) => h.map.keys()),
  },
  {
    name: 'hvals', arity: 2, flags: ['readonly'], keys: KEY1,
    syntax: 'HVALS key',
    handler: replyColumn((h) => h.map.values()),
  },
  {
    name: 'hdel', arity: -3, flags: ['write', 'fast'], keys: KEY1,
    syntax: 'HDEL key field [field ...]',
    handler(c, argv) {
      const key = argv[1]!;
      const h = hashOrNull(c.db.lookupWrite(key));
      if (h === null) {
        c.w.integer(0);
        return;
      }
      let deleted = 0;
      for (let i = 2; i < argv.length; i++) {
        if (h.delete(argv[i]!)) {
          deleted++;
          if (h.size === 0) break;
        }
      }
      if (deleted > 0) {
        c.db.changed(key, 'hdel');
        // Redis deletes a hash that becomes empty: a second event of one change.
        if (h.size === 0) {
          c.db.removeEmptied(key);
        }
      }
      c.w.integer(deleted);
    },
  },
  {
    name: 'hlen', arity: 2, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'HLEN key',
    handler(c, argv) {
      const h = hashOrNull(c.db.read(argv[1]!));
      c.w.integer(h === null ? 0 : h.size);
    },
  },
  {
    name: 'hstrlen', arity: 3, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'HSTRLEN key field',
    handler(c, argv) {
      const h = hashOrNull(c.db.read(argv[1]!));
      c.w.integer(h === null ? 0 : h.get(argv[2]!)?.length ?? 0);
    },
  },
  {
    name: 'hexists', arity: 3, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'HEXISTS key field',
    handler(c, argv) {
      const h = hashOrNull(c.db.read(argv[1]!));
      c.w.integer(h !== null && h.has(argv[2]!) ? 1 : 0);
    },
  },
  {
    name: 'hincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], keys: KEY1,
    syntax: 'HINCRBY key field increment',
    handler(c, argv) {
      const key = argv[1]!;
      const field = argv[2]!;
      const incr = intArg(argv[3]!);
      const h = lookupWriteOrCreate(c, key);
      const old = h.get(field);
      let cur: number | bigint = 0;
      if (old !== undefined) {
        const v = parseInt64(old);
        if (v === null) throw new RedisError(E.HASH_NOT_INTEGER);
        cur = v;
      }
      const sum = addInt64(cur, incr);
      if (sum === null) throw new RedisError(E.OVERFLOW);
      h.set(field, String(sum), c.server.encodingLimits);
      c.db.changed(key, 'hincrby');
      c.w.integer(sum);
    },
  },
  {
    name: 'hincrbyfloat', arity: 4, flags: ['write', 'denyoom', 'fast'], keys: KEY1,
    syntax: 'HINCRBYFLOAT key field increment',
    handler: hincrbyfloat,
  },
  {
    name: 'hrandfield', arity: -2, flags: ['readonly'], keys: KEY1,
    syntax: 'HRANDFIELD key [count [WITHVALUES]]',
    handler(c, argv) {
      const key = argv[1]!;
      if (argv.length >= 3) {
        const l = intArg(argv[2]!);
        if (l === INT64_MIN) throw new RedisError(E.VALUE_NOT_BETWEEN(-LONG_MAX, LONG_MAX));
        let withValues = false;
        if (argv.length > 4 || (argv.length === 4 && argv[3]!.toUpperCase() !== 'WITHVALUES')) {
          throw new RedisError(E.SYNTAX);
        } else if (argv.length === 4) {
          withValues = true;
          const b = BigInt(l);
          if (b < -HALF_LONG_MAX || b > HALF_LONG_MAX) throw new RedisError(E.VALUE_OUT_OF_RANGE);
        }
        hrandfieldWithCount(c, key, Number(l), withValues);
        return;
      }
      const h = hashOrNull(c.db.read(key));
      if (h === null) {
        c.w.nullBulk();
        return;
      }
      c.w.bulk(h.randomField());
    },
  },
  {
    name: 'hscan', arity: -3, flags: ['readonly'], keys: KEY1,
    syntax: 'HSCAN key cursor [MATCH pattern] [COUNT count]',
    handler(c, argv) {
      const cursor = parseScanCursor(argv[2]!);
      if (cursor === null) throw new RedisError(E.INVALID_CURSOR);
      const h = hashOrNull(c.db.read(argv[1]!));
      if (h === null) {
        c.w.array(2);
        c.w.bulk('0');
        c.w.array(0);
        return;
      }
      const { count, match } = parseScanOptions(argv, 3, false);
      const [next, items] = h.scan(cursor < 0 ? -1 : cursor, count, match);
      c.w.array(2);
      c.w.bulk(String(next));
      c.w.bulkArray(items);
    },
  },
];
