// The execution context: what one top-level command (later one transaction,
// one script, one blocked client served) shares from start to end.
//
// - depth: commands run inside a command (EXEC, EVAL, a blocked client served
//   after a push) are nested calls; only the end of the top-level one
//   triggers the after-command work.
// - flags: inside MULTI (blocking commands do not block), inside a script.
// - now: the keyspace clock is frozen for the whole unit (Keyspace.freeze),
//   so every expiry decision inside it sees the same time.
// - ready keys: keys that a change made ready for clients blocked on them
//   (filled by the blocking subsystem's keyspace listener).
// - propagation: what the unit's writes must be replayed as, for the AOF and
//   replicas. A handler never logs anything; by default a call that changed
//   the dataset (dirty moved) is propagated as it was sent. A handler that
//   must be replayed otherwise says so: `propagateAs` replaces its own argv
//   (SET ... EX 10 -> SET ... PXAT <ms>), `alsoPropagate` adds an operation,
//   `preventPropagation` drops its own (Redis's call()/alsoPropagate and
//   rewriteClientCommandVector / preventCommandPropagation).
//
// When the top-level unit ends, the dispatcher serves the ready keys, then
// hands the collected operations to the propagation listeners as one unit:
// several operations are wrapped in MULTI ... EXEC so that a replay never
// applies half of them. SELECT is the listener's business (a PropagationStream
// tracks the database its stream has selected).

import type { Database } from '../keyspace/keyspace.js';
import { encodeBulk } from '../protocol/reply.js';

/** One write to replay: the database it ran in and its arguments. */
export interface PropagatedOp {
  readonly db: number;
  readonly argv: readonly string[];
}

/** Receives each unit's operations, already wrapped in MULTI/EXEC when several. */
export type PropagationListener = (ops: readonly PropagatedOp[]) => void;

/** Inside MULTI/EXEC: blocking commands answer as if the timeout passed. */
export const CTX_MULTI = 1;
/** Inside a script (EVAL, FCALL). */
export const CTX_SCRIPT = 2;
/** Blocking is refused whatever the reason (a served blocked client, MULTI, scripts). */
export const CTX_DENY_BLOCKING = 4;

/** The propagation of the running call is dropped. */
const PREVENT: readonly string[] = Object.freeze([]);

export interface ReadyKey {
  db: Database;
  key: string;
}

export class ExecContext {
  /** Calls in progress: 0 between top-level units. */
  depth = 0;
  /** CTX_* bits. */
  flags = 0;
  /** Operations collected for the current unit. */
  readonly ops: PropagatedOp[] = [];
  /** Keys made ready for blocked clients during the current unit, once each. */
  readonly ready: ReadyKey[] = [];
  private readonly readySeen = new Set<string>();
  /** What the running call propagates instead of its argv (null: its argv). */
  callAs: readonly string[] | null = null;
  /** The running call is propagated even if it changed nothing (FLUSHDB of an empty db). */
  forced = false;

  /** Propagate the running call whether or not it changed the dataset. */
  forcePropagation(): void {
    this.forced = true;
  }

  /** The running call is replayed as `argv` instead of what was sent. */
  propagateAs(argv: readonly string[]): void {
    this.callAs = argv;
  }

  /** Add an operation to replay, in `db`, before the running call's own. */
  alsoPropagate(db: number, argv: readonly string[]): void {
    this.ops.push({ db, argv });
  }

  /** The running call is not replayed (its effects were propagated otherwise). */
  preventPropagation(): void {
    this.callAs = PREVENT;
  }

  /** Whether the running call's own propagation was dropped. */
  get prevented(): boolean {
    return this.callAs === PREVENT;
  }

  /** Note that a change made `key` ready for clients blocked on it. */
  keyReady(db: Database, key: string): void {
    const id = `${db.id}\0${key}`;
    if (this.readySeen.has(id)) return;
    this.readySeen.add(id);
    this.ready.push({ db, key });
  }

  /** Take the ready keys collected so far. */
  takeReady(): ReadyKey[] {
    const out = this.ready.splice(0);
    this.readySeen.clear();
    return out;
  }

  /** Take the unit's operations, wrapped in MULTI/EXEC when there are several. */
  takeOps(): PropagatedOp[] {
    const ops = this.ops.splice(0);
    if (ops.length <= 1) return ops;
    const db = ops[0]!.db;
    ops.unshift({ db, argv: MULTI });
    ops.push({ db: ops[ops.length - 1]!.db, argv: EXEC });
    return ops;
  }
}

const MULTI: readonly string[] = Object.freeze(['MULTI']);
const EXEC: readonly string[] = Object.freeze(['EXEC']);

/**
 * A propagation listener's view of the stream it writes (AOF, a replica
 * link): RESP-encodes operations and emits SELECT when an operation's
 * database is not the one the stream has selected, as Redis's
 * feedAppendOnlyFile and replicationFeedSlaves do.
 */
export class PropagationStream {
  /** The database the stream has selected; -1 before the first operation. */
  selected = -1;

  /** The RESP bytes of `ops` (latin1), with SELECTs as needed. */
  encode(ops: readonly PropagatedOp[]): string {
    let out = '';
    for (const op of ops) {
      if (op.db !== this.selected && op.argv !== EXEC) {
        out += encodeCommand(['SELECT', String(op.db)]);
        this.selected = op.db;
      }
      out += encodeCommand(op.argv);
    }
    return out;
  }
}

/** A command as a RESP multibulk request, latin1. */
export function encodeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += encodeBulk(a);
  return s;
}
