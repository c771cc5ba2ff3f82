// The names of key changes, as Redis reports them.
//
// Every change to the dataset is reported once through Database.changed with
// one of these event names (Redis's notifyKeyspaceEvent names). Listeners
// decide what a change means for them: keyspace notifications publish it under
// its class, WATCH and client tracking invalidate the key, the blocking
// subsystem wakes clients blocked on it.

/**
 * Keyspace notification classes (the letters of notify-keyspace-events):
 * g generic, $ string, l list, s set, h hash, z sorted set, x expired,
 * e evicted, t stream, m key miss, n new key.
 */
export type EventClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'm' | 'n';

/** The class each event is published under, as in Redis 7.0's sources. */
const CLASS_OF: Record<string, EventClass> = {
  // generic (db.c, expire.c)
  del: 'g', expire: 'g', persist: 'g',
  rename_from: 'g', rename_to: 'g',
  move_from: 'g', move_to: 'g', copy_to: 'g',
  restore: 'g',
  // SORT ... STORE publishes under the list class (sort.c)
  sortstore: 'l',
  // expiry and eviction
  expired: 'x', evicted: 'e',
  // strings (t_string.c, bitops.c)
  set: '$', setrange: '$', append: '$',
  incrby: '$', incrbyfloat: '$', setbit: '$',
  // lists (t_list.c)
  lpush: 'l', rpush: 'l', lpop: 'l', rpop: 'l',
  linsert: 'l', lset: 'l', lrem: 'l', ltrim: 'l',
  // sets, hashes, sorted sets, streams: added with their types
};

/** The notification class of an event name (generic for an unknown one). */
export function eventClass(event: string): EventClass {
  return CLASS_OF[event] ?? 'g';
}

/** Register the classes of a data type's events (called by its module). */
export function defineEvents(cls: EventClass, names: readonly string[]): void {
  for (const n of names) CLASS_OF[n] = cls;
}
