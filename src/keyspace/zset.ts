// The sorted set value: a Map member -> skip-list node for O(1) lookups (of
// the score, and of the node itself, so updates and removals need no search
// by member), plus a skip list ordered by (score, member) whose links carry
// span counts, so ranks, rank lookups and range searches are O(log n)
// (Redis's zskiplist, t_zset.c). Members are latin1 strings, so JS string
// comparison is Redis's memcmp order.
//
// Redis keeps small sorted sets in a listpack; we always use the skip list
// but report the encoding Redis would have: 'listpack' until a member is
// added past zset-max-listpack-entries or longer than zset-max-listpack-value,
// then 'skiplist' for good (Redis never converts back, except for the result
// of a *STORE command, which is sized once: see `fitsListpack`).
//
// Also owned here: ZSCAN iterations over a skiplist-encoded set (open Map
// iterators per set, see `scan` and src/keyspace/scan.ts).

import { formatDouble17g } from '../util/numbers.js';
import { globMatch } from './glob.js';
import { OpenScans } from './scan.js';
import { RObject, type ValueType } from './types.js';

const MAX_LEVEL = 32;
const P = 0.25;

/**
 * A skip-list node. Memory is the point of this layout (a big sorted set is
 * mostly nodes): level 0, which every node has, is two in-object fields
 * (`forward`, and a span that is implicit: 1 to a node, 0 past the tail);
 * only the quarter of nodes with more levels carry an array, holding each
 * upper level's next node and span interleaved.
 */
export class ZNode {
  /** The next node at level 0, null at the tail. */
  forward: ZNode | null;
  /** The previous node, null at the head. */
  backward: ZNode | null;
  /** Levels 1.. as pairs: [2(i-1)] the next node at level i, [2(i-1)+1] its span; null for a level-1 node. */
  readonly up: (ZNode | number | null)[] | null;
  member: string;
  score: number;

  constructor(member: string, score: number, level: number) {
    this.forward = null;
    this.backward = null;
    if (level > 1) {
      // new Array(n): a backing store of exactly n slots (no growth slack).
      const up = new Array<ZNode | number | null>(2 * (level - 1));
      for (let i = 0; i < up.length; i += 2) {
        up[i] = null;
        up[i + 1] = 0;
      }
      this.up = up;
    } else {
      this.up = null;
    }
    this.member = member;
    this.score = score;
  }

  /** The number of levels this node is linked at (1..32). */
  get level(): number {
    return this.up === null ? 1 : (this.up.length >> 1) + 1;
  }
}

/** The next node of `x` at level `i` (which `x` must have). */
function nextAt(x: ZNode, i: number): ZNode | null {
  return i === 0 ? x.forward : (x.up![2 * i - 2] as ZNode | null);
}

/** The span of `x`'s link at level `i`: how many level-0 steps it jumps. */
function spanAt(x: ZNode, i: number): number {
  return i === 0 ? (x.forward === null ? 0 : 1) : (x.up![2 * i - 1] as number);
}

function setNextAt(x: ZNode, i: number, n: ZNode | null): void {
  if (i === 0) x.forward = n;
  else x.up![2 * i - 2] = n;
}

/** Level 0's span is implicit: only upper levels store one. */
function setSpanAt(x: ZNode, i: number, s: number): void {
  if (i !== 0) x.up![2 * i - 1] = s;
}

/** Scratch vectors for insert/unlink (never reentered: one at a time). */
const update = new Array<ZNode>(MAX_LEVEL);
const rankv = new Array<number>(MAX_LEVEL).fill(0);

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

/** Open ZSCAN iterations kept per sorted set; the oldest is dropped past this. */
const MAX_SCANS_PER_ZSET = 16;

export class ZSetValue extends RObject {
  readonly dict = new Map<string, ZNode>();
  private readonly header = new ZNode('', 0, MAX_LEVEL);
  private tail: ZNode | null = null;
  private level = 1;
  /** Whether Redis would hold this set in a listpack. */
  listpack = true;
  /** Open ZSCAN iterations (created on the first one). */
  private scans: OpenScans<ZNode> | null = null;

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
    for (let n = this.first(); n !== null; n = n.forward) z.set(n.member, n.score);
    z.listpack = this.listpack;
    return z;
  }

  contents(): [string, string][] {
    const out: [string, string][] = [];
    for (let n = this.first(); n !== null; n = n.forward) out.push([n.member, formatDouble17g(n.score)]);
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
    // -0 and 0 are equal for the order: rewriting in place keeps it.
    for (let n = this.first(); n !== null; n = n.forward) if (Object.is(n.score, -0)) n.score = 0;
  }

  score(member: string): number | undefined {
    return this.dict.get(member)?.score;
  }

  /** The node of a member, or undefined (do not change it). */
  node(member: string): ZNode | undefined {
    return this.dict.get(member);
  }

  first(): ZNode | null {
    return this.header.forward;
  }

  last(): ZNode | null {
    return this.tail;
  }

  /** Add or update; returns 'added', 'updated' or 'same'. */
  set(member: string, score: number): 'added' | 'updated' | 'same' {
    const node = this.dict.get(member);
    if (node === undefined) {
      const n = new ZNode(member, score, this.randomLevel());
      this.dict.set(member, n);
      this.link(n);
      return 'added';
    }
    if (node.score === score) return 'same';
    // zslUpdateScore: in place when the node keeps its position, otherwise
    // unlinked and relinked (the same node, so the Map needs no update).
    const b = node.backward;
    const f = node.forward;
    if ((b === null || b.score < score) && (f === null || f.score > score)) {
      node.score = score;
      return 'updated';
    }
    this.unlink(node);
    node.score = score;
    this.link(node);
    return 'updated';
  }

  remove(member: string): boolean {
    const node = this.dict.get(member);
    if (node === undefined) return false;
    this.dict.delete(member);
    this.unlink(node);
    return true;
  }

  private randomLevel(): number {
    let l = 1;
    while (l < MAX_LEVEL && Math.random() < P) l++;
    return l;
  }

  /** zslInsert for a node (new, or unlinked by `set`) already in the Map. */
  private link(node: ZNode): void {
    const score = node.score;
    const member = node.member;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let r = i === this.level - 1 ? 0 : rankv[i + 1]!;
      let nx = nextAt(x, i);
      while (nx !== null && before(score, member, nx)) {
        r += spanAt(x, i);
        x = nx;
        nx = nextAt(x, i);
      }
      rankv[i] = r;
      update[i] = x;
    }
    const level = node.level;
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankv[i] = 0;
        update[i] = this.header;
        setSpanAt(this.header, i, this.dict.size - 1); // length before this insert
      }
      this.level = level;
    }
    const rank0 = rankv[0]!;
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      setNextAt(node, i, nextAt(u, i));
      setNextAt(u, i, node);
      const d = rank0 - rankv[i]!;
      setSpanAt(node, i, spanAt(u, i) - d);
      setSpanAt(u, i, d + 1);
    }
    for (let i = level; i < this.level; i++) {
      const u = update[i]!;
      setSpanAt(u, i, spanAt(u, i) + 1);
    }
    node.backward = update[0] === this.header ? null : update[0]!;
    if (node.forward !== null) node.forward.backward = node;
    else this.tail = node;
  }

  /** zslDelete of a linked node (its score and member as linked). */
  private unlink(x: ZNode): void {
    if (x.backward === null) {
      // The first node: nothing precedes it at any level.
      for (let i = 0; i < this.level; i++) update[i] = this.header;
    } else {
      const score = x.score;
      const member = x.member;
      let y = this.header;
      for (let i = this.level - 1; i >= 0; i--) {
        let nx = nextAt(y, i);
        while (nx !== null && before(score, member, nx)) {
          y = nx;
          nx = nextAt(y, i);
        }
        update[i] = y;
      }
    }
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (nextAt(u, i) === x) {
        setSpanAt(u, i, spanAt(u, i) + spanAt(x, i) - 1);
        setNextAt(u, i, nextAt(x, i));
      } else {
        setSpanAt(u, i, spanAt(u, i) - 1);
      }
    }
    if (x.forward !== null) x.forward.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && nextAt(this.header, this.level - 1) === null) this.level--;
  }

  /** The 0-based rank of a member, or -1. */
  rank(member: string): number {
    const node = this.dict.get(member);
    if (node === undefined) return -1;
    const score = node.score;
    let r = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = nextAt(x, i);
      while (nx !== null && (nx === node || before(score, member, nx))) {
        r += spanAt(x, i);
        x = nx;
        nx = nextAt(x, i);
      }
      if (x === node) return r - 1;
    }
    return -1;
  }

  /** The node at a 0-based rank (which must be in range). */
  byRank(index: number): ZNode | null {
    const target = index + 1;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = nextAt(x, i);
      while (nx !== null && traversed + spanAt(x, i) <= target) {
        traversed += spanAt(x, i);
        x = nx;
        nx = nextAt(x, i);
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
      let nx = nextAt(x, i);
      while (nx !== null && !gteMin(nx.score, r)) {
        x = nx;
        nx = nextAt(x, i);
      }
    }
    const n = x.forward;
    return n !== null && lteMax(n.score, r) ? n : null;
  }

  /** The last node within the score range, or null. */
  lastInRange(r: ScoreRange): ZNode | null {
    if (scoreRangeEmpty(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = nextAt(x, i);
      while (nx !== null && lteMax(nx.score, r)) {
        x = nx;
        nx = nextAt(x, i);
      }
    }
    return x !== this.header && gteMin(x.score, r) ? x : null;
  }

  firstInLex(r: LexRange): ZNode | null {
    if (lexRangeEmpty(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = nextAt(x, i);
      while (nx !== null && !lexGteMin(nx.member, r)) {
        x = nx;
        nx = nextAt(x, i);
      }
    }
    const n = x.forward;
    return n !== null && lexLteMax(n.member, r) ? n : null;
  }

  lastInLex(r: LexRange): ZNode | null {
    if (lexRangeEmpty(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = nextAt(x, i);
      while (nx !== null && lexLteMax(nx.member, r)) {
        x = nx;
        nx = nextAt(x, i);
      }
    }
    return x !== this.header && lexGteMin(x.member, r) ? x : null;
  }

  /** Remove the nodes of 0-based ranks start..end (inclusive); returns the count. */
  removeRankRange(start: number, end: number): number {
    let n = 0;
    let x = this.byRank(start);
    while (x !== null && n < end - start + 1) {
      const nx = x.forward;
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
      const nx = x.forward;
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
      const nx = x.forward;
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

  /**
   * One ZSCAN step: [next cursor, member/score pairs flat, scores as
   * formatDouble17g]. A listpack-encoded set is returned whole with cursor
   * 0, in score order, as Redis does. Otherwise the cursor names an open
   * iteration of the Map (see src/keyspace/scan.ts for the guarantees); a
   * score update keeps the member's node, hence its place in the Map order.
   */
  scan(cursor: number, count: number, match: string | null): [number, string[]] {
    const out: string[] = [];
    if (this.listpack) {
      for (let n = this.first(); n !== null; n = n.forward) {
        if (match === null || globMatch(match, n.member)) out.push(n.member, formatDouble17g(n.score));
      }
      return [0, out];
    }
    if (this.scans === null) this.scans = new OpenScans(MAX_SCANS_PER_ZSET);
    const next = this.scans.step(cursor, count, () => this.dict.values(), (n) => {
      if (match === null || globMatch(match, n.member)) out.push(n.member, formatDouble17g(n.score));
    });
    return [next, out];
  }
}
