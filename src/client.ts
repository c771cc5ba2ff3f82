// A connected client: its socket, request parser, selected database,
// protocol version, and its output.
//
// Output (rule 1 of the engine): any code may write to any client at any
// moment through `c.w`. While the client's own requests run, `c.w` is the
// server's shared scratch writer (the fast path: no per-client buffer for the
// common request/reply case); at any other time it is the client's own
// writer, created on first use (a push to a subscriber, the reply to a client
// blocked on a key someone else filled). Either way the bytes end up in the
// client's output queue, and the server writes every queue to its socket once
// per event-loop turn, after the turn's commands ran (Server.beforeSleep).
// `outputBytes` counts what is not yet sent, for client-output-buffer-limit,
// CLIENT LIST's omem, and the back-pressure that stops reading a client
// whose output the socket does not take.

import type { Socket } from 'node:net';
import type { ExecContext } from './engine/context.js';
import type { Database } from './keyspace/keyspace.js';
import type { MultiState } from './multi.js';
import type { ClientSubs } from './pubsub.js';
import type { ClientTracking } from './tracking.js';
import { ReplyWriter, type RespVersion } from './protocol/reply.js';
import { RequestParser } from './protocol/parser.js';
import type { Server } from './server.js';

/** Output buffer classes of client-output-buffer-limit. */
export type OutputClass = 'normal' | 'replica' | 'pubsub';

/** Size of a client's own writer when first created (it grows as needed). */
const OWN_WRITER_SIZE = 4096;

export class Client {
  readonly parser: RequestParser;
  db: Database;
  private respVersion: RespVersion = 2;
  name = '';
  libName = '';
  libVer = '';
  authenticated: boolean;
  readonly createdAt: number;
  lastInteraction: number;
  /** Full name of the last command run (CLIENT LIST's cmd=). */
  lastCommand = 'NULL';
  /** Close once the pending replies are written (QUIT, protocol errors, CLIENT KILL). */
  closeAfterReply = false;
  closed = false;
  noEvict = false;
  noTouch = false;
  /** Requests read but not run while the socket is paused for back-pressure. */
  paused = false;
  /**
   * Set by a subsystem that holds the client (blocked on keys): its further
   * requests wait, unread, until it is released and `server.resume` is called.
   */
  blocked = false;
  readonly addr: string;
  readonly laddr: string;
  /** CLIENT REPLY state: REPLY_OFF / REPLY_SKIP_NEXT / REPLY_SKIP bits (0: replies on). */
  replyFlags = 0;
  /** Which client-output-buffer-limit class applies (set by pub/sub, replication). */
  outputClass: OutputClass = 'normal';
  // Slots for subsystem state the dispatcher checks on every command; the
  // subsystems (src/pubsub.ts, src/multi.ts) own what is in them.
  /** Subscriptions, null while the client has none. */
  pubsub: ClientSubs | null = null;
  /** The open transaction, null outside MULTI. */
  multi: MultiState | null = null;
  /** Client-side caching mode (src/tracking.ts), null while tracking is off. */
  tracking: ClientTracking | null = null;

  // ---- output
  /** The shared writer while this client's requests run, else null. */
  cur: ReplyWriter | null = null;
  /** This client's own writer, for output produced while it is not running. */
  own: ReplyWriter | null = null;
  /** Output taken from the writers, waiting for this turn's socket write. */
  readonly outQueue: Buffer[] = [];
  /** Bytes in outQueue. */
  outQueued = 0;
  /** In the server's list of clients to write this turn. */
  pendingWrite = false;
  /** When the soft output limit was first exceeded (ms), 0 when under it. */
  softLimitSince = 0;

  constructor(
    readonly id: number,
    readonly server: Server,
    readonly socket: Socket | null,
  ) {
    // The live limits object (CONFIG SET applies to open connections) and this
    // client for the unauthenticated limits.
    this.parser = new RequestParser(server.limits, this);
    this.db = server.keyspace.dbs[0]!;
    this.authenticated = server.config.get('requirepass') === '';
    this.createdAt = server.cachedNow;
    this.lastInteraction = this.createdAt;
    this.addr = socket ? formatAddr(socket.remoteAddress, socket.remotePort) : '';
    this.laddr = socket ? formatAddr(socket.localAddress, socket.localPort) : '';
  }

  /** Where replies to this client go, now (see the header). */
  get w(): ReplyWriter {
    const cur = this.cur;
    return cur !== null ? cur : this.ownWriter();
  }

  /** The execution context of the command running. */
  get ctx(): ExecContext {
    return this.server.dispatcher.ctx;
  }

  get resp(): RespVersion {
    return this.respVersion;
  }

  /** The protocol of every later reply and push (HELLO, RESET). */
  set resp(v: RespVersion) {
    this.respVersion = v;
    if (this.cur !== null) this.cur.resp = v;
    if (this.own !== null) this.own.resp = v;
  }

  private ownWriter(): ReplyWriter {
    let own = this.own;
    if (own === null) {
      own = this.own = new ReplyWriter(OWN_WRITER_SIZE);
      own.resp = this.respVersion;
      own.onError = this.server.writer.onError;
    }
    if (this.closed) {
      // Output to a closing client is dropped, so it never accumulates.
      own.discardPending();
    } else {
      this.server.scheduleWrite(this);
      // Output added to a client that is not running (pushes, a served
      // blocked client) is held to its limits as it grows, within the turn.
      if (own.pending !== 0 && this.server.checkOutputLimits(this)) own.discardPending();
    }
    return own;
  }

  /**
   * Move what a writer holds into the output queue, as a view of the
   * writer's buffer (see ReplyWriter.takeView): the server writes the queue
   * to the socket before the writer's buffer is reused.
   */
  takeOutput(w: ReplyWriter): void {
    if (w.len === w.start) return;
    const b = w.takeView();
    this.outQueue.push(b);
    this.outQueued += b.length;
  }

  /**
   * Bytes of output not yet handed to the kernel: queued, in the writers,
   * and buffered by the socket (what Redis counts for its output limits).
   */
  get outputBytes(): number {
    let n = this.outQueued;
    if (this.cur !== null) n += this.cur.pending;
    if (this.own !== null) n += this.own.pending;
    if (this.socket !== null) n += this.socket.writableLength;
    return n;
  }

  /**
   * After a command ran with replyFlags set: drop what it wrote (from `mark`, a writer position)
   * when replies are off or skipped, then move SKIP_NEXT on to the next
   * command, as Redis's resetClient does.
   */
  applyReplyFlags(mark: number): void {
    const w = this.w;
    if ((this.replyFlags & (REPLY_OFF | REPLY_SKIP)) !== 0) w.truncate(mark);
    this.replyFlags &= ~REPLY_SKIP;
    if ((this.replyFlags & REPLY_SKIP_NEXT) !== 0) this.replyFlags = (this.replyFlags & ~REPLY_SKIP_NEXT) | REPLY_SKIP;
  }
}

/**
 * Redis's allowProtectedAction: whether a `no`/`yes`/`local` directive
 * (enable-debug-command, enable-protected-configs) lets this client do it;
 * `local` means from loopback (or a client with no socket: the AOF loader).
 */
export function allowProtectedAction(mode: string, c: Client): boolean {
  if (mode === 'yes') return true;
  if (mode !== 'local') return false;
  if (c.socket === null) return true;
  const ip = c.socket.remoteAddress ?? '';
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

/** CLIENT REPLY OFF. */
export const REPLY_OFF = 1;
/** CLIENT REPLY SKIP was just run: skip the reply of the next command. */
export const REPLY_SKIP_NEXT = 2;
/** The current command's reply is skipped. */
export const REPLY_SKIP = 4;

function formatAddr(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '';
  const h = host.startsWith('::ffff:') ? host.slice(7) : host;
  return `${h}:${port ?? 0}`;
}
