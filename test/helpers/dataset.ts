// The whole dataset rendered as plain data, for tests that compare it before
// and after a command, or against a snapshot cut: every database's keys, each
// value as its bytes (int-encoded numbers and RawStrings as strings, lists as
// their items) and its absolute expiry (-1 for none).

import type { CutEntry } from '../../src/keyspace/cut.js';
import type { Keyspace } from '../../src/keyspace/keyspace.js';
import { RawString, type Stored } from '../../src/keyspace/types.js';

export type RenderedValue =
  | { type: 'string'; bytes: string }
  | { type: string; contents: unknown };

export interface RenderedEntry {
  db: number;
  key: string;
  value: RenderedValue;
  /** Absolute unix ms, -1 without a TTL. */
  expire: number;
}

/** A value as plain data; a type without a rendering here is an error (add one). */
export function renderValue(v: Stored): RenderedValue {
  if (typeof v === 'string') return { type: 'string', bytes: v };
  if (typeof v === 'number') return { type: 'string', bytes: String(v) };
  if (v instanceof RawString) return { type: 'string', bytes: v.toString() };
  return { type: v.type, contents: v.contents() };
}

/** One entry as a comparable string. */
export function entryString(e: RenderedEntry): string {
  return JSON.stringify([e.db, e.key, e.value, e.expire]);
}

/** A cut entry, rendered at once (its value may be a live object). */
export function renderCutEntry(e: CutEntry): string {
  return entryString({ db: e.db, key: e.key, value: renderValue(e.value), expire: e.expire });
}

/**
 * A deep copy of the whole dataset as it is stored (keys whose time has
 * passed but that were not reclaimed yet included), sorted. Throws when a
 * database has a TTL for a key it does not hold.
 */
export function snapshotDataset(ks: Keyspace): string[] {
  const out: string[] = [];
  for (const db of ks.dbs) {
    for (const [key, v] of db.dict) {
      out.push(entryString({ db: db.id, key, value: renderValue(v), expire: db.expires.get(key) ?? -1 }));
    }
    for (const key of db.expires.keys()) {
      if (!db.dict.has(key)) throw new Error(`db ${db.id}: ${JSON.stringify(key)} has a TTL but no value`);
    }
  }
  return out.sort();
}

/** What is in `a` and not in `b` (multisets of strings). */
export function missingFrom(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = counts.get(x) ?? 0;
    if (n > 0) counts.set(x, n - 1);
    else out.push(x);
  }
  return out;
}
