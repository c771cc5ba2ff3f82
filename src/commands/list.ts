// List commands (first part): pushes, pops, LLEN, LRANGE, LINDEX. The rest
// of t_list (LINSERT, LSET, LREM, LTRIM, LPOS, LMOVE, blocking pops ...)
// comes with the lists issue.

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import { ListValue } from '../keyspace/list.js';
import type { Value } from '../keyspace/types.js';
import { numArg } from '../engine/args.js';
import type { CommandSpec } from '../engine/table.js';

const KEY1 = { first: 1, last: 1, step: 1 };

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
  for (let i = 0; i < n; i++) c.w.bulk(head ? list.popHead()! : list.popTail()!);
  db.changed(key, head ? 'lpop' : 'rpop');
  // Redis deletes a list that becomes empty: a second event of one change.
  if (list.length === 0) {
    db.delete(key);
    db.changed(key, 'del', 0);
  }
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
      for (let i = start; i <= end; i++) c.w.bulk(list.at(i)!);
    },
  },
];
