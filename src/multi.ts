// Transactions: MULTI's queue and WATCH's optimistic locks (Redis's multi.c).
//
// Owns: the queued commands of a client in MULTI (`Client.multi`, filled by
// the dispatcher, which answers QUEUED or flags the transaction when it
// rejects a command), and the watched keys: key -> watching clients, and per
// client its watches and whether one was touched ("dirty CAS": EXEC will
// answer null). EXEC itself (src/commands/transactions.ts) runs the queue as
// nested calls of one execution context, so the transaction's writes are
// propagated as one MULTI ... EXEC unit and ready keys are served after it.
//
// A watched key is touched by any change the keyspace reports (the mutation
// protocol: this is a KeyspaceListener) — writes by anyone, expiry, eviction,
// FLUSHDB/FLUSHALL, SWAPDB — with Redis 7.0's refinements for keys that were
// already logically expired when watched: their deletion is no change, and
// a key that expires between WATCH and EXEC makes EXEC fail.

import type { Client } from './client.js';
import type { ClientInfoFields, Subsystem } from './engine/subsystem.js';
import type { Command } from './engine/table.js';
import type { Database, KeyspaceListener } from './keyspace/keyspace.js';
import type { Stored } from './keyspace/types.js';
import type { Server } from './server.js';

export interface QueuedCommand {
  readonly cmd: Command;
  readonly argv: string[];
}

/** A client's open transaction (`Client.multi`). */
export class MultiState {
  readonly queue: QueuedCommand[] = [];
  /** A command was rejected while queueing: EXEC answers EXECABORT (CLIENT_DIRTY_EXEC). */
  aborted = false;
}

interface Watch {
  readonly db: Database;
  readonly key: string;
  /** The key was logically expired when watched (Redis's wk->expired). */
  expired: boolean;
}

interface ClientWatches {
  readonly keys: Watch[];
  /** A watched key was touched: EXEC fails (CLIENT_DIRTY_CAS). */
  dirty: boolean;
}

export class Transactions implements Subsystem, KeyspaceListener {
  readonly name = 'transactions';
  /** db -> key -> the clients watching it, with their watch record. */
  private readonly watched = new Map<Database, Map<string, Map<Client, Watch>>>();
  private readonly byClient = new Map<Client, ClientWatches>();
  /** Watch records in all: the keyspace listener does nothing while 0. */
  private count = 0;

  constructor(private readonly server: Server) {
    server.keyspace.addListener(this);
  }

  // ---- MULTI / DISCARD

  begin(c: Client): void {
    c.multi = new MultiState();
  }

  /** DISCARD, and the end of every EXEC: drop the queue and every watch. */
  discard(c: Client): void {
    c.multi = null;
    this.unwatchAll(c);
  }

  // ---- WATCH

  watch(c: Client, db: Database, key: string): void {
    let mine = this.byClient.get(c);
    if (mine === undefined) this.byClient.set(c, (mine = { keys: [], dirty: false }));
    let keys = this.watched.get(db);
    if (keys === undefined) this.watched.set(db, (keys = new Map()));
    let clients = keys.get(key);
    if (clients === undefined) keys.set(key, (clients = new Map()));
    if (clients.has(c)) return;
    const w: Watch = { db, key, expired: this.isExpired(db, key) };
    clients.set(c, w);
    mine.keys.push(w);
    this.count++;
  }

  /** UNWATCH: forget every watch, and that one was touched. */
  unwatchAll(c: Client): void {
    const mine = this.byClient.get(c);
    if (mine === undefined) return;
    this.byClient.delete(c);
    for (const w of mine.keys) {
      const keys = this.watched.get(w.db)!;
      const clients = keys.get(w.key)!;
      clients.delete(c);
      if (clients.size === 0) {
        keys.delete(w.key);
        if (keys.size === 0) this.watched.delete(w.db);
      }
      this.count--;
    }
  }

  /**
   * Whether EXEC must fail: a watched key was touched, or expired since it
   * was watched (Redis's isWatchedKeyExpired).
   */
  isDirty(c: Client): boolean {
    const mine = this.byClient.get(c);
    if (mine === undefined) return false;
    if (mine.dirty) return true;
    for (const w of mine.keys) if (!w.expired && this.isExpired(w.db, w.key)) return true;
    return false;
  }

  /** Logically expired: still stored, its time passed. */
  private isExpired(db: Database, key: string): boolean {
    const when = db.getExpire(key);
    return when !== undefined && when <= this.server.keyspace.now() && db.dict.has(key);
  }

  private touch(c: Client): void {
    const mine = this.byClient.get(c);
    if (mine !== undefined) mine.dirty = true;
  }

  // ---- KeyspaceListener

  keyChanged(db: Database, key: string): void {
    if (this.count === 0) return;
    const clients = this.watched.get(db)?.get(key);
    if (clients === undefined) return;
    for (const [c, w] of clients) {
      // A key already expired when watched, now gone (its expiry, or its
      // deletion before a write over it): logically nothing changed.
      if (w.expired && !db.dict.has(key)) {
        w.expired = false;
        continue;
      }
      this.touch(c);
    }
  }

  dbFlushed(db: Database, old: ReadonlyMap<string, Stored>): void {
    if (this.count === 0) return;
    this.touchAllInDb(db, old, null);
  }

  dbsSwapped(a: Database, b: Database): void {
    if (this.count === 0) return;
    // Each database's old contents are now the other's.
    this.touchAllInDb(a, b.dict, a);
    this.touchAllInDb(b, a.dict, b);
  }

  /**
   * Redis's touchAllWatchedKeysInDb: `emptied` is what the database held,
   * `now` the database holding its new contents (null after a flush).
   */
  private touchAllInDb(db: Database, emptied: ReadonlyMap<string, Stored>, now: Database | null): void {
    const keys = this.watched.get(db);
    if (keys === undefined) return;
    for (const [key, clients] of keys) {
      const wasThere = emptied.has(key);
      const isThere = now !== null && now.dict.has(key);
      if (!wasThere && !isThere) continue;
      for (const [c, w] of clients) {
        if (w.expired) {
          if (!isThere) {
            w.expired = false;
            continue;
          }
          if (this.isExpired(now!, key)) continue;
        } else if (!wasThere && this.isExpired(now!, key)) {
          w.expired = true;
          continue;
        }
        this.touch(c);
      }
    }
  }

  // ---- Subsystem

  resetClient(c: Client): void {
    this.discard(c);
  }

  clientClosed(c: Client): void {
    this.discard(c);
  }

  clientInfo(c: Client, f: ClientInfoFields): void {
    if (c.multi !== null) {
      f.flags += 'x';
      f.multi = c.multi.queue.length;
    }
    if (this.byClient.get(c)?.dirty === true) f.flags += 'd';
  }
}
