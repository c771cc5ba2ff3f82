// The dispatcher (Redis's processCommand + call): look the command up, check
// arity (and the subcommand), authentication, then run the handler, time it
// for INFO commandstats, turn a thrown RedisError into an error reply, and
// hand the request to `propagate` only when the handler changed the keyspace.
// Handlers never log writes themselves; like Redis's rewriteClientCommandVector,
// a handler may rewrite argv in place into the deterministic form that must be
// replayed (SET ... EX 10 becomes SET ... PXAT <ms>), and that is what is
// propagated.

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import type { Command, CommandTable } from './table.js';

export type Propagator = (c: Client, cmd: Command, argv: string[]) => void;

export class Dispatcher {
  /** Called for every call that changed the keyspace (AOF, replication). */
  propagate: Propagator | null = null;
  totalCommands = 0;
  /** Error replies by code (ERR, WRONGTYPE ...) for INFO errorstats. */
  readonly errorStats = new Map<string, number>();
  totalErrorReplies = 0;
  /** End of the last timed call; reset by `startBatch` when input arrives. */
  private lastTick = 0;

  constructor(readonly table: CommandTable) {}

  /** Called when a batch of requests starts, so that idle time is not counted. */
  startBatch(): void {
    this.lastTick = performance.now();
  }

  countError(code: string): void {
    this.totalErrorReplies++;
    this.errorStats.set(code, (this.errorStats.get(code) ?? 0) + 1);
  }

  /** Find the command for argv, or reply with the error and return null. */
  resolve(c: Client, argv: string[]): Command | null {
    let cmd = this.table.lookup(argv[0]!);
    if (cmd === undefined) {
      c.w.error(E.UNKNOWN_COMMAND(argv[0]!, argv.slice(1)));
      return null;
    }
    if (!cmd.arityOk(argv.length)) {
      cmd.stats.rejectedCalls++;
      c.w.error(E.WRONG_ARITY(cmd.fullName));
      return null;
    }
    // A container called alone (COMMAND) runs its own handler, as in Redis.
    if (cmd.subcommands !== null && argv.length > 1) {
      const sub = cmd.subcommands.get(argv[1]!.toLowerCase());
      if (sub === undefined) {
        cmd.stats.rejectedCalls++;
        c.w.error(E.UNKNOWN_SUBCOMMAND(argv[1]!, argv[0]!));
        return null;
      }
      cmd = sub;
      if (!cmd.arityOk(argv.length)) {
        cmd.stats.rejectedCalls++;
        c.w.error(E.WRONG_ARITY(cmd.fullName));
        return null;
      }
    }
    return cmd;
  }

  execute(c: Client, argv: string[]): void {
    const cmd = this.resolve(c, argv);
    if (cmd === null) return;
    if (!c.authenticated && !cmd.noAuth) {
      cmd.stats.rejectedCalls++;
      c.w.error(E.NOAUTH);
      return;
    }
    this.call(c, cmd, argv);
  }

  /** Run a resolved command (also used by MULTI/EXEC later). */
  call(c: Client, cmd: Command, argv: string[]): void {
    const ks = c.server.keyspace;
    const dirty = ks.dirty;
    const stats = cmd.stats;
    try {
      cmd.handler!(c, argv);
    } catch (e) {
      stats.failedCalls++;
      if (e instanceof RedisError) {
        c.w.error(e.message);
      } else if (e instanceof RangeError && e.message === 'Map maximum size exceeded') {
        // V8's Map holds at most 2^24 entries: a database is full, not broken.
        c.w.error(E.TOO_MANY_KEYS);
      } else {
        c.server.log.warning(`Internal error in '${cmd.fullName}': ${(e as Error).stack ?? String(e)}`);
        c.w.error(`ERR internal error in '${cmd.fullName}': ${(e as Error).message}`);
      }
    }
    // One clock read per command: a call is timed from the end of the
    // previous one in the same batch (so its parsing is included), which
    // halves the cost of timing on the hot path.
    const end = performance.now();
    stats.usec += (end - this.lastTick) * 1000;
    this.lastTick = end;
    stats.calls++;
    this.totalCommands++;
    c.lastCommand = cmd.fullName;
    if (ks.dirty !== dirty && this.propagate !== null) this.propagate(c, cmd, argv);
  }
}
