// BGREWRITEAOF (bgrewriteaofCommand). The rewrite itself is the AOF
// subsystem's (src/persistence/aof.ts): started at once, or scheduled when
// asked inside EXEC (the transaction's earlier writes would otherwise be
// both in the rewritten base and logged after it), or refused while one runs.

import { RedisError } from '../errors.js';
import type { CommandSpec } from '../engine/table.js';
import { NO_KEYS } from '../engine/table.js';

export const aofCommands: CommandSpec[] = [
  {
    name: 'bgrewriteaof', arity: 1, flags: ['admin', 'noscript', 'no_async_loading'], keys: NO_KEYS,
    syntax: 'BGREWRITEAOF',
    handler(c) {
      const r = c.server.aof.requestRewrite();
      if (!r.ok) throw new RedisError(r.text);
      c.w.simple(r.text);
    },
  },
];
