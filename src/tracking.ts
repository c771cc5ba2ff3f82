// Client tracking: the server side of client-side caching (Redis's tracking.c).
//
// Owns: each tracking client's mode (`Client.tracking`, null while tracking is
// off: the dispatcher tests only that field), the table of keys tracking
// clients have read (key -> client ids), the BCAST prefix table (prefix ->
// subscribed clients and the keys changed this turn), and every invalidation
// frame. CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO are in
// src/commands/tracking.ts.
//
// As in Redis the key table is global (not per database), holds client ids
// (a client that turns tracking off or disconnects leaves its ids behind, to
// be dropped lazily when the key changes or the table is flushed), and a key
// leaves the table once its invalidation is sent: a client is told once, and
// must read the key again to hear of the next change.
//
// Sources: the dispatcher calls `afterCall` after each command of a tracking
// client (the keys of 'readonly' commands are remembered, nested commands of
// EXEC included, under OPTIN/OPTOUT and CLIENT CACHING's rules); every
// invalidation comes from the keyspace's change reports (this object is a
// KeyspaceListener): writes by anyone, expiry, eviction, FLUSHDB/FLUSHALL (a
// null "everything" invalidation to every tracking client). SWAPDB, as in
// Redis 7.0, invalidates nothing.
//
// Delivery: a RESP3 client gets `>2 invalidate [keys]` pushes on its own
// connection; with REDIRECT the frame goes to the other client instead, as a
// push when it speaks RESP3, or as a pub/sub message on
// `__redis__:invalidate` when it speaks RESP2 and is in the subscribed state
// (any subscription, Redis's CLIENT_PUBSUB rule); a redirect target that is
// gone flags the client (R) and, in RESP3, sends it `tracking-redir-broken`.
// The running client's own invalidations are held until its top-level
// command has replied (Redis's tracking_pending_keys). BCAST changes are
// collected per prefix and sent once per event-loop turn, before sockets are
// written (Redis's beforeSleep: trackingBroadcastInvalidationMessages).

import type { Client } from './client.js';
import type { ClientInfoFields, InfoFields, Subsystem } from './engine/subsystem.js';
import type { Command } from './engine/table.js';
import type { Database, KeyspaceListener } from './keyspace/keyspace.js';
import type { Server } from './server.js';
import { encodeBulk, encodeNull } from './protocol/reply.js';

/** One client's tracking mode (`Client.tracking`, null when off). */
export class ClientTracking {
  bcast = false;
  optin = false;
  optout = false;
  noloop = false;
  /** CLIENT CACHING was given for the next command (CLIENT_TRACKING_CACHING). */
  caching = false;
  /** The redirect target was found gone (flag R). */
  brokenRedirect = false;
  /** Client id invalidations go to; 0: this connection. */
  redirect = 0;
  /** BCAST prefixes ("" for every key). */
  readonly prefixes = new Set<string>();
}

/** A BCAST prefix: its clients, and the keys changed this turn with their last changer. */
interface BcastState {
  readonly clients: Set<Client>;
  /** key -> the NOLOOP BCAST client that changed it last (null: anyone else). */
  keys: Map<string, Client | null>;
}

const INVALIDATE_PUSH = '>2\r\n$10\r\ninvalidate\r\n';
const INVALIDATE_MESSAGE = '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n';

function oneKey(key: string): string {
  return '*1\r\n' + encodeBulk(key);
}

/** The RESP array of `keys` (sorted, as Redis's radix tree gives them), minus those `skip` changed last. */
function keysArray(keys: Map<string, Client | null>, sorted: string[], skip: Client | null): string | null {
  let n = 0;
  let body = '';
  for (const k of sorted) {
    if (skip !== null && keys.get(k) === skip) continue;
    n++;
    body += encodeBulk(k);
  }
  return n === 0 ? null : '*' + n + '\r\n' + body;
}

/** What the running client is sent once its command has replied: a key, or null for "everything". */
type Pending = string | null;

export class Tracking implements Subsystem, KeyspaceListener {
  readonly name = 'tracking';
  /** key -> ids of the clients that may have it cached. */
  private readonly table = new Map<string, Set<number>>();
  /** Ids in the table, all keys together (INFO tracking_total_items). */
  private items = 0;
  /** Clients with tracking on. */
  private readonly trackers = new Set<Client>();
  /** prefix -> its BCAST state. */
  private readonly prefixes = new Map<string, BcastState>();
  /** The prefixes in byte order (the order Redis sends them in), rebuilt when they change. */
  private sortedPrefixes: string[] | null = null;
  /** BCAST clients with NOLOOP: the changer of a key is looked for among them. */
  private readonly noloopBcast = new Set<Client>();
  /** Some prefix has keys to send this turn. */
  private bcastDirty = false;
  /** Invalidations for the running client, sent after its top-level command. */
  private pending: Pending[] = [];
  private pendingClient: Client | null = null;
  /** The command count of the last flush notified inside a command: FLUSHALL notifies once. */
  private lastFlushStamp = -1;
  private maxKeys: number;

  constructor(private readonly server: Server) {
    server.keyspace.addListener(this);
    this.maxKeys = server.config.int('tracking-table-max-keys');
    server.config.onChange((name, value) => {
      if (name === 'tracking-table-max-keys') this.maxKeys = Number(value);
    });
    server.beforeWriteHooks.push(() => this.beforeWrite());
  }

  // ---- CLIENT TRACKING / CACHING (validation is the command's)

  /** enableTracking: on, or on again with new options (BCAST prefixes add up). */
  enable(c: Client, redirect: number, bcast: boolean, optin: boolean, optout: boolean, noloop: boolean,
    prefixes: readonly string[]): void {
    let t = c.tracking;
    if (t === null) {
      t = c.tracking = new ClientTracking();
      this.trackers.add(c);
    }
    t.brokenRedirect = false;
    t.redirect = redirect;
    t.bcast = bcast;
    t.optin = optin;
    t.optout = optout;
    t.noloop = noloop;
    if (bcast) {
      if (prefixes.length === 0) this.addPrefix(c, t, '');
      for (const p of prefixes) this.addPrefix(c, t, p);
    }
    if (bcast && noloop) this.noloopBcast.add(c);
    else this.noloopBcast.delete(c);
  }

  private addPrefix(c: Client, t: ClientTracking, prefix: string): void {
    let bs = this.prefixes.get(prefix);
    if (bs === undefined) {
      bs = { clients: new Set(), keys: new Map() };
      this.prefixes.set(prefix, bs);
      this.sortedPrefixes = null;
    }
    bs.clients.add(c);
    t.prefixes.add(prefix);
  }

  /** disableTracking: off (CLIENT TRACKING off, RESET, disconnect). Its ids stay in the table. */
  disable(c: Client): void {
    const t = c.tracking;
    if (t === null) return;
    for (const p of t.prefixes) {
      const bs = this.prefixes.get(p)!;
      bs.clients.delete(c);
      if (bs.clients.size === 0) {
        this.prefixes.delete(p);
        this.sortedPrefixes = null;
      }
    }
    this.noloopBcast.delete(c);
    this.trackers.delete(c);
    c.tracking = null;
  }

  // ---- reads (the dispatcher's hook)

  /**
   * After `cmd` ran for a tracking client (nested or not): remember the keys
   * it read; at the top level, drop CLIENT CACHING's one-command flag (not
   * after CLIENT itself, nor while a transaction is open: Redis's
   * resetClient), send the client's own held invalidations and keep the
   * table within tracking-table-max-keys.
   */
  afterCall(c: Client, cmd: Command, argv: readonly string[], top: boolean): void {
    const t = c.tracking;
    // (A bare object standing in for a client, in tests, has no slot at all.)
    if (t === null || t === undefined) return;
    if (!t.bcast && cmd.flags.has('readonly') && !cmd.flags.has('pubsub') &&
        !(t.optin && !t.caching) && !(t.optout && t.caching)) {
      this.remember(c.id, cmd, argv);
    }
    if (!top) return;
    if (t.caching && c.multi === null && cmd.parent?.name !== 'client') t.caching = false;
    if (this.maxKeys > 0 && this.table.size > this.maxKeys) this.limitKeys();
    if (this.pending.length !== 0) this.sendPending();
  }

  private remember(id: number, cmd: Command, argv: readonly string[]): void {
    const idx = cmd.keyIndexes(argv);
    for (let i = 0; i < idx.length; i++) {
      const key = argv[idx[i]!]!;
      let ids = this.table.get(key);
      if (ids === undefined) this.table.set(key, (ids = new Set()));
      if (!ids.has(id)) {
        ids.add(id);
        this.items++;
      }
    }
  }

  /**
   * trackingLimitUsedSlots, simply: while the table holds more keys than
   * allowed, the oldest are dropped with an invalidation, as if changed.
   */
  private limitKeys(): void {
    for (const key of this.table.keys()) {
      if (this.table.size <= this.maxKeys) break;
      this.invalidateKey(key, false);
    }
  }

  // ---- KeyspaceListener

  keyChanged(_db: Database, key: string): void {
    if (this.table.size === 0 && this.prefixes.size === 0) return;
    this.invalidateKey(key, true);
  }

  dbFlushed(): void {
    // FLUSHALL empties every database in one command: one notification.
    const ctx = this.server.dispatcher.ctx;
    const stamp = this.server.dispatcher.totalCommands;
    const repeat = ctx.depth > 0 && stamp === this.lastFlushStamp;
    this.lastFlushStamp = ctx.depth > 0 ? stamp : -1;
    if (!repeat) {
      for (const c of this.trackers) {
        if (c.cur !== null) this.hold(c, null);
        else this.send(c, null);
      }
    }
    this.table.clear();
    this.items = 0;
  }

  /** trackingInvalidateKey. */
  private invalidateKey(key: string, bcast: boolean): void {
    if (bcast && this.prefixes.size !== 0) this.collectForBroadcast(key);
    const ids = this.table.get(key);
    if (ids === undefined) return;
    this.table.delete(key);
    this.items -= ids.size;
    const clients = this.server.clients;
    for (const id of ids) {
      const target = clients.get(id);
      if (target === undefined) continue;
      const t = target.tracking;
      if (t === null || t.bcast) continue;
      // The running client (its requests are being served) is the changer:
      // NOLOOP skips it; otherwise it is told after its reply.
      if (target.cur !== null) {
        if (!t.noloop) this.hold(target, key);
        continue;
      }
      this.send(target, key);
    }
  }

  private hold(c: Client, what: Pending): void {
    if (this.pendingClient !== c) {
      if (this.pending.length !== 0) this.sendPending();
      this.pendingClient = c;
    }
    this.pending.push(what);
  }

  private sendPending(): void {
    const c = this.pendingClient!;
    const list = this.pending;
    this.pending = [];
    this.pendingClient = null;
    for (const what of list) this.send(c, what);
  }

  // ---- BCAST

  private collectForBroadcast(key: string): void {
    let changer: Client | null = null;
    if (this.noloopBcast.size !== 0) {
      for (const c of this.noloopBcast) {
        if (c.cur !== null) {
          changer = c;
          break;
        }
      }
    }
    for (const [prefix, bs] of this.prefixes) {
      if (prefix.length > key.length || (prefix.length !== 0 && !key.startsWith(prefix))) continue;
      bs.keys.set(key, changer);
      if (!this.bcastDirty) {
        this.bcastDirty = true;
        // A change outside any client's command (active expiry) still needs the turn's end.
        const first = bs.clients.values().next().value;
        if (first !== undefined) this.server.scheduleWrite(first);
      }
    }
  }

  /** trackingBroadcastInvalidationMessages: each prefix's keys, once, to its clients. */
  private broadcast(): void {
    this.bcastDirty = false;
    const sorted = (this.sortedPrefixes ??= [...this.prefixes.keys()].sort());
    for (const prefix of sorted) {
      const bs = this.prefixes.get(prefix)!;
      if (bs.keys.size === 0) continue;
      const keys = bs.keys;
      bs.keys = new Map();
      const order = [...keys.keys()].sort();
      const all = keysArray(keys, order, null)!;
      for (const c of bs.clients) {
        if (c.tracking!.noloop) {
          const mine = keysArray(keys, order, c);
          if (mine !== null) this.sendProto(c, mine);
        } else {
          this.sendProto(c, all);
        }
      }
    }
  }

  private beforeWrite(): void {
    if (this.pending.length !== 0) this.sendPending();
    if (this.bcastDirty) this.broadcast();
    if (this.maxKeys > 0 && this.table.size > this.maxKeys) this.limitKeys();
  }

  // ---- delivery (sendTrackingMessage)

  /** An invalidation of `key`, or of everything (null), for tracking client `c`. */
  private send(c: Client, key: string | null): void {
    // The null is in the tracking client's protocol, wherever it goes (as Redis).
    this.sendProto(c, key === null ? encodeNull(c.resp) : oneKey(key));
  }

  private sendProto(c: Client, value: string): void {
    const t = c.tracking;
    let to = c;
    if (t !== null && t.redirect !== 0) {
      const r = this.server.clients.get(t.redirect);
      if (r === undefined) {
        t.brokenRedirect = true;
        if (c.resp === 3) c.w.raw('>2\r\n$21\r\ntracking-redir-broken\r\n:' + t.redirect + '\r\n');
        return;
      }
      to = r;
      if (to.resp !== 3) {
        if (to.pubsub !== null) to.w.raw(INVALIDATE_MESSAGE + value);
        return;
      }
    } else if (c.resp !== 3) {
      // RESP2 without redirection: no way to push anything.
      return;
    }
    to.w.raw(INVALIDATE_PUSH + value);
  }

  // ---- Subsystem

  resetClient(c: Client): void {
    this.disable(c);
  }

  clientClosed(c: Client): void {
    this.disable(c);
    if (this.pendingClient === c) {
      this.pending = [];
      this.pendingClient = null;
    }
  }

  resetStats(): void {
    // CONFIG RESETSTAT restarts the command count the FLUSHALL stamp is taken from.
    this.lastFlushStamp = -1;
  }

  clientInfo(c: Client, f: ClientInfoFields): void {
    const t = c.tracking;
    if (t === null) return;
    f.flags += 't';
    if (t.brokenRedirect) f.flags += 'R';
    if (t.bcast) f.flags += 'B';
  }

  infoFields(section: string): InfoFields | undefined {
    if (section === 'clients') return [['tracking_clients', this.trackers.size]];
    if (section === 'stats') {
      return [
        ['tracking_total_keys', this.table.size],
        ['tracking_total_items', this.items],
        ['tracking_total_prefixes', this.prefixes.size],
      ];
    }
    return undefined;
  }
}
