// Connection commands: PING, ECHO, SELECT, QUIT.

import { E, RedisError } from '../errors.js';
import type { CommandSpec } from './table.js';
import { NO_KEYS } from './table.js';
import { numArg } from './args.js';

export const connectionCommands: CommandSpec[] = [
  {
    name: 'ping', arity: -1, flags: ['fast', 'sentinel'], keys: NO_KEYS,
    syntax: 'PING [message]',
    handler(c, argv) {
      if (argv.length > 2) throw new RedisError(E.WRONG_ARITY('ping'));
      if (argv.length === 2) c.w.bulk(argv[1]!);
      else c.w.simple('PONG');
    },
  },
  {
    name: 'echo', arity: 2, flags: ['fast'], keys: NO_KEYS,
    syntax: 'ECHO message',
    handler(c, argv) {
      c.w.bulk(argv[1]!);
    },
  },
  {
    name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], keys: NO_KEYS,
    syntax: 'SELECT index',
    handler(c, argv) {
      const id = numArg(argv[1]!);
      const db = c.server.keyspace.dbs[id];
      if (db === undefined) throw new RedisError(E.INVALID_DB);
      c.db = db;
      c.w.ok();
    },
  },
  {
    name: 'quit', arity: -1, flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'], keys: NO_KEYS,
    syntax: 'QUIT',
    handler(c) {
      c.w.ok();
      c.closeAfterReply = true;
    },
  },
];
