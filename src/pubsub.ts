// Pub/Sub: channel, pattern and shard-channel subscriptions, and delivery.
//
// Owns: who is subscribed to what (server-wide maps, and each client's own
// sets on `Client.pubsub`), the frames a subscriber receives, PUBLISH and
// SPUBLISH delivery, the RESP2 "subscribed context" rule, PUBSUB's answers,
// the INFO stats fields and CLIENT LIST's sub/psub/ssub and P flag.
//
// Delivery is rule 1 of the engine: a message is a write to each
// subscriber's output (`Client.w`), which the server sends with the turn's
// other output and holds to the `pubsub` class of client-output-buffer-limit
// (a subscriber that does not read is disconnected, nobody else waits).
// Subscribers of a channel are kept in subscription order, so every
// subscriber receives one publisher's messages in the order published.
// A message frame is encoded once per publish and protocol, then copied into
// each subscriber's output.
//
// Other subsystems publish through `publish` too: keyspace notifications and
// client tracking's RESP2 redirection (`__redis__:invalidate`).

import type { Client } from './client.js';
import type { ClientInfoFields, InfoFields, Subsystem } from './engine/subsystem.js';
import { globMatch } from './keyspace/glob.js';
import { encodeBulk, encodeNull } from './protocol/reply.js';

/** One client's subscriptions (null on the client while it has none). */
export class ClientSubs {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shard = new Set<string>();

  /** What SUBSCRIBE/PSUBSCRIBE/UNSUBSCRIBE replies count: channels and patterns. */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }

  get total(): number {
    return this.channels.size + this.patterns.size + this.shard.size;
  }
}

/** The three kinds of subscription, as Redis's pubsubtype. */
export interface SubKind {
  readonly subscribe: string;
  readonly unsubscribe: string;
  readonly message: string;
  /** The client's set of this kind. */
  mine(s: ClientSubs): Set<string>;
  /** The count a subscribe/unsubscribe reply carries. */
  count(s: ClientSubs): number;
}

export const CHANNELS: SubKind = {
  subscribe: 'subscribe', unsubscribe: 'unsubscribe', message: 'message',
  mine: (s) => s.channels, count: (s) => s.count,
};
export const PATTERNS: SubKind = {
  subscribe: 'psubscribe', unsubscribe: 'punsubscribe', message: 'pmessage',
  mine: (s) => s.patterns, count: (s) => s.count,
};
export const SHARD: SubKind = {
  subscribe: 'ssubscribe', unsubscribe: 'sunsubscribe', message: 'smessage',
  mine: (s) => s.shard, count: (s) => s.shard.size,
};

/** `*3\r\n` in RESP2, `>3\r\n` (a push) in RESP3. */
function pushHeader(resp: number, n: number): string {
  return (resp === 3 ? '>' : '*') + n + '\r\n';
}


export class PubSub implements Subsystem {
  readonly name = 'pubsub';
  /** channel -> subscribers, in subscription order. */
  private readonly channels = new Map<string, Set<Client>>();
  /** pattern -> subscribers. */
  private readonly patterns = new Map<string, Set<Client>>();
  /** shard channel -> subscribers. */
  private readonly shardChannels = new Map<string, Set<Client>>();

  private server(kind: SubKind): Map<string, Set<Client>> {
    return kind === CHANNELS ? this.channels : kind === PATTERNS ? this.patterns : this.shardChannels;
  }

  /** Whether anyone subscribes to anything (keyspace notifications skip their work otherwise). */
  get active(): boolean {
    return this.channels.size !== 0 || this.patterns.size !== 0;
  }

  // ---- subscribing

  /** SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE one name, with its confirmation frame. */
  subscribe(c: Client, kind: SubKind, name: string): void {
    let subs = c.pubsub;
    if (subs === null) {
      subs = c.pubsub = new ClientSubs();
      c.outputClass = 'pubsub';
    }
    const mine = kind.mine(subs);
    if (!mine.has(name)) {
      mine.add(name);
      const map = this.server(kind);
      let set = map.get(name);
      if (set === undefined) map.set(name, (set = new Set()));
      set.add(c);
    }
    this.confirm(c, kind.subscribe, name, kind.count(subs));
  }

  /**
   * UNSUBSCRIBE/PUNSUBSCRIBE/SUNSUBSCRIBE one name; `notify` writes the
   * confirmation frame (RESET and disconnects do not).
   */
  unsubscribe(c: Client, kind: SubKind, name: string, notify: boolean): void {
    const subs = c.pubsub;
    if (subs !== null && kind.mine(subs).delete(name)) {
      const map = this.server(kind);
      const set = map.get(name)!;
      set.delete(c);
      if (set.size === 0) map.delete(name);
    }
    if (notify) this.confirm(c, kind.unsubscribe, name, subs === null ? 0 : kind.count(subs));
    this.maybeLeave(c);
  }

  /** Unsubscribe from every name of a kind: one frame each, or one with a null name if there were none. */
  unsubscribeAll(c: Client, kind: SubKind, notify: boolean): void {
    const subs = c.pubsub;
    const names = subs === null ? [] : [...kind.mine(subs)];
    if (names.length === 0) {
      if (notify) this.confirm(c, kind.unsubscribe, null, subs === null ? 0 : kind.count(subs));
      return;
    }
    for (const n of names) this.unsubscribe(c, kind, n, notify);
  }

  /** A client without subscriptions leaves the subscribed state (flag P, the pubsub output class). */
  private maybeLeave(c: Client): void {
    const subs = c.pubsub;
    if (subs !== null && subs.total === 0) {
      c.pubsub = null;
      if (c.outputClass === 'pubsub') c.outputClass = 'normal';
    }
  }

  private confirm(c: Client, what: string, name: string | null, count: number): void {
    const resp = c.resp;
    c.w.raw(
      pushHeader(resp, 3) + encodeBulk(what) + (name === null ? encodeNull(resp) : encodeBulk(name)) + ':' + count + '\r\n',
    );
  }

  // ---- publishing

  /**
   * Deliver `message` on `channel` to its subscribers and to the clients
   * whose patterns match it; returns how many received it.
   */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const direct = this.channels.get(channel);
    if (direct !== undefined) {
      let f2: string | null = null;
      let f3: string | null = null;
      const tail = encodeBulk(channel) + encodeBulk(message);
      for (const c of direct) {
        if (c.resp === 3) c.w.raw(f3 ??= '>3\r\n$7\r\nmessage\r\n' + tail);
        else c.w.raw(f2 ??= '*3\r\n$7\r\nmessage\r\n' + tail);
        receivers++;
      }
    }
    if (this.patterns.size !== 0) {
      let tail: string | null = null;
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        tail ??= encodeBulk(channel) + encodeBulk(message);
        const body = '$8\r\npmessage\r\n' + encodeBulk(pattern) + tail;
        for (const c of clients) {
          c.w.raw(pushHeader(c.resp, 4) + body);
          receivers++;
        }
      }
    }
    return receivers;
  }

  /** SPUBLISH: shard channels have no patterns. */
  publishShard(channel: string, message: string): number {
    const set = this.shardChannels.get(channel);
    if (set === undefined) return 0;
    const tail = '$8\r\nsmessage\r\n' + encodeBulk(channel) + encodeBulk(message);
    for (const c of set) c.w.raw(pushHeader(c.resp, 3) + tail);
    return set.size;
  }

  /** Whether anyone would receive a message on `channel` (tracking's redirection checks this). */
  isSubscribed(c: Client, channel: string): boolean {
    return c.pubsub !== null && c.pubsub.channels.has(channel);
  }

  // ---- PUBSUB

  /** PUBSUB CHANNELS / SHARDCHANNELS: names with subscribers, optionally matching a pattern. */
  activeNames(shard: boolean, pattern: string | null): string[] {
    const out: string[] = [];
    for (const name of (shard ? this.shardChannels : this.channels).keys()) {
      if (pattern === null || globMatch(pattern, name)) out.push(name);
    }
    return out;
  }

  /** PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one channel. */
  numSub(shard: boolean, name: string): number {
    return (shard ? this.shardChannels : this.channels).get(name)?.size ?? 0;
  }

  /** PUBSUB NUMPAT: distinct patterns subscribed. */
  numPat(): number {
    return this.patterns.size;
  }

  // ---- Subsystem

  clientClosed(c: Client): void {
    this.resetClient(c);
  }

  resetClient(c: Client): void {
    if (c.pubsub === null) return;
    this.unsubscribeAll(c, CHANNELS, false);
    this.unsubscribeAll(c, PATTERNS, false);
    this.unsubscribeAll(c, SHARD, false);
  }

  clientInfo(c: Client, f: ClientInfoFields): void {
    const s = c.pubsub;
    if (s === null) return;
    f.flags += 'P';
    f.sub = s.channels.size;
    f.psub = s.patterns.size;
    f.ssub = s.shard.size;
  }

  infoFields(section: string): InfoFields | undefined {
    if (section !== 'stats') return undefined;
    return [
      ['pubsub_channels', this.channels.size],
      ['pubsub_patterns', this.patterns.size],
      ['pubsubshard_channels', this.shardChannels.size],
    ];
  }
}
