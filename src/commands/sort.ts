// SORT and SORT_RO (Redis 7.0's sort.c, sortCommandGeneric): sort a list, a
// set or a sorted set numerically or by bytes (ALPHA), by the element itself
// or by the value a BY pattern names, with LIMIT, GET patterns, and STORE
// (SORT only) writing the result as a list.
//
// The order of the steps follows Redis so that the replies, the errors and
// their precedence match: options are parsed first (the first bad option is
// the error), then the key's type is checked, then the vector of elements is
// loaded (a list or sorted set with BY nosort loads only the LIMIT range, in
// its own order, reversed with DESC), scores are computed, the vector sorted,
// and only then a score that is not a number is reported (so nothing is
// stored).
//
// Comparisons: numeric ties are broken by the elements' bytes (deterministic
// output); ALPHA uses strcoll, which under Redis's C / C.UTF-8 collation is
// strcmp: bytes up to the first NUL. With STORE Redis compares binary-safe
// instead (the stored result must not depend on the locale). Array.sort is
// stable, as glibc's qsort (a merge sort) is in practice, so elements that
// compare equal keep their loading order.

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import { CTX_SCRIPT } from '../engine/context.js';
import { numArg } from '../engine/args.js';
import type { CommandSpec } from '../engine/table.js';
import { HashValue } from '../keyspace/hash.js';
import type { Database } from '../keyspace/keyspace.js';
import { ListValue } from '../keyspace/list.js';
import { SetValue } from '../keyspace/set.js';
import { isString, stringValue } from '../keyspace/types.js';
import type { ZNode } from '../keyspace/zset.js';
import { ZSetValue } from '../keyspace/zset.js';
import { parseFloatStrict } from '../util/numbers.js';

/** One element of the sorting vector (redisSortObject). */
interface SortItem {
  obj: string;
  score: number;
  /** ALPHA with BY: the value compared, null when the BY key is missing. */
  cmp: string | null;
}

/** The string as C sees it: up to the first NUL. */
function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** memcmp then length (compareStringObjects, binary). */
function binaryCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C / C.UTF-8 locale: strcmp, bytes up to the first NUL. */
function collate(a: string, b: string): number {
  return binaryCompare(cstr(a), cstr(b));
}

/** The smallest normal double. */
const DBL_MIN = 2.2250738585072014e-308;

function isCSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

/**
 * The score SORT reads with strtod: the C string must be all number after
 * optional leading white space; an empty string is 0 (strtod converts
 * nothing and stops at the NUL); NaN and out-of-range values are refused.
 * Returns null for "can't be converted into double".
 */
function sortScore(s: string): number | null {
  const t = cstr(s);
  if (t.length === 0) return 0;
  let i = 0;
  while (i < t.length && isCSpace(t.charCodeAt(i))) i++;
  if (i === t.length) return null;
  const num = i === 0 ? t : t.slice(i);
  const v = parseFloatStrict(num);
  // glibc's strtod also sets ERANGE for a subnormal result that is inexact,
  // which a decimal literal in that range always is in practice (a hex one
  // is exact unless it has more bits than fit).
  if (v !== null && v !== 0 && Math.abs(v) < DBL_MIN && !/^[+-]?0[xX]/.test(num)) return null;
  return v;
}

/**
 * lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is
 * replaced by the element and the key read (a string), or, with "->field"
 * after the '*', that field of the hash read. Null when there is no '*', the
 * key is missing or of another type, or the field is missing.
 */
function lookupByPattern(db: Database, pattern: string, subst: string): string | null {
  const pz = cstr(pattern);
  if (pz === '#') return subst;
  const p = pz.indexOf('*');
  if (p < 0) return null;
  const f = pz.indexOf('->', p + 1);
  const field = f >= 0 && f + 2 < pz.length ? pattern.slice(f + 2) : null;
  const keyEnd = field === null ? pattern.length : pattern.length - field.length - 2;
  const key = pattern.slice(0, p) + subst + pattern.slice(p + 1, keyEnd);
  const v = db.read(key);
  if (v === undefined) return null;
  if (field === null) return isString(v) ? stringValue(v) : null;
  if (!(v instanceof HashValue)) return null;
  return v.get(field) ?? null;
}

function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const gets: string[] = [];

  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const left = argv.length - j - 1;
    if (opt === 'asc') {
      desc = false;
    } else if (opt === 'desc') {
      desc = true;
    } else if (opt === 'alpha') {
      alpha = true;
    } else if (opt === 'limit' && left >= 2) {
      limitStart = numArg(argv[j + 1]!);
      limitCount = numArg(argv[j + 2]!);
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      storekey = argv[++j]!;
    } else if (opt === 'by' && left >= 1) {
      sortby = argv[++j]!;
      // A pattern without '*' (BY nosort): keep the native order.
      if (!cstr(sortby).includes('*')) dontsort = true;
    } else if (opt === 'get' && left >= 1) {
      gets.push(argv[++j]!);
    } else {
      throw new RedisError(E.SYNTAX);
    }
  }

  const db = c.db;
  const sortval = db.read(argv[1]!);
  if (sortval !== undefined && !(sortval instanceof ListValue) && !(sortval instanceof SetValue) && !(sortval instanceof ZSetValue)) {
    throw new RedisError(E.WRONGTYPE);
  }

  // A set's native order is its hashtable's: what is stored or seen by a
  // script must not depend on it, so Redis sorts it by bytes instead.
  if (dontsort && sortval instanceof SetValue && (storekey !== null || (c.ctx.flags & CTX_SCRIPT) !== 0)) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }

  const len = sortval === undefined ? 0 : sortval instanceof ListValue ? sortval.length : sortval.size;
  let vectorlen = len;
  let start = limitStart < 0 ? 0 : limitStart;
  let end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;

  const native = sortval === undefined || sortval instanceof ListValue || sortval instanceof ZSetValue;
  if (native && dontsort && (start !== 0 || end !== vectorlen - 1)) vectorlen = end - start + 1;

  const vector: SortItem[] = [];
  const item = (obj: string): SortItem => ({ obj, score: 0, cmp: null });
  if (sortval === undefined) {
    // A missing key sorts as an empty list.
  } else if (sortval instanceof ListValue) {
    if (dontsort) {
      if (end >= start) {
        // vectorlen elements from `start` on, counted from the tail when desc.
        const first = desc ? len - start - 1 : start;
        const last = desc ? first - vectorlen + 1 : first + vectorlen - 1;
        if (vectorlen > 0 && first >= 0 && first < len) {
          sortval.forEach(Math.min(first, last), Math.max(first, last), (v) => {
            vector.push(item(v));
          }, desc);
        }
        end -= start;
        start = 0;
      }
    } else {
      sortval.forEach(0, len - 1, (v) => {
        vector.push(item(v));
      });
    }
  } else if (sortval instanceof SetValue) {
    for (const m of sortval.members()) vector.push(item(m));
  } else if (dontsort) {
    let ln: ZNode | null;
    if (desc) ln = start > 0 ? sortval.byRank(len - start - 1) : sortval.last();
    else ln = start > 0 ? sortval.byRank(start) : sortval.first();
    for (let n = vectorlen; n > 0 && ln !== null; n--) {
      vector.push(item(ln.member));
      ln = desc ? ln.backward : ln.forward;
    }
    end -= start;
    start = 0;
  } else {
    for (const m of sortval.dict.keys()) vector.push(item(m));
  }

  let conversionError = false;
  if (!dontsort) {
    for (const it of vector) {
      let byval: string;
      if (sortby !== null) {
        const v = lookupByPattern(db, sortby, it.obj);
        if (v === null) continue;
        byval = v;
      } else {
        byval = it.obj;
      }
      if (alpha) {
        if (sortby !== null) it.cmp = byval;
      } else {
        const score = sortScore(byval);
        if (score === null) conversionError = true;
        else it.score = score;
      }
    }
    const byPattern = sortby !== null;
    const store = storekey !== null;
    const sign = desc ? -1 : 1;
    let cmp: (a: SortItem, b: SortItem) => number;
    if (!alpha) {
      cmp = (a, b) => sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : binaryCompare(a.obj, b.obj));
    } else if (byPattern) {
      cmp = (a, b) => {
        if (a.cmp === null || b.cmp === null) return a.cmp === b.cmp ? 0 : sign * (a.cmp === null ? -1 : 1);
        return sign * (store ? binaryCompare(a.cmp, b.cmp) : collate(a.cmp, b.cmp));
      };
    } else {
      cmp = (a, b) => sign * (store ? binaryCompare(a.obj, b.obj) : collate(a.obj, b.obj));
    }
    vector.sort(cmp);
  }

  if (conversionError) throw new RedisError(E.SORT_SCORE_NOT_DOUBLE);
  const count = end - start + 1;
  const outputlen = gets.length > 0 ? gets.length * count : count;

  if (storekey === null) {
    c.w.array(outputlen);
    for (let j = start; j <= end; j++) {
      const obj = vector[j]!.obj;
      if (gets.length === 0) c.w.bulk(obj);
      for (const g of gets) {
        const v = lookupByPattern(db, g, obj);
        if (v === null) c.w.nullBulk();
        else c.w.bulk(v);
      }
    }
    return;
  }

  const out = new ListValue(outputlen);
  for (let j = start; j <= end; j++) {
    const obj = vector[j]!.obj;
    if (gets.length === 0) out.pushTail(obj);
    // A missing GET value is stored as an empty string.
    for (const g of gets) out.pushTail(lookupByPattern(db, g, obj) ?? '');
  }
  if (outputlen > 0) {
    db.set(storekey, out);
    db.changed(storekey, 'sortstore', outputlen);
  } else if (db.delete(storekey)) {
    db.changed(storekey, 'del');
  }
  c.w.integer(outputlen);
}

/**
 * sortGetKeys: the sorted key, and the destination of the last STORE,
 * skipping the arguments of LIMIT, GET and BY (a STORE's own argument is not
 * skipped, as in Redis).
 */
function sortGetKeys(argv: readonly string[]): number[] {
  const keys = [1];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!.toLowerCase();
    if (a === 'limit') i += 2;
    else if (a === 'get' || a === 'by') i += 1;
    else if (a === 'store' && i + 1 < argv.length) store = i + 1;
  }
  if (store > 0) keys.push(store);
  return keys;
}

const KEY1 = { first: 1, last: 1, step: 1 };

export const sortCommands: CommandSpec[] = [
  {
    name: 'sort', arity: -2, flags: ['write', 'denyoom'], keys: KEY1, getKeys: sortGetKeys,
    syntax: 'SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA] [STORE destination]',
    handler: (c, argv) => sortGeneric(c, argv, false),
  },
  {
    name: 'sort_ro', arity: -2, flags: ['readonly'], keys: KEY1, getKeys: () => [1],
    syntax: 'SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA]',
    handler: (c, argv) => sortGeneric(c, argv, true),
  },
];
