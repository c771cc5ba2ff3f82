// Pub/Sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and
// PUBSUB's introspection. The subscriptions and delivery live in src/pubsub.ts;
// the RESP2 subscribed-context rule (only these commands, PING, QUIT and
// RESET) is checked by the dispatcher.

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import { CTX_DENY_BLOCKING, CTX_MULTI } from '../engine/context.js';
import type { CommandSpec } from '../engine/table.js';
import { NO_KEYS } from '../engine/table.js';
import { CHANNELS, PATTERNS, SHARD, type SubKind } from '../pubsub.js';
import { replyHelp } from './connection.js';

const SUB_FLAGS = ['pubsub', 'noscript', 'loading', 'stale'] as const;
const PUBSUB_FLAGS = ['pubsub', 'loading', 'stale'] as const;
const ALL_KEYS = { first: 1, last: -1, step: 1 };

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

/**
 * A client that expects one reply per command (a script, a blocked client
 * being served) cannot enter the subscribed state; MULTI can, as in Redis.
 */
function checkMaySubscribe(c: Client, name: string, allowInMulti: boolean): void {
  const flags = c.ctx.flags;
  if ((flags & CTX_DENY_BLOCKING) !== 0 && !(allowInMulti && (flags & CTX_MULTI) !== 0)) {
    throw new RedisError(E.SUBSCRIBE_DENIED(name));
  }
}

function subscribeHandler(kind: SubKind, name: string, allowInMulti: boolean) {
  return (c: Client, argv: string[]): void => {
    checkMaySubscribe(c, name, allowInMulti);
    const ps = c.server.pubsub;
    for (let i = 1; i < argv.length; i++) ps.subscribe(c, kind, argv[i]!);
  };
}

function unsubscribeHandler(kind: SubKind) {
  return (c: Client, argv: string[]): void => {
    const ps = c.server.pubsub;
    if (argv.length === 1) ps.unsubscribeAll(c, kind, true);
    else for (let i = 1; i < argv.length; i++) ps.unsubscribe(c, kind, argv[i]!, true);
  };
}

function channelsHandler(shard: boolean) {
  return (c: Client, argv: string[]): void => {
    if (argv.length > 3) throw new RedisError(E.PUBSUB_SUBCOMMAND_SYNTAX(argv[1]!));
    c.w.bulkArray(c.server.pubsub.activeNames(shard, argv.length === 3 ? argv[2]! : null));
  };
}

function numsubHandler(shard: boolean) {
  return (c: Client, argv: string[]): void => {
    const ps = c.server.pubsub;
    // A flat array of pairs in both protocols, as Redis 7.0 replies.
    c.w.array((argv.length - 2) * 2);
    for (let i = 2; i < argv.length; i++) {
      c.w.bulk(argv[i]!);
      c.w.integer(ps.numSub(shard, argv[i]!));
    }
  };
}

export const pubsubCommands: CommandSpec[] = [
  {
    name: 'subscribe', arity: -2, flags: SUB_FLAGS, keys: NO_KEYS,
    syntax: 'SUBSCRIBE channel [channel ...]',
    handler: subscribeHandler(CHANNELS, 'SUBSCRIBE', true),
  },
  {
    name: 'psubscribe', arity: -2, flags: SUB_FLAGS, keys: NO_KEYS,
    syntax: 'PSUBSCRIBE pattern [pattern ...]',
    handler: subscribeHandler(PATTERNS, 'PSUBSCRIBE', true),
  },
  {
    name: 'ssubscribe', arity: -2, flags: SUB_FLAGS, keys: ALL_KEYS,
    syntax: 'SSUBSCRIBE shardchannel [shardchannel ...]',
    handler: subscribeHandler(SHARD, 'SSUBSCRIBE', false),
  },
  {
    name: 'unsubscribe', arity: -1, flags: SUB_FLAGS, keys: NO_KEYS,
    syntax: 'UNSUBSCRIBE [channel [channel ...]]',
    handler: unsubscribeHandler(CHANNELS),
  },
  {
    name: 'punsubscribe', arity: -1, flags: SUB_FLAGS, keys: NO_KEYS,
    syntax: 'PUNSUBSCRIBE [pattern [pattern ...]]',
    handler: unsubscribeHandler(PATTERNS),
  },
  {
    name: 'sunsubscribe', arity: -1, flags: SUB_FLAGS, keys: ALL_KEYS,
    syntax: 'SUNSUBSCRIBE [shardchannel [shardchannel ...]]',
    handler: unsubscribeHandler(SHARD),
  },
  {
    name: 'publish', arity: 3, flags: ['pubsub', 'loading', 'stale', 'fast'], keys: NO_KEYS,
    syntax: 'PUBLISH channel message',
    handler(c, argv) {
      // Redis forces PUBLISH to replicas only (never the AOF); there are no
      // replicas yet, so nothing is propagated.
      c.w.integer(c.server.pubsub.publish(argv[1]!, argv[2]!));
    },
  },
  {
    name: 'spublish', arity: 3, flags: ['pubsub', 'loading', 'stale', 'fast'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'SPUBLISH shardchannel message',
    handler(c, argv) {
      c.w.integer(c.server.pubsub.publishShard(argv[1]!, argv[2]!));
    },
  },
  {
    name: 'pubsub', arity: -2, flags: [], keys: NO_KEYS,
    syntax: 'PUBSUB <subcommand> [<arg> ...]',
    subcommands: [
      {
        name: 'pubsub|channels', arity: -2, flags: PUBSUB_FLAGS, keys: NO_KEYS,
        syntax: 'PUBSUB CHANNELS [pattern]',
        handler: channelsHandler(false),
      },
      {
        name: 'pubsub|shardchannels', arity: -2, flags: PUBSUB_FLAGS, keys: NO_KEYS,
        syntax: 'PUBSUB SHARDCHANNELS [pattern]',
        handler: channelsHandler(true),
      },
      {
        name: 'pubsub|numsub', arity: -2, flags: PUBSUB_FLAGS, keys: NO_KEYS,
        syntax: 'PUBSUB NUMSUB [channel [channel ...]]',
        handler: numsubHandler(false),
      },
      {
        name: 'pubsub|shardnumsub', arity: -2, flags: PUBSUB_FLAGS, keys: NO_KEYS,
        syntax: 'PUBSUB SHARDNUMSUB [shardchannel [shardchannel ...]]',
        handler: numsubHandler(true),
      },
      {
        name: 'pubsub|numpat', arity: 2, flags: PUBSUB_FLAGS, keys: NO_KEYS,
        syntax: 'PUBSUB NUMPAT',
        handler(c) {
          c.w.integer(c.server.pubsub.numPat());
        },
      },
      {
        name: 'pubsub|help', arity: 2, flags: ['loading', 'stale'], keys: NO_KEYS,
        syntax: 'PUBSUB HELP',
        handler(c) {
          replyHelp(c, PUBSUB_HELP);
        },
      },
    ],
  },
];
