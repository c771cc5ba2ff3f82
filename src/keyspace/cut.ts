// A point-in-time cut of the keyspace, read incrementally (Node cannot fork).
//
// A snapshot (BGSAVE, an AOF rewrite) asks the keyspace for a Cut and reads
// it a slice at a time across event-loop turns while commands keep running.
// What it reads is exactly the dataset at the moment the cut was made:
//
// - Each database's dictionary is walked with a Map iterator. An entry the
//   walk has not reached yet is still as it was at the cut, unless a command
//   changes it; and every change goes through the keyspace, which calls
//   `capture` BEFORE changing anything (Database.lookupWrite, set, delete,
//   setExpire ...). The first capture of a key saves a deep copy of its old
//   value and TTL (or that it did not exist) and marks the key captured, so the
//   walk skips it when it gets there (keys added after the cut included).
// - A cut follows dictionaries, not database numbers: FLUSHDB gives a database
//   a new dictionary and leaves the old one (now never changed) to the walk;
//   SWAPDB moves dictionaries, and a change to one still finds its state.
//
// Cost while no cut runs: one length check per change (Keyspace.cuts).

import type { Database, Keyspace } from './keyspace.js';
import type { Stored } from './types.js';

/** One key of the cut: its database number at the cut, value and expiry. */
export interface CutEntry {
  db: number;
  key: string;
  value: Stored;
  /** Absolute unix ms, or -1 without a TTL. */
  expire: number;
}

/** Keys per Set of a ChunkedSet. */
const CHUNK = 1 << 16;

/**
 * A set of strings kept as a chain of bounded Sets: one big Set of a
 * million keys rehashes in one go for tens of milliseconds, which would stall
 * the event loop in the middle of a background save; a chunk rehashes in
 * about a millisecond. Lookups cost one probe per chunk (writes only).
 */
class ChunkedSet {
  private readonly sets: Set<string>[] = [new Set()];

  add(key: string): void {
    let last = this.sets[this.sets.length - 1]!;
    if (last.size >= CHUNK) this.sets.push((last = new Set()));
    last.add(key);
  }

  has(key: string): boolean {
    const sets = this.sets;
    for (let i = sets.length - 1; i >= 0; i--) if (sets[i]!.has(key)) return true;
    return false;
  }
}

class DictCut {
  readonly iter: IterableIterator<[string, Stored]>;
  /** Keys changed since the cut (captured, or handed out before their change): the walk skips them. */
  readonly captured = new Set<string>();
  /** Keys the walk handed out: a later change needs no capture. */
  readonly emitted = new ChunkedSet();
  /** Old values saved before a change, not yet handed out. */
  readonly saved: CutEntry[] = [];
  exhausted = false;

  constructor(
    readonly dbIndex: number,
    readonly dict: Map<string, Stored>,
    readonly expires: Map<string, number>,
  ) {
    this.iter = dict.entries();
  }
}

export class Cut {
  private readonly states = new Map<Map<string, Stored>, DictCut>();
  private readonly order: DictCut[] = [];
  private at = 0;
  /** Keys handed out so far (current_save_keys_processed). */
  processed = 0;
  /** Keys in the dataset at the cut (current_save_keys_total). */
  readonly total: number;
  /** Per database number: keys and keys with a TTL at the cut (an RDB's RESIZEDB). */
  readonly sizes: readonly (readonly [number, number])[];

  constructor(private readonly ks: Keyspace) {
    let total = 0;
    const sizes: [number, number][] = [];
    for (const db of ks.dbs) {
      const st = new DictCut(db.id, db.dict, db.expires);
      this.states.set(db.dict, st);
      this.order.push(st);
      total += db.dict.size;
      sizes.push([db.dict.size, db.expires.size]);
    }
    this.total = total;
    this.sizes = sizes;
  }

  /**
   * Before `key` of `db` changes (value or TTL): save what it was, once.
   * Called by the keyspace only.
   */
  capture(db: Database, key: string): void {
    const st = this.states.get(db.dict);
    if (st === undefined || st.exhausted || st.captured.has(key)) return;
    // Marked even when already handed out: re-inserted (deleted, then set
    // again) it comes round again at the end of the walk, to be skipped.
    st.captured.add(key);
    if (st.emitted.has(key)) return;
    const v = st.dict.get(key);
    if (v === undefined) return;
    st.saved.push({
      db: st.dbIndex,
      key,
      value: typeof v === 'object' ? v.clone() : v,
      expire: st.expires.get(key) ?? -1,
    });
  }

  /**
   * Up to `max` entries of the cut, or fewer; an empty array when the cut
   * has been read whole. Entries come database by database; values not
   * captured are the live objects, to be serialized before control returns
   * to the event loop.
   */
  next(max: number): CutEntry[] {
    const out: CutEntry[] = [];
    while (out.length < max && this.at < this.order.length) {
      const st = this.order[this.at]!;
      while (out.length < max && st.saved.length > 0) out.push(st.saved.pop()!);
      if (st.exhausted) {
        if (st.saved.length === 0) this.at++;
        continue;
      }
      while (out.length < max) {
        const r = st.iter.next();
        if (r.done === true) {
          st.exhausted = true;
          break;
        }
        const [key, value] = r.value;
        if (st.captured.has(key)) continue;
        st.emitted.add(key);
        out.push({ db: st.dbIndex, key, value, expire: st.expires.get(key) ?? -1 });
      }
    }
    this.processed += out.length;
    return out;
  }

  /** Stop following changes (the snapshot finished or was abandoned). */
  end(): void {
    this.ks.endCut(this);
  }
}
