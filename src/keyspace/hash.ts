// The hash value: field -> value, both latin1 byte strings, in a JS Map
// (which keeps insertion order, the order Redis's listpack encoding shows).
//
// Encoding: Redis keeps a small hash in a listpack and converts it, one way
// only, to a hashtable once it holds more than hash-max-listpack-entries
// fields or a field or value longer than hash-max-listpack-value bytes. We
// store every hash the same way but track that one-way switch, because it is
// visible: OBJECT ENCODING, HSCAN (a listpack hash is returned whole with
// cursor 0) and the order of HGETALL (unspecified for a hashtable).
//
// Also owned here: uniform random fields for HRANDFIELD (an array of the
// fields, built lazily and dropped when fields come or go, so that repeated
// calls on an unchanged hash cost O(1)), and HSCAN iterations (open Map
// iterators per hash, see `scan`).

import { globMatch } from './glob.js';
import { OpenScans } from './scan.js';
import { RObject, type ValueType } from './types.js';

/** Open HSCAN iterations kept per hash; the oldest is dropped past this. */
const MAX_SCANS_PER_HASH = 16;

export interface HashLimits {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
}

export class HashValue extends RObject {
  readonly map = new Map<string, string>();
  /** Whether the hash was converted to a hashtable (never reverts). */
  private ht = false;
  /** The fields as an array, for random picks; null when stale. */
  private fieldCache: string[] | null = null;
  /** Open HSCAN iterations (created on the first one). */
  private scans: OpenScans<[string, string]> | null = null;

  get type(): ValueType {
    return 'hash';
  }

  encoding(): string {
    return this.ht ? 'hashtable' : 'listpack';
  }

  get isListpack(): boolean {
    return !this.ht;
  }

  get size(): number {
    return this.map.size;
  }

  clone(): HashValue {
    const h = new HashValue();
    for (const [f, v] of this.map) h.map.set(f, v);
    h.ht = this.ht;
    return h;
  }

  contents(): [string, string][] {
    const out = [...this.map.entries()];
    out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return out;
  }

  get(field: string): string | undefined {
    return this.map.get(field);
  }

  has(field: string): boolean {
    return this.map.has(field);
  }

  /**
   * hashTypeTryConversion: convert before inserting when any of the strings
   * about to be written is too long for a listpack.
   */
  checkLengths(argv: readonly string[], from: number, limits: HashLimits): void {
    if (this.ht) return;
    for (let i = from; i < argv.length; i++) {
      if (argv[i]!.length > limits.hashMaxListpackValue) {
        this.ht = true;
        return;
      }
    }
  }

  /** Set a field; true when it is new. Converts to a hashtable past the limits. */
  set(field: string, value: string, limits: HashLimits): boolean {
    const isNew = !this.map.has(field);
    this.map.set(field, value);
    if (isNew) this.fieldCache = null;
    if (!this.ht && (this.map.size > limits.hashMaxListpackEntries
      || field.length > limits.hashMaxListpackValue || value.length > limits.hashMaxListpackValue)) {
      this.ht = true;
    }
    return isNew;
  }

  /** Delete a field; true when it existed. */
  delete(field: string): boolean {
    if (!this.map.delete(field)) return false;
    this.fieldCache = null;
    return true;
  }

  /** The fields as an array (do not change it). */
  fields(): readonly string[] {
    if (this.fieldCache === null) this.fieldCache = [...this.map.keys()];
    return this.fieldCache;
  }

  /** A uniformly random field (the hash must not be empty). */
  randomField(rand: () => number = Math.random): string {
    const f = this.fields();
    return f[Math.floor(rand() * f.length)]!;
  }

  /**
   * `count` distinct fields (count < size), uniformly chosen: a partial
   * Fisher-Yates shuffle over a copy of the field array.
   */
  randomDistinct(count: number, rand: () => number = Math.random): string[] {
    const f = this.fields().slice();
    const n = f.length;
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(rand() * (n - i));
      const t = f[i]!;
      f[i] = f[j]!;
      f[j] = t;
    }
    f.length = count;
    return f;
  }

  /**
   * One HSCAN step over a hashtable-encoded hash: [next cursor, field/value
   * pairs flat]. A listpack hash is returned whole with cursor 0, as Redis
   * does. Otherwise the cursor names an open iteration of this hash's Map
   * (see src/keyspace/scan.ts for the guarantees).
   */
  scan(cursor: number, count: number, match: string | null): [number, string[]] {
    const out: string[] = [];
    if (!this.ht) {
      for (const [f, v] of this.map) {
        if (match === null || globMatch(match, f)) out.push(f, v);
      }
      return [0, out];
    }
    if (this.scans === null) this.scans = new OpenScans(MAX_SCANS_PER_HASH);
    const next = this.scans.step(cursor, count, () => this.map.entries(), ([f, v]) => {
      if (match === null || globMatch(match, f)) out.push(f, v);
    });
    return [next, out];
  }
}
