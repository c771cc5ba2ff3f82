// The command table: every command is declared as data (name, arity, flags,
// key positions, syntax) next to its handler, in src/commands/<type>.ts, and
// collected here into the lookup structure the dispatcher uses.
//
// Conventions are Redis's: arity counts the command name, a negative arity
// means "at least -arity"; key positions are first/last/step with last -1
// meaning the last argument; a container command (CONFIG, CLIENT ...) has
// subcommands, each a full entry of its own named 'parent|sub'.

import type { Client } from '../client.js';

export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'admin' | 'pubsub' | 'noscript' | 'blocking'
  | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'fast' | 'no_auth'
  | 'may_replicate' | 'no_mandatory_keys' | 'no_multi' | 'allow_busy' | 'sentinel'
  | 'no_async_loading';

export type Handler = (c: Client, argv: string[]) => void;

export interface KeyRange {
  /** Index of the first key argument (0: no keys). */
  first: number;
  /** Index of the last key; negative counts from the end (-1: last argument). */
  last: number;
  step: number;
}

export const NO_KEYS: KeyRange = { first: 0, last: 0, step: 0 };

export interface CommandSpec {
  /** Lower case; 'parent|sub' for a subcommand. */
  name: string;
  arity: number;
  flags: readonly CommandFlag[];
  keys: KeyRange;
  /** When key positions depend on the arguments (movablekeys): the key indexes. */
  getKeys?: (argv: readonly string[]) => number[];
  /** The syntax line, as in Redis's documentation. */
  syntax: string;
  /**
   * A protected command (Redis's CMD_PROTECTED: DEBUG, MODULE): returns the
   * error refusing it to this client, or null; checked before authentication.
   */
  guard?: (c: Client) => string | null;
  /** Absent only on containers, which dispatch to subcommands. */
  handler?: Handler;
  subcommands?: CommandSpec[];
}

export class CommandStats {
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;
  reset(): void {
    this.calls = this.usec = this.rejectedCalls = this.failedCalls = 0;
  }
}

/** Commands that run at once inside MULTI (processCommand's list). */
const MULTI_CONTROLS = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** What a RESP2 client may send while subscribed. */
const SUBSCRIBED_CONTEXT = new Set([
  'subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'ping', 'quit', 'reset',
]);

/** A table entry as the dispatcher sees it. */
export class Command {
  readonly name: string;
  /** The name in errors and stats: 'config|get' for a subcommand. */
  readonly fullName: string;
  readonly arity: number;
  readonly flags: ReadonlySet<CommandFlag>;
  readonly isWrite: boolean;
  readonly noAuth: boolean;
  /** Flagged no_multi: refused inside MULTI. */
  readonly noMulti: boolean;
  /** Runs at once inside MULTI instead of being queued (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET). */
  readonly controlsMulti: boolean;
  /** Allowed to a RESP2 client in the subscribed state. */
  readonly inSubscribedContext: boolean;
  readonly handler: Handler | null;
  readonly guard: ((c: Client) => string | null) | null;
  readonly subcommands: Map<string, Command> | null;
  readonly stats = new CommandStats();

  constructor(readonly spec: CommandSpec, readonly parent: Command | null = null) {
    this.fullName = spec.name;
    this.name = parent === null ? spec.name : spec.name.slice(spec.name.indexOf('|') + 1);
    this.arity = spec.arity;
    this.flags = new Set(spec.flags);
    this.isWrite = this.flags.has('write');
    this.noAuth = this.flags.has('no_auth');
    this.noMulti = this.flags.has('no_multi');
    this.controlsMulti = parent === null && MULTI_CONTROLS.has(spec.name);
    this.inSubscribedContext = parent === null && SUBSCRIBED_CONTEXT.has(spec.name);
    this.handler = spec.handler ?? null;
    this.guard = spec.guard ?? null;
    if (spec.subcommands !== undefined) {
      this.subcommands = new Map();
      for (const sub of spec.subcommands) {
        const cmd = new Command(sub, this);
        this.subcommands.set(cmd.name, cmd);
      }
    } else {
      this.subcommands = null;
    }
  }

  /** Whether argc satisfies the declared arity. */
  arityOk(argc: number): boolean {
    return this.arity > 0 ? argc === this.arity : argc >= -this.arity;
  }

  get movableKeys(): boolean {
    return this.spec.getKeys !== undefined;
  }

  /** Indexes of the key arguments in argv. */
  keyIndexes(argv: readonly string[]): number[] {
    if (this.spec.getKeys !== undefined) return this.spec.getKeys(argv);
    const { first, last, step } = this.spec.keys;
    if (first === 0) return [];
    const end = last < 0 ? argv.length + last : Math.min(last, argv.length - 1);
    const out: number[] = [];
    for (let i = first; i <= end; i += step) out.push(i);
    return out;
  }
}

export class CommandTable {
  /** Lookup by lower-case name, with the upper-case name cached as well. */
  private readonly byName = new Map<string, Command>();
  readonly commands: Command[] = [];

  add(specs: readonly CommandSpec[]): void {
    for (const spec of specs) {
      if (this.byName.has(spec.name)) throw new Error(`duplicate command ${spec.name}`);
      const cmd = new Command(spec);
      this.commands.push(cmd);
      this.byName.set(spec.name, cmd);
      // Clients send command names in upper case (redis-benchmark, most
      // libraries) or lower case; both forms avoid a toLowerCase per call.
      this.byName.set(spec.name.toUpperCase(), cmd);
    }
  }

  lookup(name: string): Command | undefined {
    const hit = this.byName.get(name);
    if (hit !== undefined) return hit;
    return name.length <= 64 ? this.byName.get(name.toLowerCase()) : undefined;
  }

  /** Every command and subcommand, parents first. */
  *all(): IterableIterator<Command> {
    for (const c of this.commands) {
      yield c;
      if (c.subcommands !== null) yield* c.subcommands.values();
    }
  }
}
