// notify-keyspace-events: the value as CONFIG GET shows it (Redis 7.0.15's
// keyspaceEventsFlagsToString, observed) and the flags it enables.

import { describe, expect, it } from 'vitest';
import { Config } from '../../src/config.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { Notifier, NOTIFY_KEY_MISS, NOTIFY_KEYEVENT, NOTIFY_KEYSPACE, NOTIFY_NEW, keyspaceEventsFlags } from '../../src/notify.js';
import type { PubSub } from '../../src/pubsub.js';

/** Given -> what Redis 7.0.15's CONFIG GET answers. */
const SHOWN: [string, string][] = [
  ['', ''], ['KEA', 'AKE'], ['Ex', 'xE'], ['AKE', 'AKE'], ['$lshzxeKEtm', '$lshzxetKEm'], ['n', 'n'],
  ['KEAnm', 'AKEm'], ['Kn', 'nK'], ['En', 'nE'], ['mn', 'nm'], ['gn', 'gn'], ['An', 'A'], ['Ad', 'A'],
  ['gd', 'gd'], ['g$lshzxetd', 'A'], ['g$lshzxetdn', 'A'], ['g$lshzxet', 'g$lshzxet'], ['EK', 'KE'],
  ['AAA', 'A'], ['nn', 'n'], ['KEn', 'nKE'], ['Ag$lshzxeKEtmdn', 'AKEm'], ['z$', '$z'],
];

describe('notify-keyspace-events', () => {
  it('CONFIG GET shows each value as Redis does', () => {
    const c = new Config();
    for (const [given, shown] of SHOWN) {
      c.set('notify-keyspace-events', [given]);
      expect(c.get('notify-keyspace-events'), given).toBe(shown);
    }
  });

  it("keeps 'n' that Redis does not print after 'A' (it is still on)", () => {
    const c = new Config();
    const seen: string[] = [];
    c.onChange((name, v) => seen.push(`${name}=${v}`));
    c.set('notify-keyspace-events', ['KEAnm']);
    const full = c.fullValue('notify-keyspace-events');
    expect(keyspaceEventsFlags(full) & NOTIFY_NEW).toBe(NOTIFY_NEW);
    expect(keyspaceEventsFlags(full) & NOTIFY_KEY_MISS).toBe(NOTIFY_KEY_MISS);
    expect(seen).toEqual([`notify-keyspace-events=${full}`]);
    c.set('notify-keyspace-events', ['KEA']);
    expect(keyspaceEventsFlags(c.fullValue('notify-keyspace-events')) & NOTIFY_NEW).toBe(0);
    expect(seen.length).toBe(2);
  });

  it('A is every class but m and n', () => {
    const a = keyspaceEventsFlags('A');
    expect(a & (NOTIFY_NEW | NOTIFY_KEY_MISS | NOTIFY_KEYSPACE | NOTIFY_KEYEVENT)).toBe(0);
    expect(a).toBe(keyspaceEventsFlags('g$lshzxetd'));
    expect(keyspaceEventsFlags('q')).toBe(-1);
  });

  it('publishes keyspace then keyevent, only for enabled classes; the hooks are off unless n / m', () => {
    const ks = new Keyspace(2);
    const sent: string[] = [];
    const pubsub = { active: true, publish: (ch: string, m: string) => (sent.push(`${ch} ${m}`), 1) } as unknown as PubSub;
    const config = new Config();
    const n = new Notifier(ks, pubsub, config);
    const db = ks.dbs[1]!;
    db.set('k', 'v');
    db.changed('k', 'set');
    db.read('none');
    expect(sent).toEqual([]);
    expect(ks.onNewKey).toBeNull();
    expect(ks.onKeyMiss).toBeNull();
    config.set('notify-keyspace-events', ['K$n']);
    db.set('j', 'v');
    db.changed('j', 'set');
    db.changed('j', 'del');
    db.read('none');
    config.set('notify-keyspace-events', ['Egm']);
    db.changed('j', 'set');
    db.changed('j', 'del');
    db.read('none');
    db.readQuiet('none');
    // Classes without K or E publish nothing.
    n.configure('A');
    db.changed('j', 'del');
    expect(sent).toEqual([
      '__keyspace@1__:j new', '__keyspace@1__:j set',
      '__keyevent@1__:del j', '__keyevent@1__:keymiss none',
    ]);
  });
});
