// Transaction commands: MULTI, EXEC, DISCARD, WATCH, UNWATCH. The state
// (queue, watches) lives in src/multi.ts; queueing is the dispatcher's.
//
// EXEC runs the queued commands as nested calls of its own execution
// context, flagged CTX_MULTI (blocking commands answer as if timed out,
// SSUBSCRIBE is refused): their writes are propagated together when EXEC
// ends, wrapped in MULTI ... EXEC when there are several, so a replay never
// applies half a transaction. EXEC itself is never propagated.

import { CTX_DENY_BLOCKING, CTX_MULTI } from '../engine/context.js';
import { E, RedisError } from '../errors.js';
import type { CommandSpec } from '../engine/table.js';
import { NO_KEYS } from '../engine/table.js';

const TX_FLAGS = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'] as const;

export const transactionCommands: CommandSpec[] = [
  {
    name: 'multi', arity: 1, flags: TX_FLAGS, keys: NO_KEYS,
    syntax: 'MULTI',
    handler(c) {
      if (c.multi !== null) throw new RedisError(E.MULTI_NESTED);
      c.server.transactions.begin(c);
      c.w.ok();
    },
  },
  {
    name: 'exec', arity: 1, flags: ['noscript', 'loading', 'stale', 'skip_slowlog'], keys: NO_KEYS,
    syntax: 'EXEC',
    handler(c) {
      const m = c.multi;
      if (m === null) throw new RedisError(E.EXEC_WITHOUT_MULTI);
      const tx = c.server.transactions;
      if (m.aborted) {
        tx.discard(c);
        throw new RedisError(E.EXECABORT);
      }
      if (tx.isDirty(c)) {
        tx.discard(c);
        c.w.nullArray();
        return;
      }
      // Watches go at once; the client stays in MULTI while the queue runs
      // (CLIENT LIST shows flag x and the count, as in Redis).
      tx.unwatchAll(c);
      const ctx = c.ctx;
      const dispatcher = c.server.dispatcher;
      const flags = ctx.flags;
      ctx.flags |= CTX_MULTI | CTX_DENY_BLOCKING;
      try {
        c.w.array(m.queue.length);
        for (const q of m.queue) dispatcher.call(c, q.cmd, q.argv);
      } finally {
        ctx.flags = flags;
        c.multi = null;
      }
      ctx.preventPropagation();
    },
  },
  {
    name: 'discard', arity: 1, flags: TX_FLAGS, keys: NO_KEYS,
    syntax: 'DISCARD',
    handler(c) {
      if (c.multi === null) throw new RedisError(E.DISCARD_WITHOUT_MULTI);
      c.server.transactions.discard(c);
      c.w.ok();
    },
  },
  {
    name: 'watch', arity: -2, flags: TX_FLAGS, keys: { first: 1, last: -1, step: 1 },
    syntax: 'WATCH key [key ...]',
    handler(c, argv) {
      if (c.multi !== null) throw new RedisError(E.WATCH_IN_MULTI);
      const tx = c.server.transactions;
      for (let i = 1; i < argv.length; i++) tx.watch(c, c.db, argv[i]!);
      c.w.ok();
    },
  },
  {
    name: 'unwatch', arity: 1, flags: TX_FLAGS, keys: NO_KEYS,
    syntax: 'UNWATCH',
    handler(c) {
      c.server.transactions.unwatchAll(c);
      c.w.ok();
    },
  },
];
