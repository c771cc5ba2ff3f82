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

  constructor(
    readonly id: number,
    readonly server: Server,
    readonly socket: Socket | null,
  ) {
    this.parser = new RequestParser({ maxBulkLen: server.limits.maxBulkLen });
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
}

function formatAddr(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '';
  const h = host.startsWith('::ffff:') ? host.slice(7) : host;
  return `${h}:${port ?? 0}`;
}
