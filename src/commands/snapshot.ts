// SAVE, BGSAVE [SCHEDULE], LASTSAVE (rdb.c's saveCommand, bgsaveCommand,
// lastsaveCommand). The saving itself is the snapshot subsystem's
// (src/persistence/snapshot.ts).

import { E, RedisError } from '../errors.js';
import type { CommandSpec } from '../engine/table.js';
import { NO_KEYS } from '../engine/table.js';

export const snapshotCommands: CommandSpec[] = [
  {
    name: 'save', arity: 1, flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'], keys: NO_KEYS,
    syntax: 'SAVE',
    handler(c) {
      const r = c.server.snapshot.save();
      if (r === null) throw new RedisError(E.BGSAVE_IN_PROGRESS);
      if (!r) throw new RedisError(E.SAVE_FAILED);
      c.w.ok();
    },
  },
  {
    name: 'bgsave', arity: -1, flags: ['admin', 'noscript', 'no_async_loading'], keys: NO_KEYS,
    syntax: 'BGSAVE [SCHEDULE]',
    handler(c, argv) {
      let schedule = false;
      if (argv.length > 1) {
        if (argv.length === 2 && argv[1]!.toLowerCase() === 'schedule') schedule = true;
        else throw new RedisError(E.SYNTAX);
      }
      const r = c.server.snapshot.bgsave(schedule);
      if (!r.ok) throw new RedisError(r.text);
      c.w.simple(r.text);
    },
  },
  {
    name: 'lastsave', arity: 1, flags: ['loading', 'stale', 'fast'], keys: NO_KEYS,
    syntax: 'LASTSAVE',
    handler(c) {
      c.w.integer(c.server.stats.lastSave);
    },
  },
];
