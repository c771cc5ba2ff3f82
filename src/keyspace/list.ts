// The list value: a double-ended queue of byte strings (latin1) in a ring
// buffer, so pushes and pops at either end are O(1) and indexing is O(1).
// Redis 7.0 reports its lists as "quicklist" whatever their size.

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
}
