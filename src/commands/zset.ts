// Sorted set commands (Redis 7.0's t_zset.c, non-blocking): ZADD, ZINCRBY,
// ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT, the ZRANGE
// family and ZRANGESTORE, ZREMRANGEBY*, ZPOPMIN/ZPOPMAX, ZMPOP, ZRANDMEMBER,
// ZUNION/ZINTER/ZDIFF (and their STORE forms), ZINTERCARD, ZSCAN, and the
// blocking pops BZPOPMIN, BZPOPMAX, BZMPOP (on src/blocking.ts).
//
// Argument parsing follows Redis's order (ranges and options are parsed
// before the key is looked up, so a syntax error wins over WRONGTYPE where
// Redis's does). The value class is src/keyspace/zset.ts.

import { blockTimeoutArg } from '../blocking.js';
import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import { defineEvents } from '../keyspace/events.js';
import type { Value } from '../keyspace/types.js';
import {
  gteMin, lexGteMin, lexLteMax, lteMax, ZSetValue,
  type LexRange, type ScoreRange, type ZNode,
} from '../keyspace/zset.js';
import { floatArg, intArg, numArg, parseScanCursor, parseScanOptions } from '../engine/args.js';
import type { CommandSpec } from '../engine/table.js';
import { parseFloatStrict } from '../util/numbers.js';
import type { Database } from '../keyspace/keyspace.js';

defineEvents('z', [
  'zadd', 'zincr', 'zrem', 'zremrangebyrank', 'zremrangebyscore', 'zremrangebylex',
  'zpopmin', 'zpopmax', 'zunionstore', 'zinterstore', 'zdiffstore', 'zrangestore',
]);

const KEY1 = { first: 1, last: 1, step: 1 };
const LONG_MAX = 9223372036854775807n;

function zsetOrNull(v: Value | undefined): ZSetValue | null {
  if (v === undefined) return null;
  if (!(v instanceof ZSetValue)) throw new RedisError(E.WRONGTYPE);
  return v;
}

/** A C long argument (getLongFromObjectOrReply) as a JS number. */
function longArg(s: string, err?: string): number {
  return numArg(s, err);
}

/** Key positions of numkeys commands: `numkeysAt` holds the count, keys follow; `dest` first. */
function numkeysKeys(numkeysAt: number, dest: boolean) {
  return (argv: readonly string[]): number[] => {
    const out: number[] = dest ? [1] : [];
    const s = argv[numkeysAt];
    if (s === undefined) return out;
    const n = Number.parseInt(s, 10);
    if (!Number.isFinite(n) || n < 1 || numkeysAt + n >= argv.length) return out;
    for (let i = 0; i < n; i++) out.push(numkeysAt + 1 + i);
    return out;
  };
}

// ---- ranges ---------------------------------------------------------------

const DECIMAL = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

/** strtod as zslParseRange uses it: leading white space allowed. */
function rangeFloat(s: string): number {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || (s.charCodeAt(i) >= 9 && s.charCodeAt(i) <= 13))) i++;
  // strtod of "" parses nothing and leaves nothing after: 0.
  if (s.length === 0) return 0;
  const t = i === 0 ? s : s.slice(i);
  const v = parseFloatStrict(t);
  if (v !== null) return v;
  // Unlike ZADD's scores, range bounds ignore strtod's ERANGE: a decimal
  // that overflows is an infinity, one that underflows is 0.
  if (DECIMAL.test(t)) return Number(t);
  throw new RedisError(E.ZSET_MINMAX_FLOAT);
}

export function parseScoreRange(minS: string, maxS: string): ScoreRange {
  const minex = minS.startsWith('(');
  const maxex = maxS.startsWith('(');
  const min = rangeFloat(minex ? minS.slice(1) : minS);
  const max = rangeFloat(maxex ? maxS.slice(1) : maxS);
  return { min, max, minex, maxex };
}

export function parseLexRange(minS: string, maxS: string): LexRange {
  const r: LexRange = { min: null, max: null, minex: false, maxex: false, empty: false };
  const item = (s: string, isMin: boolean): void => {
    const c = s[0];
    if (c === '+' || c === '-') {
      if (s.length !== 1) throw new RedisError(E.ZSET_MINMAX_LEX);
      // '+' as min or '-' as max: nothing can be in range.
      if ((c === '+') === isMin) r.empty = true;
      if (isMin) r.minex = true;
      else r.maxex = true;
      return;
    }
    if (c !== '(' && c !== '[') throw new RedisError(E.ZSET_MINMAX_LEX);
    if (isMin) {
      r.min = s.slice(1);
      r.minex = c === '(';
    } else {
      r.max = s.slice(1);
      r.maxex = c === '(';
    }
  };
  item(minS, true);
  item(maxS, false);
  return r;
}

// ---- replies --------------------------------------------------------------

/** Members (and scores) in order: flat in RESP2, [member, score] pairs in RESP3. */
function replyMembers(c: Client, items: readonly ZNode[], withscores: boolean): void {
  const nested = withscores && c.resp > 2;
  c.w.array(withscores && !nested ? items.length * 2 : items.length);
  for (const n of items) {
    if (nested) c.w.array(2);
    c.w.bulk(n.member);
    if (withscores) c.w.double(n.score);
  }
}

/** Store a result in `dst` (or delete it when empty), as the *STORE commands do. */
function storeResult(c: Client, dst: string, z: ZSetValue, event: string): void {
  const db = c.db;
  if (z.size > 0) {
    z.fitsListpack(c.server.encodingLimits);
    db.set(dst, z);
    db.changed(dst, event);
    c.w.integer(z.size);
  } else {
    // An empty result deletes the destination (reported only if it existed).
    if (db.delete(dst)) db.changed(dst, 'del');
    c.w.integer(0);
  }
}

// ---- ZADD / ZINCRBY -------------------------------------------------------

function zadd(c: Client, argv: string[], incrCmd: boolean): void {
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrCmd;
  let i = 2;
  if (!incrCmd) {
    for (; i < argv.length; i++) {
      const o = argv[i]!.toLowerCase();
      if (o === 'nx') nx = true;
      else if (o === 'xx') xx = true;
      else if (o === 'ch') ch = true;
      else if (o === 'incr') incr = true;
      else if (o === 'gt') gt = true;
      else if (o === 'lt') lt = true;
      else break;
    }
  }
  const n = argv.length - i;
  if (n % 2 !== 0 || n === 0) throw new RedisError(E.SYNTAX);
  const elements = n / 2;
  if (nx && xx) throw new RedisError(E.ZSET_XX_AND_NX);
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw new RedisError(E.ZSET_GT_LT_NX);
  if (incr && elements > 1) throw new RedisError(E.ZSET_INCR_PAIR);
  const scores: number[] = [];
  for (let j = 0; j < elements; j++) scores.push(floatArg(argv[i + j * 2]!));
  const key = argv[1]!;
  const db = c.db;
  let z = zsetOrNull(db.lookupWrite(key));
  let added = 0, updated = 0, processed = 0;
  let score = 0;
  if (z === null && !xx) {
    z = new ZSetValue();
    db.set(key, z);
  }
  let nan = false;
  if (z !== null) {
    for (let j = 0; j < elements; j++) {
      const member = argv[i + j * 2 + 1]!;
      let s = scores[j]!;
      const cur = z.score(member);
      if (cur !== undefined) {
        if (nx) continue;
        if (incr) {
          s += cur;
          if (Number.isNaN(s)) {
            nan = true;
            break;
          }
        }
        if ((lt && s >= cur) || (gt && s <= cur)) continue;
        score = s;
        processed++;
        if (s !== cur) {
          z.set(member, z.stored(s));
          updated++;
        }
      } else {
        if (xx) continue;
        z.willAdd(member.length, c.server.encodingLimits);
        z.set(member, z.stored(s));
        score = s;
        added++;
        processed++;
      }
    }
    if (added + updated > 0) db.changed(key, incr ? 'zincr' : 'zadd');
  }
  if (nan) throw new RedisError(E.ZSET_NAN);
  if (incr) {
    if (processed > 0) c.w.double(score);
    else c.w.nullBulk();
  } else {
    c.w.integer(ch ? added + updated : added);
  }
}

// ---- removal helpers ------------------------------------------------------

/** After removing members: report, and delete the key when emptied. */
function afterRemove(c: Client, key: string, z: ZSetValue, event: string): void {
  c.db.changed(key, event);
  if (z.size === 0) {
    c.db.removeEmptied(key);
  }
}

type RangeKind = 'rank' | 'score' | 'lex';

function zremrange(c: Client, argv: string[], kind: RangeKind): void {
  const key = argv[1]!;
  let start = 0, end = 0;
  let sr: ScoreRange | null = null;
  let lr: LexRange | null = null;
  if (kind === 'rank') {
    start = longArg(argv[2]!);
    end = longArg(argv[3]!);
  } else if (kind === 'score') {
    sr = parseScoreRange(argv[2]!, argv[3]!);
  } else {
    lr = parseLexRange(argv[2]!, argv[3]!);
  }
  const z = zsetOrNull(c.db.lookupWrite(key));
  if (z === null) {
    c.w.integer(0);
    return;
  }
  let deleted: number;
  if (kind === 'rank') {
    const llen = z.size;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
      c.w.integer(0);
      return;
    }
    if (end >= llen) end = llen - 1;
    deleted = z.removeRankRange(start, end);
  } else if (kind === 'score') {
    deleted = z.removeScoreRange(sr!);
  } else {
    deleted = z.removeLexRange(lr!);
  }
  if (deleted > 0) afterRemove(c, key, z, `zremrangeby${kind}`);
  c.w.integer(deleted);
}

// ---- the ZRANGE family ----------------------------------------------------

interface RangeRequest {
  kind: RangeKind;
  rev: boolean;
  withscores: boolean;
  offset: number;
  limit: number;
  start: number;
  end: number;
  score: ScoreRange | null;
  lex: LexRange | null;
}

/**
 * zrangeGenericCommand's parsing: options after <src> <min> <max>, then the
 * range. `kind`/`rev` preset by the command (null: chosen by options).
 */
function parseRange(argv: string[], at: number, store: boolean, kind: RangeKind | null, rev: boolean | null): RangeRequest {
  let withscores = false;
  let offset = 0;
  let limit = -1;
  for (let j = at + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const o = argv[j]!.toLowerCase();
    if (!store && o === 'withscores') withscores = true;
    else if (o === 'limit' && left >= 2) {
      offset = longArg(argv[j + 1]!);
      limit = longArg(argv[j + 2]!);
      j += 2;
    } else if (rev === null && o === 'rev') rev = true;
    else if (kind === null && o === 'bylex') kind = 'lex';
    else if (kind === null && o === 'byscore') kind = 'score';
    else throw new RedisError(E.SYNTAX);
  }
  rev ??= false;
  kind ??= 'rank';
  if (limit !== -1 && kind === 'rank') throw new RedisError(E.ZSET_LIMIT_RANK);
  if (withscores && kind === 'lex') throw new RedisError(E.ZSET_WITHSCORES_BYLEX);
  let minS = argv[at + 1]!;
  let maxS = argv[at + 2]!;
  // Score and lex ranges are given as max, min when reversed.
  if (rev && kind !== 'rank') [minS, maxS] = [maxS, minS];
  const req: RangeRequest = { kind, rev, withscores, offset, limit, start: 0, end: 0, score: null, lex: null };
  if (kind === 'rank') {
    req.start = longArg(minS);
    req.end = longArg(maxS);
  } else if (kind === 'score') {
    req.score = parseScoreRange(minS, maxS);
  } else {
    req.lex = parseLexRange(minS, maxS);
  }
  return req;
}

/** The nodes a range request selects, in reply order. */
function selectRange(z: ZSetValue, r: RangeRequest): ZNode[] {
  const out: ZNode[] = [];
  if (r.kind === 'rank') {
    const llen = z.size;
    let { start, end } = r;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return out;
    if (end >= llen) end = llen - 1;
    let n = end - start + 1;
    let x = z.byRank(r.rev ? llen - 1 - start : start);
    while (x !== null && n-- > 0) {
      out.push(x);
      x = r.rev ? x.backward : x.forward;
    }
    return out;
  }
  let { offset, limit } = r;
  if (offset > 0 && offset >= z.size) return out;
  let x: ZNode | null;
  let inRange: (n: ZNode) => boolean;
  if (r.kind === 'score') {
    const sr = r.score!;
    x = r.rev ? z.lastInRange(sr) : z.firstInRange(sr);
    inRange = r.rev ? (n) => gteMin(n.score, sr) : (n) => lteMax(n.score, sr);
  } else {
    const lr = r.lex!;
    x = r.rev ? z.lastInLex(lr) : z.firstInLex(lr);
    inRange = r.rev ? (n) => lexGteMin(n.member, lr) : (n) => lexLteMax(n.member, lr);
  }
  // Redis's `while (ln && offset--)`: a negative offset skips everything,
  // a negative limit means no limit.
  if (offset < 0) return out;
  while (x !== null && offset > 0) {
    offset--;
    x = r.rev ? x.backward : x.forward;
  }
  while (x !== null && limit !== 0) {
    if (!inRange(x)) break;
    out.push(x);
    if (limit > 0) limit--;
    x = r.rev ? x.backward : x.forward;
  }
  return out;
}

function zrange(c: Client, argv: string[], kind: RangeKind | null, rev: boolean | null): void {
  const r = parseRange(argv, 1, false, kind, rev);
  const z = zsetOrNull(c.db.read(argv[1]!));
  if (z === null) {
    c.w.array(0);
    return;
  }
  replyMembers(c, selectRange(z, r), r.withscores);
}

// ---- pops -----------------------------------------------------------------

/**
 * The pop itself (genericZpopCommand once a key is chosen): up to `count`
 * (-1: one) from a non-empty `z`, replied flat, nested ([m, s] pairs) and/or
 * after the key; reports the change and deletes the emptied key.
 */
function popFrom(c: Client, db: Database, key: string, z: ZSetValue, max: boolean, count: number,
  nested: boolean, emitKey: boolean): void {
  const n = Math.min(count === -1 ? 1 : count, z.size);
  if (emitKey && nested) {
    c.w.array(2);
    c.w.bulk(key);
    c.w.array(n);
  } else if (emitKey) {
    c.w.array(n * 2 + 1);
    c.w.bulk(key);
  } else {
    c.w.array(nested ? n : n * 2);
  }
  for (let i = 0; i < n; i++) {
    const node = max ? z.last()! : z.first()!;
    z.remove(node.member);
    if (nested) c.w.array(2);
    c.w.bulk(node.member);
    c.w.double(node.score);
  }
  db.changed(key, max ? 'zpopmax' : 'zpopmin');
  if (z.size === 0) {
    db.removeEmptied(key);
  }
}

/** What a pop is replayed as: ZPOPMIN/ZPOPMAX key [count]. */
function popAs(key: string, max: boolean, count: number): string[] {
  const argv = [max ? 'ZPOPMAX' : 'ZPOPMIN', key];
  if (count !== -1) argv.push(String(count > 0 ? count : 1));
  return argv;
}

/**
 * genericZpopCommand: pop up to `count` (-1: one, unnested) from the first
 * non-empty key. `emitKey` for ZMPOP's [key, [[m, s] ...]] reply.
 */
function zpop(c: Client, keys: readonly string[], max: boolean, count: number, emitKey: boolean): void {
  const db = c.db;
  let z: ZSetValue | null = null;
  let key = '';
  for (const k of keys) {
    z = zsetOrNull(db.lookupWrite(k));
    if (z !== null) {
      key = k;
      break;
    }
  }
  if (z === null) {
    if (emitKey) c.w.nullArray();
    else c.w.array(0);
    return;
  }
  if (count === 0) {
    c.w.array(0);
    return;
  }
  popFrom(c, db, key, z, max, count, emitKey || (c.resp > 2 && count !== -1), emitKey);
  // ZMPOP is replayed as the pop it did on the key it chose.
  if (emitKey) c.ctx.propagateAs(popAs(key, max, count));
}


/**
 * blockingGenericZpopCommand: pop from the first non-empty key now
 * (replayed as ZPOPMIN/ZPOPMAX), else block until one is served (the
 * served pop is propagated the same way). `count` -1 for BZPOPMIN/BZPOPMAX.
 */
function bzpop(c: Client, keys: readonly string[], max: boolean, timeoutRaw: string, count: number): void {
  const timeout = blockTimeoutArg(c.server.keyspace.now(), timeoutRaw);
  const nested = count !== -1;
  const db = c.db;
  for (const key of keys) {
    const z = zsetOrNull(db.lookupWrite(key));
    if (z === null) continue;
    popFrom(c, db, key, z, max, count, nested, true);
    c.ctx.propagateAs(popAs(key, max, count));
    return;
  }
  if (!c.server.blocking.mayBlock()) {
    c.w.nullArray();
    return;
  }
  c.server.blocking.blockForKeys(c, keys, timeout, (bdb, key) => {
    const v = bdb.lookupWrite(key);
    if (!(v instanceof ZSetValue) || v.size === 0) return false;
    popFrom(c, bdb, key, v, max, count, nested, true);
    c.ctx.alsoPropagate(bdb.id, popAs(key, max, count));
    return true;
  });
}

/** ZMPOP/BZMPOP arguments from `numkeysAt` on (zmpopGenericCommand). */
function mpopArgs(argv: string[], numkeysAt: number): { keys: string[]; max: boolean; count: number } {
  const numkeys = numArg(argv[numkeysAt]!, E.MPOP_NUMKEYS_POSITIVE);
  if (numkeys < 1) throw new RedisError(E.MPOP_NUMKEYS_POSITIVE);
  const whereAt = numkeysAt + numkeys + 1;
  if (whereAt >= argv.length) throw new RedisError(E.SYNTAX);
  const where = argv[whereAt]!.toLowerCase();
  if (where !== 'min' && where !== 'max') throw new RedisError(E.SYNTAX);
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j]!.toLowerCase() === 'count' && more > 0) {
      j++;
      count = numArg(argv[j]!, E.MPOP_COUNT_POSITIVE);
      if (count < 1) throw new RedisError(E.MPOP_COUNT_POSITIVE);
    } else {
      throw new RedisError(E.SYNTAX);
    }
  }
  if (count === -1) count = 1;
  return { keys: argv.slice(numkeysAt + 1, numkeysAt + 1 + numkeys), max: where === 'max', count };
}

function zpopCommand(c: Client, argv: string[], max: boolean): void {
  if (argv.length > 3) throw new RedisError(E.SYNTAX);
  let count = -1;
  if (argv.length === 3) {
    count = numArg(argv[2]!, E.MUST_BE_POSITIVE_RANGE);
    if (count < 0) throw new RedisError(E.MUST_BE_POSITIVE_RANGE);
  }
  zpop(c, [argv[1]!], max, count, false);
}

function zmpop(c: Client, argv: string[]): void {
  const { keys, max, count } = mpopArgs(argv, 1);
  zpop(c, keys, max, count, true);
}

// ---- ZRANDMEMBER ----------------------------------------------------------

function zrandmember(c: Client, argv: string[]): void {
  if (argv.length >= 3) {
    const raw = intArg(argv[2]!);
    if (typeof raw === 'bigint' && (raw > LONG_MAX || raw < -LONG_MAX)) {
      throw new RedisError(E.VALUE_NOT_BETWEEN(-LONG_MAX, LONG_MAX));
    }
    let withscores = false;
    if (argv.length > 4 || (argv.length === 4 && argv[3]!.toLowerCase() !== 'withscores')) throw new RedisError(E.SYNTAX);
    if (argv.length === 4) {
      withscores = true;
      const half = LONG_MAX / 2n;
      if (typeof raw === 'bigint' && (raw < -half || raw > half)) throw new RedisError(E.ZSET_VALUE_OUT_OF_RANGE);
    }
    const z = zsetOrNull(c.db.read(argv[1]!));
    if (z === null) {
      c.w.array(0);
      return;
    }
    let count = Number(raw);
    const uniq = count >= 0;
    if (!uniq) count = -count;
    if (count === 0) {
      c.w.array(0);
      return;
    }
    const size = z.size;
    if (!uniq || count === 1) {
      const picks: ZNode[] = [];
      for (let i = 0; i < count; i++) picks.push(z.byRank(Math.floor(Math.random() * size))!);
      replyMembers(c, picks, withscores);
      return;
    }
    if (count >= size) {
      // The whole set, highest first, as Redis 7.0 replies it.
      replyMembers(c, selectRange(z, {
        kind: 'rank', rev: true, withscores, offset: 0, limit: -1, start: 0, end: -1, score: null, lex: null,
      }), withscores);
      return;
    }
    // Distinct members: a partial Fisher-Yates over the ranks.
    const ranks = new Map<number, number>();
    const picks: ZNode[] = [];
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const vj = ranks.get(j) ?? j;
      ranks.set(j, ranks.get(i) ?? i);
      picks.push(z.byRank(vj)!);
    }
    replyMembers(c, picks, withscores);
    return;
  }
  const z = zsetOrNull(c.db.read(argv[1]!));
  if (z === null) {
    c.w.nullBulk();
    return;
  }
  c.w.bulk(z.byRank(Math.floor(Math.random() * z.size))!.member);
}

// ---- ZUNION / ZINTER / ZDIFF ----------------------------------------------

type SetOp = 'union' | 'inter' | 'diff';

interface Source {
  /** member -> score (a sorted set's own Map: -> its node), null for a missing key. */
  items: ReadonlyMap<string, ZNode | number> | null;
  weight: number;
}

/** A score from a Source's Map. */
function scoreOf(v: ZNode | number): number {
  return typeof v === 'number' ? v : v.score;
}

function sourceOf(v: Value | undefined): ReadonlyMap<string, ZNode | number> | null {
  if (v === undefined) return null;
  if (v instanceof ZSetValue) return v.dict;
  if (typeof v !== 'string' && v.type === 'set') {
    // A set counts as a sorted set whose scores are all 1.
    const m = new Map<string, number>();
    for (const member of v.contents() as string[]) m.set(member, 1);
    return m;
  }
  throw new RedisError(E.WRONGTYPE);
}

function aggregate(target: number, val: number, agg: string): number {
  if (agg === 'sum') {
    const r = target + val;
    // inf + -inf: Redis's convention is 0.
    return Number.isNaN(r) ? 0 : r;
  }
  if (agg === 'min') return val < target ? val : target;
  return val > target ? val : target;
}

function setOp(c: Client, argv: string[], dst: string | null, numkeysAt: number, op: SetOp, cardOnly: boolean, cmdName: string): void {
  const setnum = longArg(argv[numkeysAt]!);
  if (setnum < 1) throw new RedisError(E.ZSET_NEED_KEY(cmdName));
  if (setnum > argv.length - (numkeysAt + 1)) throw new RedisError(E.SYNTAX);
  const src: Source[] = [];
  let j = numkeysAt + 1;
  for (let i = 0; i < setnum; i++, j++) {
    // Sources are read (a missing one is a keymiss), even for *STORE, as Redis 7.0.
    const v = c.db.read(argv[j]!);
    src.push({ items: sourceOf(v), weight: 1 });
  }
  let agg = 'sum';
  let withscores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const o = argv[j]!.toLowerCase();
    if (op !== 'diff' && !cardOnly && remaining >= setnum + 1 && o === 'weights') {
      j++; remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = parseFloatStrict(argv[j]!);
        if (w === null) throw new RedisError(E.ZSET_WEIGHT_FLOAT);
        src[i]!.weight = w;
      }
    } else if (op !== 'diff' && !cardOnly && remaining >= 2 && o === 'aggregate') {
      j++; remaining--;
      const a = argv[j]!.toLowerCase();
      if (a !== 'sum' && a !== 'min' && a !== 'max') throw new RedisError(E.SYNTAX);
      agg = a;
      j++; remaining--;
    } else if (remaining >= 1 && dst === null && !cardOnly && o === 'withscores') {
      j++; remaining--;
      withscores = true;
    } else if (cardOnly && remaining >= 2 && o === 'limit') {
      j++; remaining--;
      limit = numArg(argv[j]!, E.ZSET_LIMIT_NEGATIVE);
      if (limit < 0) throw new RedisError(E.ZSET_LIMIT_NEGATIVE);
      j++; remaining--;
    } else {
      throw new RedisError(E.SYNTAX);
    }
  }
  const size = (s: Source) => (s.items === null ? 0 : s.items.size);
  // Smallest inputs first, as Redis orders them (a stable sort, as glibc's).
  if (op !== 'diff') src.sort((a, b) => size(a) - size(b));
  const result = new ZSetValue();
  let cardinality = 0;
  if (op === 'inter') {
    const first = src[0]!;
    if (first.items !== null && first.items.size > 0) {
      for (const [member, sc] of first.items) {
        let score = first.weight * scoreOf(sc);
        if (Number.isNaN(score)) score = 0;
        let k = 1;
        for (; k < setnum; k++) {
          const s = src[k]!;
          const v = s.items!.get(member);
          if (v === undefined) break;
          score = aggregate(score, scoreOf(v) * s.weight, agg);
        }
        if (k !== setnum) continue;
        if (cardOnly) {
          cardinality++;
          if (limit > 0 && cardinality >= limit) break;
        } else {
          result.set(member, score);
        }
      }
    }
  } else if (op === 'union') {
    const acc = new Map<string, number>();
    for (const s of src) {
      if (s.items === null) continue;
      for (const [member, sc] of s.items) {
        let score = s.weight * scoreOf(sc);
        if (Number.isNaN(score)) score = 0;
        const cur = acc.get(member);
        acc.set(member, cur === undefined ? score : aggregate(cur, score, agg));
      }
    }
    for (const [m, s] of acc) result.set(m, s);
  } else {
    const first = src[0]!;
    if (first.items !== null) {
      outer: for (const [member, sc] of first.items) {
        for (let k = 1; k < setnum; k++) if (src[k]!.items?.has(member) === true) continue outer;
        result.set(member, scoreOf(sc));
      }
    }
  }
  if (dst !== null) {
    storeResult(c, dst, result, `z${op}store`);
  } else if (cardOnly) {
    c.w.integer(cardinality);
  } else {
    const items: ZNode[] = [];
    for (let x = result.first(); x !== null; x = x.forward) items.push(x);
    replyMembers(c, items, withscores);
  }
}

// ---- ZSCAN ----------------------------------------------------------------

function zscan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]!);
  if (cursor === null) throw new RedisError(E.INVALID_CURSOR);
  const z = zsetOrNull(c.db.read(argv[1]!));
  if (z === null) {
    c.w.array(2);
    c.w.bulk('0');
    c.w.array(0);
    return;
  }
  const { count, match } = parseScanOptions(argv, 3, false);
  // A listpack-encoded set comes whole with cursor 0; otherwise about COUNT
  // members per call from an open iteration (see ZSetValue.scan).
  const [next, items] = z.scan(cursor < 0 ? -1 : cursor, count, match);
  c.w.array(2);
  c.w.bulk(String(next));
  c.w.bulkArray(items);
}

// ---- the table ------------------------------------------------------------

export const zsetCommands: CommandSpec[] = [
  {
    name: 'zadd', arity: -4, flags: ['write', 'denyoom', 'fast'], keys: KEY1,
    syntax: 'ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]',
    handler: (c, argv) => zadd(c, argv, false),
  },
  {
    name: 'zincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], keys: KEY1,
    syntax: 'ZINCRBY key increment member',
    handler: (c, argv) => zadd(c, argv, true),
  },
  {
    name: 'zrem', arity: -3, flags: ['write', 'fast'], keys: KEY1,
    syntax: 'ZREM key member [member ...]',
    handler(c, argv) {
      const key = argv[1]!;
      const z = zsetOrNull(c.db.lookupWrite(key));
      if (z === null) {
        c.w.integer(0);
        return;
      }
      let deleted = 0;
      for (let i = 2; i < argv.length; i++) {
        if (z.remove(argv[i]!)) deleted++;
        if (z.size === 0) break;
      }
      if (deleted > 0) afterRemove(c, key, z, 'zrem');
      c.w.integer(deleted);
    },
  },
  {
    name: 'zcard', arity: 2, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'ZCARD key',
    handler(c, argv) {
      const z = zsetOrNull(c.db.read(argv[1]!));
      c.w.integer(z === null ? 0 : z.size);
    },
  },
  {
    name: 'zscore', arity: 3, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'ZSCORE key member',
    handler(c, argv) {
      const z = zsetOrNull(c.db.read(argv[1]!));
      const s = z?.score(argv[2]!);
      if (s === undefined) c.w.nullBulk();
      else c.w.double(s);
    },
  },
  {
    name: 'zmscore', arity: -3, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'ZMSCORE key member [member ...]',
    handler(c, argv) {
      const z = zsetOrNull(c.db.read(argv[1]!));
      c.w.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) {
        const s = z?.score(argv[i]!);
        if (s === undefined) c.w.nullBulk();
        else c.w.double(s);
      }
    },
  },
  // WITHSCORE is Redis 7.2's (zrankGenericCommand): hence arity -3 where 7.0
  // has 3, and docs-later.json for its docs. Without it the replies are 7.0's.
  ...(['zrank', 'zrevrank'] as const).map((name): CommandSpec => ({
    name, arity: -3, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: `${name.toUpperCase()} key member [WITHSCORE]`,
    handler(c, argv) {
      // 7.2 checks the extra arguments before the key: a syntax error wins over WRONGTYPE.
      if (argv.length > 4) throw new RedisError(E.WRONG_ARITY(name));
      let withscore = false;
      if (argv.length === 4) {
        if (argv[3]!.toLowerCase() !== 'withscore') throw new RedisError(E.SYNTAX);
        withscore = true;
      }
      const z = zsetOrNull(c.db.read(argv[1]!));
      const r = z === null ? -1 : z.rank(argv[2]!);
      if (r < 0) {
        // A missing key or member: null array with WITHSCORE (*-1 / _), else null bulk.
        if (withscore) c.w.nullArray();
        else c.w.nullBulk();
        return;
      }
      if (withscore) c.w.array(2);
      c.w.integer(name === 'zrank' ? r : z!.size - 1 - r);
      if (withscore) c.w.double(z!.score(argv[2]!)!);
    },
  })),
  {
    name: 'zcount', arity: 4, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'ZCOUNT key min max',
    handler(c, argv) {
      const r = parseScoreRange(argv[2]!, argv[3]!);
      const z = zsetOrNull(c.db.read(argv[1]!));
      c.w.integer(z === null ? 0 : z.countInRange(r));
    },
  },
  {
    name: 'zlexcount', arity: 4, flags: ['readonly', 'fast'], keys: KEY1,
    syntax: 'ZLEXCOUNT key min max',
    handler(c, argv) {
      const r = parseLexRange(argv[2]!, argv[3]!);
      const z = zsetOrNull(c.db.read(argv[1]!));
      c.w.integer(z === null ? 0 : z.countInLex(r));
    },
  },
  {
    name: 'zrange', arity: -4, flags: ['readonly'], keys: KEY1,
    syntax: 'ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]',
    handler: (c, argv) => zrange(c, argv, null, null),
  },
  {
    name: 'zrangebyscore', arity: -4, flags: ['readonly'], keys: KEY1,
    syntax: 'ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]',
    handler: (c, argv) => zrange(c, argv, 'score', false),
  },
  {
    name: 'zrevrangebyscore', arity: -4, flags: ['readonly'], keys: KEY1,
    syntax: 'ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]',
    handler: (c, argv) => zrange(c, argv, 'score', true),
  },
  {
    name: 'zrangebylex', arity: -4, flags: ['readonly'], keys: KEY1,
    syntax: 'ZRANGEBYLEX key min max [LIMIT offset count]',
    handler: (c, argv) => zrange(c, argv, 'lex', false),
  },
  {
    name: 'zrevrangebylex', arity: -4, flags: ['readonly'], keys: KEY1,
    syntax: 'ZREVRANGEBYLEX key max min [LIMIT offset count]',
    handler: (c, argv) => zrange(c, argv, 'lex', true),
  },
  {
    name: 'zrevrange', arity: -4, flags: ['readonly'], keys: KEY1,
    syntax: 'ZREVRANGE key start stop [WITHSCORES]',
    handler: (c, argv) => zrange(c, argv, 'rank', true),
  },
  {
    name: 'zrangestore', arity: -5, flags: ['write', 'denyoom'], keys: { first: 1, last: 2, step: 1 },
    syntax: 'ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]',
    handler(c, argv) {
      const r = parseRange(argv, 2, true, null, null);
      const z = zsetOrNull(c.db.read(argv[2]!));
      const out = new ZSetValue();
      if (z !== null) for (const n of selectRange(z, r)) out.set(n.member, n.score);
      storeResult(c, argv[1]!, out, 'zrangestore');
    },
  },
  {
    name: 'zremrangebyrank', arity: 4, flags: ['write'], keys: KEY1,
    syntax: 'ZREMRANGEBYRANK key start stop',
    handler: (c, argv) => zremrange(c, argv, 'rank'),
  },
  {
    name: 'zremrangebyscore', arity: 4, flags: ['write'], keys: KEY1,
    syntax: 'ZREMRANGEBYSCORE key min max',
    handler: (c, argv) => zremrange(c, argv, 'score'),
  },
  {
    name: 'zremrangebylex', arity: 4, flags: ['write'], keys: KEY1,
    syntax: 'ZREMRANGEBYLEX key min max',
    handler: (c, argv) => zremrange(c, argv, 'lex'),
  },
  {
    name: 'zpopmin', arity: -2, flags: ['write', 'fast'], keys: KEY1,
    syntax: 'ZPOPMIN key [count]',
    handler: (c, argv) => zpopCommand(c, argv, false),
  },
  {
    name: 'zpopmax', arity: -2, flags: ['write', 'fast'], keys: KEY1,
    syntax: 'ZPOPMAX key [count]',
    handler: (c, argv) => zpopCommand(c, argv, true),
  },
  {
    name: 'zmpop', arity: -4, flags: ['write'], keys: { first: 0, last: 0, step: 0 },
    getKeys: numkeysKeys(1, false),
    syntax: 'ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]',
    handler: zmpop,
  },
  {
    name: 'bzpopmin', arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'], keys: { first: 1, last: -2, step: 1 },
    syntax: 'BZPOPMIN key [key ...] timeout',
    handler: (c, argv) => bzpop(c, argv.slice(1, -1), false, argv[argv.length - 1]!, -1),
  },
  {
    name: 'bzpopmax', arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'], keys: { first: 1, last: -2, step: 1 },
    syntax: 'BZPOPMAX key [key ...] timeout',
    handler: (c, argv) => bzpop(c, argv.slice(1, -1), true, argv[argv.length - 1]!, -1),
  },
  {
    name: 'bzmpop', arity: -5, flags: ['write', 'blocking'], keys: { first: 0, last: 0, step: 0 },
    getKeys: numkeysKeys(2, false),
    syntax: 'BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]',
    handler(c, argv) {
      const { keys, max, count } = mpopArgs(argv, 2);
      bzpop(c, keys, max, argv[1]!, count);
    },
  },
  {
    name: 'zrandmember', arity: -2, flags: ['readonly'], keys: KEY1,
    syntax: 'ZRANDMEMBER key [count [WITHSCORES]]',
    handler: zrandmember,
  },
  {
    name: 'zunion', arity: -3, flags: ['readonly'], keys: { first: 0, last: 0, step: 0 },
    getKeys: numkeysKeys(1, false),
    syntax: 'ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]',
    handler: (c, argv) => setOp(c, argv, null, 1, 'union', false, 'zunion'),
  },
  {
    name: 'zinter', arity: -3, flags: ['readonly'], keys: { first: 0, last: 0, step: 0 },
    getKeys: numkeysKeys(1, false),
    syntax: 'ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]',
    handler: (c, argv) => setOp(c, argv, null, 1, 'inter', false, 'zinter'),
  },
  {
    name: 'zdiff', arity: -3, flags: ['readonly'], keys: { first: 0, last: 0, step: 0 },
    getKeys: numkeysKeys(1, false),
    syntax: 'ZDIFF numkeys key [key ...] [WITHSCORES]',
    handler: (c, argv) => setOp(c, argv, null, 1, 'diff', false, 'zdiff'),
  },
  {
    name: 'zintercard', arity: -3, flags: ['readonly'], keys: { first: 0, last: 0, step: 0 },
    getKeys: numkeysKeys(1, false),
    syntax: 'ZINTERCARD numkeys key [key ...] [LIMIT limit]',
    handler: (c, argv) => setOp(c, argv, null, 1, 'inter', true, 'zintercard'),
  },
  {
    name: 'zunionstore', arity: -4, flags: ['write', 'denyoom'], keys: KEY1,
    getKeys: numkeysKeys(2, true),
    syntax: 'ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]',
    handler: (c, argv) => setOp(c, argv, argv[1]!, 2, 'union', false, 'zunionstore'),
  },
  {
    name: 'zinterstore', arity: -4, flags: ['write', 'denyoom'], keys: KEY1,
    getKeys: numkeysKeys(2, true),
    syntax: 'ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]',
    handler: (c, argv) => setOp(c, argv, argv[1]!, 2, 'inter', false, 'zinterstore'),
  },
  {
    name: 'zdiffstore', arity: -4, flags: ['write', 'denyoom'], keys: KEY1,
    getKeys: numkeysKeys(2, true),
    syntax: 'ZDIFFSTORE destination numkeys key [key ...]',
    handler: (c, argv) => setOp(c, argv, argv[1]!, 2, 'diff', false, 'zdiffstore'),
  },
  {
    name: 'zscan', arity: -3, flags: ['readonly'], keys: KEY1,
    syntax: 'ZSCAN key cursor [MATCH pattern] [COUNT count]',
    handler: zscan,
  },
];
