// Blocking: clients waiting for keys (BLPOP, BLMOVE, BZPOPMIN ... build on it).
//
// A blocking command that cannot be served at once calls `block` with the
// keys it waits for, its timeout and two callbacks. From then on:
// - The client's further requests stay unread (Client.blocked) until it is
//   released.
// - Any change reported on a key someone waits for (the keyspace's mutation
//   protocol: this object is a KeyspaceListener) marks the key ready in the
//   running unit's execution context. When that unit ends, the dispatcher
//   hands the ready keys here: the clients blocked on each key are offered it
//   in the order they blocked, each `serve` running nested in the unit, so
//   that what it does is propagated with the write that made the key ready
//   (as Redis 7.2 does). A served client's reply goes to its own output, and
//   its pipeline resumes.
// - Timeouts sit in one binary heap with one timer for the earliest; the hz
//   cron also checks the heap, which is what moves them under a test clock.
// - A disconnected client leaves nothing behind (clientClosed).

import type { Client } from './client.js';
import { CTX_DENY_BLOCKING, CTX_MULTI, CTX_SCRIPT, type ReadyKey } from './engine/context.js';
import type { ClientInfoFields, InfoFields, Subsystem } from './engine/subsystem.js';
import type { Database, KeyspaceListener } from './keyspace/keyspace.js';
import { E, RedisError } from './errors.js';
import type { Server } from './server.js';
import { parseLongDouble } from './util/numbers.js';

/**
 * A blocking command's timeout (getTimeoutFromObjectOrReply, seconds): a long
 * double, truncated to ms as Redis's cast does (so 0.0001 and -0.0001 mean 0,
 * forever; an infinite or too large value casts to LLONG_MIN, negative).
 * Returns the absolute unix ms to time out at, 0 for none.
 */
export function blockTimeoutArg(now: number, s: string): number {
  const ld = parseLongDouble(s);
  if (ld === null) throw new RedisError(E.TIMEOUT_NOT_FLOAT);
  let ms: number;
  if (ld.inf) {
    ms = -1;
  } else {
    const v = Number(ld.m) * 2 ** ld.e * 1000;
    ms = v >= 2 ** 63 ? -1 : Math.trunc(v) * (ld.neg ? -1 : 1);
  }
  if (ms < 0) throw new RedisError(E.TIMEOUT_NEGATIVE);
  return ms === 0 ? 0 : now + ms;
}

export interface BlockRequest {
  client: Client;
  db: Database;
  keys: readonly string[];
  /** Absolute unix ms; 0 waits forever. */
  timeout: number;
  /**
   * A key it waits for changed: serve the client now if the key holds what
   * it waits for (write its reply, propagate what it did) and return true;
   * false leaves it blocked.
   */
  serve(key: string): boolean;
  /** The timeout passed (or CLIENT UNBLOCK): write the timeout reply. */
  timedOut(): void;
}

interface Entry {
  req: BlockRequest;
  seq: number;
  done: boolean;
}

export class Blocking implements Subsystem, KeyspaceListener {
  readonly name = 'blocking';
  /** db index -> key -> entries in blocking order. */
  private readonly byKey = new Map<number, Map<string, Entry[]>>();
  private readonly byClient = new Map<Client, Entry>();
  /** Min-heap on (timeout, seq) of entries with a timeout. */
  private readonly heap: Entry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private seq = 0;
  /** Clients ever served or timed out: INFO's total_blocking_keys is not 7.0; kept for tests. */
  served = 0;

  constructor(private readonly server: Server) {
    server.keyspace.addListener(this);
    server.dispatcher.onReady = (ready) => this.serveReady(ready);
  }

  get blockedClients(): number {
    return this.byClient.size;
  }

  isBlocked(c: Client): boolean {
    return this.byClient.has(c);
  }

  /**
   * Whether the running command may block: not inside MULTI or a script, nor
   * while a blocked client is being served, where it answers as if its
   * timeout had passed (Redis's CLIENT_DENY_BLOCKING).
   */
  mayBlock(): boolean {
    const ctx = this.server.dispatcher.ctx;
    return (ctx.flags & (CTX_MULTI | CTX_SCRIPT | CTX_DENY_BLOCKING)) === 0;
  }

  /**
   * blockForKeys as the list and sorted-set pops use it: wait on `keys` of
   * the client's current database; `serve` is offered each key that changes
   * (it checks the type and size itself, and answers true once it served);
   * a timeout answers a null array, as every one of them does in Redis 7.0.
   */
  blockForKeys(c: Client, keys: readonly string[], timeout: number, serve: (db: Database, key: string) => boolean): void {
    const db = c.db;
    this.block({
      client: c,
      db,
      keys,
      timeout,
      serve: (key) => serve(db, key),
      timedOut() {
        c.w.nullArray();
      },
    });
  }

  /** Block the client (see the header). Must be called from its own command. */
  block(req: BlockRequest): void {
    const c = req.client;
    if (this.byClient.has(c)) throw new Error('client already blocked');
    const e: Entry = { req, seq: this.seq++, done: false };
    this.byClient.set(c, e);
    let keys = this.byKey.get(req.db.id);
    if (keys === undefined) this.byKey.set(req.db.id, (keys = new Map()));
    for (const k of req.keys) {
      const list = keys.get(k);
      if (list === undefined) keys.set(k, [e]);
      else if (!list.includes(e)) list.push(e);
    }
    c.blocked = true;
    if (req.timeout > 0) {
      heapPush(this.heap, e);
      this.armTimer();
    }
  }

  /** Release a blocked client without serving it (served, timed out, gone). */
  private release(e: Entry): void {
    if (e.done) return;
    e.done = true;
    const c = e.req.client;
    this.byClient.delete(c);
    const keys = this.byKey.get(e.req.db.id);
    if (keys !== undefined) {
      for (const k of e.req.keys) {
        const list = keys.get(k);
        if (list === undefined) continue;
        const i = list.indexOf(e);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) keys.delete(k);
      }
      if (keys.size === 0) this.byKey.delete(e.req.db.id);
    }
    c.blocked = false;
  }

  // ---- KeyspaceListener

  keyChanged(db: Database, key: string): void {
    if (this.byClient.size === 0) return;
    const keys = this.byKey.get(db.id);
    if (keys !== undefined && keys.has(key)) this.server.dispatcher.ctx.keyReady(db, key);
  }

  dbsSwapped(a: Database, b: Database): void {
    // Clients wait on database numbers: what now sits under a key they wait
    // for may serve them.
    for (const db of [a, b]) {
      const keys = this.byKey.get(db.id);
      if (keys === undefined) continue;
      for (const k of keys.keys()) if (db.exists(k)) this.server.dispatcher.ctx.keyReady(db, k);
    }
  }

  /** Offer each ready key to its clients, first blocked first served. */
  private serveReady(ready: ReadyKey[]): void {
    for (const { db, key } of ready) {
      const list = this.byKey.get(db.id)?.get(key);
      if (list === undefined) continue;
      for (const e of list.slice()) {
        if (e.done) continue;
        if (!db.exists(key)) break;
        if (e.req.serve(key)) {
          this.release(e);
          this.served++;
          this.server.resume(e.req.client);
        }
      }
    }
  }

  // ---- timeouts

  private armTimer(): void {
    while (this.heap.length > 0 && this.heap[0]!.done) heapPop(this.heap);
    if (this.heap.length === 0) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      return;
    }
    const at = this.heap[0]!.req.timeout;
    if (this.timer !== null && this.timerAt === at) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    const delay = Math.max(0, at - this.server.keyspace.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.expireTimeouts();
    }, Math.min(delay + 1, 2 ** 31 - 1));
    this.timer.unref();
  }

  /** Answer every client whose timeout has passed. */
  expireTimeouts(): void {
    if (this.heap.length === 0) return;
    this.server.dispatcher.runUnit(() => {
      const now = this.server.keyspace.now();
      while (this.heap.length > 0) {
        const e = this.heap[0]!;
        if (!e.done && e.req.timeout > now) break;
        heapPop(this.heap);
        if (e.done) continue;
        this.release(e);
        this.served++;
        e.req.timedOut();
        this.server.resume(e.req.client);
      }
    });
    this.armTimer();
  }

  /** CLIENT UNBLOCK: answer as a timeout; false when the client is not blocked. */
  unblockAsTimeout(c: Client): boolean {
    const e = this.byClient.get(c);
    if (e === undefined) return false;
    this.release(e);
    e.req.timedOut();
    this.server.resume(c);
    return true;
  }

  /** CLIENT UNBLOCK ... ERROR: release with an error reply instead. */
  unblockWithError(c: Client, message: string): boolean {
    const e = this.byClient.get(c);
    if (e === undefined) return false;
    this.release(e);
    c.w.error(message);
    this.server.resume(c);
    return true;
  }

  // ---- Subsystem

  cron(): void {
    this.expireTimeouts();
  }

  clientClosed(c: Client): void {
    const e = this.byClient.get(c);
    if (e !== undefined) this.release(e);
  }

  resetClient(c: Client): void {
    this.clientClosed(c);
  }

  clientInfo(c: Client, f: ClientInfoFields): void {
    if (this.byClient.has(c)) f.flags += 'b';
  }

  infoFields(section: string): InfoFields | undefined {
    if (section !== 'clients') return undefined;
    let keys = 0;
    for (const m of this.byKey.values()) keys += m.size;
    return [['blocked_clients', this.byClient.size], ['total_blocking_keys', keys]];
  }
}

function less(a: Entry, b: Entry): boolean {
  const ta = a.req.timeout;
  const tb = b.req.timeout;
  return ta < tb || (ta === tb && a.seq < b.seq);
}

function heapPush(h: Entry[], e: Entry): void {
  h.push(e);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!less(h[i]!, h[p]!)) break;
    [h[i], h[p]] = [h[p]!, h[i]!];
    i = p;
  }
}

function heapPop(h: Entry[]): Entry | undefined {
  const top = h[0];
  const last = h.pop();
  if (h.length > 0 && last !== undefined) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l]!, h[m]!)) m = l;
      if (r < h.length && less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
  return top;
}
