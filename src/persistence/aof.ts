// The append-only file, Redis 7 style (aof.c): a base file and incremental
// files under <dir>/<appenddirname>/, listed by a manifest (manifest.ts).
//
// Owns: the AOF state (off / on / waiting for the first rewrite after
// `CONFIG SET appendonly yes`), the open incremental file, the buffer of the
// turn's propagated writes, fsync policy, rewrites (BGREWRITEAOF, automatic,
// the one `appendonly yes` starts), write-error state (MISCONF through
// Dispatcher.denyWrites) and the aof_* INFO fields.
//
// Writes: a propagation listener RESP-encodes each unit (a PropagationStream
// per incremental file: SELECT as needed) into a buffer; a before-write hook
// writes the turn's buffer with one write() before any client is answered,
// and for `appendfsync always` fdatasyncs before returning (group commit).
// `everysec` fdatasyncs from the cron once a second on libuv's thread pool,
// never blocking the loop; `no` leaves it to the kernel.
//
// Rewrite (Node cannot fork): at the start the buffer is flushed and a new
// incremental file (seq+1) is opened and recorded in the manifest, so every
// write after this moment goes there; a Cut of the keyspace (point in time)
// is serialized as commands into a temp file a slice at a time (a few ms per
// event-loop turn); at the end the temp file is fsynced and renamed to the
// new base, the manifest (new base, older files as history) replaces the old
// one atomically, then the history files are deleted. A crash at any moment
// leaves a manifest whose files are all there.

import {
  closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync,
  statSync, unlink, write, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { PropagationStream, type PropagatedOp, type PropagationListener } from '../engine/context.js';
import type { InfoFields, Subsystem } from '../engine/subsystem.js';
import { E } from '../errors.js';
import type { Cut, CutEntry } from '../keyspace/cut.js';
import { HashValue } from '../keyspace/hash.js';
import { ListValue } from '../keyspace/list.js';
import { SetValue } from '../keyspace/set.js';
import { RawString } from '../keyspace/types.js';
import { ZSetValue } from '../keyspace/zset.js';
import type { Server } from '../server.js';
import { formatDouble17g } from '../util/numbers.js';
import { defaultAuxFields, RdbWriter } from './rdb.js';
import { Manifest, openAsync, renameAsync, writeFileDurably, writeFileDurablyAsync } from './manifest.js';
import { aofPaths, loadAppendOnlyFiles, loadManifestFromDisk, LoadError, type LoadingState } from './load.js';
import { closeQuietly, strerror, unlinkQuietly } from './fsutil.js';

/** Elements per command in a rewrite (AOF_REWRITE_ITEMS_PER_CMD). */
const ITEMS_PER_CMD = 64;
/** Longest a rewrite slice keeps the event loop, ms. */
const SLICE_MS = 4;
/** Write the rewrite's output when this many bytes are pending. */
const REWRITE_WRITE_AT = 1024 * 1024;

type AofState = 'off' | 'on' | 'wait_rewrite';

interface Rewrite {
  /** Null until the new incremental file is in place. */
  cut: Cut | null;
  tmpPath: string;
  fd: number;
  /** Serialized, not yet written. */
  out: OutBuf | null;
  lastDb: number;
  startedAt: number;
  aborted: boolean;
  /** In wait_rewrite: the temp incremental file receiving writes meanwhile. */
  tempIncr: string | null;
  /** aof-use-rdb-preamble yes: the base is an RDB file written by this (null: commands). */
  rdb: RdbWriter | null;
}

export class Aof implements Subsystem {
  readonly name = 'aof';
  state: AofState = 'off';
  private manifest = new Manifest();
  private fd = -1;
  private stream = new PropagationStream();
  /** Propagated writes not yet written (latin1, one char per byte). */
  private buf = '';
  private listening = false;
  private readonly listener: PropagationListener = (ops) => this.feed(ops);
  /** Unix seconds of the last #TS annotation (aof-timestamp-enabled). */
  private lastTimestamp = 0;
  // sizes (INFO aof_current_size, aof_base_size; auto rewrite)
  currentSize = 0;
  baseSize = 0;
  /** Bytes in the current incremental file (what a failed write is cut back to). */
  private incrSize = 0;
  // write and fsync status
  private lastWriteOk = true;
  private lastWriteError = '';
  private lastWriteErrorLog = 0;
  private fsyncError: string | null = null;
  private fsyncInFlight = false;
  /** The descriptor the running fsync works on. */
  private fsyncFd = -1;
  private lastFsync = 0;
  private unsynced = false;
  /** File descriptors to close once the fsync running on them ends. */
  private closeAfterFsync: number[] = [];
  // rewrite
  private rw: Rewrite | null = null;
  rewriteScheduled = false;
  private rewrites = 0;
  private lastRewriteOk = true;
  private lastRewriteSecs = -1;
  private consecutiveFailures = 0;
  /** Start-up loading (INFO loading fields; nobody can ask while it runs, kept for completeness). */
  readonly loading: LoadingState & { active: boolean } = { active: false, startTime: 0, totalBytes: 0, loadedBytes: 0 };

  constructor(private readonly server: Server) {
    server.beforeWriteHooks.push(() => this.flush());
    server.config.onChange((name, value) => {
      if (name !== 'appendonly') return;
      if (value === 'yes' && this.state === 'off') this.start();
      else if (value === 'no' && this.state !== 'off') this.stop();
    });
  }

  // ---- start-up

  /**
   * Start-up with appendonly yes (loadDataFromDisk + aofOpenIfNeededOnServerStart
   * + aofDelHistoryFiles): load the files, then open the last incremental
   * file for appending. Throws LoadError when the files cannot be used.
   */
  loadAndOpen(): void {
    const server = this.server;
    const { aofDir, prefix } = aofPaths(server);
    const am = loadManifestFromDisk(server);
    this.loading.active = true;
    this.loading.startTime = Math.floor(Date.now() / 1000);
    const saved = server.dispatcher.propagationListeners.splice(0);
    let loaded;
    try {
      loaded = loadAppendOnlyFiles(server, am, this.loading);
    } finally {
      server.dispatcher.propagationListeners.push(...saved);
      this.loading.active = false;
    }
    if (loaded !== null) {
      server.log.notice(`DB loaded from append only file: ${loaded.seconds.toFixed(3)} seconds`);
      // Replayed commands are not this run's activity.
      server.keyspace.dirty = 0;
    }
    mkdirSync(aofDir, { recursive: true });
    this.manifest = am;
    if (am.base === null && am.incr.length === 0) {
      // An empty dataset: the base is written now, so the directory always has one.
      const base = am.newBase(prefix, server.config.bool('aof-use-rdb-preamble'));
      const fd = openSync(join(aofDir, base.name), 'w', 0o644);
      try {
        const rw = this.newRewrite('', base.name.endsWith('.rdb'));
        rw.fd = fd;
        rw.out = new OutBuf(fd);
        rw.cut = server.keyspace.startCut();
        this.startBase(rw);
        while (this.serializeSlice(rw, Infinity)) rw.out.flush();
        this.endBase(rw);
        rw.out.flush();
        rw.cut.end();
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
      server.log.notice(`Creating AOF base file ${base.name} on server start`);
    }
    const fresh = am.incr.length === 0;
    const incr = fresh ? am.newIncr(prefix) : am.incr[am.incr.length - 1]!;
    this.openIncr(join(aofDir, incr.name));
    server.log.notice(`${fresh ? 'Creating' : 'Opening'} AOF incr file ${incr.name} on server start`);
    writeFileDurably(aofDir, `${prefix}.manifest`, am.toString());
    this.state = 'on';
    this.listen(true);
    this.currentSize = loaded?.bytes ?? this.filesSize();
    this.baseSize = this.currentSize;
    this.deleteHistory();
  }

  private filesSize(): number {
    const { aofDir } = aofPaths(this.server);
    let n = 0;
    const files = this.manifest.base !== null ? [this.manifest.base, ...this.manifest.incr] : this.manifest.incr;
    for (const f of files) {
      try {
        n += statSync(join(aofDir, f.name)).size;
      } catch {
        // a file just deleted counts nothing
      }
    }
    return n;
  }

  private openIncr(path: string): void {
    this.fd = openSync(path, 'a', 0o644);
    this.incrSize = fstatSync(this.fd).size;
    this.stream = new PropagationStream();
    this.lastTimestamp = 0;
  }

  private listen(on: boolean): void {
    if (on === this.listening) return;
    const ls = this.server.dispatcher.propagationListeners;
    if (on) ls.push(this.listener);
    else ls.splice(ls.indexOf(this.listener), 1);
    this.listening = on;
  }

  // ---- writing

  private feed(ops: readonly PropagatedOp[]): void {
    if (this.server.config.bool('aof-timestamp-enabled')) {
      const now = Math.floor(this.server.cachedNow / 1000);
      if (now > this.lastTimestamp) {
        this.buf += `#TS:${now}\r\n`;
        this.lastTimestamp = now;
      }
    }
    this.buf += this.stream.encode(ops);
  }

  /** flushAppendOnlyFile: one write of the turn's buffer; fdatasync for `always`. */
  flush(): void {
    if (this.buf.length === 0 || this.fd < 0) return;
    const data = Buffer.from(this.buf, 'latin1');
    let written = 0;
    try {
      while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
    } catch (e) {
      this.writeFailed(e, written);
      return;
    }
    this.buf = '';
    this.incrSize += data.length;
    this.currentSize += data.length;
    if (!this.lastWriteOk) {
      this.server.log.warning('AOF write error looks solved, Redis can write again.');
      this.lastWriteOk = true;
      this.updateDeny();
    }
    if (this.server.config.get('appendfsync') === 'always') {
      try {
        fdatasyncSync(this.fd);
      } catch (e) {
        this.fatal(`Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${strerror(e)}. Exiting...`, e);
      }
    } else {
      this.unsynced = true;
    }
  }

  private writeFailed(e: unknown, written: number): void {
    const log = this.server.log;
    // Logged at most every 30 s while it lasts (AOF_WRITE_LOG_ERROR_RATE).
    const now = Date.now();
    if (now - this.lastWriteErrorLog > 30000) {
      this.lastWriteErrorLog = now;
      log.warning(`Error writing to the AOF file: ${strerror(e)}`);
    }
    if (written > 0) {
      // Cut the half-written command off, so the file stays loadable.
      try {
        ftruncateSync(this.fd, this.incrSize);
      } catch (te) {
        log.warning(`Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: ${strerror(te)}`);
        this.incrSize += written;
        this.currentSize += written;
        this.buf = this.buf.slice(written);
      }
    }
    if (this.server.config.get('appendfsync') === 'always') {
      this.fatal("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...", e);
      return;
    }
    this.lastWriteOk = false;
    this.lastWriteError = strerror(e);
    this.updateDeny();
  }

  /**
   * A write that cannot be made durable under `always`: Redis exits. The
   * daemon does too; an embedded server refuses writes from then on.
   */
  private fatal(msg: string, e: unknown): void {
    this.server.log.warning(msg);
    this.lastWriteOk = false;
    this.lastWriteError = strerror(e);
    this.updateDeny();
    if (this.server.onShutdown !== null) this.server.onShutdown(1);
  }

  /** writeCommandsDeniedByDiskError for the AOF: MISCONF while writes or fsyncs fail. */
  private updateDeny(): void {
    const d = this.server.dispatcher;
    const reason = this.state === 'off' ? null : !this.lastWriteOk ? this.lastWriteError : this.fsyncError;
    const msg = reason === null ? null : E.MISCONF_AOF(reason);
    // Only the AOF's own refusal is set or cleared: an RDB one (a failed
    // BGSAVE) comes first, as in writeCommandsDeniedByDiskError.
    const mine = d.denyWrites === null || d.denyWrites.startsWith(E.MISCONF_AOF(''));
    if (mine) d.denyWrites = msg;
  }

  /** fdatasync off the main thread (everysec). */
  private fsyncAsync(): void {
    if (this.fsyncInFlight || this.fd < 0 || !this.unsynced) return;
    this.fsyncInFlight = true;
    this.unsynced = false;
    const fd = this.fd;
    this.fsyncFd = fd;
    fdatasync(fd, (err) => {
      this.fsyncInFlight = false;
      this.fsyncFd = -1;
      this.lastFsync = Date.now();
      // An error on a file already switched away from is not the AOF's state.
      if (err !== null && fd === this.fd) {
        this.server.log.warning(`Error syncing the AOF file: ${strerror(err)}`);
        this.fsyncError = strerror(err);
        this.unsynced = true;
      } else if (this.fsyncError !== null) {
        this.fsyncError = null;
      }
      this.updateDeny();
      for (const f of this.closeAfterFsync.splice(0)) closeQuietly(f);
    });
  }

  /** Close an incremental file: synced first (off the loop unless `always` already did). */
  private closeFd(fd: number, sync: boolean): void {
    if (fd < 0) return;
    // Never closed under a running fsync: its number could be reused meanwhile.
    const close = () => {
      if (this.fsyncInFlight && this.fsyncFd === fd) this.closeAfterFsync.push(fd);
      else closeQuietly(fd);
    };
    if (sync && this.server.config.get('appendfsync') === 'everysec') fdatasync(fd, close);
    else close();
  }

  cron(now: number): void {
    if (this.state === 'off' && this.rw === null && !this.rewriteScheduled) return;
    // Writes made outside a client's turn (active expiry's DELs) and a buffer
    // a failed write left are written here.
    if (this.buf.length !== 0) this.flush();
    // A refusal another subsystem cleared while the AOF still fails comes back.
    if ((!this.lastWriteOk || this.fsyncError !== null) && this.server.dispatcher.denyWrites === null) this.updateDeny();
    if (this.state !== 'off' && this.server.config.get('appendfsync') === 'everysec' && now - this.lastFsync >= 1000) {
      this.fsyncAsync();
    }
    if (this.server.snapshot.inProgress) return;
    if (this.rw === null && this.rewriteScheduled) {
      this.rewriteScheduled = false;
      this.startRewrite();
      return;
    }
    const perc = this.server.config.int('auto-aof-rewrite-percentage');
    if (this.state === 'on' && this.rw === null && perc > 0 && this.currentSize > this.server.config.int('auto-aof-rewrite-min-size')) {
      const base = this.baseSize > 0 ? this.baseSize : 1;
      const growth = Math.floor((this.currentSize * 100) / base) - 100;
      if (growth >= perc) {
        this.server.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
        this.startRewrite();
      }
    }
  }

  // ---- CONFIG SET appendonly

  /** startAppendOnly: log from now on, starting with a rewrite. */
  private start(): void {
    const { aofDir } = aofPaths(this.server);
    try {
      mkdirSync(aofDir, { recursive: true });
    } catch (e) {
      this.server.log.warning(`Can't open the append-only directory ${aofDir}: ${strerror(e)}`);
      return;
    }
    if (this.manifest.base === null && this.manifest.incr.length === 0) {
      try {
        this.manifest = loadManifestFromDisk(this.server);
      } catch (e) {
        if (!(e instanceof LoadError)) throw e;
        this.server.log.warning(e.message);
      }
    }
    this.state = 'wait_rewrite';
    this.listen(true);
    if (this.rw !== null) this.abortRewrite();
    // Not inside EXEC: the unit's earlier writes would be both in the cut and logged after it.
    if (this.server.dispatcher.ctx.depth > 1 || this.server.snapshot.inProgress) this.rewriteScheduled = true;
    else if (this.startRewrite() !== null) this.rewriteScheduled = true;
  }

  /** stopAppendOnly. */
  private stop(): void {
    this.flush();
    if (this.fd >= 0) {
      try {
        fdatasyncSync(this.fd);
      } catch {
        // closing anyway
      }
      this.closeFd(this.fd, false);
      this.fd = -1;
    }
    if (this.rw !== null) this.abortRewrite();
    this.buf = '';
    this.state = 'off';
    this.rewriteScheduled = false;
    this.listen(false);
    this.lastWriteOk = true;
    this.fsyncError = null;
    this.updateDeny();
  }

  /** SHUTDOWN, SIGTERM, close(): the last writes on disk, synced. */
  shutdown(): void {
    if (this.rw !== null) {
      this.server.log.warning('There is a child rewriting the AOF. Killing it!');
      this.abortRewrite();
    }
    if (this.fd < 0) return;
    this.server.log.notice('Calling fsync() on the AOF file.');
    this.flush();
    try {
      fdatasyncSync(this.fd);
    } catch (e) {
      this.server.log.warning(`Error syncing the AOF file: ${strerror(e)}`);
    }
    this.closeFd(this.fd, false);
    this.fd = -1;
    this.state = 'off';
    this.listen(false);
  }

  // ---- rewrite

  get rewriting(): boolean {
    return this.rw !== null;
  }

  /**
   * BGREWRITEAOF (bgrewriteaofCommand): the reply's text, an error starting
   * with ERR, or the scheduled notice.
   */
  requestRewrite(): { ok: boolean; text: string } {
    if (this.rw !== null) return { ok: false, text: E.AOF_REWRITE_IN_PROGRESS };
    // Inside EXEC, or while a BGSAVE runs (Redis's hasActiveChildProcess): later.
    if (this.server.dispatcher.ctx.depth > 1 || this.server.snapshot.inProgress) {
      this.rewriteScheduled = true;
      return { ok: true, text: 'Background append only file rewriting scheduled' };
    }
    const err = this.startRewrite();
    if (err !== null) return { ok: false, text: E.AOF_REWRITE_FAILED };
    return { ok: true, text: 'Background append only file rewriting started' };
  }

  /**
   * rewriteAppendOnlyFileBackground; null when started, else the reason.
   * With the AOF on, a new incremental file is created and a manifest naming
   * it made durable first, off the event loop; only then, in one turn, the
   * buffer goes to the old file, writes switch to the new one and the cut is
   * taken, so the base and the new file meet exactly.
   */
  startRewrite(): string | null {
    if (this.rw !== null) return 'in progress';
    const server = this.server;
    const { dir, aofDir, prefix } = aofPaths(server);
    const rw = this.newRewrite(join(dir, `temp-rewriteaof-bg-${process.pid}.aof`), server.config.bool('aof-use-rdb-preamble'));
    try {
      mkdirSync(aofDir, { recursive: true });
    } catch (e) {
      server.log.warning(`Can't open new incr AOF for append: ${strerror(e)}`);
      this.rewriteFailed();
      return strerror(e);
    }
    this.rw = rw;
    this.rewriteScheduled = false;
    server.log.notice(`Background append only file rewriting started by pid ${process.pid}`);
    if (this.state !== 'on') {
      if (this.state === 'wait_rewrite') {
        // Writes from now on go to a temp incr file, named once the base exists.
        try {
          rw.tempIncr = join(aofDir, `temp-${prefix}.incr`);
          if (this.fd >= 0) this.closeFd(this.fd, false);
          this.fd = openSync(rw.tempIncr, 'w', 0o644);
        } catch (e) {
          this.rewriteError(rw, `Can't open new incr AOF for append: ${strerror(e)}`);
          return strerror(e);
        }
        this.buf = '';
        this.incrSize = 0;
        this.stream = new PropagationStream();
        this.lastTimestamp = 0;
      }
      this.beginCut(rw);
      return null;
    }
    const m = this.manifest.clone();
    const ai = m.newIncr(prefix);
    void (async () => {
      let fd = -1;
      try {
        fd = await openAsync(join(aofDir, ai.name), 'a');
        await this.persistManifest(m);
      } catch (e) {
        if (fd >= 0) closeQuietly(fd);
        if (!rw.aborted) this.rewriteError(rw, `Can't open new incr AOF for append: ${strerror(e)}`);
        return;
      }
      if (rw.aborted || this.state !== 'on') {
        closeQuietly(fd);
        return;
      }
      // Everything before this moment goes to the files the cut replaces.
      this.flush();
      const old = this.fd;
      this.fd = fd;
      this.incrSize = 0;
      this.stream = new PropagationStream();
      this.lastTimestamp = 0;
      this.manifest = m;
      this.closeFd(old, true);
      this.beginCut(rw);
    })();
    return null;
  }

  private newRewrite(tmpPath: string, rdb: boolean): Rewrite {
    const cfg = this.server.config;
    return {
      cut: null, tmpPath, fd: -1, out: null, lastDb: -1, startedAt: Date.now(), aborted: false, tempIncr: null,
      rdb: rdb
        ? new RdbWriter({ compress: cfg.bool('rdbcompression'), checksum: cfg.bool('rdbchecksum'), limits: this.server.encodingLimits })
        : null,
    };
  }

  private beginCut(rw: Rewrite): void {
    try {
      rw.fd = openSync(rw.tmpPath, 'w', 0o644);
    } catch (e) {
      this.rewriteError(rw, `Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): ${strerror(e)}`);
      return;
    }
    rw.out = new OutBuf(rw.fd);
    rw.cut = this.server.keyspace.startCut();
    this.startBase(rw);
    setImmediate(() => this.rewriteStep(rw));
  }

  /** The head of the base: an RDB header (aof-base 1). */
  private startBase(rw: Rewrite): void {
    if (rw.rdb === null) return;
    rw.rdb.header(defaultAuxFields(Date.now(), this.server.reclaimer.liveBytes(), true));
  }

  /** The end of the base: the RDB trailer (EOF, checksum). */
  private endBase(rw: Rewrite): void {
    if (rw.rdb === null) return;
    rw.rdb.end();
    rw.out!.chunk(rw.rdb.take());
  }

  private rewriteError(rw: Rewrite, msg: string): void {
    this.server.log.warning(msg);
    if (this.rw === rw) this.abortRewrite();
    this.rewriteFailed();
  }

  private rewriteStep(rw: Rewrite): void {
    if (rw.aborted) return;
    let more: boolean;
    try {
      more = this.serializeSlice(rw, SLICE_MS);
      if (!more) this.endBase(rw);
    } catch (e) {
      this.rewriteError(rw, `Error writing the AOF rewrite: ${strerror(e)}`);
      return;
    }
    const o = rw.out!;
    if (more && !o.pending) {
      setImmediate(() => this.rewriteStep(rw));
      return;
    }
    o.write(!more, (err) => {
      if (rw.aborted) return;
      if (err !== null) {
        this.rewriteError(rw, `Error writing the AOF rewrite: ${strerror(err)}`);
        return;
      }
      if (more) {
        setImmediate(() => this.rewriteStep(rw));
        return;
      }
      rw.cut!.end();
      // The base must be on disk before the manifest names it.
      fdatasync(rw.fd, (err2) => {
        if (rw.aborted) return;
        closeQuietly(rw.fd);
        rw.fd = -1;
        if (err2 !== null) {
          this.rewriteError(rw, `Error syncing the AOF rewrite: ${strerror(err2)}`);
          return;
        }
        void this.rewriteDone(rw);
      });
    });
  }

  private rdbEntry(rw: Rewrite, e: CutEntry): void {
    const w = rw.rdb!;
    w.cutEntry(e, rw.cut!);
    if (w.pending >= REWRITE_WRITE_AT) rw.out!.chunk(w.take());
  }

  /**
   * Serialize cut entries for up to `budgetMs`; false when the cut is done.
   * As rewriteAppendOnlyFileRio: SELECT, then per key SET / RPUSH / SADD /
   * ZADD / HMSET in batches of 64 elements, and PEXPIREAT for a TTL.
   */
  private serializeSlice(rw: Rewrite, budgetMs: number): boolean {
    const t0 = performance.now();
    const now = Date.now();
    const o = rw.out!;
    const cut = rw.cut!;
    for (;;) {
      const entries = cut.next(64);
      if (entries.length === 0) return false;
      for (const e of entries) {
        if (e.expire !== -1 && e.expire < now) continue;
        if (rw.rdb !== null) {
          this.rdbEntry(rw, e);
          continue;
        }
        if (e.db !== rw.lastDb) {
          o.raw('*2\r\n$6\r\nSELECT\r\n');
          o.bulkInt(e.db);
          rw.lastDb = e.db;
        }
        serializeEntry(o, e);
        if (e.expire !== -1) {
          o.raw('*3\r\n$9\r\nPEXPIREAT\r\n');
          o.bulk(e.key);
          o.bulkInt(e.expire);
        }
      }
      if (o.pending || performance.now() - t0 >= budgetMs) return true;
    }
  }

  /**
   * backgroundRewriteDoneHandler: the temp file becomes the new base, the
   * manifest naming it replaces the old one (off the event loop), then the
   * files it made history are deleted.
   */
  private async rewriteDone(rw: Rewrite): Promise<void> {
    const server = this.server;
    const { aofDir, prefix } = aofPaths(server);
    const m = this.manifest.clone();
    const base = m.newBase(prefix, rw.rdb !== null);
    const basePath = join(aofDir, base.name);
    try {
      await renameAsync(rw.tmpPath, basePath);
    } catch (e) {
      this.rewriteError(rw, `Error trying to rename the temporary AOF base file ${rw.tmpPath} into ${base.name}: ${strerror(e)}`);
      return;
    }
    if (rw.aborted) return;
    let renamedIncr: string | null = null;
    if (this.state === 'wait_rewrite' && rw.tempIncr !== null) {
      const ai = m.newIncr(prefix);
      renamedIncr = join(aofDir, ai.name);
      try {
        await renameAsync(rw.tempIncr, renamedIncr);
      } catch (e) {
        unlinkQuietly(basePath);
        this.rewriteError(rw, `Error trying to rename the temporary AOF incr file ${rw.tempIncr} into ${ai.name}: ${strerror(e)}`);
        return;
      }
      // The open file descriptor follows the rename: writes go on.
      rw.tempIncr = null;
    }
    if (this.state === 'off') {
      while (m.incr.length > 0) m.history.push({ ...m.incr.shift()!, type: 'h' });
    } else {
      m.incrToHistoryExceptLast();
    }
    try {
      await this.persistManifest(m);
    } catch (e) {
      unlinkQuietly(basePath);
      if (renamedIncr !== null) unlinkQuietly(renamedIncr);
      this.rewriteError(rw, `Error persisting the AOF manifest: ${strerror(e)}`);
      return;
    }
    if (this.rw !== rw) return;
    this.manifest = m;
    this.rw = null;
    if (this.state === 'wait_rewrite') this.state = 'on';
    this.lastRewriteSecs = Math.round((Date.now() - rw.startedAt) / 1000);
    this.rewrites++;
    this.lastRewriteOk = true;
    this.consecutiveFailures = 0;
    this.currentSize = this.filesSize() + this.buf.length;
    this.baseSize = this.currentSize;
    server.log.notice('Background AOF rewrite terminated with success');
    await this.deleteHistoryAsync();
    server.log.notice('Background AOF rewrite finished successfully');
  }

  /** aofDelHistoryFiles: delete history files, then drop them from the manifest. */
  private deleteHistory(): void {
    const m = this.manifest;
    if (m.history.length === 0) return;
    const { aofDir, prefix } = aofPaths(this.server);
    for (const h of m.history) {
      this.server.log.notice(`Removing the history file ${h.name} in the background`);
      unlinkQuietly(join(aofDir, h.name));
    }
    const next = m.clone();
    next.history = [];
    try {
      writeFileDurably(aofDir, `${prefix}.manifest`, next.toString());
      this.manifest = next;
    } catch (e) {
      this.server.log.warning(`Error persisting the AOF manifest: ${strerror(e)}`);
    }
  }

  /** Manifest writes off the loop, one at a time and in order (they share a temp file). */
  private manifestWrites: Promise<void> = Promise.resolve();

  private persistManifest(m: Manifest): Promise<void> {
    const { aofDir, prefix } = aofPaths(this.server);
    const text = m.toString();
    const p = this.manifestWrites.then(() => writeFileDurablyAsync(aofDir, `${prefix}.manifest`, text));
    this.manifestWrites = p.catch(() => {});
    return p;
  }

  private async deleteHistoryAsync(): Promise<void> {
    const m = this.manifest;
    if (m.history.length === 0) return;
    const { aofDir } = aofPaths(this.server);
    const gone = m.history.slice();
    await Promise.all(gone.map((h) => {
      this.server.log.notice(`Removing the history file ${h.name} in the background`);
      return new Promise<void>((r) => unlink(join(aofDir, h.name), () => r()));
    }));
    // Another rewrite may have started meanwhile: drop only what was deleted.
    const isGone = (h: { name: string }) => gone.some((g) => g.name === h.name);
    const next = this.manifest.clone();
    next.history = next.history.filter((h) => !isGone(h));
    try {
      await this.persistManifest(next);
      this.manifest.history = this.manifest.history.filter((h) => !isGone(h));
    } catch (e) {
      this.server.log.warning(`Error persisting the AOF manifest: ${strerror(e)}`);
    }
  }

  private rewriteFailed(): void {
    this.lastRewriteOk = false;
    this.consecutiveFailures++;
    this.server.log.warning('Background AOF rewrite terminated with error');
  }

  /** killAppendOnlyChild: drop the rewrite in progress and its temp files. */
  private abortRewrite(): void {
    const rw = this.rw;
    if (rw === null) return;
    rw.aborted = true;
    rw.cut?.end();
    if (rw.fd >= 0) closeQuietly(rw.fd);
    rw.fd = -1;
    unlinkQuietly(rw.tmpPath);
    if (rw.tempIncr !== null) {
      if (this.state === 'wait_rewrite' && this.fd >= 0) {
        closeQuietly(this.fd);
        this.fd = -1;
      }
      unlinkQuietly(rw.tempIncr);
    }
    this.rw = null;
  }

  // ---- INFO

  infoFields(section: string): InfoFields | undefined {
    if (section === 'memory') return [['mem_aof_buffer', this.buf.length]];
    if (section !== 'persistence') return undefined;
    const rw = this.rw;
    const f: InfoFields = [
      ['loading', this.loading.active ? 1 : 0],
      ['current_save_keys_processed', rw?.cut != null ? rw.cut.processed : 0],
      ['current_save_keys_total', rw?.cut != null ? rw.cut.total : 0],
      ['aof_enabled', this.state !== 'off' ? 1 : 0],
      ['aof_rewrite_in_progress', rw !== null ? 1 : 0],
      ['aof_rewrite_scheduled', this.rewriteScheduled ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteSecs],
      ['aof_current_rewrite_time_sec', rw !== null ? Math.round((Date.now() - rw.startedAt) / 1000) : -1],
      ['aof_last_bgrewrite_status', this.lastRewriteOk ? 'ok' : 'err'],
      ['aof_rewrites', this.rewrites],
      ['aof_rewrites_consecutive_failures', this.consecutiveFailures],
      ['aof_last_write_status', this.lastWriteOk && this.fsyncError === null ? 'ok' : 'err'],
    ];
    if (this.state !== 'off') {
      f.push(
        ['aof_current_size', this.currentSize],
        ['aof_base_size', this.baseSize],
        ['aof_pending_rewrite', this.rewriteScheduled ? 1 : 0],
        ['aof_buffer_length', this.buf.length],
        ['aof_pending_bio_fsync', this.fsyncInFlight ? 1 : 0],
        ['aof_delayed_fsync', 0],
      );
    }
    if (this.loading.active) {
      const l = this.loading;
      f.push(
        ['loading_start_time', l.startTime],
        ['loading_total_bytes', l.totalBytes],
        ['loading_rdb_used_mem', 0],
        ['loading_loaded_bytes', l.loadedBytes],
        ['loading_loaded_perc', l.totalBytes > 0 ? ((l.loadedBytes * 100) / l.totalBytes).toFixed(2) : '0.00'],
        ['loading_eta_seconds', 1],
      );
    }
    return f;
  }
}

/**
 * The rewrite's output: RESP written straight into a buffer (no strings
 * built, so a rewrite leaves little for the young-generation GC to copy),
 * written to the file whenever it fills.
 */
class OutBuf {
  private buf = Buffer.allocUnsafe(REWRITE_WRITE_AT);
  private pos = 0;
  /** Filled buffers not yet written. */
  private readonly full: Buffer[] = [];

  constructor(private readonly fd: number) {}

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(n, REWRITE_WRITE_AT));
    this.pos = 0;
  }

  /** Add bytes made elsewhere (the RDB writer's). */
  chunk(b: Buffer): void {
    if (b.length === 0) return;
    if (this.pos > 0) {
      this.full.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(REWRITE_WRITE_AT);
      this.pos = 0;
    }
    this.full.push(b);
  }

  /** Whether filled buffers wait to be written. */
  get pending(): boolean {
    return this.full.length !== 0;
  }

  /** Write everything now (start-up, before anyone connects). */
  flush(): void {
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    this.pos = 0;
    for (const b of this.full.splice(0)) {
      let off = 0;
      while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
    }
  }

  /**
   * Write the filled buffers (all, with `all`) on libuv's thread pool: a
   * write into the page cache can wait for the disk, which must not stall
   * the event loop.
   */
  write(all: boolean, done: (err: Error | null) => void): void {
    if (all && this.pos > 0) {
      this.full.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(REWRITE_WRITE_AT);
      this.pos = 0;
    }
    const b = this.full.shift();
    if (b === undefined) {
      done(null);
      return;
    }
    const step = (off: number): void => {
      write(this.fd, b, off, b.length - off, null, (err, n) => {
        if (err !== null) done(err);
        else if (off + n < b.length) step(off + n);
        else this.write(false, done);
      });
    };
    step(0);
  }

  raw(s: string): void {
    this.room(s.length);
    this.pos += this.buf.latin1Write(s, this.pos);
  }

  /** `<prefix><n>\r\n`: a RESP header. */
  header(prefix: number, n: number): void {
    this.room(24);
    const b = this.buf;
    b[this.pos++] = prefix;
    this.digits(n);
    b[this.pos++] = 13;
    b[this.pos++] = 10;
  }

  private digits(n: number): void {
    const b = this.buf;
    if (n < 0) {
      b[this.pos++] = 45;
      n = -n;
    }
    if (n < 10) {
      b[this.pos++] = 48 + n;
      return;
    }
    const s = String(n);
    this.pos += b.latin1Write(s, this.pos);
  }

  bulk(s: string): void {
    this.header(36, s.length);
    this.room(s.length + 2);
    const b = this.buf;
    this.pos += b.latin1Write(s, this.pos);
    b[this.pos++] = 13;
    b[this.pos++] = 10;
  }

  bulkInt(n: number): void {
    this.bulk(String(n));
  }
}

/** One key of a rewrite as commands (rewriteAppendOnlyFileRio's per-type functions). */
function serializeEntry(o: OutBuf, e: CutEntry): void {
  const v = e.value;
  if (typeof v === 'string' || typeof v === 'number' || v instanceof RawString) {
    o.raw('*3\r\n$3\r\nSET\r\n');
    o.bulk(e.key);
    o.bulk(typeof v === 'string' ? v : typeof v === 'number' ? String(v) : v.toString());
    return;
  }
  if (v instanceof ListValue) {
    const total = v.length;
    let i = 0;
    v.forEach(0, total - 1, (x) => {
      if (i % ITEMS_PER_CMD === 0) startBatch(o, '$5\r\nRPUSH\r\n', e.key, Math.min(ITEMS_PER_CMD, total - i));
      o.bulk(x);
      i++;
    });
    return;
  }
  if (v instanceof SetValue) {
    const total = v.size;
    let i = 0;
    for (const m of v.keys()) {
      if (i % ITEMS_PER_CMD === 0) startBatch(o, '$4\r\nSADD\r\n', e.key, Math.min(ITEMS_PER_CMD, total - i));
      o.bulk(m);
      i++;
    }
    return;
  }
  if (v instanceof HashValue) {
    const total = v.size;
    let i = 0;
    for (const [f, x] of v.map) {
      if (i % ITEMS_PER_CMD === 0) startBatch(o, '$5\r\nHMSET\r\n', e.key, 2 * Math.min(ITEMS_PER_CMD, total - i));
      o.bulk(f);
      o.bulk(x);
      i++;
    }
    return;
  }
  if (v instanceof ZSetValue) {
    const total = v.size;
    let i = 0;
    for (let n = v.first(); n !== null; n = n.forward) {
      if (i % ITEMS_PER_CMD === 0) startBatch(o, '$4\r\nZADD\r\n', e.key, 2 * Math.min(ITEMS_PER_CMD, total - i));
      o.bulk(formatDouble17g(n.score));
      o.bulk(n.member);
      i++;
    }
    return;
  }
  throw new Error(`cannot rewrite a value of type ${v.type}`);
}

/** The start of one command of a batch: `*<2+n>`, the command name, the key. */
function startBatch(o: OutBuf, cmd: string, key: string, n: number): void {
  o.header(42, 2 + n);
  o.raw(cmd);
  o.bulk(key);
}

