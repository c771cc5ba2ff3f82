// The set value: unordered unique byte strings (latin1), with Redis 7.0's
// two encodings as OBJECT ENCODING reports them.
//
// Storage: a Map member -> slot plus a slot array. The Map gives membership
// and an iteration order that survives concurrent changes (SSCAN's stateful
// cursors keep a live Map iterator: a member present for a whole iteration is
// met exactly once). The slot array, with holes left by removals and compacted
// when half of it is holes, gives O(1) uniform random picks (SPOP,
// SRANDMEMBER) by rejection sampling.
//
// Encoding: 'intset' while every member is a canonical integer (Redis's
// string2ll) and there are at most set-max-intset-entries of them, then
// 'hashtable' for good, as Redis converts one way only. An intset answers in
// ascending numeric order (Redis's intset is a sorted array), which is
// emulated with a sorted copy cached until the next change.

import { parseInt64 } from '../util/numbers.js';
import { OpenScans } from './scan.js';
import { RObject, type ValueType } from './types.js';

/** Redis caps intsets at 2^30 entries whatever the configuration says. */
const INTSET_HARD_MAX = 1 << 30;
/** Live SSCAN cursors kept per set; the oldest is dropped beyond this. */
const MAX_SCANS = 32;

/** Whether `s` is an integer as Redis's string2ll reads it. */
export function isIntMember(s: string): boolean {
  return s.length <= 20 && parseInt64(s) !== null;
}

/** Numeric order of two canonical integer strings, without parsing them. */
export function compareIntStrings(a: string, b: string): number {
  const na = a.charCodeAt(0) === 45;
  const nb = b.charCodeAt(0) === 45;
  if (na !== nb) return na ? -1 : 1;
  let r: number;
  if (a.length !== b.length) r = a.length < b.length ? -1 : 1;
  else r = a < b ? -1 : a > b ? 1 : 0;
  return na ? -r : r;
}

export class SetValue extends RObject {
  private readonly slotOf = new Map<string, number>();
  private slots: (string | undefined)[] = [];
  private intset: boolean;
  private sorted: string[] | null = null;
  private scans: OpenScans<string> | null = null;

  /** An empty set; `intset` as Redis's setTypeCreate decides from the first member. */
  constructor(intset = true) {
    super();
    this.intset = intset;
  }

  /** A new set holding `members` (deduplicated), encoded as Redis would build it. */
  static from(members: Iterable<string>, maxIntset: number): SetValue {
    const s = new SetValue(true);
    for (const m of members) s.add(m, maxIntset);
    return s;
  }

  get type(): ValueType {
    return 'set';
  }

  get size(): number {
    return this.slotOf.size;
  }

  get isIntset(): boolean {
    return this.intset;
  }

  encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }

  clone(): SetValue {
    const s = new SetValue(this.intset);
    for (const m of this.slotOf.keys()) s.insert(m);
    return s;
  }

  contents(): string[] {
    return [...this.slotOf.keys()].sort();
  }

  has(m: string): boolean {
    return this.slotOf.has(m);
  }

  /** Add a member; false when it was there. Converts to a hashtable as Redis's setTypeAdd. */
  add(m: string, maxIntset: number): boolean {
    if (this.slotOf.has(m)) return false;
    if (this.intset) {
      const max = Math.min(maxIntset, INTSET_HARD_MAX);
      if (!isIntMember(m) || this.slotOf.size + 1 > max) this.intset = false;
    }
    this.insert(m);
    return true;
  }

  private insert(m: string): void {
    this.slotOf.set(m, this.slots.length);
    this.slots.push(m);
    this.sorted = null;
  }

  /** Remove a member; false when it was not there. */
  delete(m: string): boolean {
    const slot = this.slotOf.get(m);
    if (slot === undefined) return false;
    this.slotOf.delete(m);
    this.slots[slot] = undefined;
    this.sorted = null;
    if (this.slotOf.size === 0) {
      this.slots = [];
    } else if (this.slotOf.size * 2 < this.slots.length && this.slots.length > 16) {
      this.compact();
    }
    return true;
  }

  /** Drop the holes; the Map keeps its order (updating a value does not move a key). */
  private compact(): void {
    const next: string[] = [];
    for (const m of this.slotOf.keys()) {
      this.slotOf.set(m, next.length);
      next.push(m);
    }
    this.slots = next;
  }

  /**
   * The members in the order Redis would iterate them: ascending for an
   * intset, the Map's order for a hashtable (Redis's is unspecified).
   * The array returned for an intset is shared: do not change it.
   */
  members(): readonly string[] {
    if (!this.intset) return [...this.slotOf.keys()];
    if (this.sorted === null) this.sorted = [...this.slotOf.keys()].sort(compareIntStrings);
    return this.sorted;
  }

  /** Iterate the members (hashtable order) without copying. */
  keys(): IterableIterator<string> {
    return this.slotOf.keys();
  }

  /** A uniformly random member (the set must not be empty). */
  random(rand: () => number = Math.random): string {
    const slots = this.slots;
    for (;;) {
      const m = slots[Math.floor(rand() * slots.length)];
      if (m !== undefined) return m;
    }
  }

  /**
   * `count` distinct random members (count < size), each subset equally
   * likely, in random order. A partial shuffle of a copy when many are
   * wanted, rejection of repeats otherwise (as Redis's SRANDMEMBER cases).
   */
  randomDistinct(count: number, rand: () => number = Math.random): string[] {
    if (count * 3 > this.size) {
      const all = [...this.slotOf.keys()];
      for (let i = 0; i < count; i++) {
        const j = i + Math.floor(rand() * (all.length - i));
        const t = all[i]!;
        all[i] = all[j]!;
        all[j] = t;
      }
      all.length = count;
      return all;
    }
    const picked = new Set<string>();
    while (picked.size < count) picked.add(this.random(rand));
    return [...picked];
  }

  /**
   * One SSCAN step over a hashtable: up to `count` members visited from
   * `cursor` (0 starts over; an unknown cursor starts over too, so that a
   * member present throughout is still returned). Returns the next cursor
   * (0 when done) and the members visited.
   */
  scan(cursor: number, count: number): [number, string[]] {
    const out: string[] = [];
    if (this.scans === null) this.scans = new OpenScans(MAX_SCANS);
    const next = this.scans.step(cursor, count, () => this.slotOf.keys(), (m) => {
      out.push(m);
    });
    return [next, out];
  }
}
