// List commands (Redis's t_list.c): pushes and pops, LLEN, LRANGE, LINDEX,
// LSET, LTRIM, LREM, LINSERT, LPOS, LMOVE/RPOPLPUSH, LMPOP, and the blocking
// pops BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP built on src/blocking.ts.
//
// Blocking pops: a list that is there serves the command at once, replayed
// as the non-blocking pop that happened (LPOP key, LPOP key <n>, LMOVE ...,
// RPOPLPUSH ...), as Redis 7.0 rewrites it. Otherwise, where blocking is
// allowed, the client blocks; whoever makes a key it waits for non-empty
// serves it at the end of the unit (its reply goes to its own output), and
// that pop is propagated with alsoPropagate. Where blocking is denied (MULTI,
// scripts, a client being served) it answers as a timeout would.

import { blockTimeoutArg } from '../blocking.js';
import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import { ListValue } from '../keyspace/list.js';
import type { Value } from '../keyspace/types.js';
import { Args, intArg, numArg } from '../engine/args.js';
import type { CommandSpec } from '../engine/table.js';
import type { Database } from '../keyspace/keyspace.js';

const KEY1 = { first: 1, last: 1, step: 1 };
const KEYS12 = { first: 1, last: 2, step: 1 };
const NO_RANGE = { first: 0, last: 0, step: 0 };

function listOrNull(v: Value | undefined): ListValue | null {
  if (v === undefined) return null;
  if (!(v instanceof ListValue)) throw new RedisError(E.WRONGTYPE);
  return v;
}

/** LPUSH/RPUSH and their X variants: create unless `onlyExisting`. */
function push(c: Client, argv: string[], head: boolean, onlyExisting: boolean): void {
  const key = argv[1]!;
  const db = c.db;
  let list = listOrNull(db.lookupWrite(key));
  if (list === null) {
    if (onlyExisting) {
      c.w.integer(0);
      return;
    }
    list = new ListValue(argv.length - 2);
    db.set(key, list);
  }
  for (let i = 2; i < argv.length; i++) {
    if (head) list.pushHead(argv[i]!);
    else list.pushTail(argv[i]!);
  }
  db.changed(key, head ? 'lpush' : 'rpush');
  c.w.integer(list.length);
}

/** LPOP/RPOP key [count]. */
function pop(c: Client, argv: string[], head: boolean): void {
  const key = argv[1]!;
  let count = -1;
  if (argv.length > 3) throw new RedisError(E.WRONG_ARITY(head ? 'lpop' : 'rpop'));
  if (argv.length === 3) {
    count = numArg(argv[2]!, E.MUST_BE_POSITIVE_RANGE);
    if (count < 0) throw new RedisError(E.MUST_BE_POSITIVE_RANGE);
  }
  const db = c.db;
  const list = listOrNull(db.lookupWrite(key));
  if (list === null) {
    if (count >= 0) c.w.nullArray();
    else c.w.nullBulk();
    return;
  }
  const n = count < 0 ? 1 : Math.min(count, list.length);
  if (count >= 0) c.w.array(n);
  if (n === 0) return;
  for (let i = 0; i < n; i++) c.w.bulk(popOne(list, head));
  elementsRemoved(db, key, list, head);
}

/** Pop one element from the head or the tail of a non-empty list. */
function popOne(list: ListValue, head: boolean): string {
  return head ? list.popHead()! : list.popTail()!;
}

/**
 * After elements were taken from `key` (event lpop/rpop): report it, and
 * delete the list when it is empty ('del', same change). Redis's
 * listElementsRemoved.
 */
function elementsRemoved(db: Database, key: string, list: ListValue, head: boolean, dirty = 1): void {
  db.changed(key, head ? 'lpop' : 'rpop', dirty);
  if (list.length === 0) {
    db.removeEmptied(key);
  }
}

/** LEFT|RIGHT (getListPositionFromObjectOrReply): true for LEFT. */
function whereArg(s: string): boolean {
  const u = s.toUpperCase();
  if (u === 'LEFT') return true;
  if (u === 'RIGHT') return false;
  throw new RedisError(E.SYNTAX);
}


/** LSET key index element. */
function lset(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const db = c.db;
  const v = db.lookupWrite(key);
  if (v === undefined) throw new RedisError(E.NO_SUCH_KEY);
  const list = listOrNull(v)!;
  let index = numArg(argv[2]!);
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) throw new RedisError(E.LIST_INDEX_OUT_OF_RANGE);
  list.setAt(index, argv[3]!);
  db.changed(key, 'lset');
  c.w.ok();
}

/** LTRIM key start stop. */
function ltrim(c: Client, argv: string[]): void {
  let start = numArg(argv[2]!);
  let end = numArg(argv[3]!);
  const key = argv[1]!;
  const db = c.db;
  const list = listOrNull(db.lookupWrite(key));
  if (list === null) {
    c.w.ok();
    return;
  }
  const len = list.length;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  let keepFrom = 0;
  let keep = 0;
  if (!(start > end || start >= len)) {
    if (end >= len) end = len - 1;
    keepFrom = start;
    keep = end - start + 1;
  }
  // Redis publishes 'ltrim' even when nothing was trimmed, but counts no
  // change: here an unchanged list reports nothing (see the write cases).
  if (keep !== len) {
    list.keepRange(keepFrom, keep);
    db.changed(key, 'ltrim');
    if (list.length === 0) {
      db.removeEmptied(key);
    }
  }
  c.w.ok();
}

/** LREM key count element. */
function lrem(c: Client, argv: string[]): void {
  const count = numArg(argv[2]!);
  const key = argv[1]!;
  const db = c.db;
  const list = listOrNull(db.lookupWrite(key));
  if (list === null) {
    c.w.integer(0);
    return;
  }
  const removed = list.removeValue(argv[3]!, count);
  if (removed > 0) {
    db.changed(key, 'lrem');
    if (list.length === 0) {
      db.removeEmptied(key);
    }
  }
  c.w.integer(removed);
}

/** LINSERT key BEFORE|AFTER pivot element. */
function linsert(c: Client, argv: string[]): void {
  const where = argv[2]!.toUpperCase();
  if (where !== 'BEFORE' && where !== 'AFTER') throw new RedisError(E.SYNTAX);
  const key = argv[1]!;
  const db = c.db;
  const list = listOrNull(db.lookupWrite(key));
  if (list === null) {
    c.w.integer(0);
    return;
  }
  let i = -1;
  list.forEachMatch(argv[3]!, (at) => {
    i = at;
    return false;
  });
  if (i === -1) {
    c.w.integer(-1);
    return;
  }
  list.insertAt(where === 'AFTER' ? i + 1 : i, argv[4]!);
  db.changed(key, 'linsert');
  c.w.integer(list.length);
}

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
function lpos(c: Client, argv: string[]): void {
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  const a = new Args(argv, 3);
  while (a.hasNext()) {
    const opt = a.nextUpper();
    const more = a.remaining > 0;
    if (opt === 'RANK' && more) {
      const r = intArg(a.next());
      if (r === 0) throw new RedisError(E.LPOS_RANK_ZERO);
      // -LONG_MIN overflows in Redis and stays negative, which then acts as
      // rank 1 from the tail.
      rank = typeof r === 'bigint' ? (r < 0n ? -1 : Number.MAX_SAFE_INTEGER) : r;
    } else if (opt === 'COUNT' && more) {
      count = numArg(a.next(), E.LPOS_COUNT_NEGATIVE);
      if (count < 0) throw new RedisError(E.LPOS_COUNT_NEGATIVE);
    } else if (opt === 'MAXLEN' && more) {
      maxlen = numArg(a.next(), E.LPOS_MAXLEN_NEGATIVE);
      if (maxlen < 0) throw new RedisError(E.LPOS_MAXLEN_NEGATIVE);
    } else {
      throw new RedisError(E.SYNTAX);
    }
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const list = listOrNull(c.db.read(argv[1]!));
  if (list === null) {
    if (count !== -1) c.w.array(0);
    else c.w.nullBulk();
    return;
  }
  const ele = argv[2]!;
  const len = list.length;
  const matches: number[] = [];
  const want = count === -1 ? 1 : count === 0 ? Infinity : count;
  let seen = 0;
  if (want > 0) {
    list.forEachMatch(ele, (i) => {
      seen++;
      if (seen >= rank) matches.push(i);
      return matches.length < want;
    }, fromTail, maxlen === 0 ? len : maxlen);
  }
  if (count !== -1) {
    c.w.array(matches.length);
    for (const m of matches) c.w.integer(m);
  } else if (matches.length > 0) {
    c.w.integer(matches[0]!);
  } else {
    c.w.nullBulk();
  }
}

/**
 * The move of LMOVE/RPOPLPUSH and their blocking forms from a non-empty
 * `src` (lmoveGenericCommand, lmoveHandlePush): push to the destination
 * (reported first, as Redis does), then report the pop and delete an
 * emptied source. Returns the element; the caller writes it to the client.
 * The destination's type was checked by the caller.
 */
function moveOne(db: Database, srcKey: string, src: ListValue, dstKey: string, dst: ListValue | null,
  fromHead: boolean, toHead: boolean): string {
  const v = popOne(src, fromHead);
  let d = dst;
  if (d === null) {
    d = new ListValue();
    db.set(dstKey, d);
  }
  if (toHead) d.pushHead(v);
  else d.pushTail(v);
  db.changed(dstKey, toHead ? 'lpush' : 'rpush');
  // One change for Redis's dirty counter: the pop's event counts nothing.
  elementsRemoved(db, srcKey, src, fromHead, 0);
  return v;
}

/**
 * LMOVE/RPOPLPUSH, and BLMOVE/BRPOPLPUSH when the source has elements:
 * `as` is what a blocking form is replayed as.
 */
function lmove(c: Client, srcKey: string, dstKey: string, fromHead: boolean, toHead: boolean,
  as: string[] | null): void {
  const db = c.db;
  const src = listOrNull(db.lookupWrite(srcKey));
  if (src === null) {
    c.w.nullBulk();
    return;
  }
  const dst = listOrNull(db.lookupWrite(dstKey));
  const v = moveOne(db, srcKey, src, dstKey, dst, fromHead, toHead);
  c.w.bulk(v);
  if (as !== null) c.ctx.propagateAs(as);
}

/**
 * Pop up to `count` elements from the first non-empty list of `keys` and
 * reply [key, [elements]] (LMPOP, BLMPOP served at once); false when every
 * key is missing. Replayed as LPOP/RPOP key <popped>.
 */
function mpopFrom(c: Client, keys: readonly string[], head: boolean, count: number): boolean {
  const db = c.db;
  for (const key of keys) {
    const list = listOrNull(db.lookupWrite(key));
    if (list === null) continue;
    const n = Math.min(count, list.length);
    c.w.array(2);
    c.w.bulk(key);
    c.w.array(n);
    for (let i = 0; i < n; i++) c.w.bulk(popOne(list, head));
    elementsRemoved(db, key, list, head);
    c.ctx.propagateAs([head ? 'LPOP' : 'RPOP', key, String(n)]);
    return true;
  }
  return false;
}

/** LMPOP/BLMPOP arguments from `numkeysAt`: keys, LEFT|RIGHT, COUNT (lmpopGenericCommand). */
function mpopArgs(argv: string[], numkeysAt: number): { keys: string[]; head: boolean; count: number } {
  const nk = intArg(argv[numkeysAt]!, E.MPOP_NUMKEYS_POSITIVE);
  if (nk < 1) throw new RedisError(E.MPOP_NUMKEYS_POSITIVE);
  const whereAt = numkeysAt + Number(nk) + 1;
  if (whereAt >= argv.length) throw new RedisError(E.SYNTAX);
  const head = whereArg(argv[whereAt]!);
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && more > 0 && argv[j]!.toUpperCase() === 'COUNT') {
      j++;
      count = numArg(argv[j]!, E.MPOP_COUNT_POSITIVE);
      if (count < 1) throw new RedisError(E.MPOP_COUNT_POSITIVE);
    } else {
      throw new RedisError(E.SYNTAX);
    }
  }
  return { keys: argv.slice(numkeysAt + 1, whereAt), head, count: count === -1 ? 1 : count };
}

/** The key positions of LMPOP (numkeys at 1) and BLMPOP (numkeys at 2). */
function mpopKeys(numkeysAt: number): (argv: readonly string[]) => number[] {
  return (argv) => {
    const nk = Number(argv[numkeysAt]);
    const out: number[] = [];
    if (!Number.isInteger(nk) || nk < 1 || numkeysAt + nk >= argv.length) return out;
    for (let i = 1; i <= nk; i++) out.push(numkeysAt + i);
    return out;
  };
}

/** What a blocked list pop does when served: its reply, and the pop to replay. */
type ServeList = (c: Client, db: Database, key: string, list: ListValue) => boolean;

/**
 * Block `c` on `keys` (blockForKeys for lists). `serveList` runs when one of
 * them holds a list, in the client's database, nested in the unit that
 * filled it.
 */
function blockOnLists(c: Client, keys: readonly string[], timeout: number, serveList: ServeList): void {
  // Redis 7.0 answers every list timeout with a null array (BLMOVE too).
  c.server.blocking.blockForKeys(c, keys, timeout, (db, key) => {
    const v = db.lookupWrite(key);
    if (!(v instanceof ListValue) || v.length === 0) return false;
    return serveList(c, db, key, v);
  });
}

/** BLPOP/BRPOP key [key ...] timeout. */
function bpop(c: Client, argv: string[], head: boolean): void {
  const timeout = blockTimeoutArg(c.server.keyspace.now(), argv[argv.length - 1]!);
  const keys = argv.slice(1, -1);
  const db = c.db;
  for (const key of keys) {
    const list = listOrNull(db.lookupWrite(key));
    if (list === null) continue;
    c.w.array(2);
    c.w.bulk(key);
    c.w.bulk(popOne(list, head));
    elementsRemoved(db, key, list, head);
    c.ctx.propagateAs([head ? 'LPOP' : 'RPOP', key]);
    return;
  }
  if (!c.server.blocking.mayBlock()) {
    c.w.nullArray();
    return;
  }
  blockOnLists(c, keys, timeout, (cl, d, key, list) => {
    cl.w.array(2);
    cl.w.bulk(key);
    cl.w.bulk(popOne(list, head));
    elementsRemoved(d, key, list, head);
    cl.ctx.alsoPropagate(d.id, [head ? 'LPOP' : 'RPOP', key]);
    return true;
  });
}

/** BLMOVE/BRPOPLPUSH once the arguments are read (blmoveGenericCommand). */
function bmove(c: Client, srcKey: string, dstKey: string, fromHead: boolean, toHead: boolean, timeout: number,
  as: string[], servedAs: (from: boolean, to: boolean) => string[]): void {
  const src = listOrNull(c.db.lookupWrite(srcKey));
  if (src !== null) {
    lmove(c, srcKey, dstKey, fromHead, toHead, as);
    return;
  }
  if (!c.server.blocking.mayBlock()) {
    c.w.nullBulk();
    return;
  }
  blockOnLists(c, [srcKey], timeout, (cl, d, key, list) => {
    const dv = d.lookupWrite(dstKey);
    if (dv !== undefined && !(dv instanceof ListValue)) {
      // Redis's checkType answers the served client and releases it.
      cl.w.error(E.WRONGTYPE);
      return true;
    }
    const v = moveOne(d, key, list, dstKey, dv ?? null, fromHead, toHead);
    cl.w.bulk(v);
    cl.ctx.alsoPropagate(d.id, servedAs(fromHead, toHead));
    return true;
  });
}

export const listCommands: CommandSpec[] = [
  {
    name: 'lpush', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: KEY1,
    syntax: 'LPUSH key element [element ...]',
    handler: (c, argv) => push(c, argv, true, false),
  },
  {
    name: 'rpush', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: KEY1,
    syntax: 'RPUSH key element [element ...]',
    handler: (c, argv) => push(c, argv, false, false),
  },
  {
    name: 'lpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: KEY1,
    syntax: 'LPUSHX key element [element ...]',
    handler: (c, argv) => push(c, argv, true, true),
  },
  {
    name: 'rpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], keys: KEY1,
    syntax: 'RPUSHX key element [element ...]',
    handler: (c, argv) => push(c, argv, false, true),
  },
  {
    name: 'lpop', arity: -2, flags: ['write', 'fast'], keys: KEY1,
    syntax: 'LPOP key [count]',
    handler: (c, argv) => pop(c, argv, true),
  },
  {
    name: 'rpop', arity: -2, flags: ['write', 'fast'], keys: KEY1,
    syntax: 'RPOP key [count]',
    handler: (c, argv) => pop(c, argv, false),
  },
  {
    name: 'llen', arity: 2, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'LLEN key',
    handler(c, argv) {
      const list = listOrNull(c.db.read(argv[1]!));
      c.w.integer(list === null ? 0 : list.length);
    },
  },
  {
    name: 'lindex', arity: 3, flags: ['readonly'], keys: KEY1,
    syntax: 'LINDEX key index',
    handler(c, argv) {
      const index = numArg(argv[2]!);
      const list = listOrNull(c.db.read(argv[1]!));
      if (list === null) {
        c.w.nullBulk();
        return;
      }
      const v = list.at(index < 0 ? list.length + index : index);
      c.w.bulk(v ?? null);
    },
  },
  {
    name: 'lrange', arity: 4, flags: ['readonly'], keys: KEY1,
    syntax: 'LRANGE key start stop',
    handler(c, argv) {
      let start = numArg(argv[2]!);
      let end = numArg(argv[3]!);
      const list = listOrNull(c.db.read(argv[1]!));
      if (list === null) {
        c.w.array(0);
        return;
      }
      const len = list.length;
      if (start < 0) start = len + start;
      if (end < 0) end = len + end;
      if (start < 0) start = 0;
      if (start > end || start >= len) {
        c.w.array(0);
        return;
      }
      if (end >= len) end = len - 1;
      c.w.array(end - start + 1);
      list.writeRange(c.w, start, end);
    },
  },
  {
    name: 'lset', arity: 4, flags: ['write', 'denyoom'], keys: KEY1,
    syntax: 'LSET key index element',
    handler: lset,
  },
  {
    name: 'ltrim', arity: 4, flags: ['write'], keys: KEY1,
    syntax: 'LTRIM key start stop',
    handler: ltrim,
  },
  {
    name: 'lrem', arity: 4, flags: ['write'], keys: KEY1,
    syntax: 'LREM key count element',
    handler: lrem,
  },
  {
    name: 'linsert', arity: 5, flags: ['write', 'denyoom'], keys: KEY1,
    syntax: 'LINSERT key <BEFORE | AFTER> pivot element',
    handler: linsert,
  },
  {
    name: 'lpos', arity: -3, flags: ['readonly'], keys: KEY1,
    syntax: 'LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]',
    handler: lpos,
  },
  {
    name: 'lmove', arity: 5, flags: ['write', 'denyoom'], keys: KEYS12,
    syntax: 'LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>',
    handler(c, argv) {
      const from = whereArg(argv[3]!);
      const to = whereArg(argv[4]!);
      lmove(c, argv[1]!, argv[2]!, from, to, null);
    },
  },
  {
    name: 'rpoplpush', arity: 3, flags: ['write', 'denyoom'], keys: KEYS12,
    syntax: 'RPOPLPUSH source destination',
    handler: (c, argv) => lmove(c, argv[1]!, argv[2]!, false, true, null),
  },
  {
    name: 'lmpop', arity: -4, flags: ['write'], keys: NO_RANGE, getKeys: mpopKeys(1),
    syntax: 'LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count]',
    handler(c, argv) {
      const { keys, head, count } = mpopArgs(argv, 1);
      if (!mpopFrom(c, keys, head, count)) c.w.nullArray();
    },
  },
  {
    name: 'blpop', arity: -3, flags: ['write', 'noscript', 'blocking'], keys: { first: 1, last: -2, step: 1 },
    syntax: 'BLPOP key [key ...] timeout',
    handler: (c, argv) => bpop(c, argv, true),
  },
  {
    name: 'brpop', arity: -3, flags: ['write', 'noscript', 'blocking'], keys: { first: 1, last: -2, step: 1 },
    syntax: 'BRPOP key [key ...] timeout',
    handler: (c, argv) => bpop(c, argv, false),
  },
  {
    name: 'blmove', arity: 6, flags: ['write', 'denyoom', 'noscript', 'blocking'], keys: KEYS12,
    syntax: 'BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout',
    handler(c, argv) {
      const from = whereArg(argv[3]!);
      const to = whereArg(argv[4]!);
      const timeout = blockTimeoutArg(c.server.keyspace.now(), argv[5]!);
      const src = argv[1]!;
      const dst = argv[2]!;
      bmove(c, src, dst, from, to, timeout, ['LMOVE', src, dst, argv[3]!, argv[4]!],
        (f, t) => ['LMOVE', src, dst, f ? 'left' : 'right', t ? 'left' : 'right']);
    },
  },
  {
    name: 'brpoplpush', arity: 4, flags: ['write', 'denyoom', 'noscript', 'blocking'], keys: KEYS12,
    syntax: 'BRPOPLPUSH source destination timeout',
    handler(c, argv) {
      const timeout = blockTimeoutArg(c.server.keyspace.now(), argv[3]!);
      const src = argv[1]!;
      const dst = argv[2]!;
      bmove(c, src, dst, false, true, timeout, ['RPOPLPUSH', src, dst], () => ['RPOPLPUSH', src, dst]);
    },
  },
  {
    name: 'blmpop', arity: -5, flags: ['write', 'blocking'], keys: NO_RANGE, getKeys: mpopKeys(2),
    syntax: 'BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]',
    handler(c, argv) {
      const { keys, head, count } = mpopArgs(argv, 2);
      const timeout = blockTimeoutArg(c.server.keyspace.now(), argv[1]!);
      if (mpopFrom(c, keys, head, count)) return;
      if (!c.server.blocking.mayBlock()) {
        c.w.nullArray();
        return;
      }
      blockOnLists(c, keys, timeout, (cl, d, key, list) => {
        const n = Math.min(count, list.length);
        cl.w.array(2);
        cl.w.bulk(key);
        cl.w.array(n);
        for (let i = 0; i < n; i++) cl.w.bulk(popOne(list, head));
        elementsRemoved(d, key, list, head);
        cl.ctx.alsoPropagate(d.id, [head ? 'LPOP' : 'RPOP', key, String(n)]);
        return true;
      });
    },
  },
];
