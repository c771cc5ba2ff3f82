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
  /**
   * Set by persistence while the disk refuses writes (AOF write errors, a
   * failed BGSAVE): the MISCONF error write commands and PING get instead of
   * running (processCommand's writeCommandsDeniedByDiskError). Null normally.
   */
  denyWrites: string | null = null;
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

  /** Find the command for argv, or reject it (reply with the error) and return null. */
  resolve(c: Client, argv: string[]): Command | null {
    let cmd = this.table.lookup(argv[0]!);
    if (cmd === undefined) {
      this.reject(c, null, E.UNKNOWN_COMMAND(argv[0]!, argv.slice(1)));
      return null;
    }
    if (!cmd.arityOk(argv.length)) {
      this.reject(c, cmd, E.WRONG_ARITY(cmd.fullName));
      return null;
    }
    // A container called alone (COMMAND) runs its own handler, as in Redis.
    if (cmd.subcommands !== null && argv.length > 1) {
      const sub = cmd.subcommands.get(argv[1]!.toLowerCase());
      if (sub === undefined) {
        this.reject(c, cmd, E.UNKNOWN_SUBCOMMAND(argv[1]!, argv[0]!));
        return null;
      }
      cmd = sub;
      if (!cmd.arityOk(argv.length)) {
        this.reject(c, cmd, E.WRONG_ARITY(cmd.fullName));
        return null;
      }
    }
    return cmd;
  }

  /**
   * A command refused before it runs (Redis's rejectCommand): counted, the
   * open transaction flagged so that EXEC aborts, and EXEC itself refused
   * as an aborted transaction.
   */
  reject(c: Client, cmd: Command | null, msg: string): void {
    if (cmd !== null) cmd.stats.rejectedCalls++;
    const m = c.multi;
    if (m !== null) m.aborted = true;
    if (cmd !== null && cmd.fullName === 'exec') {
      if (m !== null) c.server.transactions.discard(c);
      c.w.error(E.EXECABORT_BECAUSE(msg));
    } else {
      c.w.error(msg);
    }
  }

  execute(c: Client, argv: string[]): void {
    const cmd = this.resolve(c, argv);
    if (cmd === null) return;
    if (cmd.guard !== null) {
      const refused = cmd.guard(c);
      if (refused !== null) {
        this.reject(c, cmd, refused);
        return;
      }
    }
    if (!c.authenticated && !cmd.noAuth) {
      this.reject(c, cmd, E.NOAUTH);
      return;
    }
    if (this.denyWrites !== null && this.deniedByDisk(c, cmd)) {
      this.reject(c, cmd, this.denyWrites);
      return;
    }
    if ((c.pubsub !== null || c.multi !== null) && !this.admit(c, cmd, argv)) return;
    this.call(c, cmd, argv);
  }

  /** Refused while the disk refuses writes: a write, PING, or EXEC of a transaction with a write. */
  private deniedByDisk(c: Client, cmd: Command): boolean {
    if (cmd.isWrite || cmd.fullName === 'ping') return true;
    return cmd.fullName === 'exec' && c.multi !== null && c.multi.queue.some((q) => q.cmd.isWrite);
  }

  /**
   * The rules for a subscribed or transaction client (processCommand's):
   * in RESP2 a subscribed client may only (un)subscribe, PING, QUIT and
   * RESET; in MULTI every command but the transaction controls is queued.
   * Returns whether the command runs now.
   */
  private admit(c: Client, cmd: Command, argv: string[]): boolean {
    if (c.pubsub !== null && c.resp === 2 && !cmd.inSubscribedContext) {
      this.reject(c, cmd, E.PUBSUB_CONTEXT(cmd.fullName));
      return false;
    }
    const m = c.multi;
    if (m === null) return true;
    if (cmd.noMulti) {
      this.reject(c, cmd, E.NOT_IN_MULTI);
      return false;
    }
    if (cmd.controlsMulti) return true;
    // The parser reuses its argv array: the queue keeps a copy.
    m.queue.push({ cmd, argv: argv.slice() });
    c.w.simple('QUEUED');
    return false;
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
    // Nothing is collected while nobody listens (no AOF, no replica). Only a
    // rise counts: a save during the call (SHUTDOWN, SAVE) resets dirty to 0,
    // which is no write (call()'s `if (dirty < 0) dirty = 0`).
    if ((ks.dirty > dirty || ctx.forced) && this.propagationListeners.length !== 0) {
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
    // Client-side caching: the keys a tracking client read (one field test otherwise).
    if (c.tracking !== null) c.server.tracking.afterCall(c, cmd, argv, top);
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
