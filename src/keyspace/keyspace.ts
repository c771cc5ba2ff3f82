// The keyspace: the numbered databases, their keys and expiry times, and the
// single path every modification takes.
//
// Layout mirrors Redis: each Database has a main dictionary (key -> value)
// and a separate `expires` dictionary (key -> absolute unix ms) holding only
// keys with a TTL, so keys without one cost nothing extra. Keys are latin1
// strings (one char per byte), which makes them binary-safe and lets V8's
// Map do the hashing.
//
// Expiry is lazy (a key found expired on access is deleted first) and active
// (`activeExpireCycle`, driven by the server's `hz` timer, walks each
// database's expires with a persistent iterator, Redis 6+ style, repeating
// while more than a quarter of a sample had expired, within a time budget).
//
// Every change to a key goes through Database.modified → Keyspace.keyModified,
// before the change is made (so a hook can still see the old value):
// it counts `dirty` (what the dispatcher uses to decide whether to propagate a
// write) and calls the registered hooks, which is where WATCH, keyspace
// notifications, client tracking and snapshot protection plug in. An expiry
// calls the hooks without counting `dirty` (it is not the running command's
// write); `onExpired` propagates it as a DEL instead.

import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { globMatch } from './glob.js';
import type { Stored, Value, ValueType } from './types.js';
import { encodeStored, typeOf } from './types.js';

export type KeyHook = (db: Database, key: string) => void;

export interface KeyspaceStats {
  expiredKeys: number;
  expiredStalePerc: number;
  expiredTimeCapReachedCount: number;
  expireCycleCpuMs: number;
  keyspaceHits: number;
  keyspaceMisses: number;
}

export class Database {
  dict = new Map<string, Stored>();
  expires = new Map<string, number>();
  /** Where the active expiry cycle resumes in `expires`. */
  expireIter: IterableIterator<[string, number]> | null = null;
  /** The map `expireIter` walks: a replaced `expires` map restarts the walk. */
  expireIterMap: Map<string, number> | null = null;
  /** Average TTL estimate for INFO keyspace (ms), as Redis keeps it. */
  avgTtl = 0;

  constructor(readonly id: number, readonly ks: Keyspace) {}

  get size(): number {
    return this.dict.size;
  }

  /** lookupKeyWrite: the value, after deleting the key if it has expired. */
  get(key: string): Value | undefined {
    const v = this.getStored(key);
    return typeof v === 'number' ? String(v) : v;
  }

  /** lookupKeyRead: as get, and counts keyspace hits and misses. */
  read(key: string): Value | undefined {
    const v = this.readStored(key);
    return typeof v === 'number' ? String(v) : v;
  }

  /** As get, but an integer-encoded string comes as its number (GET, INCR). */
  getStored(key: string): Stored | undefined {
    const v = this.dict.get(key);
    if (v === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return v;
  }

  /** As read, but an integer-encoded string comes as its number. */
  readStored(key: string): Stored | undefined {
    const v = this.getStored(key);
    if (v === undefined) this.ks.stats.keyspaceMisses++;
    else this.ks.stats.keyspaceHits++;
    return v;
  }

  /** Whether the key exists, without touching hit/miss statistics. */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /**
   * Store a value, replacing any other; drops the TTL unless keepTtl. A
   * number is an integer string given as its (safe integer) value.
   */
  set(key: string, value: Value | number, keepTtl = false): void {
    this.modified(key);
    this.dict.set(key, typeof value === 'number' ? value : encodeStored(value));
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
  }

  /**
   * Delete a key; true when it existed. `signal` false is for a key whose
   * change was already signalled by the same command (a list popped empty).
   */
  delete(key: string, signal = true): boolean {
    if (!this.dict.has(key)) return false;
    if (signal) this.modified(key);
    this.dict.delete(key);
    if (this.expires.size !== 0) this.expires.delete(key);
    return true;
  }

  /**
   * Signal a change to the value of `key` (or its TTL). Call it BEFORE
   * changing a value in place: hooks see the key as it was, which is what a
   * snapshot in progress needs to save the old value.
   */
  modified(key: string): void {
    this.ks.keyModified(this, key);
  }

  /** Absolute expiry in unix ms, or undefined when the key has none. */
  getExpire(key: string): number | undefined {
    return this.expires.size === 0 ? undefined : this.expires.get(key);
  }

  /** Set an absolute expiry on an existing key. */
  setExpire(key: string, when: number): void {
    this.modified(key);
    this.expires.set(key, when);
  }

  /** Remove the TTL; true when there was one. */
  persist(key: string): boolean {
    if (this.expires.size === 0 || !this.expires.has(key)) return false;
    this.modified(key);
    this.expires.delete(key);
    return true;
  }

  /** Delete the key if its time has come; true when it was deleted. */
  expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when > this.ks.now()) return false;
    this.deleteExpired(key);
    return true;
  }

  private deleteExpired(key: string): void {
    // Hooks (WATCH, tracking, a snapshot in progress) see the change, first,
    // but it is not the command's write: Redis leaves `dirty` alone here, so
    // a GET that meets an expired key is not propagated; onExpired propagates
    // the deletion as a DEL.
    this.ks.keyModified(this, key, false);
    this.dict.delete(key);
    this.expires.delete(key);
    this.ks.stats.expiredKeys++;
    this.ks.onExpired?.(this, key);
  }

  /** Remove every key. Returns how many there were. */
  clear(): number {
    const n = this.dict.size;
    // Fresh maps rather than clear(): a large Map's backing store is freed
    // at once and live SCAN iterators over the old one simply end.
    this.dict = new Map();
    this.expires = new Map();
    this.expireIter = null;
    this.avgTtl = 0;
    if (n > 0) this.ks.dirty += n;
    this.ks.onFlush?.(this);
    return n;
  }

  /** A random key that is not expired, or null when there is none (RANDOMKEY). */
  randomKey(): string | null {
    const size = this.dict.size;
    if (size === 0) return null;
    // A Map has no random access: step to a random position (O(n), but
    // RANDOMKEY is rare). An expired key found there is deleted, as Redis
    // does, and the walk goes on from it, wrapping once, so the answer is
    // null only when every key had expired, however many were stale.
    let skip = Math.floor(Math.random() * size);
    const now = this.ks.now();
    for (let pass = 0; pass < 2; pass++) {
      for (const k of this.dict.keys()) {
        if (skip > 0) {
          skip--;
          continue;
        }
        if (this.expires.size !== 0) {
          const when = this.expires.get(k);
          if (when !== undefined && when <= now) {
            this.deleteExpired(k);
            continue;
          }
        }
        return k;
      }
    }
    return null;
  }

  /** Keys matching a glob pattern, expired ones excluded (KEYS). */
  keys(pattern: string): string[] {
    const all = pattern === '*';
    const out: string[] = [];
    const now = this.ks.now();
    for (const k of this.dict.keys()) {
      if (!all && !globMatch(pattern, k)) continue;
      if (this.expires.size !== 0) {
        const when = this.expires.get(k);
        if (when !== undefined && when <= now) continue;
      }
      out.push(k);
    }
    return out;
  }
}

interface ScanState {
  db: Database;
  dict: Map<string, Stored>;
  iter: IterableIterator<string>;
}

/** Most SCAN iterations kept open at once; the least recently used is dropped. */
const MAX_SCAN_CURSORS = 4096;

export interface ScanOptions {
  count: number;
  match: string | null;
  /** A type name as TYPE reports it (lower case); an unknown name matches nothing. */
  type: ValueType | string | null;
}

export class Keyspace {
  readonly dbs: Database[];
  /** Changes since the last save; the dispatcher compares it around a call. */
  dirty = 0;
  readonly stats: KeyspaceStats = {
    expiredKeys: 0,
    expiredStalePerc: 0,
    expiredTimeCapReachedCount: 0,
    expireCycleCpuMs: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
  };
  private readonly hooks: KeyHook[] = [];
  /** Called after a key was removed by expiry (for propagation of a DEL). */
  onExpired: ((db: Database, key: string) => void) | null = null;
  /** Called when a database is emptied. */
  onFlush: ((db: Database) => void) | null = null;

  private scans = new Map<number, ScanState>();
  private nextCursor = 1;

  constructor(databases: number, readonly clock: Clock = systemClock) {
    this.dbs = [];
    for (let i = 0; i < databases; i++) this.dbs.push(new Database(i, this));
  }

  now(): number {
    return this.clock.now();
  }

  /** Register a hook called for every modified key. */
  addHook(hook: KeyHook): void {
    this.hooks.push(hook);
  }

  keyModified(db: Database, key: string, countDirty = true): void {
    if (countDirty) this.dirty++;
    for (let i = 0; i < this.hooks.length; i++) this.hooks[i]!(db, key);
  }

  /** SWAPDB: exchange the contents of two databases. */
  swap(a: number, b: number): void {
    const x = this.dbs[a]!;
    const y = this.dbs[b]!;
    [x.dict, y.dict] = [y.dict, x.dict];
    [x.expires, y.expires] = [y.expires, x.expires];
    [x.avgTtl, y.avgTtl] = [y.avgTtl, x.avgTtl];
    x.expireIter = null;
    y.expireIter = null;
    this.dirty++;
  }

  /**
   * One SCAN step. The cursor names an open iteration over the database's
   * dictionary; a JS Map iterator visits, exactly once, every key present
   * for the whole iteration, whatever is added or removed meanwhile, which
   * is SCAN's guarantee. An unknown cursor (never issued, or dropped as the
   * least recently used of MAX_SCAN_CURSORS) ends the iteration.
   */
  scan(db: Database, cursor: number, opts: ScanOptions): [number, string[]] {
    let state: ScanState | undefined;
    if (cursor === 0) {
      state = { db, dict: db.dict, iter: db.dict.keys() };
    } else {
      state = this.scans.get(cursor);
      this.scans.delete(cursor);
      if (state === undefined || state.db !== db || state.dict !== db.dict) return [0, []];
    }
    const out: string[] = [];
    // Like Redis, COUNT bounds the work done (keys visited), not the number
    // of keys returned after filtering.
    let visited = 0;
    let done = false;
    while (visited < opts.count) {
      const r = state.iter.next();
      if (r.done === true) {
        done = true;
        break;
      }
      visited++;
      const k = r.value;
      if (opts.match !== null && !globMatch(opts.match, k)) continue;
      // As Redis, an expired key met here is deleted (deleting from a Map
      // being iterated is safe), and the TYPE filter looks the key up as a
      // read, which counts a keyspace hit or miss.
      if (opts.type !== null) {
        const v = db.read(k);
        if (v === undefined || typeOf(v) !== opts.type) continue;
      } else if (db.expires.size !== 0 && db.expireIfNeeded(k)) {
        continue;
      }
      out.push(k);
    }
    if (done) return [0, out];
    const id = this.nextCursor++;
    if (this.nextCursor > Number.MAX_SAFE_INTEGER) this.nextCursor = 1;
    this.scans.set(id, state);
    if (this.scans.size > MAX_SCAN_CURSORS) {
      const oldest = this.scans.keys().next().value;
      if (oldest !== undefined) this.scans.delete(oldest);
    }
    return [id, out];
  }

  /**
   * Active expiry, run `hz` times a second: sample keys with a TTL in each
   * database, delete the expired ones, and go on with a database while more
   * than a quarter of its sample had expired, until `budgetMs` is used.
   */
  activeExpireCycle(budgetMs: number): void {
    const start = performance.now();
    const now = this.now();
    const SAMPLE = 20;
    let sampled = 0;
    let expired = 0;
    for (const db of this.dbs) {
      if (db.expires.size === 0) continue;
      let ttlSum = 0;
      let ttlCount = 0;
      for (;;) {
        let seen = 0;
        let gone = 0;
        while (seen < SAMPLE && db.expires.size > 0) {
          if (db.expireIter === null || db.expireIterMap !== db.expires) {
            db.expireIter = db.expires.entries();
            db.expireIterMap = db.expires;
          }
          const r = db.expireIter.next();
          if (r.done === true) {
            db.expireIter = null;
            if (seen > 0 || gone > 0) break;
            continue;
          }
          seen++;
          const [key, when] = r.value;
          if (when <= now) {
            if (db.expireIfNeeded(key)) gone++;
          } else {
            ttlSum += when - now;
            ttlCount++;
          }
        }
        sampled += seen;
        expired += gone;
        if (performance.now() - start > budgetMs) {
          this.stats.expiredTimeCapReachedCount++;
          this.finishCycle(start, sampled, expired);
          return;
        }
        if (seen === 0 || gone * 4 <= seen) break;
      }
      if (ttlCount > 0) {
        const avg = ttlSum / ttlCount;
        db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
      }
    }
    this.finishCycle(start, sampled, expired);
  }

  private finishCycle(start: number, sampled: number, expired: number): void {
    this.stats.expireCycleCpuMs += performance.now() - start;
    const perc = sampled === 0 ? 0 : expired / sampled;
    this.stats.expiredStalePerc = this.stats.expiredStalePerc * 0.95 + perc * 0.05;
  }
}
