// The dispatcher (Redis's processCommand + call): look the command up, check
// arity (and the subcommand) and authentication, then run the handler inside
// the execution context (context.ts), time it for INFO commandstats, turn a
// thrown RedisError into an error reply, and collect what the call must be
// replayed as. At the end of a top-level unit: serve the keys made ready for
// blocked clients, then hand the unit's operations to the propagation
// listeners (AOF, replicas, tests).
//
// Time: one performance.now() read per command. A top-level call is timed
// from the end of the previous one in the same batch (so its parsing counts),
// and the wall-clock "now" frozen for it is derived from that same read
// (WallClock), so no command reads the clock twice.

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { WallClock } from '../keyspace/clock.js';
import { CTX_DENY_BLOCKING, ExecContext, type PropagatedOp, type PropagationListener, type ReadyKey } from './context.js';
import type { Command, CommandTable } from './table.js';

/** Serves the clients blocked on keys a unit made ready (the blocking subsystem). */
export type ReadyHandler = (ready: ReadyKey[]) => void;

export class Dispatcher {
  readonly ctx = new ExecContext();
  /** Receive every unit's operations (AOF, replicas, tests). */
  readonly propagationListeners: PropagationListener[] = [];
  /** Set by the blocking subsystem. */
  onReady: ReadyHandler | null = null;
  totalCommands = 0;
  /** Error replies by code (ERR, WRONGTYPE ...) for INFO errorstats. */
  readonly errorStats = new Map<string, number>();
  totalErrorReplies = 0;
  /** End of the last timed top-level call; reset by `startBatch` when input arrives. */
  private lastTick = 0;
  readonly time: WallClock;

  constructor(readonly table: CommandTable, readonly keyspace: Keyspace) {
    this.time = new WallClock(keyspace.clock);
  }

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

  /**
   * Run a resolved command: at the top level as a unit of its own, nested
   * (EXEC, scripts, a blocked client served) inside the running unit.
   */
  call(c: Client, cmd: Command, argv: string[]): void {
    const ctx = this.ctx;
    const ks = this.keyspace;
    const top = ctx.depth === 0;
    let start: number;
    if (top) {
      start = this.lastTick;
      ks.freeze(this.time.at(start));
    } else {
      start = performance.now();
    }
    const outerAs = ctx.callAs;
    const outerForced = ctx.forced;
    ctx.callAs = null;
    ctx.forced = false;
    const dirty = ks.dirty;
    const stats = cmd.stats;
    ctx.depth++;
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
    ctx.depth--;
    const end = performance.now();
    stats.usec += (end - start) * 1000;
    stats.calls++;
    this.totalCommands++;
    c.lastCommand = cmd.fullName;
    // Nothing is collected while nobody listens (no AOF, no replica).
    if ((ks.dirty !== dirty || ctx.forced) && this.propagationListeners.length !== 0) {
      const as = ctx.callAs;
      if (as === null) ctx.ops.push({ db: c.db.id, argv });
      else if (!ctx.prevented) ctx.ops.push({ db: c.db.id, argv: as });
    }
    ctx.callAs = outerAs;
    ctx.forced = outerForced;
    if (top) {
      this.lastTick = end;
      this.endUnit();
    }
  }

  /**
   * Run `body` as a top-level unit that is not a client's command (active
   * expiry, a blocked client's timeout): frozen time, then the same
   * end-of-unit work.
   */
  runUnit(body: () => void): void {
    const ctx = this.ctx;
    if (ctx.depth !== 0) {
      body();
      return;
    }
    this.keyspace.freeze(this.time.at(performance.now()));
    ctx.depth++;
    try {
      body();
    } finally {
      ctx.depth--;
      this.endUnit();
    }
  }

  /** The end of a top-level unit: serve ready keys, then propagate. */
  private endUnit(): void {
    const ctx = this.ctx;
    if (ctx.ready.length !== 0 && this.onReady !== null) {
      // Served clients run nested in this unit, so that their writes are
      // propagated with it; serving may make more keys ready.
      const flags = ctx.flags;
      ctx.depth++;
      ctx.flags |= CTX_DENY_BLOCKING;
      try {
        while (ctx.ready.length !== 0) this.onReady(ctx.takeReady());
      } finally {
        ctx.depth--;
        ctx.flags = flags;
      }
    } else if (ctx.ready.length !== 0) {
      ctx.takeReady();
    }
    this.keyspace.thaw();
    if (ctx.ops.length !== 0) {
      if (this.propagationListeners.length !== 0) this.propagate(ctx.takeOps());
      else ctx.ops.length = 0;
    }
  }

  private propagate(ops: PropagatedOp[]): void {
    const ls = this.propagationListeners;
    for (let i = 0; i < ls.length; i++) ls[i]!(ops);
  }
}
