// The keyspace: the numbered databases, their keys and expiry times, and the
// one protocol every change to them follows.
//
// Layout mirrors Redis: each Database has a main dictionary (key -> value)
// and a separate `expires` dictionary (key -> absolute unix ms) holding only
// keys with a TTL, so keys without one cost nothing extra. Keys are latin1
// strings (one char per byte), which makes them binary-safe and lets V8's
// Map do the hashing.
//
// The mutation protocol (what every command module relies on):
// 1. A value that may be changed is obtained through `lookupWrite` (or
//    `lookupWriteStored`); `set`, `delete`, `setExpire` and `persist` are the
//    only other ways to change a key. Each of them first lets a snapshot in
//    progress (a Cut) save the old value: one length check when none runs.
// 2. After the change, ONE call reports it: `changed(key, event)` with Redis's
//    event name ('set', 'del', 'expire', 'lpush', 'rename_from' ...). It counts
//    `dirty` and calls the keyspace listeners (WATCH, keyspace notifications,
//    client tracking, blocked-key readiness, propagation of expiries). No
//    command publishes, invalidates or logs anything by hand.
// 3. FLUSHDB/FLUSHALL and SWAPDB change whole databases; they report through
//    `dbFlushed` (with the dictionary that was dropped) and `dbsSwapped`.
// 4. Two notices are not changes (no dirty, no WATCH): a key added to a
//    database (`set` of a missing key, Redis's dbAdd) and a read lookup that
//    finds nothing (`read`, Redis's lookupKeyRead miss). They go to
//    `onNewKey` / `onKeyMiss` (keyspace notifications' 'new' and 'keymiss'),
//    null while those classes are off.
//
// Expiry is lazy (a key found expired on access is deleted first) and active
// (`activeExpireCycle`, driven by the server's `hz` timer, walks each
// database's expires with a persistent iterator, Redis 6+ style, repeating
// while more than a quarter of a sample had expired, within a time budget).
// An expiry is reported as 'expired' without counting `dirty` (it is not the
// running command's write; the server propagates it as a DEL).
//
// Time: while a command runs the keyspace's clock is frozen (`freeze`), so
// every expiry decision and TTL computed by one command, transaction or
// script sees the same "now", as Redis's cached command time.

import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { Cut } from './cut.js';
import { globMatch } from './glob.js';
import type { Stored, Value, ValueType } from './types.js';
import { RawString, encodeStored, typeOf } from './types.js';

/** Deleted strings this large are reported to Keyspace.onFreed. */
const FREED_WORTH_TELLING = 64 * 1024;

/** What the keyspace reports to; every method is optional. */
export interface KeyspaceListener {
  /** After `key` changed; `event` is Redis's notification name for the change. */
  keyChanged?(db: Database, key: string, event: string): void;
  /** After a database was emptied; `old` is the dictionary it had (not to be changed). */
  dbFlushed?(db: Database, old: ReadonlyMap<string, Stored>): void;
  /** After SWAPDB exchanged the contents of two databases. */
  dbsSwapped?(a: Database, b: Database): void;
}

export interface KeyspaceStats {
  expiredKeys: number;
  expiredStalePerc: number;
  expiredTimeCapReachedCount: number;
  expireCycleCpuMs: number;
  keyspaceHits: number;
  keyspaceMisses: number;
}

export class Database {
  /** key -> value. Read it freely; change it only through the methods below. */
  dict = new Map<string, Stored>();
  /** key -> absolute expiry (unix ms), only for keys with a TTL. Same rule. */
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

  /** lookupKeyRead: the value (expired keys deleted first); counts hits and misses. */
  read(key: string): Value | undefined {
    const v = this.readStored(key);
    return typeof v === 'number' ? String(v) : v;
  }

  /** As read, but an integer-encoded string comes as its number (GET). */
  readStored(key: string): Stored | undefined {
    const v = this.lookup(key);
    if (v === undefined) {
      this.ks.stats.keyspaceMisses++;
      if (this.ks.onKeyMiss !== null) this.ks.onKeyMiss(this, key);
    } else {
      this.ks.stats.keyspaceHits++;
    }
    return v;
  }

  /**
   * As read, without the 'keymiss' notification (Redis's LOOKUP_NONOTIFY,
   * as OBJECT looks keys up); hits and misses are counted.
   */
  readQuiet(key: string): Value | undefined {
    const hook = this.ks.onKeyMiss;
    this.ks.onKeyMiss = null;
    try {
      return this.read(key);
    } finally {
      this.ks.onKeyMiss = hook;
    }
  }

  /**
   * lookupKeyWrite: the value, for a command that may change it in place.
   * A snapshot in progress saves the old value first.
   */
  lookupWrite(key: string): Value | undefined {
    const v = this.lookupWriteStored(key);
    return typeof v === 'number' ? String(v) : v;
  }

  /** As lookupWrite, but an integer-encoded string comes as its number (INCR). */
  lookupWriteStored(key: string): Stored | undefined {
    const v = this.lookup(key);
    if (v !== undefined && this.ks.cuts.length !== 0) this.ks.capture(this, key);
    return v;
  }

  /** Whether the key exists (expired keys deleted first), without statistics. */
  exists(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  private lookup(key: string): Stored | undefined {
    const v = this.dict.get(key);
    if (v === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return v;
  }

  /**
   * Store a value, replacing any other; drops the TTL unless keepTtl. A
   * number is an integer string given as its (safe integer) value. The
   * caller reports the change.
   */
  set(key: string, value: Value | number, keepTtl = false): void {
    // An expired key being overwritten is expired first, as Redis's lookup
    // in setKey does: reported 'expired' and replayed as a DEL.
    if (this.expires.size !== 0) this.expireIfNeeded(key);
    if (this.ks.cuts.length !== 0) this.ks.capture(this, key);
    const added = this.ks.onNewKey !== null && !this.dict.has(key);
    this.dict.set(key, typeof value === 'number' ? value : encodeStored(value));
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
    if (added) this.ks.onNewKey!(this, key);
  }

  /**
   * Loading an RDB (start-up, an AOF's RDB base, DEBUG RELOAD): add a key
   * with its expiry, reporting nothing (Redis's dbAddRDBLoad notifies no
   * one). A key already there is replaced when `replace`; otherwise false
   * comes back (a corrupt file: the caller aborts the load, having lost
   * that key's old value). One hash operation per new key.
   */
  load(key: string, value: Value | number, expireAt: number, replace = false): boolean {
    if (this.ks.cuts.length !== 0) this.ks.capture(this, key);
    const dict = this.dict;
    const n = dict.size;
    dict.set(key, typeof value === 'number' ? value : encodeStored(value));
    if (dict.size === n) {
      if (!replace) return false;
      if (expireAt === -1) this.expires.delete(key);
    }
    if (expireAt !== -1) this.expires.set(key, expireAt);
    return true;
  }

  /**
   * Replace a value by another representation of the same bytes (a string
   * made editable in place): no change to report. The key was looked up
   * with lookupWrite, so a snapshot already has its old value.
   */
  reencode(key: string, value: Value): void {
    this.dict.set(key, value);
  }

  /** Delete a key; true when it existed. The caller reports the change. */
  delete(key: string): boolean {
    const old = this.dict.get(key);
    if (old === undefined) return false;
    if (this.ks.cuts.length !== 0) this.ks.capture(this, key);
    this.dict.delete(key);
    if (this.expires.size !== 0) this.expires.delete(key);
    if (typeof old !== 'number') this.ks.freed(old);
    return true;
  }

  /**
   * A collection a change left empty is deleted, as Redis does, and reported
   * as a second event of the same change ('del', counting no dirty).
   */
  removeEmptied(key: string): void {
    this.delete(key);
    this.changed(key, 'del', 0);
  }

  /**
   * Report a change made to `key` (after making it), with Redis's event
   * name. `dirty` is how many changes it counts for (0 for a second event
   * of the same change, such as the 'del' of a list popped empty).
   */
  changed(key: string, event: string, dirty = 1): void {
    const ks = this.ks;
    ks.dirty += dirty;
    const fns = ks.changeListeners;
    for (let i = 0; i < fns.length; i++) fns[i]!.keyChanged!(this, key, event);
  }

  /** Absolute expiry in unix ms, or undefined when the key has none. */
  getExpire(key: string): number | undefined {
    return this.expires.size === 0 ? undefined : this.expires.get(key);
  }

  /** Set an absolute expiry on an existing key. The caller reports the change. */
  setExpire(key: string, when: number): void {
    if (this.ks.cuts.length !== 0) this.ks.capture(this, key);
    this.expires.set(key, when);
  }

  /** Remove the TTL; true when there was one. The caller reports the change. */
  persist(key: string): boolean {
    if (this.expires.size === 0 || !this.expires.has(key)) return false;
    if (this.ks.cuts.length !== 0) this.ks.capture(this, key);
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
    if (this.ks.cuts.length !== 0) this.ks.capture(this, key);
    const old = this.dict.get(key);
    if (old !== undefined && typeof old !== 'number') this.ks.freed(old);
    this.dict.delete(key);
    this.expires.delete(key);
    this.ks.stats.expiredKeys++;
    // Not the command's write: Redis leaves `dirty` alone, so a GET meeting
    // an expired key is not propagated; the expiry itself is, as a DEL.
    this.ks.onExpired?.(this, key);
    this.changed(key, 'expired', 0);
  }

  /** Remove every key (FLUSHDB). Returns how many there were. */
  clear(): number {
    const old = this.dict;
    const n = old.size;
    // Fresh maps rather than clear(): a large Map's backing store is freed
    // at once, live SCAN iterators over the old one simply end, and a
    // snapshot in progress goes on reading the old one, now frozen.
    this.dict = new Map();
    this.expires = new Map();
    this.expireIter = null;
    this.avgTtl = 0;
    this.ks.dirty += n;
    for (const l of this.ks.listeners) l.dbFlushed?.(this, old);
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
  /** Everything that listens to changes (see KeyspaceListener). */
  readonly listeners: KeyspaceListener[] = [];
  /** The listeners with a keyChanged method, for the hot path. */
  readonly changeListeners: KeyspaceListener[] = [];
  /** Snapshots in progress: each saves what a change is about to overwrite. */
  readonly cuts: Cut[] = [];
  /**
   * Keyspace notifications of a key added to a database ('new', Redis's
   * dbAdd) and of a read lookup that found nothing ('keymiss'): notices, not
   * changes (no dirty, no WATCH), so not reported through `changed`. Null
   * while their class is off (notify.ts sets them).
   */
  onNewKey: ((db: Database, key: string) => void) | null = null;
  onKeyMiss: ((db: Database, key: string) => void) | null = null;
  /**
   * An expired key was just deleted (before the 'expired' change is
   * reported): the server propagates the deletion (Redis's
   * propagateDeletion). A hook of its own rather than a listener filtering
   * every change of every write for this one event.
   */
  onExpired: ((db: Database, key: string) => void) | null = null;
  /** Told the size of a large value just deleted (the memory reclaimer). */
  onFreed: ((bytes: number) => void) | null = null;
  private frozen = false;
  private frozenNow = 0;

  private scans = new Map<number, ScanState>();
  private nextCursor = 1;

  constructor(databases: number, readonly clock: Clock = systemClock) {
    this.dbs = [];
    for (let i = 0; i < databases; i++) this.dbs.push(new Database(i, this));
  }

  /** The current time in unix ms: frozen while a command runs. */
  now(): number {
    return this.frozen ? this.frozenNow : this.clock.now();
  }

  /** Freeze "now" at `ms` (the start of a top-level command) until thaw(). */
  freeze(ms: number): void {
    this.frozen = true;
    this.frozenNow = ms;
  }

  thaw(): void {
    this.frozen = false;
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  addListener(l: KeyspaceListener): void {
    this.listeners.push(l);
    if (l.keyChanged !== undefined) this.changeListeners.push(l);
  }

  removeListener(l: KeyspaceListener): void {
    for (const list of [this.listeners, this.changeListeners]) {
      const i = list.indexOf(l);
      if (i >= 0) list.splice(i, 1);
    }
  }

  /** Start a point-in-time cut of the whole dataset (see cut.ts). */
  startCut(): Cut {
    const cut = new Cut(this);
    this.cuts.push(cut);
    return cut;
  }

  endCut(cut: Cut): void {
    const i = this.cuts.indexOf(cut);
    if (i >= 0) this.cuts.splice(i, 1);
  }

  /** A value was deleted: a large string is worth telling the memory reclaimer about. */
  freed(v: Value): void {
    if (this.onFreed === null) return;
    const n = typeof v === 'string' ? v.length : v instanceof RawString ? v.buf.length : 0;
    if (n >= FREED_WORTH_TELLING) this.onFreed(n);
  }

  /** Before a key changes: every cut in progress saves its old value. */
  capture(db: Database, key: string): void {
    for (let i = 0; i < this.cuts.length; i++) this.cuts[i]!.capture(db, key);
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
    for (const l of this.listeners) l.dbsSwapped?.(x, y);
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
  /** DEBUG SET-ACTIVE-EXPIRE 0 turns the active cycle off (expiry stays lazy). */
  activeExpireEnabled = true;

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
