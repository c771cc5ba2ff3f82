// The list value: a double-ended queue of byte strings (latin1) in a ring
// buffer, so pushes and pops at either end are O(1) and indexing is O(1).
// Edits in the middle (LINSERT, LREM) shift elements and are O(n), as they
// are in a quicklist scan anyway; LTRIM pops from the ends. Redis 7.0
// reports its lists as "quicklist" whatever their size.

import { RObject, type ValueType } from './types.js';

export class ListValue extends RObject {
  private items: (string | undefined)[];
  private head = 0;
  length = 0;

  constructor(capacity = 8) {
    super();
    let cap = 8;
    while (cap < capacity) cap *= 2;
    this.items = new Array<string | undefined>(cap);
  }

  get type(): ValueType {
    return 'list';
  }

  encoding(): string {
    return 'quicklist';
  }

  contents(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.at(i)!);
    return out;
  }

  clone(): ListValue {
    const l = new ListValue(this.length);
    for (let i = 0; i < this.length; i++) l.pushTail(this.at(i)!);
    return l;
  }

  private grow(): void {
    const old = this.items;
    const cap = old.length;
    const next = new Array<string | undefined>(cap * 2);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & (cap - 1)];
    this.items = next;
    this.head = 0;
  }

  pushHead(v: string): void {
    if (this.length === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = v;
    this.length++;
  }

  pushTail(v: string): void {
    if (this.length === this.items.length) this.grow();
    this.items[(this.head + this.length) & (this.items.length - 1)] = v;
    this.length++;
  }

  popHead(): string | undefined {
    if (this.length === 0) return undefined;
    const v = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.length--;
    return v;
  }

  popTail(): string | undefined {
    if (this.length === 0) return undefined;
    const i = (this.head + this.length - 1) & (this.items.length - 1);
    const v = this.items[i];
    this.items[i] = undefined;
    this.length--;
    return v;
  }

  /** Element at a zero-based index from the head, undefined when out of range. */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.length) return undefined;
    return this.items[(this.head + index) & (this.items.length - 1)];
  }
  /** Replace the element at a valid zero-based index (LSET). */
  setAt(index: number, v: string): void {
    if (index < 0 || index >= this.length) throw new RangeError('list index out of range');
    this.items[(this.head + index) & (this.items.length - 1)] = v;
  }

  /** Keep only the `count` elements from `start` on (LTRIM); O(removed). */
  keepRange(start: number, count: number): void {
    if (start < 0 || count < 0 || start + count > this.length) throw new RangeError('list range out of range');
    const tail = this.length - start - count;
    for (let i = 0; i < start; i++) this.popHead();
    for (let i = 0; i < tail; i++) this.popTail();
  }

  /** Insert `v` so that it ends at `index` (0..length): the elements after it shift. */
  insertAt(index: number, v: string): void {
    if (index < 0 || index > this.length) throw new RangeError('list index out of range');
    if (this.length === this.items.length) this.grow();
    const mask = this.items.length - 1;
    if (index < this.length - index) {
      // Nearer the head: shift the first `index` elements one slot left.
      this.head = (this.head - 1) & mask;
      for (let i = 0; i < index; i++) this.items[(this.head + i) & mask] = this.items[(this.head + i + 1) & mask];
    } else {
      for (let i = this.length; i > index; i--) this.items[(this.head + i) & mask] = this.items[(this.head + i - 1) & mask];
    }
    this.items[(this.head + index) & mask] = v;
    this.length++;
  }

  /**
   * Remove elements equal to `v` (LREM): the first `count` from the head when
   * count > 0, from the tail when count < 0, all when 0. Returns how many.
   */
  removeValue(v: string, count: number): number {
    const mask = this.items.length - 1;
    const limit = count === 0 ? Infinity : Math.abs(count);
    let removed = 0;
    const n = this.length;
    if (count >= 0) {
      // Compact towards the head in one pass.
      let w = 0;
      for (let r = 0; r < n; r++) {
        const x = this.items[(this.head + r) & mask]!;
        if (removed < limit && x === v) {
          removed++;
          continue;
        }
        if (w !== r) this.items[(this.head + w) & mask] = x;
        w++;
      }
      for (let i = w; i < n; i++) this.items[(this.head + i) & mask] = undefined;
    } else {
      // Compact towards the tail, scanning from it.
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const x = this.items[(this.head + r) & mask]!;
        if (removed < limit && x === v) {
          removed++;
          continue;
        }
        if (w !== r) this.items[(this.head + w) & mask] = x;
        w--;
      }
      for (let i = 0; i < removed; i++) this.items[(this.head + i) & mask] = undefined;
      this.head = (this.head + removed) & mask;
    }
    this.length = n - removed;
    return removed;
  }
}
