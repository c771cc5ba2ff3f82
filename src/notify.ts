// Keyspace notifications (Redis 7.0's notify.c): key changes published on
// Pub/Sub channels, as `notify-keyspace-events` selects them.
//
// Owns: the parsed `notify-keyspace-events` flags and the publishing of
// `__keyspace@<db>__:<key>` (message: the event) and
// `__keyevent@<db>__:<event>` (message: the key), in that order, for each
// event whose class is enabled.
//
// It is built only on the keyspace's mutation protocol: as a KeyspaceListener
// it receives every `changed(key, event)` (classes from keyspace/events.ts);
// 'new' (a key added to a database, Redis's dbAdd) and 'keymiss' (a read
// lookup that found nothing) are not changes, so they come through the
// keyspace's two notice hooks, which are null (one test) while their class
// is off. No command publishes anything itself. FLUSHDB/FLUSHALL/SWAPDB
// publish nothing, as in Redis 7.0.
//
// Publishing happens synchronously while the command runs, so a RESP3 client
// subscribed on its own connection receives the push before the reply of
// the command that caused it, as with Redis.

import type { Config } from './config.js';
import { eventClass, type EventClass } from './keyspace/events.js';
import type { Database, Keyspace, KeyspaceListener } from './keyspace/keyspace.js';
import type { PubSub } from './pubsub.js';

// The flag bits, as Redis's NOTIFY_* constants.
export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
const NOTIFY_GENERIC = 1 << 2; // g
const NOTIFY_STRING = 1 << 3; // $
const NOTIFY_LIST = 1 << 4; // l
const NOTIFY_SET = 1 << 5; // s
const NOTIFY_HASH = 1 << 6; // h
const NOTIFY_ZSET = 1 << 7; // z
const NOTIFY_EXPIRED = 1 << 8; // x
const NOTIFY_EVICTED = 1 << 9; // e
const NOTIFY_STREAM = 1 << 10; // t
export const NOTIFY_KEY_MISS = 1 << 11; // m
const NOTIFY_MODULE = 1 << 12; // d
export const NOTIFY_NEW = 1 << 13; // n

/** What 'A' stands for: every class but m and n. */
const NOTIFY_ALL = NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET
  | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

const CLASS_BIT: Record<EventClass | 'd', number> = {
  g: NOTIFY_GENERIC, $: NOTIFY_STRING, l: NOTIFY_LIST, s: NOTIFY_SET, h: NOTIFY_HASH, z: NOTIFY_ZSET,
  x: NOTIFY_EXPIRED, e: NOTIFY_EVICTED, t: NOTIFY_STREAM, m: NOTIFY_KEY_MISS, n: NOTIFY_NEW, d: NOTIFY_MODULE,
};

/**
 * The flags of a notify-keyspace-events value (keyspaceEventsStringToFlags);
 * -1 for a character that is not a class.
 */
export function keyspaceEventsFlags(s: string): number {
  let flags = 0;
  for (const ch of s) {
    if (ch === 'A') flags |= NOTIFY_ALL;
    else if (ch === 'K') flags |= NOTIFY_KEYSPACE;
    else if (ch === 'E') flags |= NOTIFY_KEYEVENT;
    else if (Object.prototype.hasOwnProperty.call(CLASS_BIT, ch)) flags |= CLASS_BIT[ch as keyof typeof CLASS_BIT];
    else return -1;
  }
  return flags;
}

/** The bit an event name is published under. */
function eventBit(event: string): number {
  return CLASS_BIT[eventClass(event)];
}

export class Notifier implements KeyspaceListener {
  /**
   * The enabled flags, or 0 when nothing can be published (no K nor E):
   * the one test a change costs while notifications are off.
   */
  private flags = 0;

  constructor(private readonly ks: Keyspace, private readonly pubsub: PubSub, config: Config) {
    this.configure(config.fullValue('notify-keyspace-events'));
    config.onChange((name, value) => {
      if (name === 'notify-keyspace-events') this.configure(value);
    });
    ks.addListener(this);
  }

  /** Apply a (validated) notify-keyspace-events value. */
  configure(value: string): void {
    const f = keyspaceEventsFlags(value);
    this.flags = f > 0 && (f & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT)) !== 0 ? f : 0;
    const ks = this.ks;
    ks.onNewKey = (this.flags & NOTIFY_NEW) !== 0 ? (db, key) => this.publish(db, key, 'new') : null;
    ks.onKeyMiss = (this.flags & NOTIFY_KEY_MISS) !== 0 ? (db, key) => this.publish(db, key, 'keymiss') : null;
  }

  keyChanged(db: Database, key: string, event: string): void {
    if (this.flags === 0) return;
    if ((this.flags & eventBit(event)) !== 0) this.publish(db, key, event);
  }

  /** notifyKeyspaceEvent, the class already checked. */
  private publish(db: Database, key: string, event: string): void {
    const pubsub = this.pubsub;
    // Nobody subscribed: nothing to build (Redis builds the channels and
    // finds no receiver; the outcome is the same).
    if (!pubsub.active) return;
    const prefix = db.id + '__:';
    if ((this.flags & NOTIFY_KEYSPACE) !== 0) pubsub.publish('__keyspace@' + prefix + key, event);
    if ((this.flags & NOTIFY_KEYEVENT) !== 0) pubsub.publish('__keyevent@' + prefix + event, key);
  }
}
