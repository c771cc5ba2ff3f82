// The server: listening sockets, the client registry, the event-loop turn,
// the `hz` timer and shutdown.
//
// One turn of the event loop, as Redis's readQueryFromClient + beforeSleep:
// 1. Each readable client's bytes are parsed and its complete requests run
//    (processInput); replies go to the client's output (Client.w), never
//    straight to the socket.
// 2. After every read of the turn, in the check phase (one setImmediate per
//    turn): clients released from blocking or back-pressure run their
//    waiting requests; the before-write hooks run (the AOF writes and fsyncs
//    the turn's propagated writes there: group commit, so no reply leaves
//    before its write is on disk); then every client with output gets one
//    socket write (writev when several buffers are queued).
// Output limits: each client's unsent bytes (Client.outputBytes) are checked
// against client-output-buffer-limit for its class when output is added and
// when it is written; a client past the hard limit, or past the soft limit
// for longer than its seconds, is closed at once and logged as Redis does. A
// client whose socket holds PAUSE_AT unsent bytes is not read (nor are its
// parsed requests run) until the socket drains, so nothing queues without
// bound however much a client asks for without reading.

import net from 'node:net';
import { Blocking } from './blocking.js';
import { Transactions } from './multi.js';
import { PubSub } from './pubsub.js';
import { Tracking } from './tracking.js';
import { Aof } from './persistence/aof.js';
import { Snapshot } from './persistence/snapshot.js';
import { Notifier } from './notify.js';
import { Client, type OutputClass } from './client.js';
import { clientInfoLine } from './commands/connection.js';
import { buildCommandTable } from './commands/index.js';
import { Config } from './config.js';
import { Dispatcher } from './engine/dispatch.js';
import type { Subsystem } from './engine/subsystem.js';
import type { CommandTable } from './engine/table.js';
import { ProtocolError } from './errors.js';
import type { Clock } from './keyspace/clock.js';
import { systemClock } from './keyspace/clock.js';
import { Keyspace } from './keyspace/keyspace.js';
import { Logger } from './log.js';
import { ReplyWriter } from './protocol/reply.js';
import { MemoryReclaimer } from './util/memory.js';

/** Move a batch's output to the queue when it grows past this, so huge pipelines stream. */
const FLUSH_AT = 256 * 1024;
/** Stop running a client's requests while this much of its output is unsent. */
const PAUSE_AT = 1024 * 1024;
/** How long a closed client's peer may keep its half of the connection open. */
const CLOSE_GRACE_MS = 1000;
/** The shared read buffer: as large as the reads Node does by default. */
const READ_BUFFER_SIZE = 64 * 1024;

/** Node's own slots for `onread` (net.Socket's option), found once. */
const ONREAD_SLOTS = ((): { buffer: symbol; callback: symbol; gen: symbol | undefined } | null => {
  // @types/node declares `onread` for net.connect only; the constructor takes it too.
  const opts = { onread: { buffer: Buffer.alloc(1), callback: () => true } } as net.SocketConstructorOpts;
  const probe = new net.Socket(opts);
  const syms = Object.getOwnPropertySymbols(probe);
  const find = (d: string) => syms.find((s) => s.description === d);
  const buffer = find('kBuffer');
  const callback = find('kBufferCb');
  probe.destroy();
  return buffer !== undefined && callback !== undefined ? { buffer, callback, gen: find('kBufferGen') } : null;
})();

interface UserBufferHandle {
  useUserBuffer?(buf: Uint8Array): void;
}

/**
 * Give an accepted socket the `onread` behaviour that Node offers only to
 * sockets it connects itself: reads go into `buf` and `cb` gets each chunk as
 * a view of it. False when this Node does not have it.
 */
function readIntoShared(socket: net.Socket, buf: Buffer, cb: (chunk: Buffer) => void): boolean {
  const handle = (socket as unknown as { _handle: UserBufferHandle | null })._handle;
  if (ONREAD_SLOTS === null || handle === null || typeof handle.useUserBuffer !== 'function') return false;
  const slots = socket as unknown as Record<symbol, unknown>;
  slots[ONREAD_SLOTS.buffer] = buf;
  slots[ONREAD_SLOTS.callback] = (n: number, b: Buffer) => {
    cb(b.subarray(0, n));
    return true;
  };
  if (ONREAD_SLOTS.gen !== undefined) slots[ONREAD_SLOTS.gen] = null;
  handle.useUserBuffer(buf);
  return true;
}

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
  /** Clients closed for overcoming their output buffer limits. */
  outputLimitDisconnections: number;
}

/** SHUTDOWN's options; the persistence layer acts on save/nosave/force. */
export interface ShutdownFlags {
  save?: boolean;
  nosave?: boolean;
  now?: boolean;
  force?: boolean;
}

/**
 * The size thresholds of Redis's compact encodings, from the config (kept
 * current on CONFIG SET): a collection past one of them reports the large
 * encoding in OBJECT ENCODING from then on, as Redis converts it.
 */
export interface EncodingLimits {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  setMaxIntsetEntries: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  listMaxListpackSize: number;
}

const ENCODING_PARAMS: Record<string, keyof EncodingLimits> = {
  'hash-max-listpack-entries': 'hashMaxListpackEntries',
  'hash-max-listpack-value': 'hashMaxListpackValue',
  'set-max-intset-entries': 'setMaxIntsetEntries',
  'zset-max-listpack-entries': 'zsetMaxListpackEntries',
  'zset-max-listpack-value': 'zsetMaxListpackValue',
  'list-max-listpack-size': 'listMaxListpackSize',
};

/** One class of client-output-buffer-limit, in bytes and seconds. */
export interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

export class Server {
  readonly config: Config;
  readonly log = new Logger();
  readonly keyspace: Keyspace;
  readonly table: CommandTable;
  readonly dispatcher: Dispatcher;
  /** The shared scratch writer: the output of the client whose requests run. */
  readonly writer = new ReplyWriter();
  /** Compact-encoding thresholds for OBJECT ENCODING (see EncodingLimits). */
  readonly encodingLimits: EncodingLimits;
  /** Gives memory back after large frees, once the server is idle (util/memory.ts). */
  readonly reclaimer = new MemoryReclaimer();
  /** Where every client's socket reads land (see accept). */
  private readonly readBuffer = Buffer.allocUnsafeSlow(READ_BUFFER_SIZE);
  readonly clients = new Map<number, Client>();
  readonly limits: { maxBulkLen: number };
  readonly stats: ServerStats;
  /** Every subsystem, for RESET, disconnects, CLIENT LIST, INFO and the cron. */
  readonly subsystems: Subsystem[] = [];
  readonly blocking: Blocking;
  readonly pubsub: PubSub;
  readonly notifier: Notifier;
  readonly transactions: Transactions;
  readonly tracking: Tracking;
  /** The append-only file (src/persistence/aof.ts). */
  readonly aof: Aof;
  /** RDB snapshots: SAVE, BGSAVE, save points (src/persistence/snapshot.ts). */
  readonly snapshot: Snapshot;
  /** Run each turn before any socket is written (the AOF's write and fsync). */
  readonly beforeWriteHooks: (() => void)[] = [];
  /** Wall-clock ms, refreshed once per turn and by the cron (Redis's server.unixtime). */
  cachedNow: number;
  /** Called once the server has shut down (the CLI exits the process). */
  onShutdown: ((code: number) => void) | null = null;
  outputLimits: Record<OutputClass, OutputLimit> = {
    normal: { hard: 0, soft: 0, softSeconds: 0 },
    replica: { hard: 0, soft: 0, softSeconds: 0 },
    pubsub: { hard: 0, soft: 0, softSeconds: 0 },
  };
  private listeners: net.Server[] = [];
  private nextClientId = 1;
  private cron: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  /** Clients with output to write this turn. */
  private pendingWrites: Client[] = [];
  /** A socket kept a view of the shared writer's buffer this turn: it cannot be reused yet. */
  private writerLent = false;
  /** Clients whose waiting requests run at the end of this turn. */
  private resumed: Client[] = [];
  private turnScheduled = false;
  /** The client whose requests are running (the shared writer is its output). */
  private running: Client | null = null;
  private shutdownRequest: { reason: string; flags: ShutdownFlags } | null = null;
  /** Ports actually bound (port 0 picks one). */
  boundPort = 0;

  constructor(config: Config, clock: Clock = systemClock) {
    this.config = config;
    this.log.level = config.get('loglevel') as Logger['level'];
    this.log.file = config.get('logfile');
    this.keyspace = new Keyspace(config.int('databases'), clock);
    this.table = buildCommandTable();
    this.dispatcher = new Dispatcher(this.table, this.keyspace);
    this.writer.onError = (code) => this.dispatcher.countError(code);
    this.limits = { maxBulkLen: config.int('proto-max-bulk-len') };
    const now = Date.now();
    this.cachedNow = now;
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
      outputLimitDisconnections: 0,
    };
    this.applyOutputLimits(config.get('client-output-buffer-limit'));
    const limits: Record<string, number> = {};
    for (const [param, field] of Object.entries(ENCODING_PARAMS)) limits[field] = config.int(param);
    this.encodingLimits = limits as unknown as EncodingLimits;
    config.onChange((name, value) => {
      if (name === 'proto-max-bulk-len') this.limits.maxBulkLen = parseInt(value, 10);
      else if (name === 'loglevel') this.log.level = value as Logger['level'];
      else if (name === 'hz') this.startCron();
      else if (name === 'client-output-buffer-limit') this.applyOutputLimits(value);
      else if (ENCODING_PARAMS[name] !== undefined) this.encodingLimits[ENCODING_PARAMS[name]] = parseInt(value, 10);
    });
    // An expiry is not the running command's write: it is replayed as a DEL
    // (UNLINK with lazyfree-lazy-expire, as Redis's propagateDeletion) of its
    // own, inside the running unit or, from the cron, alone.
    this.keyspace.onExpired = (db, key) => {
      const op = { db: db.id, argv: [this.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key] };
      if (this.dispatcher.ctx.depth > 0) this.dispatcher.ctx.alsoPropagate(op.db, op.argv);
      else for (const l of this.dispatcher.propagationListeners) l([op]);
    };
    this.keyspace.onFreed = (bytes) => this.reclaimer.noteFreed(bytes);
    // A flushed database is memory to give back: its share of what is live.
    this.keyspace.addListener({
      dbFlushed: (_db, old) => {
        if (old.size === 0) return;
        let keys = old.size;
        for (const d of this.keyspace.dbs) keys += d.size;
        this.reclaimer.noteFreed(this.reclaimer.liveBytes() * (old.size / keys));
      },
    });
    // Order matters to CLIENT LIST's flags (P, x, b ...) only; it is Redis's.
    this.pubsub = new PubSub();
    this.notifier = new Notifier(this.keyspace, this.pubsub, config);
    this.transactions = new Transactions(this);
    this.blocking = new Blocking(this);
    this.tracking = new Tracking(this);
    this.subsystems.push(this.pubsub, this.transactions, this.blocking, this.tracking);
    this.aof = new Aof(this);
    this.subsystems.push(this.aof);
    this.snapshot = new Snapshot(this);
    this.subsystems.push(this.snapshot);
  }

  private applyOutputLimits(value: string): void {
    const parts = value.split(' ');
    for (let i = 0; i + 3 < parts.length; i += 4) {
      const cls = parts[i] === 'slave' ? 'replica' : (parts[i] as OutputClass);
      this.outputLimits[cls] = { hard: Number(parts[i + 1]), soft: Number(parts[i + 2]), softSeconds: Number(parts[i + 3]) };
    }
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
    const now = Date.now();
    this.cachedNow = now;
    this.dispatcher.time.resync();
    // Active expiry runs with the clock frozen, each expired key replayed as
    // a DEL of its own. Redis gives it 25% of each cron period.
    const ks = this.keyspace;
    ks.freeze(ks.clock.now());
    try {
      if (ks.activeExpireEnabled) ks.activeExpireCycle(250 / hz);
    } finally {
      ks.thaw();
    }
    const timeout = this.config.int('timeout');
    const idleLimit = timeout > 0 ? now - timeout * 1000 : 0;
    for (const c of this.clients.values()) {
      if (idleLimit > 0 && c.lastInteraction < idleLimit && !c.blocked) {
        this.log.verbose('Closing idle client');
        this.closeClient(c);
        continue;
      }
      // A soft limit is also a matter of time: check clients still over it.
      if (c.softLimitSince !== 0) this.checkOutputLimits(c);
    }
    for (const s of this.subsystems) s.cron?.(now);
    // V8 collects only under allocation pressure: an idle server that just
    // freed a lot would sit at its peak size. The reclaimer decides.
    this.reclaimer.onCron(now, this.dispatcher.totalCommands);
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
    // Reads land in one buffer shared by every client (they are handled one
    // at a time), so a read allocates nothing; the parser copies only the
    // bytes of an incomplete request. Where Node does not offer that, 'data'.
    if (!readIntoShared(socket, this.readBuffer, (chunk) => this.onRead(c, chunk, true))) {
      socket.on('data', (chunk: Buffer) => this.onRead(c, chunk, false));
    }
    socket.on('drain', () => {
      if (c.paused && !c.closed && socket.writableLength < PAUSE_AT) {
        c.paused = false;
        socket.resume();
        this.processInput(c);
      }
    });
    socket.on('error', (e) => this.log.verbose(`Client id=${c.id} socket error: ${e.message}`));
    socket.on('close', () => this.removeClient(c));
  }

  private onRead(c: Client, chunk: Buffer, borrowed: boolean): void {
    this.stats.netInputBytes += chunk.length;
    // A closing client's further input is dropped unparsed, as Redis stops reading it.
    if (c.closed) return;
    c.lastInteraction = this.cachedNow;
    c.parser.feed(chunk, borrowed);
    this.processInput(c);
    if (borrowed) c.parser.detach();
  }

  /**
   * Run every complete request the client has sent, its replies going to the
   * shared writer and then to its output queue. Stops early when the client
   * blocks, asks to be closed, or has PAUSE_AT bytes of output unsent. A
   * protocol error answers the requests before it, then the error, then
   * closes this connection only.
   */
  processInput(c: Client): void {
    if (c.closed || c.paused || c.blocked) return;
    if (this.running !== null) {
      // Never nested: the shared writer is another client's output now.
      this.resume(c);
      return;
    }
    const w = this.writer;
    if (c.own !== null && c.own.pending > 0) c.takeOutput(c.own);
    this.running = c;
    c.cur = w;
    w.resp = c.resp;
    this.dispatcher.startBatch();
    try {
      while (!c.closeAfterReply && !c.blocked) {
        const argv = c.parser.next();
        if (argv === null) break;
        const mark = w.position;
        this.dispatcher.execute(c, argv);
        if (c.replyFlags !== 0) c.applyReplyFlags(mark);
        if (w.pending >= FLUSH_AT) {
          c.takeOutput(w);
          if (c.outputBytes >= PAUSE_AT) {
            this.pause(c);
            break;
          }
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
    c.cur = null;
    this.running = null;
    c.takeOutput(w);
    if (c.outQueued !== 0 || c.closeAfterReply) this.scheduleWrite(c);
  }

  private pause(c: Client): void {
    c.paused = true;
    c.socket?.pause();
  }

  /** A client released (from blocking, say) runs its waiting requests at the end of this turn. */
  resume(c: Client): void {
    if (c.closed) return;
    this.resumed.push(c);
    this.scheduleTurn();
  }

  /** Write this client's output at the end of this turn. */
  scheduleWrite(c: Client): void {
    if (c.pendingWrite) return;
    c.pendingWrite = true;
    this.pendingWrites.push(c);
    this.scheduleTurn();
  }

  private scheduleTurn(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(this.beforeSleep);
  }

  /** The end of an event-loop turn (see the header). */
  private readonly beforeSleep = (): void => {
    this.turnScheduled = false;
    while (this.resumed.length !== 0) {
      const list = this.resumed;
      this.resumed = [];
      for (const c of list) if (!c.closed && !c.blocked) this.processInput(c);
    }
    for (const h of this.beforeWriteHooks) h();
    const list = this.pendingWrites;
    this.pendingWrites = [];
    this.writerLent = false;
    for (let i = 0; i < list.length; i++) this.writeClient(list[i]!);
    // Every reply of the turn is in the kernel: the next turn writes its
    // replies from the start of the same buffer (no fresh memory per turn).
    if (!this.writerLent) this.writer.recycle();
    this.cachedNow = Date.now();
    if (this.shutdownRequest !== null) {
      const { reason, flags } = this.shutdownRequest;
      this.shutdownRequest = null;
      void this.shutdown(reason, flags);
    }
  };

  /** One socket write of everything the client has pending. */
  private writeClient(c: Client): void {
    c.pendingWrite = false;
    if (c.own !== null && c.own.pending > 0) c.takeOutput(c.own);
    const s = c.socket;
    const q = c.outQueue;
    if (c.closed || s === null || s.destroyed) {
      q.length = 0;
      c.outQueued = 0;
      return;
    }
    if (this.checkOutputLimits(c)) return;
    if (q.length === 1) {
      s.write(q[0]!);
    } else if (q.length > 1) {
      s.cork();
      for (let i = 0; i < q.length; i++) s.write(q[i]!);
      s.uncork();
    }
    this.stats.netOutputBytes += c.outQueued;
    q.length = 0;
    c.outQueued = 0;
    // The queue held views of the writers' buffers; once the socket took
    // everything synchronously they can be reused, else it still holds them.
    if (s.writableLength === 0) c.own?.recycle();
    else this.writerLent = true;
    if (c.closeAfterReply) {
      this.closeClient(c);
    } else if (c.paused) {
      if (s.writableLength < PAUSE_AT) {
        c.paused = false;
        s.resume();
        this.resume(c);
      }
    } else if (s.writableLength >= PAUSE_AT) {
      this.pause(c);
    }
  }

  /**
   * checkClientOutputBufferLimits + closeClientOnOutputBufferLimitReached:
   * true when the client was closed for its unsent output.
   */
  checkOutputLimits(c: Client): boolean {
    const lim = this.outputLimits[c.outputClass];
    if (lim.hard === 0 && lim.soft === 0) return false;
    const used = c.outputBytes;
    const hard = lim.hard > 0 && used >= lim.hard;
    let soft = lim.soft > 0 && used >= lim.soft;
    if (soft) {
      const now = this.cachedNow;
      if (c.softLimitSince === 0) {
        c.softLimitSince = now;
        soft = false;
      } else if (now - c.softLimitSince <= lim.softSeconds * 1000) {
        soft = false;
      }
    } else {
      c.softLimitSince = 0;
    }
    if (!hard && !soft) return false;
    this.log.warning(`Client ${clientInfoLine(c, null, '', [])} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    this.stats.outputLimitDisconnections++;
    this.closeClient(c, true);
    return true;
  }

  /**
   * Close a client. Normally once its pending output is written: FIN after
   * the last reply byte, later input ignored, and a peer that does not close
   * its side within CLOSE_GRACE_MS is cut off. With `now`, the output is
   * dropped and the connection cut at once (output limits).
   */
  closeClient(c: Client, now = false): void {
    if (c.closed) return;
    c.closed = true;
    this.clients.delete(c.id);
    for (const sub of this.subsystems) sub.clientClosed?.(c);
    const s = c.socket;
    c.outQueue.length = 0;
    c.outQueued = 0;
    c.own?.discardPending();
    if (s === null) return;
    if (now) {
      s.destroy();
      return;
    }
    // Keep reading (and dropping) so the peer's FIN is seen.
    if (c.paused) s.resume();
    s.end(() => {
      const t = setTimeout(() => s.destroy(), CLOSE_GRACE_MS);
      t.unref();
      s.once('close', () => clearTimeout(t));
    });
  }

  private removeClient(c: Client): void {
    if (!c.closed) {
      c.closed = true;
      for (const sub of this.subsystems) sub.clientClosed?.(c);
    }
    this.clients.delete(c.id);
  }

  private async closeListeners(): Promise<void> {
    const ls = this.listeners;
    this.listeners = [];
    await Promise.all(ls.map((l) => new Promise<void>((r) => l.close(() => r()))));
  }

  /** SHUTDOWN: shut down at the end of this turn, once the replies before it are written. */
  requestShutdown(reason: string, flags: ShutdownFlags): void {
    this.shutdownRequest = { reason, flags };
    this.scheduleTurn();
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
      // The AOF's last writes are on disk before any reply goes out (prepareForShutdown).
      this.aof.shutdown();
      // The final RDB save (already done when shutdown() came first).
      this.snapshot.prepareShutdown({ force: true });
      const listenersClosed = this.closeListeners();
      // Whatever output is pending goes out before the clients are closed.
      const pending = this.pendingWrites;
      this.pendingWrites = [];
      for (const c of pending) this.writeClient(c);
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
    // A failed final save cancels the shutdown (prepareForShutdown's error).
    if (!this.snapshot.prepareShutdown(flags)) return;
    await this.close();
    this.log.warning('mini-redis is now ready to exit, bye bye...');
    this.onShutdown?.(0);
  }
}
