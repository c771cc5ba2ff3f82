// Set commands (Redis 7.0's t_set.c): SADD, SREM, SMEMBERS, SISMEMBER,
// SMISMEMBER, SCARD, SPOP, SRANDMEMBER, SMOVE, the algebra (SINTER,
// SINTERCARD, SUNION, SDIFF and their *STORE forms) and SSCAN. The value
// class is SetValue (src/keyspace/set.ts).
//
// Replies follow Redis's reply types: collections computed from sets
// (SMEMBERS, SINTER, SPOP with a count ...) are RESP3 sets, SRANDMEMBER with
// a count is an array. SPOP is replayed deterministically: as SREM of the
// members it popped, or DEL when it took the whole set, as Redis 7.0 does.

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import { Args, intArg, parseScanCursor, parseScanOptions } from '../engine/args.js';
import type { CommandSpec } from '../engine/table.js';
import { defineEvents } from '../keyspace/events.js';
import { globMatch } from '../keyspace/glob.js';
import { SetValue } from '../keyspace/set.js';
import type { Value } from '../keyspace/types.js';
import { parseInt64 } from '../util/numbers.js';

defineEvents('s', ['sadd', 'srem', 'spop', 'sinterstore', 'sunionstore', 'sdiffstore']);

const KEY1 = { first: 1, last: 1, step: 1 };
const ALL_KEYS = { first: 1, last: -1, step: 1 };
const LONG_MAX = 9223372036854775807n;

function setOrNull(v: Value | undefined): SetValue | null {
  if (v === undefined) return null;
  if (!(v instanceof SetValue)) throw new RedisError(E.WRONGTYPE);
  return v;
}

function maxIntset(c: Client): number {
  return c.server.encodingLimits.setMaxIntsetEntries;
}

/** A RESP3 set (an array in RESP2) of the given members. */
function replySet(c: Client, members: readonly string[]): void {
  c.w.set(members.length);
  for (const m of members) c.w.bulk(m);
}

/**
 * A count argument as Redis's getPositiveLongFromObjectOrReply reads it:
 * 0..LONG_MAX, one error text for both a non-integer and a negative value.
 */
function positiveLong(s: string, err: string): number {
  const v = intArg(s, err);
  if (v < 0) throw new RedisError(err);
  return Number(v);
}


/** Looks up the source sets of the algebra; a missing key is null (an empty set). */
function sourceSets(c: Client, keys: readonly string[], forStore: boolean): (SetValue | null)[] {
  // As Redis: every key is type-checked, even after a missing one. Redis
  // 7.0 looks a *STORE's sources up as reads too: hits and misses are
  // counted and a missing source is a 'keymiss'.
  return keys.map((k) => setOrNull(c.db.read(k)));
}

/** The intersection, in the iteration order of the smallest set; at most `limit` (0: all). */
function intersect(sets: readonly (SetValue | null)[], limit = 0): string[] {
  if (sets.some((s) => s === null)) return [];
  const all = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const [first, ...rest] = all;
  const out: string[] = [];
  for (const m of first!.members()) {
    if (rest.every((s) => s === first || s.has(m))) {
      out.push(m);
      if (out.length === limit) break;
    }
  }
  return out;
}

function union(sets: readonly (SetValue | null)[]): Set<string> {
  const out = new Set<string>();
  for (const s of sets) if (s !== null) for (const m of s.keys()) out.add(m);
  return out;
}

function difference(sets: readonly (SetValue | null)[]): string[] {
  const [first, ...rest] = sets;
  if (first === null || first === undefined) return [];
  const out: string[] = [];
  for (const m of first.keys()) {
    if (!rest.some((s) => s !== null && (s === first || s.has(m)))) out.push(m);
  }
  return out;
}

/**
 * Store an algebra result in `dst` (replacing whatever it held, TTL
 * dropped) with `event`; an empty result deletes `dst` instead.
 */
function store(c: Client, dst: string, members: Iterable<string>, event: string): void {
  const s = SetValue.from(members, maxIntset(c));
  if (s.size > 0) {
    c.db.set(dst, s);
    c.db.changed(dst, event);
    c.w.integer(s.size);
    return;
  }
  c.w.integer(0);
  if (c.db.delete(dst)) c.db.changed(dst, 'del');
}

/** SUNION/SDIFF reply: in the order of the set Redis builds for the result (ascending as an intset). */
function replyComputed(c: Client, members: Iterable<string>): void {
  replySet(c, SetValue.from(members, maxIntset(c)).members());
}

/** SPOP key count. */
function spopWithCount(c: Client, key: string, countArg: string): void {
  const count = positiveLong(countArg, E.MUST_BE_POSITIVE_RANGE);
  const db = c.db;
  const s = setOrNull(db.lookupWrite(key));
  if (s === null || count === 0) {
    c.w.set(0);
    return;
  }
  const size = s.size;
  if (count >= size) {
    // The whole set: replied, deleted, replayed as DEL.
    replySet(c, s.members());
    db.delete(key);
    db.changed(key, 'spop');
    db.changed(key, 'del', 0);
    c.ctx.propagateAs(['DEL', key]);
    return;
  }
  const popped = s.randomDistinct(count);
  c.w.set(count);
  for (const m of popped) {
    s.delete(m);
    c.w.bulk(m);
    c.ctx.alsoPropagate(db.id, ['SREM', key, m]);
  }
  c.ctx.preventPropagation();
  db.changed(key, 'spop');
}

/** SRANDMEMBER key count. */
function srandmemberWithCount(c: Client, key: string, countArg: string): void {
  const l = intArg(countArg);
  if (typeof l === 'bigint' && (l < -LONG_MAX || l > LONG_MAX)) {
    throw new RedisError(E.VALUE_NOT_BETWEEN(-LONG_MAX, LONG_MAX));
  }
  const n = Number(l);
  const uniq = n >= 0;
  const count = Math.abs(n);
  const s = setOrNull(c.db.read(key));
  if (s === null || count === 0) {
    c.w.array(0);
    return;
  }
  if (!uniq || count === 1) {
    c.w.array(count);
    for (let i = 0; i < count; i++) c.w.bulk(s.random());
    return;
  }
  if (count >= s.size) {
    c.w.bulkArray(s.members());
    return;
  }
  c.w.bulkArray(s.randomDistinct(count));
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit]: the key positions (none when malformed). */
function sintercardKeys(argv: readonly string[]): number[] {
  const v = argv.length > 1 ? parseInt64(argv[1]!) : null;
  if (v === null || v < 1 || v > argv.length - 2) return [];
  const out: number[] = [];
  for (let i = 0; i < Number(v); i++) out.push(2 + i);
  return out;
}

export const setCommands: CommandSpec[] = [
  {
    name: 'sadd', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: KEY1,
    syntax: 'SADD key member [member ...]',
    handler(c, argv) {
      const key = argv[1]!;
      const db = c.db;
      const max = maxIntset(c);
      let s = setOrNull(db.lookupWrite(key));
      if (s === null) {
        s = new SetValue();
        db.set(key, s);
      }
      let added = 0;
      for (let i = 2; i < argv.length; i++) if (s.add(argv[i]!, max)) added++;
      if (added > 0) db.changed(key, 'sadd');
      c.w.integer(added);
    },
  },
  {
    name: 'srem', arity: -3, flags: ['write', 'fast'], keys: KEY1,
    syntax: 'SREM key member [member ...]',
    handler(c, argv) {
      const key = argv[1]!;
      const db = c.db;
      const s = setOrNull(db.lookupWrite(key));
      if (s === null) {
        c.w.integer(0);
        return;
      }
      let removed = 0;
      for (let i = 2; i < argv.length; i++) {
        if (s.delete(argv[i]!)) removed++;
        if (s.size === 0) break;
      }
      if (removed > 0) {
        db.changed(key, 'srem');
        if (s.size === 0) {
          db.removeEmptied(key);
        }
      }
      c.w.integer(removed);
    },
  },
  {
    name: 'smembers', arity: 2, flags: ['readonly'], keys: KEY1,
    syntax: 'SMEMBERS key',
    handler(c, argv) {
      const s = setOrNull(c.db.read(argv[1]!));
      replySet(c, s === null ? [] : s.members());
    },
  },
  {
    name: 'sismember', arity: 3, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'SISMEMBER key member',
    handler(c, argv) {
      const s = setOrNull(c.db.read(argv[1]!));
      c.w.integer(s !== null && s.has(argv[2]!) ? 1 : 0);
    },
  },
  {
    name: 'smismember', arity: -3, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'SMISMEMBER key member [member ...]',
    handler(c, argv) {
      const s = setOrNull(c.db.read(argv[1]!));
      c.w.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) c.w.integer(s !== null && s.has(argv[i]!) ? 1 : 0);
    },
  },
  {
    name: 'scard', arity: 2, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'SCARD key',
    handler(c, argv) {
      const s = setOrNull(c.db.read(argv[1]!));
      c.w.integer(s === null ? 0 : s.size);
    },
  },
  {
    name: 'spop', arity: -2, flags: ['write', 'fast'], keys: KEY1,
    syntax: 'SPOP key [count]',
    handler(c, argv) {
      const key = argv[1]!;
      if (argv.length === 3) {
        spopWithCount(c, key, argv[2]!);
        return;
      }
      if (argv.length > 3) throw new RedisError(E.SYNTAX);
      const db = c.db;
      const s = setOrNull(db.lookupWrite(key));
      if (s === null) {
        c.w.nullBulk();
        return;
      }
      const m = s.random();
      s.delete(m);
      c.w.bulk(m);
      c.ctx.propagateAs(['SREM', key, m]);
      db.changed(key, 'spop');
      if (s.size === 0) {
        db.removeEmptied(key);
      }
    },
  },
  {
    name: 'srandmember', arity: -2, flags: ['readonly'], keys: KEY1,
    syntax: 'SRANDMEMBER key [count]',
    handler(c, argv) {
      const key = argv[1]!;
      if (argv.length === 3) {
        srandmemberWithCount(c, key, argv[2]!);
        return;
      }
      if (argv.length > 3) throw new RedisError(E.SYNTAX);
      const s = setOrNull(c.db.read(key));
      c.w.bulk(s === null ? null : s.random());
    },
  },
  {
    name: 'smove', arity: 4, flags: ['write', 'fast'], keys: { first: 1, last: 2, step: 1 },
    syntax: 'SMOVE source destination member',
    handler(c, argv) {
      const [, src, dst, m] = argv as [string, string, string, string];
      const db = c.db;
      const from = db.lookupWrite(src);
      const to = db.lookupWrite(dst);
      if (from === undefined) {
        c.w.integer(0);
        return;
      }
      const fromSet = setOrNull(from)!;
      let toSet = setOrNull(to);
      if (fromSet === toSet) {
        c.w.integer(fromSet.has(m) ? 1 : 0);
        return;
      }
      if (!fromSet.delete(m)) {
        c.w.integer(0);
        return;
      }
      db.changed(src, 'srem');
      if (fromSet.size === 0) {
        db.removeEmptied(src);
      }
      if (toSet === null) {
        toSet = new SetValue();
        db.set(dst, toSet);
      }
      if (toSet.add(m, maxIntset(c))) db.changed(dst, 'sadd');
      c.w.integer(1);
    },
  },
  {
    name: 'sinter', arity: -2, flags: ['readonly'], keys: ALL_KEYS,
    syntax: 'SINTER key [key ...]',
    handler(c, argv) {
      replySet(c, intersect(sourceSets(c, argv.slice(1), false)));
    },
  },
  {
    name: 'sintercard', arity: -3, flags: ['readonly'], keys: { first: 0, last: 0, step: 0 },
    getKeys: sintercardKeys,
    syntax: 'SINTERCARD numkeys key [key ...] [LIMIT limit]',
    handler(c, argv) {
      const v = intArg(argv[1]!, E.SET_NUMKEYS_POSITIVE);
      if (v < 1) throw new RedisError(E.SET_NUMKEYS_POSITIVE);
      const numkeys = Number(v);
      if (numkeys > argv.length - 2) throw new RedisError(E.SET_NUMKEYS_TOO_MANY);
      let limit = 0;
      const a = new Args(argv, 2 + numkeys);
      while (a.hasNext()) {
        const opt = a.nextUpper();
        if (opt !== 'LIMIT' || !a.hasNext()) throw new RedisError(E.SYNTAX);
        limit = positiveLong(a.next(), E.SET_LIMIT_NEGATIVE);
      }
      const sets = sourceSets(c, argv.slice(2, 2 + numkeys), false);
      c.w.integer(intersect(sets, limit).length);
    },
  },
  {
    name: 'sunion', arity: -2, flags: ['readonly'], keys: ALL_KEYS,
    syntax: 'SUNION key [key ...]',
    handler(c, argv) {
      replyComputed(c, union(sourceSets(c, argv.slice(1), false)));
    },
  },
  {
    name: 'sdiff', arity: -2, flags: ['readonly'], keys: ALL_KEYS,
    syntax: 'SDIFF key [key ...]',
    handler(c, argv) {
      replyComputed(c, difference(sourceSets(c, argv.slice(1), false)));
    },
  },
  {
    name: 'sinterstore', arity: -3, flags: ['write', 'denyoom'], keys: ALL_KEYS,
    syntax: 'SINTERSTORE destination key [key ...]',
    handler(c, argv) {
      store(c, argv[1]!, intersect(sourceSets(c, argv.slice(2), true)), 'sinterstore');
    },
  },
  {
    name: 'sunionstore', arity: -3, flags: ['write', 'denyoom'], keys: ALL_KEYS,
    syntax: 'SUNIONSTORE destination key [key ...]',
    handler(c, argv) {
      store(c, argv[1]!, union(sourceSets(c, argv.slice(2), true)), 'sunionstore');
    },
  },
  {
    name: 'sdiffstore', arity: -3, flags: ['write', 'denyoom'], keys: ALL_KEYS,
    syntax: 'SDIFFSTORE destination key [key ...]',
    handler(c, argv) {
      store(c, argv[1]!, difference(sourceSets(c, argv.slice(2), true)), 'sdiffstore');
    },
  },
  {
    name: 'sscan', arity: -3, flags: ['readonly'], keys: KEY1,
    syntax: 'SSCAN key cursor [MATCH pattern] [COUNT count]',
    handler(c, argv) {
      const cursor = parseScanCursor(argv[2]!);
      if (cursor === null) throw new RedisError(E.INVALID_CURSOR);
      const s = setOrNull(c.db.read(argv[1]!));
      if (s === null) {
        c.w.array(2);
        c.w.bulk('0');
        c.w.array(0);
        return;
      }
      const { count, match } = parseScanOptions(argv, 3, false);
      // An intset is answered whole, with cursor 0, whatever the cursor and COUNT.
      let next = 0;
      let items: readonly string[];
      if (s.isIntset) items = s.members();
      else [next, items] = s.scan(cursor < 0 ? -1 : cursor, count);
      if (match !== null) items = items.filter((m) => globMatch(match, m));
      c.w.array(2);
      c.w.bulk(String(next));
      c.w.bulkArray(items);
    },
  },
];
