// The server: listening sockets, the client registry, the per-read loop
// (parse → dispatch → one write per batch of replies), the `hz` timer
// (active expiry, idle-client timeouts, ops/sec sampling) and shutdown.

import net from 'node:net';
import { Client, type ClientInfoFields } from './client.js';
import { buildCommandTable } from './commands/index.js';
import { Dispatcher } from './engine/dispatch.js';
import type { CommandTable } from './engine/table.js';
import { Config } from './config.js';
import { ProtocolError } from './errors.js';
import type { Clock } from './keyspace/clock.js';
import { systemClock } from './keyspace/clock.js';
import { Keyspace } from './keyspace/keyspace.js';
import { Logger } from './log.js';
import { ReplyWriter } from './protocol/reply.js';

/** Flush a batch early when it grows past this, so huge pipelines stream. */
const FLUSH_AT = 256 * 1024;
/** Stop reading from a client while this much output waits for the socket. */
const PAUSE_AT = 32 * 1024 * 1024;
/** How long a closed client's peer may keep its half of the connection open. */
const CLOSE_GRACE_MS = 1000;

export interface ServerStats {
  startTime: number;
  totalConnections: number;
  rejectedConnections: number;
  netInputBytes: number;
  netOutputBytes: number;
  /** Ring of recent ops/sec samples for instantaneous_ops_per_sec. */
  opsSamples: number[];
  lastOpsSampleTime: number;
  lastOpsSampleCount: number;
  lastSave: number;
}

/** SHUTDOWN's options; the persistence layer acts on save/nosave/force. */
export interface ShutdownFlags {
  save?: boolean;
  nosave?: boolean;
  now?: boolean;
  force?: boolean;
}

export class Server {
  readonly config: Config;
  readonly log = new Logger();
  readonly keyspace: Keyspace;
  readonly table: CommandTable;
  readonly dispatcher: Dispatcher;
  readonly writer = new ReplyWriter();
  readonly clients = new Map<number, Client>();
  readonly limits: { maxBulkLen: number };
  readonly stats: ServerStats;
  /** Called once the server has shut down (the CLI exits the process). */
  onShutdown: ((code: number) => void) | null = null;
  /** RESET: each module clears its per-client state (MULTI, WATCH, subscriptions ...). */
  readonly clientResetHooks: ((c: Client) => void)[] = [];
  /** CLIENT LIST / INFO: each module reports its per-client state. */
  readonly clientInfoHooks: ((c: Client, f: ClientInfoFields) => void)[] = [];
  private listeners: net.Server[] = [];
  private nextClientId = 1;
  private cron: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  /** Ports actually bound (port 0 picks one). */
  boundPort = 0;

  constructor(config: Config, clock: Clock = systemClock) {
    this.config = config;
    this.log.level = config.get('loglevel') as Logger['level'];
    this.log.file = config.get('logfile');
    this.keyspace = new Keyspace(config.int('databases'), clock);
    this.table = buildCommandTable();
    this.dispatcher = new Dispatcher(this.table);
    this.writer.onError = (code) => this.dispatcher.countError(code);
    this.limits = { maxBulkLen: config.int('proto-max-bulk-len') };
    const now = Date.now();
    this.stats = {
      startTime: now,
      totalConnections: 0,
      rejectedConnections: 0,
      netInputBytes: 0,
      netOutputBytes: 0,
      opsSamples: [],
      lastOpsSampleTime: now,
      lastOpsSampleCount: 0,
      lastSave: Math.floor(now / 1000),
    };
    config.onChange((name, value) => {
      if (name === 'proto-max-bulk-len') this.limits.maxBulkLen = parseInt(value, 10);
      else if (name === 'loglevel') this.log.level = value as Logger['level'];
      else if (name === 'hz') this.startCron();
    });
  }

  /** Bind every address of `bind` and start serving. */
  async listen(): Promise<void> {
    const port = this.config.int('port');
    const binds = this.config.get('bind').split(' ').filter((b) => b !== '');
    let bound = 0;
    for (const spec of binds) {
      const optional = spec.startsWith('-');
      const host = optional ? spec.slice(1) : spec;
      const srv = net.createServer({ noDelay: true }, (s) => this.accept(s));
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          // With port 0 every address after the first reuses the first's port.
          srv.listen({ port: bound > 0 && port === 0 ? this.boundPort : port, host: host === '*' ? undefined : host,
            backlog: this.config.int('tcp-backlog') }, () => {
            srv.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (optional && (err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT')) continue;
        await this.closeListeners();
        const what = err.code === 'EADDRINUSE' ? 'Address already in use' : err.message;
        throw new Error(`Could not create server TCP listening socket ${host}:${port}: ${what}`);
      }
      srv.on('error', (e) => this.log.warning(`Listening socket error: ${e.message}`));
      const addr = srv.address();
      if (addr !== null && typeof addr === 'object' && bound === 0) this.boundPort = addr.port;
      this.listeners.push(srv);
      bound++;
    }
    if (bound === 0) throw new Error('Failed listening on any of the configured addresses');
    this.startCron();
    this.log.notice('Server initialized');
    this.log.notice('Ready to accept connections tcp');
  }

  private startCron(): void {
    if (this.cron !== null) clearInterval(this.cron);
    const hz = this.config.int('hz');
    this.cron = setInterval(() => this.serverCron(hz), Math.max(1, Math.floor(1000 / hz)));
    this.cron.unref();
  }

  private serverCron(hz: number): void {
    // Redis gives active expiry 25% of each cron period.
    this.keyspace.activeExpireCycle(250 / hz);
    const timeout = this.config.int('timeout');
    if (timeout > 0) {
      const limit = Date.now() - timeout * 1000;
      for (const c of this.clients.values()) {
        if (c.lastInteraction < limit) {
          this.log.verbose('Closing idle client');
          this.closeClient(c);
        }
      }
    }
    const now = Date.now();
    if (now - this.stats.lastOpsSampleTime >= 100) {
      const ops = this.dispatcher.totalCommands - this.stats.lastOpsSampleCount;
      const rate = (ops * 1000) / (now - this.stats.lastOpsSampleTime);
      this.stats.opsSamples.push(rate);
      if (this.stats.opsSamples.length > 16) this.stats.opsSamples.shift();
      this.stats.lastOpsSampleTime = now;
      this.stats.lastOpsSampleCount = this.dispatcher.totalCommands;
    }
  }

  private accept(socket: net.Socket): void {
    if (this.closing !== null) {
      socket.destroy();
      return;
    }
    if (this.clients.size >= this.config.int('maxclients')) {
      // Counted apart from total_connections_received, as Redis does.
      this.stats.rejectedConnections++;
      socket.on('error', () => {});
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    this.stats.totalConnections++;
    const keepalive = this.config.int('tcp-keepalive');
    if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
    const c = new Client(this.nextClientId++, this, socket);
    this.clients.set(c.id, c);
    socket.on('data', (chunk: Buffer) => {
      this.stats.netInputBytes += chunk.length;
      // A closing client's further input is dropped unparsed, as Redis stops reading it.
      if (c.closed) return;
      c.lastInteraction = Date.now();
      c.parser.feed(chunk);
      if (!c.paused) this.processInput(c);
    });
    socket.on('drain', () => {
      if (c.paused && !c.closed) {
        c.paused = false;
        socket.resume();
        this.processInput(c);
      }
    });
    socket.on('error', (e) => this.log.verbose(`Client id=${c.id} socket error: ${e.message}`));
    socket.on('close', () => this.removeClient(c));
  }

  /**
   * Run every complete request the client has sent, then write the replies
   * (one socket write per batch, earlier when a batch grows past FLUSH_AT).
   * A protocol error answers the requests before it, then the error, then
   * closes this connection only. Back-pressure: while PAUSE_AT bytes of this
   * client's output wait for the socket, neither its socket nor its parsed
   * requests are read; 'drain' resumes both.
   */
  processInput(c: Client): void {
    if (c.closed || c.paused) return;
    const w = this.writer;
    w.resp = c.resp;
    this.dispatcher.startBatch();
    try {
      while (!c.closeAfterReply) {
        const argv = c.parser.next();
        if (argv === null) break;
        const mark = w.len;
        this.dispatcher.execute(c, argv);
        if (c.replyFlags !== 0) c.applyReplyFlags(mark);
        if (w.len >= FLUSH_AT) {
          this.flush(c);
          if (this.pauseIfBacklogged(c)) return;
        }
      }
    } catch (e) {
      if (e instanceof ProtocolError) {
        this.log.verbose(`Protocol error (${e.message}) from client: id=${c.id} addr=${c.addr}`);
        w.error(e.message);
      } else {
        this.log.warning(`Internal error while serving client id=${c.id}: ${(e as Error).stack ?? String(e)}`);
        w.error('ERR internal error');
      }
      c.closeAfterReply = true;
    }
    this.flush(c);
    if (c.closeAfterReply) this.closeClient(c);
    else this.pauseIfBacklogged(c);
  }

  /** Stop reading from a client whose unsent output reached PAUSE_AT. */
  private pauseIfBacklogged(c: Client): boolean {
    const s = c.socket;
    if (s === null || c.closed || s.writableLength < PAUSE_AT) return false;
    c.paused = true;
    s.pause();
    return true;
  }

  /** Write what the shared writer holds to this client. */
  flush(c: Client): void {
    const w = this.writer;
    if (w.len === 0) return;
    const out = w.take();
    if (c.socket === null || c.closed) return;
    this.stats.netOutputBytes += out.length;
    c.socket.write(out);
  }

  /**
   * Close a client once its pending output is written: FIN after the last
   * reply byte, later input ignored. A peer that does not close its side
   * within CLOSE_GRACE_MS of that is cut off, so no descriptor lingers.
   */
  closeClient(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    this.clients.delete(c.id);
    const s = c.socket;
    if (s === null) return;
    // Keep reading (and dropping) so the peer's FIN is seen.
    if (c.paused) s.resume();
    s.end(() => {
      const t = setTimeout(() => s.destroy(), CLOSE_GRACE_MS);
      t.unref();
      s.once('close', () => clearTimeout(t));
    });
  }

  private removeClient(c: Client): void {
    c.closed = true;
    this.clients.delete(c.id);
  }

  private async closeListeners(): Promise<void> {
    const ls = this.listeners;
    this.listeners = [];
    await Promise.all(ls.map((l) => new Promise<void>((r) => l.close(() => r()))));
  }

  /**
   * Stop accepting, let replies in flight be written, close every client.
   * Idempotent: later calls wait for the first.
   */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = (async () => {
      if (this.cron !== null) clearInterval(this.cron);
      this.cron = null;
      const listenersClosed = this.closeListeners();
      const sockets: Promise<void>[] = [];
      for (const c of [...this.clients.values()]) {
        const s = c.socket;
        this.closeClient(c);
        if (s !== null && !s.destroyed) {
          sockets.push(new Promise<void>((resolve) => {
            const t = setTimeout(() => { s.destroy(); resolve(); }, 2000);
            t.unref();
            s.once('close', () => { clearTimeout(t); resolve(); });
          }));
        }
      }
      await Promise.all(sockets);
      await listenersClosed;
    })();
    return this.closing;
  }

  /** SHUTDOWN and signals: close, then tell the owner (the CLI exits). */
  async shutdown(reason: string, flags: ShutdownFlags = {}): Promise<void> {
    this.log.warning(`${reason}: scheduling shutdown...`);
    await this.close();
    this.log.warning('mini-redis is now ready to exit, bye bye...');
    this.onShutdown?.(0);
  }
}
