// A connected client: its socket, request parser, selected database,
// protocol version and the state CLIENT LIST reports.

import type { Socket } from 'node:net';
import type { Database } from './keyspace/keyspace.js';
import type { RespVersion, ReplyWriter } from './protocol/reply.js';
import { RequestParser } from './protocol/parser.js';
import type { Server } from './server.js';

export class Client {
  readonly parser: RequestParser;
  db: Database;
  resp: RespVersion = 2;
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
  readonly addr: string;
  readonly laddr: string;
  /** CLIENT REPLY state: REPLY_OFF / REPLY_SKIP_NEXT / REPLY_SKIP bits (0: replies on). */
  replyFlags = 0;

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
    this.createdAt = Date.now();
    this.lastInteraction = this.createdAt;
    this.addr = socket ? formatAddr(socket.remoteAddress, socket.remotePort) : '';
    this.laddr = socket ? formatAddr(socket.localAddress, socket.localPort) : '';
  }

  /** The shared reply buffer; valid while this client's requests run. */
  get w(): ReplyWriter {
    return this.server.writer;
  }

  /**
   * After a command ran with replyFlags set: drop what it wrote (from `mark`)
   * when replies are off or skipped, then move SKIP_NEXT on to the next
   * command, as Redis's resetClient does.
   */
  applyReplyFlags(mark: number): void {
    const w = this.server.writer;
    if ((this.replyFlags & (REPLY_OFF | REPLY_SKIP)) !== 0 && w.len > mark) w.len = mark;
    this.replyFlags &= ~REPLY_SKIP;
    if ((this.replyFlags & REPLY_SKIP_NEXT) !== 0) this.replyFlags = (this.replyFlags & ~REPLY_SKIP_NEXT) | REPLY_SKIP;
  }
}

/** CLIENT REPLY OFF. */
export const REPLY_OFF = 1;
/** CLIENT REPLY SKIP was just run: skip the reply of the next command. */
export const REPLY_SKIP_NEXT = 2;
/** The current command's reply is skipped. */
export const REPLY_SKIP = 4;

/**
 * What CLIENT LIST reports from state other modules own (pub/sub, MULTI,
 * blocking): they register a Server.clientInfoHooks entry that fills it in.
 */
export interface ClientInfoFields {
  /** Flag letters besides N (P pubsub, x multi, b blocked, S replica ...). */
  flags: string;
  sub: number;
  psub: number;
  ssub: number;
  /** Commands queued in MULTI, -1 outside a transaction. */
  multi: number;
}

function formatAddr(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '';
  const h = host.startsWith('::ffff:') ? host.slice(7) : host;
  return `${h}:${port ?? 0}`;
}
