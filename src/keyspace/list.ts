// The list value: a double-ended queue of byte strings (latin1 at the API)
// in one of two representations, as Redis 7.2 switches a listpack to a
// quicklist:
//
// - small (up to PACK_AT elements): a ring buffer of JS strings, so pushes
//   and pops at either end are O(1) and indexing is O(1). For a handful of
//   elements this is the cheapest form: one array and the strings.
// - packed (past PACK_AT): a deque of nodes, each holding up to NODE_BYTES
//   of entries in one Buffer, laid out back to back as [length varint]
//   [bytes][length varint written backwards], so a node can be walked from
//   either end. Each node keeps free room at both ends of its buffer, so
//   pushes and pops at either end of the list are O(1) amortized, and keeps
//   its entry count, so an index lookup skips whole nodes (O(nodes), and
//   O(1) nodes near the ends).
//
// Why packed for long lists: one JS string per element costs a heap object
// (32 bytes for a 13-byte member, plus its 8-byte slot), and under pipelined
// pushes every element survives into V8's old generation. Packed, an element
// of n < 128 bytes costs n + 2 bytes off the JS heap, the pushed argument
// strings die young, and replies (LRANGE) are copied straight from the node
// bytes. Elements are decoded into strings only when a caller asks for one.
// Why not packed for short lists: a node costs a few hundred bytes of
// Buffer bookkeeping, more than a few strings.
//
// A packed list that shrinks to UNPACK_AT elements or fewer goes back to the
// small form (the gap to PACK_AT keeps a list hovering around one threshold
// from converting back and forth), so a drained queue does not keep a node's
// buffer. Conversions cost O(elements) once per crossing, amortized O(1).
//
// Edits in the middle (LSET, LINSERT) rewrite one node and split it when it
// outgrows its budget; LREM compacts the nodes it touches in place and then
// merges neighbours left small; LTRIM drops whole nodes from the ends.
// Redis 7.0 reports its lists as "quicklist" whatever their size or form.

import { RObject, type ValueType } from './types.js';

/** A node takes more entries while it holds at most this many bytes (one larger entry gets a node of its own). */
const NODE_BYTES = 8192;
/** Adjacent nodes whose bytes add up to at most this are merged after removals (below the split halves, so no ping-pong). */
const MERGE_BYTES = (NODE_BYTES * 3) / 4;
/** The smallest buffer a node is given. */
const MIN_CAP = 32;
/** Elements shorter than this are written byte by byte: cheaper than a native latin1Write call. */
const SHORT_WRITE = 24;
/** The smallest ring buffer of the small form. */
const MIN_RING = 4;

/**
 * A small list is packed when it must grow past this many elements (the ring
 * buffer's capacity, so effectively the power of two at or above it); a
 * packed one goes back to small at UNPACK_AT elements or fewer.
 */
let PACK_AT = 128;
let UNPACK_AT = 32;

/** Change the conversion thresholds (tests use small ones); returns the previous pair. */
export function setListPacking(packAt: number, unpackAt: number): [number, number] {
  if (!(unpackAt >= 0 && unpackAt < packAt)) throw new RangeError('unpackAt must be below packAt');
  const old: [number, number] = [PACK_AT, UNPACK_AT];
  PACK_AT = packAt;
  UNPACK_AT = unpackAt;
  return old;
}

/** Bytes of the varint that encodes a length n. */
function varSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Bytes that an element of n bytes takes in a node. */
function entrySize(n: number): number {
  return n + 2 * varSize(n);
}

/** The element length stored by the entry that starts at byte p. */
function lenAt(buf: Buffer, p: number): number {
  let b = buf[p]!;
  if (b < 0x80) return b;
  let n = b & 0x7f;
  let mul = 0x80;
  do {
    b = buf[++p]!;
    n += (b & 0x7f) * mul;
    mul *= 0x80;
  } while (b & 0x80);
  return n;
}

/** The element length stored by the entry that ends just before byte q. */
function lenBefore(buf: Buffer, q: number): number {
  let b = buf[q - 1]!;
  if (b < 0x80) return b;
  let n = b & 0x7f;
  let mul = 0x80;
  do {
    b = buf[--q - 1]!;
    n += (b & 0x7f) * mul;
    mul *= 0x80;
  } while (b & 0x80);
  return n;
}

/** Write the entry for `s` at byte p; returns the byte after it. */
function writeEntry(buf: Buffer, p: number, s: string): number {
  const n = s.length;
  if (n < 0x80) {
    buf[p++] = n;
    if (n < SHORT_WRITE) {
      for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    } else {
      p += buf.latin1Write(s, p, n);
    }
    buf[p++] = n;
    return p;
  }
  let x = n;
  while (x >= 0x80) {
    buf[p++] = (x & 0x7f) | 0x80;
    x = Math.floor(x / 0x80);
  }
  buf[p++] = x;
  p += buf.latin1Write(s, p, n);
  // The length again, its highest group first, so that it reads backwards.
  const k = varSize(n);
  for (let j = k - 1; j >= 0; j--) buf[p++] = (Math.floor(n / 2 ** (7 * j)) & 0x7f) | (j < k - 1 ? 0x80 : 0);
  return p;
}

/** The element of n bytes at byte p as a latin1 string (very short ones without a native call). */
function decode(buf: Buffer, p: number, n: number): string {
  switch (n) {
    case 0: return '';
    case 1: return String.fromCharCode(buf[p]!);
    case 2: return String.fromCharCode(buf[p]!, buf[p + 1]!);
    case 3: return String.fromCharCode(buf[p]!, buf[p + 1]!, buf[p + 2]!);
    case 4: return String.fromCharCode(buf[p]!, buf[p + 1]!, buf[p + 2]!, buf[p + 3]!);
    default: return buf.latin1Slice(p, p + n);
  }
}

/** Whether the n bytes at p spell `s`. */
function sameBytes(buf: Buffer, p: number, n: number, s: string): boolean {
  if (n !== s.length) return false;
  for (let i = 0; i < n; i++) if (buf[p + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** A buffer of at least `size` bytes, a power of two up to NODE_BYTES. */
function capacityFor(size: number): number {
  if (size > NODE_BYTES) return size;
  let cap = MIN_CAP;
  while (cap < size) cap *= 2;
  return cap;
}

/** A run of `count` entries in buf[start, end). */
class Node {
  constructor(public buf: Buffer, public start: number, public end: number, public count: number) {}
}

/** A node holding a copy of buf[from, to), centred in its buffer so it can grow either way. */
function nodeOf(buf: Buffer, from: number, to: number, count: number): Node {
  const used = to - from;
  const cap = capacityFor(used);
  const next = Buffer.allocUnsafeSlow(cap);
  const at = (cap - used) >> 1;
  buf.copy(next, at, from, to);
  return new Node(next, at, at + used, count);
}

/** The byte where entry k (0..count) of a node starts, walking from its nearer end. */
function offsetOf(node: Node, k: number): number {
  const buf = node.buf;
  if (k <= node.count >> 1) {
    let p = node.start;
    for (; k > 0; k--) p += entrySize(lenAt(buf, p));
    return p;
  }
  let q = node.end;
  for (let j = node.count - k; j > 0; j--) q -= entrySize(lenBefore(buf, q));
  return q;
}

/** Where locate() found its index: the node's position and the entry's within it (no per-list fields). */
let locNode = 0;
let locEntry = 0;

/** Where LRANGE writes: ReplyWriter has both (a structural type keeps this module free of the protocol). */
export interface BulkSink {
  bulk(s: string): void;
  /** A bulk string of the n bytes of b from byte `from`. */
  bulkSlice(b: Buffer, from: number, n: number): void;
}

/** A visitor of elements; returning false stops the walk. */
export type ListVisitor = (v: string, index: number) => boolean | void;

const NO_ITEMS: (string | undefined)[] = [];

export class ListValue extends RObject {
  /** Small form: the ring buffer (a power of two long); NO_ITEMS when packed. */
  private items: (string | undefined)[];
  private head = 0;
  /** Packed form: the nodes, head first; null when small. */
  private nodes: Node[] | null = null;
  length = 0;

  /** `capacity`: the elements about to be pushed (a list that large starts packed). */
  constructor(capacity = MIN_RING) {
    super();
    if (capacity > PACK_AT) {
      this.items = NO_ITEMS;
      this.nodes = [];
    } else {
      let cap = MIN_RING;
      while (cap < capacity) cap *= 2;
      this.items = new Array<string | undefined>(cap);
    }
  }

  get type(): ValueType {
    return 'list';
  }

  encoding(): string {
    return 'quicklist';
  }

  /** Whether the list is in its packed form (for tests). */
  get packed(): boolean {
    return this.nodes !== null;
  }

  contents(): string[] {
    const out: string[] = [];
    this.forEach(0, this.length - 1, (v) => {
      out.push(v);
    });
    return out;
  }

  clone(): ListValue {
    const nodes = this.nodes;
    if (nodes === null) {
      const l = new ListValue(this.length);
      for (let i = 0; i < this.length; i++) l.pushTail(this.items[(this.head + i) & (this.items.length - 1)]!);
      return l;
    }
    const l = new ListValue(0);
    l.items = NO_ITEMS;
    const copy: Node[] = [];
    for (const n of nodes) {
      const buf = Buffer.allocUnsafeSlow(n.buf.length);
      n.buf.copy(buf, n.start, n.start, n.end);
      copy.push(new Node(buf, n.start, n.end, n.count));
    }
    l.nodes = copy;
    l.length = this.length;
    return l;
  }

  // ---- conversions ----

  /** Small -> packed, keeping the order. */
  private pack(): void {
    const items = this.items;
    const mask = items.length - 1;
    const n = this.length;
    const head = this.head;
    this.items = NO_ITEMS;
    this.head = 0;
    this.nodes = [];
    this.length = 0;
    for (let i = 0; i < n; i++) this.pushTailPacked(items[(head + i) & mask]!);
  }

  /** Packed -> small, keeping the order. */
  private unpack(): void {
    const n = this.length;
    let cap = MIN_RING;
    while (cap < n * 2) cap *= 2;
    const items = new Array<string | undefined>(cap);
    let i = 0;
    this.forEach(0, n - 1, (v) => {
      items[i++] = v;
    });
    this.items = items;
    this.head = 0;
    this.nodes = null;
  }

  /** After a removal from a packed list: back to small when it is short. */
  private shrunk(): void {
    if (this.nodes !== null && this.length <= UNPACK_AT) this.unpack();
  }

  // ---- small form ----

  private grow(): void {
    const old = this.items;
    const cap = old.length;
    const next = new Array<string | undefined>(cap * 2);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & (cap - 1)];
    this.items = next;
    this.head = 0;
  }

  /** The small list is full: pack it (true) or make it room (false). */
  private full(): boolean {
    if (this.length >= PACK_AT) {
      this.pack();
      return true;
    }
    this.grow();
    return false;
  }

  // ---- packed form ----

  /**
   * Make `size` bytes of room at the node's head (atHead) or tail, growing or
   * moving its bytes; false when the node is (nearly) full and the entry
   * should start a new node instead. `only`: the node is the list's only one,
   * pushed at both ends, so moved bytes are centred.
   */
  private static room(node: Node, size: number, atHead: boolean, only: boolean): boolean {
    const buf = node.buf;
    const cap = buf.length;
    if (atHead ? node.start >= size : cap - node.end >= size) return true;
    const used = node.end - node.start;
    const need = used + size;
    if (need > NODE_BYTES) return false;
    // A nearly full node would move its bytes for little room: start another.
    if (cap >= NODE_BYTES && need * 4 > NODE_BYTES * 3) return false;
    const newCap = need > cap || (need * 2 > cap && cap < NODE_BYTES) ? Math.max(need, Math.min(NODE_BYTES, cap * 2)) : cap;
    const slack = newCap - need;
    const to = only ? (atHead ? size : 0) + (slack >> 1) : atHead ? newCap - used : 0;
    if (newCap === cap) {
      buf.copyWithin(to, node.start, node.end);
    } else {
      const next = Buffer.allocUnsafeSlow(newCap);
      buf.copy(next, to, node.start, node.end);
      node.buf = next;
    }
    node.start = to;
    node.end = to + used;
    return true;
  }

  /** A new empty node with room for `size` bytes at its head (atHead) or tail. */
  private static newNode(size: number, atHead: boolean, first: boolean): Node {
    // Past the first node the list is long: give nodes their full budget at once.
    const cap = !first && size <= NODE_BYTES ? NODE_BYTES : capacityFor(size);
    const at = atHead ? cap : 0;
    return new Node(Buffer.allocUnsafeSlow(cap), at, at, 0);
  }

  private pushHeadPacked(v: string): void {
    const nodes = this.nodes!;
    const size = entrySize(v.length);
    let node = nodes[0];
    if (node === undefined || !ListValue.room(node, size, true, nodes.length === 1)) {
      node = ListValue.newNode(size, true, nodes.length === 0);
      nodes.unshift(node);
    }
    const p = node.start - size;
    writeEntry(node.buf, p, v);
    node.start = p;
    node.count++;
    this.length++;
  }

  private pushTailPacked(v: string): void {
    const nodes = this.nodes!;
    const size = entrySize(v.length);
    let node = nodes[nodes.length - 1];
    if (node === undefined || !ListValue.room(node, size, false, nodes.length === 1)) {
      node = ListValue.newNode(size, false, nodes.length === 0);
      nodes.push(node);
    }
    node.end = writeEntry(node.buf, node.end, v);
    node.count++;
    this.length++;
  }

  /** The node holding a valid index, walking from the nearer end; sets locNode and locEntry. */
  private locate(index: number): Node {
    const nodes = this.nodes!;
    if (index < this.length / 2) {
      let i = 0;
      let k = index;
      while (k >= nodes[i]!.count) k -= nodes[i++]!.count;
      locNode = i;
      locEntry = k;
    } else {
      let i = nodes.length - 1;
      let k = this.length - 1 - index;
      while (k >= nodes[i]!.count) k -= nodes[i--]!.count;
      locNode = i;
      locEntry = nodes[i]!.count - 1 - k;
    }
    return nodes[locNode]!;
  }

  /**
   * Replace the `oldSize` bytes at p in node ni by the entry for v (none when
   * null), changing its count by `dc`; a node left over budget is split, an
   * emptied one dropped.
   */
  private splice(ni: number, p: number, oldSize: number, v: string | null, dc: number): void {
    const nodes = this.nodes!;
    const node = nodes[ni]!;
    const newSize = v === null ? 0 : entrySize(v.length);
    const delta = newSize - oldSize;
    let buf = node.buf;
    const before = p - node.start;
    const after = node.end - p - oldSize;
    if (delta < 0) {
      // Shrink: move the shorter side inwards.
      if (before < after) {
        buf.copyWithin(node.start - delta, node.start, p);
        node.start -= delta;
        p -= delta;
      } else {
        buf.copyWithin(p + newSize, p + oldSize, node.end);
        node.end += delta;
      }
    } else if (delta > 0) {
      const headRoom = node.start;
      const tailRoom = buf.length - node.end;
      if (headRoom >= delta && (before <= after || tailRoom < delta)) {
        buf.copyWithin(node.start - delta, node.start, p);
        node.start -= delta;
        p -= delta;
      } else if (tailRoom >= delta) {
        buf.copyWithin(p + newSize, p + oldSize, node.end);
        node.end += delta;
      } else {
        const used = node.end - node.start + delta;
        const cap = used > NODE_BYTES ? used : Math.max(used, Math.min(NODE_BYTES, buf.length * 2));
        const next = Buffer.allocUnsafeSlow(cap);
        const at = (cap - used) >> 1;
        buf.copy(next, at, node.start, p);
        buf.copy(next, at + before + newSize, p + oldSize, node.end);
        node.buf = buf = next;
        node.start = at;
        node.end = at + used;
        p = at + before;
      }
    }
    if (v !== null) writeEntry(buf, p, v);
    node.count += dc;
    this.length += dc;
    if (node.count === 0) nodes.splice(ni, 1);
    else if (node.end - node.start > NODE_BYTES && node.count > 1) this.split(ni);
    else if (dc < 0) this.mergeSmall();
  }

  /** Cut an over-budget node into nodes of about equal bytes, none over budget unless it holds one entry. */
  private split(ni: number): void {
    const nodes = this.nodes!;
    const node = nodes[ni]!;
    const buf = node.buf;
    const used = node.end - node.start;
    const target = used / Math.max(2, Math.floor(used / (NODE_BYTES / 2)));
    const out: Node[] = [];
    let from = node.start;
    let count = 0;
    let p = from;
    while (p < node.end) {
      const sz = entrySize(lenAt(buf, p));
      if (count > 0 && (p - from + sz > NODE_BYTES || p - from >= target)) {
        out.push(nodeOf(buf, from, p, count));
        from = p;
        count = 0;
      }
      p += sz;
      count++;
    }
    out.push(nodeOf(buf, from, p, count));
    nodes.splice(ni, 1, ...out);
  }

  /** Merge neighbouring nodes left small by removals; drops empty ones. O(nodes). */
  private mergeSmall(): void {
    const out: Node[] = [];
    for (const node of this.nodes!) {
      if (node.count === 0) continue;
      const last = out[out.length - 1];
      const size = node.end - node.start;
      if (last !== undefined && last.end - last.start + size <= MERGE_BYTES && ListValue.room(last, size, false, false)) {
        node.buf.copy(last.buf, last.end, node.start, node.end);
        last.end += size;
        last.count += node.count;
      } else {
        out.push(node);
      }
    }
    this.nodes = out;
  }

  // ---- the API ----

  pushHead(v: string): void {
    if (this.nodes === null) {
      if (this.length !== this.items.length || !this.full()) {
        this.head = (this.head - 1) & (this.items.length - 1);
        this.items[this.head] = v;
        this.length++;
        return;
      }
    }
    this.pushHeadPacked(v);
  }

  pushTail(v: string): void {
    if (this.nodes === null) {
      if (this.length !== this.items.length || !this.full()) {
        this.items[(this.head + this.length) & (this.items.length - 1)] = v;
        this.length++;
        return;
      }
    }
    this.pushTailPacked(v);
  }

  popHead(): string | undefined {
    if (this.length === 0) return undefined;
    const nodes = this.nodes;
    if (nodes === null) {
      const v = this.items[this.head];
      this.items[this.head] = undefined;
      this.head = (this.head + 1) & (this.items.length - 1);
      this.length--;
      return v;
    }
    const node = nodes[0]!;
    const buf = node.buf;
    const n = lenAt(buf, node.start);
    const h = varSize(n);
    const v = decode(buf, node.start + h, n);
    node.start += n + 2 * h;
    this.length--;
    if (--node.count === 0) nodes.shift();
    if (this.length <= UNPACK_AT) this.unpack();
    return v;
  }

  popTail(): string | undefined {
    if (this.length === 0) return undefined;
    const nodes = this.nodes;
    if (nodes === null) {
      const i = (this.head + this.length - 1) & (this.items.length - 1);
      const v = this.items[i];
      this.items[i] = undefined;
      this.length--;
      return v;
    }
    const node = nodes[nodes.length - 1]!;
    const buf = node.buf;
    const n = lenBefore(buf, node.end);
    const h = varSize(n);
    const p = node.end - n - 2 * h;
    const v = decode(buf, p + h, n);
    node.end = p;
    this.length--;
    if (--node.count === 0) nodes.pop();
    if (this.length <= UNPACK_AT) this.unpack();
    return v;
  }

  /** Element at a zero-based index from the head, undefined when out of range. */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.length) return undefined;
    if (this.nodes === null) return this.items[(this.head + index) & (this.items.length - 1)];
    const node = this.locate(index);
    const p = offsetOf(node, locEntry);
    const n = lenAt(node.buf, p);
    return decode(node.buf, p + varSize(n), n);
  }

  /** Replace the element at a valid zero-based index (LSET). */
  setAt(index: number, v: string): void {
    if (index < 0 || index >= this.length) throw new RangeError('list index out of range');
    if (this.nodes === null) {
      this.items[(this.head + index) & (this.items.length - 1)] = v;
      return;
    }
    const node = this.locate(index);
    const p = offsetOf(node, locEntry);
    this.splice(locNode, p, entrySize(lenAt(node.buf, p)), v, 0);
  }

  /** Keep only the `count` elements from `start` on (LTRIM); O(removed) small, O(nodes) packed. */
  keepRange(start: number, count: number): void {
    if (start < 0 || count < 0 || start + count > this.length) throw new RangeError('list range out of range');
    const nodes = this.nodes;
    if (nodes === null) {
      const tail = this.length - start - count;
      for (let i = 0; i < start; i++) this.popHead();
      for (let i = 0; i < tail; i++) this.popTail();
      return;
    }
    if (count === 0) {
      this.nodes = [];
      this.length = 0;
      this.unpack();
      return;
    }
    // From the head: whole nodes, then part of one.
    let drop = start;
    let m = 0;
    while (drop > 0 && drop >= nodes[m]!.count) drop -= nodes[m++]!.count;
    if (m > 0) nodes.splice(0, m);
    if (drop > 0) {
      const node = nodes[0]!;
      node.start = offsetOf(node, drop);
      node.count -= drop;
    }
    // From the tail.
    drop = this.length - start - count;
    m = 0;
    while (drop > 0 && drop >= nodes[nodes.length - 1 - m]!.count) drop -= nodes[nodes.length - 1 - m++]!.count;
    if (m > 0) nodes.length -= m;
    if (drop > 0) {
      const node = nodes[nodes.length - 1]!;
      node.end = offsetOf(node, node.count - drop);
      node.count -= drop;
    }
    this.length = count;
    this.shrunk();
  }

  /** Insert `v` so that it ends at `index` (0..length): the elements after it shift. */
  insertAt(index: number, v: string): void {
    if (index < 0 || index > this.length) throw new RangeError('list index out of range');
    if (this.nodes === null && (this.length !== this.items.length || !this.full())) {
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
      return;
    }
    if (index === 0) return this.pushHeadPacked(v);
    if (index === this.length) return this.pushTailPacked(v);
    const node = this.locate(index);
    this.splice(locNode, offsetOf(node, locEntry), 0, v, 1);
  }

  /**
   * Remove elements equal to `v` (LREM): the first `count` from the head when
   * count > 0, from the tail when count < 0, all when 0. Returns how many.
   */
  removeValue(v: string, count: number): number {
    return this.nodes === null ? this.removeSmall(v, count) : this.removePacked(v, count);
  }

  private removeSmall(v: string, count: number): number {
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

  private removePacked(v: string, count: number): number {
    const limit = count === 0 ? Infinity : Math.abs(count);
    const nodes = this.nodes!;
    const vlen = v.length;
    const h = varSize(vlen);
    let removed = 0;
    if (count >= 0) {
      // Compact each node towards its head, in one pass.
      for (let i = 0; i < nodes.length && removed < limit; i++) {
        const node = nodes[i]!;
        const buf = node.buf;
        let w = node.start;
        let p = w;
        const end = node.end;
        while (p < end) {
          const n = lenAt(buf, p);
          const sz = entrySize(n);
          if (n === vlen && sameBytes(buf, p + h, n, v)) {
            removed++;
            node.count--;
            p += sz;
            if (removed === limit) break;
            continue;
          }
          if (w !== p) buf.copyWithin(w, p, p + sz);
          w += sz;
          p += sz;
        }
        if (w !== p) {
          buf.copyWithin(w, p, end);
          node.end = w + (end - p);
        }
      }
    } else {
      // Compact each node towards its tail, scanning from the list's tail.
      for (let i = nodes.length - 1; i >= 0 && removed < limit; i--) {
        const node = nodes[i]!;
        const buf = node.buf;
        let w = node.end;
        let q = w;
        const start = node.start;
        while (q > start) {
          const n = lenBefore(buf, q);
          const sz = entrySize(n);
          if (n === vlen && sameBytes(buf, q - sz + h, n, v)) {
            removed++;
            node.count--;
            q -= sz;
            if (removed === limit) break;
            continue;
          }
          if (w !== q) buf.copyWithin(w - sz, q - sz, q);
          w -= sz;
          q -= sz;
        }
        if (w !== q) {
          buf.copyWithin(w - (q - start), start, q);
          node.start = w - (q - start);
        }
      }
    }
    if (removed > 0) {
      this.length -= removed;
      this.mergeSmall();
      this.shrunk();
    }
    return removed;
  }

  /**
   * Visit the elements from `start` to `end` (inclusive, clamped to the
   * list), from the tail backwards when `reverse`; the visitor returns false
   * to stop. Indexes passed are positions from the head.
   */
  forEach(start: number, end: number, fn: ListVisitor, reverse = false): void {
    if (start < 0) start = 0;
    if (end >= this.length) end = this.length - 1;
    if (start > end) return;
    const nodes = this.nodes;
    if (nodes === null) {
      const items = this.items;
      const mask = items.length - 1;
      if (!reverse) {
        for (let i = start; i <= end; i++) if (fn(items[(this.head + i) & mask]!, i) === false) return;
      } else {
        for (let i = end; i >= start; i--) if (fn(items[(this.head + i) & mask]!, i) === false) return;
      }
      return;
    }
    if (!reverse) {
      let node = this.locate(start);
      let ni = locNode;
      let k = locEntry;
      let buf = node.buf;
      let p = offsetOf(node, k);
      for (let i = start; i <= end; i++) {
        if (k === node.count) {
          node = nodes[++ni]!;
          buf = node.buf;
          p = node.start;
          k = 0;
        }
        let n = buf[p]!;
        let h = 1;
        if (n >= 0x80) {
          n = lenAt(buf, p);
          h = varSize(n);
        }
        if (fn(decode(buf, p + h, n), i) === false) return;
        p += n + 2 * h;
        k++;
      }
    } else {
      let node = this.locate(end);
      let ni = locNode;
      let k = locEntry + 1; // entries of this node left to visit
      let buf = node.buf;
      let q = offsetOf(node, k);
      for (let i = end; i >= start; i--) {
        if (k === 0) {
          node = nodes[--ni]!;
          buf = node.buf;
          q = node.end;
          k = node.count;
        }
        let n = buf[q - 1]!;
        let h = 1;
        if (n >= 0x80) {
          n = lenBefore(buf, q);
          h = varSize(n);
        }
        q -= n + 2 * h;
        if (fn(decode(buf, q + h, n), i) === false) return;
        k--;
      }
    }
  }

  /**
   * Visit the indexes of the elements equal to `v`, from the head (or the
   * tail when `reverse`), looking at no more than `limit` elements; the
   * visitor returns false to stop. A packed list compares bytes without
   * building strings.
   */
  forEachMatch(v: string, fn: (index: number) => boolean | void, reverse = false, limit = Infinity): void {
    const len = this.length;
    const span = Math.min(len, limit);
    if (span <= 0) return;
    const nodes = this.nodes;
    if (nodes === null) {
      const items = this.items;
      const mask = items.length - 1;
      for (let k = 0; k < span; k++) {
        const i = reverse ? len - 1 - k : k;
        if (items[(this.head + i) & mask] === v && fn(i) === false) return;
      }
      return;
    }
    const vlen = v.length;
    if (!reverse) {
      let i = 0;
      for (let ni = 0; ni < nodes.length; ni++) {
        const node = nodes[ni]!;
        const buf = node.buf;
        let p = node.start;
        for (let k = node.count; k > 0; k--, i++) {
          if (i >= span) return;
          const n = lenAt(buf, p);
          const h = varSize(n);
          if (n === vlen && sameBytes(buf, p + h, n, v) && fn(i) === false) return;
          p += n + 2 * h;
        }
      }
    } else {
      let i = len - 1;
      for (let ni = nodes.length - 1; ni >= 0; ni--) {
        const node = nodes[ni]!;
        const buf = node.buf;
        let q = node.end;
        for (let k = node.count; k > 0; k--, i--) {
          if (len - 1 - i >= span) return;
          const n = lenBefore(buf, q);
          const h = varSize(n);
          q -= n + 2 * h;
          if (n === vlen && sameBytes(buf, q + h, n, v) && fn(i) === false) return;
        }
      }
    }
  }

  /** Write the elements from `start` to `end` (valid, inclusive) as bulk strings (LRANGE). */
  writeRange(w: BulkSink, start: number, end: number): void {
    const nodes = this.nodes;
    if (nodes === null) {
      const items = this.items;
      const mask = items.length - 1;
      for (let i = start; i <= end; i++) w.bulk(items[(this.head + i) & mask]!);
      return;
    }
    let node = this.locate(start);
    let ni = locNode;
    let k = locEntry;
    let buf = node.buf;
    let p = offsetOf(node, k);
    for (let i = start; i <= end; i++) {
      if (k === node.count) {
        node = nodes[++ni]!;
        buf = node.buf;
        p = node.start;
        k = 0;
      }
      let n = buf[p]!;
      let h = 1;
      if (n >= 0x80) {
        n = lenAt(buf, p);
        h = varSize(n);
      }
      w.bulkSlice(buf, p + h, n);
      p += n + 2 * h;
      k++;
    }
  }
}
