// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO (client-side caching):
// argument checks and replies, in Redis 7.0's order and wording
// (networking.c clientCommand, tracking.c checkPrefixCollisionsOrReply,
// addReplyTrackingInfo). The state and the invalidations are src/tracking.ts's.
// These specs are spliced into CLIENT's subcommands (connection.ts).

import type { Client } from '../client.js';
import { numArg } from '../engine/args.js';
import type { CommandSpec } from '../engine/table.js';
import { NO_KEYS } from '../engine/table.js';
import { E, RedisError } from '../errors.js';

const FLAGS = ['noscript', 'loading', 'stale'] as const;

/** Two prefixes overlap when one starts with the other: some key would match both. */
function overlap(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/**
 * checkPrefixCollisionsOrReply. Redis's own quirk is kept: an overlap among
 * the given prefixes found past the first one is reported, yet tracking is
 * enabled and +OK follows (true: go on).
 */
function checkPrefixes(c: Client, prefixes: readonly string[]): boolean {
  const existing = c.tracking !== null ? [...c.tracking.prefixes].sort() : [];
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i]!;
    for (const e of existing) {
      if (overlap(e, p)) throw new RedisError(E.TRACKING_PREFIX_OVERLAPS_EXISTING(p, e));
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (overlap(p, prefixes[j]!)) {
        const msg = E.TRACKING_PREFIX_OVERLAPS_PROVIDED(p, prefixes[j]!);
        if (i === 0) throw new RedisError(msg);
        c.w.error(msg);
        return true;
      }
    }
  }
  return true;
}

export const trackingClientSubcommands: CommandSpec[] = [
  {
    name: 'client|tracking', arity: -3, flags: FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT TRACKING <ON | OFF> [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]',
    handler(c, argv) {
      let redirect = 0;
      let bcast = false;
      let optin = false;
      let optout = false;
      let noloop = false;
      const prefixes: string[] = [];
      for (let j = 3; j < argv.length; j++) {
        const more = argv.length - 1 - j > 0;
        const opt = argv[j]!.toLowerCase();
        if (opt === 'redirect' && more) {
          j++;
          if (redirect !== 0) throw new RedisError(E.TRACKING_ONE_REDIRECT);
          redirect = numArg(argv[j]!);
          // The target must exist now (it may go away later: a broken redirect).
          if (c.server.clients.get(redirect) === undefined) throw new RedisError(E.TRACKING_NO_REDIRECT_CLIENT);
        } else if (opt === 'bcast') {
          bcast = true;
        } else if (opt === 'optin') {
          optin = true;
        } else if (opt === 'optout') {
          optout = true;
        } else if (opt === 'noloop') {
          noloop = true;
        } else if (opt === 'prefix' && more) {
          j++;
          prefixes.push(argv[j]!);
        } else {
          throw new RedisError(E.SYNTAX);
        }
      }
      const mode = argv[2]!.toLowerCase();
      const tracking = c.server.tracking;
      if (mode === 'on') {
        const t = c.tracking;
        if (!bcast && prefixes.length !== 0) throw new RedisError(E.TRACKING_PREFIX_NEEDS_BCAST);
        if (t !== null && t.bcast !== bcast) throw new RedisError(E.TRACKING_SWITCH_BCAST);
        if (bcast && (optin || optout)) throw new RedisError(E.TRACKING_BCAST_OPTIN);
        if (optin && optout) throw new RedisError(E.TRACKING_OPTIN_AND_OPTOUT);
        if (t !== null && ((optin && t.optout) || (optout && t.optin))) throw new RedisError(E.TRACKING_SWITCH_OPTIN);
        if (bcast) checkPrefixes(c, prefixes);
        tracking.enable(c, redirect, bcast, optin, optout, noloop, prefixes);
      } else if (mode === 'off') {
        tracking.disable(c);
      } else {
        throw new RedisError(E.SYNTAX);
      }
      c.w.ok();
    },
  },
  {
    name: 'client|caching', arity: 3, flags: FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT CACHING <YES | NO>',
    handler(c, argv) {
      const t = c.tracking;
      if (t === null) throw new RedisError(E.CACHING_NOT_TRACKING);
      const opt = argv[2]!.toLowerCase();
      if (opt === 'yes') {
        if (!t.optin) throw new RedisError(E.CACHING_YES_NOT_OPTIN);
      } else if (opt === 'no') {
        if (!t.optout) throw new RedisError(E.CACHING_NO_NOT_OPTOUT);
      } else {
        throw new RedisError(E.SYNTAX);
      }
      // For the next command (or transaction) only: see Tracking.afterCall.
      t.caching = true;
      c.w.ok();
    },
  },
  {
    name: 'client|getredir', arity: 2, flags: FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT GETREDIR',
    handler(c) {
      c.w.integer(c.tracking === null ? -1 : c.tracking.redirect);
    },
  },
  {
    name: 'client|trackinginfo', arity: 2, flags: FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT TRACKINGINFO',
    handler(c) {
      const t = c.tracking;
      const flags: string[] = [t === null ? 'off' : 'on'];
      if (t !== null) {
        if (t.bcast) flags.push('bcast');
        if (t.optin) flags.push('optin');
        if (t.optin && t.caching) flags.push('caching-yes');
        if (t.optout) flags.push('optout');
        if (t.optout && t.caching) flags.push('caching-no');
        if (t.noloop) flags.push('noloop');
        if (t.brokenRedirect) flags.push('broken_redirect');
      }
      const w = c.w;
      w.map(3);
      w.bulk('flags');
      w.set(flags.length);
      for (const f of flags) w.bulk(f);
      w.bulk('redirect');
      w.integer(t === null ? -1 : t.redirect);
      w.bulk('prefixes');
      const prefixes = t === null ? [] : [...t.prefixes].sort();
      w.array(prefixes.length);
      for (const p of prefixes) w.bulk(p);
    },
  },
];
