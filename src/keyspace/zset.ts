// The sorted set value: a Map member -> score for O(1) lookups, plus a skip
// list ordered by (score, member) whose links carry span counts, so ranks,
// rank lookups and range searches are O(log n) (Redis's zskiplist, t_zset.c).
// Members are latin1 strings, so JS string comparison is Redis's memcmp order.
//
// Redis keeps small sorted sets in a listpack; we always use the skip list
// but report the encoding Redis would have: 'listpack' until a member is
// added past zset-max-listpack-entries or longer than zset-max-listpack-value,
// then 'skiplist' for good (Redis never converts back, except for the result
// of a *STORE command, which is sized once: see `fitsListpack`).

import { formatDouble17g } from '../util/numbers.js';
import { RObject, type ValueType } from './types.js';

const MAX_LEVEL = 32;
const P = 0.25;

export class ZNode {
  backward: ZNode | null = null;
  readonly next: (ZNode | null)[];
  readonly span: number[];
  constructor(public member: string, public score: number, level: number) {
    this.next = new Array<ZNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

/** A score interval: min/max with exclusive flags ('(' in the syntax). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** A lex interval; `null` bounds are '-' (for min) and '+' (for max). */
export interface LexRange {
  min: string | null;
  max: string | null;
  minex: boolean;
  maxex: boolean;
  /** '+' given as min or '-' given as max: the range is empty. */
  empty: boolean;
}

export interface EncodingLimitsLike {
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
}

export function gteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}

export function lteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}

export function lexGteMin(v: string, r: LexRange): boolean {
  if (r.empty) return false;
  if (r.min === null) return true;
  return r.minex ? v > r.min : v >= r.min;
}

export function lexLteMax(v: string, r: LexRange): boolean {
  if (r.empty) return false;
  if (r.max === null) return true;
  return r.maxex ? v < r.max : v <= r.max;
}

/** Whether a score range can hold anything (zslIsInRange's first test). */
function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

function lexRangeEmpty(r: LexRange): boolean {
  if (r.empty) return true;
  if (r.min === null || r.max === null) return false;
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

function before(score: number, member: string, node: ZNode): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

export class ZSetValue extends RObject {
  readonly dict = new Map<string, number>();
  private readonly header = new ZNode('', 0, MAX_LEVEL);
  private tail: ZNode | null = null;
  private level = 1;
  /** Whether Redis would hold this set in a listpack. */
  listpack = true;

  get type(): ValueType {
    return 'zset';
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'skiplist';
  }

  get size(): number {
    return this.dict.size;
  }

  clone(): ZSetValue {
    const z = new ZSetValue();
    for (let n = this.first(); n !== null; n = n.next[0]!) z.set(n.member, n.score);
    z.listpack = this.listpack;
    return z;
  }

  contents(): [string, string][] {
    const out: [string, string][] = [];
    for (let n = this.first(); n !== null; n = n.next[0]!) out.push([n.member, formatDouble17g(n.score)]);
    return out;
  }

  /**
   * Before adding a member of this length: the encoding zsetAdd leaves
   * (converted when the set grows past the entries limit or the member is
   * longer than the value limit).
   */
  willAdd(memberLen: number, limits: EncodingLimitsLike): void {
    if (this.listpack && (this.dict.size + 1 > limits.zsetMaxListpackEntries || memberLen > limits.zsetMaxListpackValue)) {
      this.listpack = false;
    }
  }

  /** A score as the encoding keeps it: a listpack stores -0 as "0". */
  stored(score: number): number {
    return this.listpack && score === 0 ? 0 : score;
  }

  /** The encoding of a freshly built result (zsetConvertToListpackIfNeeded). */
  fitsListpack(limits: EncodingLimitsLike): void {
    let maxlen = 0;
    for (const m of this.dict.keys()) if (m.length > maxlen) maxlen = m.length;
    this.listpack = this.dict.size <= limits.zsetMaxListpackEntries && maxlen <= limits.zsetMaxListpackValue;
    if (!this.listpack) return;
    for (let n = this.first(); n !== null; n = n.next[0]!) {
      if (Object.is(n.score, -0)) {
        n.score = 0;
        this.dict.set(n.member, 0);
      }
    }
  }

  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  first(): ZNode | null {
    return this.header.next[0]!;
  }

  last(): ZNode | null {
    return this.tail;
  }

  /** Add or update; returns 'added', 'updated' or 'same'. */
  set(member: string, score: number): 'added' | 'updated' | 'same' {
    const cur = this.dict.get(member);
    if (cur === undefined) {
      this.dict.set(member, score);
      this.insert(score, member);
      return 'added';
    }
    if (cur === score) return 'same';
    this.dict.set(member, score);
    this.unlinkByKey(cur, member);
    this.insert(score, member);
    return 'updated';
  }

  remove(member: string): boolean {
    const cur = this.dict.get(member);
    if (cur === undefined) return false;
    this.dict.delete(member);
    this.unlinkByKey(cur, member);
    return true;
  }

  private randomLevel(): number {
    let l = 1;
    while (l < MAX_LEVEL && Math.random() < P) l++;
    return l;
  }

  private insert(score: number, member: string): void {
    const update = new Array<ZNode>(MAX_LEVEL);
    const rank = new Array<number>(MAX_LEVEL);
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      let nx = x.next[i]!;
      while (nx !== null && before(score, member, nx)) {
        rank[i]! += x.span[i]!;
        x = nx;
        nx = x.next[i]!;
      }
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        this.header.span[i] = this.dict.size - 1; // length before this insert
      }
      this.level = level;
    }
    const node = new ZNode(member, score, level);
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      node.next[i] = u.next[i]!;
      u.next[i] = node;
      node.span[i] = u.span[i]! - (rank[0]! - rank[i]!);
      u.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    node.backward = update[0] === this.header ? null : update[0]!;
    if (node.next[0] !== null) node.next[0]!.backward = node;
    else this.tail = node;
  }

  private unlinkNode(x: ZNode, update: ZNode[]): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (u.next[i] === x) {
        u.span[i]! += x.span[i]! - 1;
        u.next[i] = x.next[i]!;
      } else {
        u.span[i]!--;
      }
    }
    if (x.next[0] !== null) x.next[0]!.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.header.next[this.level - 1] === null) this.level--;
  }

  private unlinkByKey(score: number, member: string): void {
    const update = new Array<ZNode>(MAX_LEVEL);
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!;
      while (nx !== null && before(score, member, nx)) {
        x = nx;
        nx = x.next[i]!;
      }
      update[i] = x;
    }
    const t = x.next[0]!;
    if (t !== null && t.score === score && t.member === member) this.unlinkNode(t, update);
  }

  /** The 0-based rank of a member, or -1. */
  rank(member: string): number {
    const score = this.dict.get(member);
    if (score === undefined) return -1;
    let r = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!;
      while (nx !== null && (before(score, member, nx) || (nx.score === score && nx.member === member))) {
        r += x.span[i]!;
        x = nx;
        nx = x.next[i]!;
      }
      if (x !== this.header && x.member === member) return r - 1;
    }
    return -1;
  }

  /** The node at a 0-based rank (which must be in range). */
  byRank(index: number): ZNode | null {
    const target = index + 1;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] !== null && traversed + x.span[i]! <= target) {
        traversed += x.span[i]!;
        x = x.next[i]!;
      }
      if (traversed === target) return x;
    }
    return null;
  }

  /** The first node within the score range, or null. */
  firstInRange(r: ScoreRange): ZNode | null {
    if (scoreRangeEmpty(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] !== null && !gteMin(x.next[i]!.score, r)) x = x.next[i]!;
    }
    const n = x.next[0]!;
    return n !== null && lteMax(n.score, r) ? n : null;
  }

  /** The last node within the score range, or null. */
  lastInRange(r: ScoreRange): ZNode | null {
    if (scoreRangeEmpty(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] !== null && lteMax(x.next[i]!.score, r)) x = x.next[i]!;
    }
    return x !== this.header && gteMin(x.score, r) ? x : null;
  }

  firstInLex(r: LexRange): ZNode | null {
    if (lexRangeEmpty(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] !== null && !lexGteMin(x.next[i]!.member, r)) x = x.next[i]!;
    }
    const n = x.next[0]!;
    return n !== null && lexLteMax(n.member, r) ? n : null;
  }

  lastInLex(r: LexRange): ZNode | null {
    if (lexRangeEmpty(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] !== null && lexLteMax(x.next[i]!.member, r)) x = x.next[i]!;
    }
    return x !== this.header && lexGteMin(x.member, r) ? x : null;
  }

  /** Remove the nodes of 0-based ranks start..end (inclusive); returns the count. */
  removeRankRange(start: number, end: number): number {
    let n = 0;
    let x = this.byRank(start);
    while (x !== null && n < end - start + 1) {
      const nx = x.next[0]!;
      this.remove(x.member);
      n++;
      x = nx;
    }
    return n;
  }

  /** Remove the members in a score range; returns the count. */
  removeScoreRange(r: ScoreRange): number {
    let n = 0;
    let x = this.firstInRange(r);
    while (x !== null && lteMax(x.score, r)) {
      const nx = x.next[0]!;
      this.remove(x.member);
      n++;
      x = nx;
    }
    return n;
  }

  removeLexRange(r: LexRange): number {
    let n = 0;
    let x = this.firstInLex(r);
    while (x !== null && lexLteMax(x.member, r)) {
      const nx = x.next[0]!;
      this.remove(x.member);
      n++;
      x = nx;
    }
    return n;
  }

  /** Count of members in a score range (via ranks: O(log n)). */
  countInRange(r: ScoreRange): number {
    const f = this.firstInRange(r);
    if (f === null) return 0;
    const l = this.lastInRange(r)!;
    return this.rank(l.member) - this.rank(f.member) + 1;
  }

  countInLex(r: LexRange): number {
    const f = this.firstInLex(r);
    if (f === null) return 0;
    const l = this.lastInLex(r)!;
    return this.rank(l.member) - this.rank(f.member) + 1;
  }
}
