// RDB snapshots (rdb.c's rdbSave / rdbSaveBackground and their commands,
// serverCron's save points): the dump file `<dir>/<dbfilename>`.
//
// Owns: the background save in progress (one at a time), the scheduled one
// (BGSAVE SCHEDULE while an AOF rewrite runs, BGSAVE inside EXEC), save
// points, the status of the last save (LASTSAVE, rdb_* INFO fields, MISCONF
// through Dispatcher.denyWrites with stop-writes-on-bgsave-error), the final
// save at shutdown, the save after FLUSHALL, and the start-up RDB loader
// (plugged into load.ts with setRdbLoader).
//
// Background save (Node cannot fork): a Cut of the keyspace (point in time,
// see keyspace/cut.ts) is serialized through an RdbWriter a slice at a time
// (SLICE_MS per event-loop turn) while commands keep running; only entries
// changed during the save are copied, by the cut. Bytes go to
// `<dir>/temp-<pid>-<n>.rdb` with at most one asynchronous write in flight
// (a write into the page cache can wait for the disk: never on the loop);
// then fsync, rename over the dump file, fsync of the directory. A crash at
// any moment leaves the old dump file or the new one, never a torn one.
// SAVE (and the shutdown and FLUSHALL saves) write the same file format
// synchronously, as Redis blocks for them, reading the databases directly
// (nothing can change them meanwhile, so no cut is needed).

import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { InfoFields, Subsystem } from '../engine/subsystem.js';
import { E } from '../errors.js';
import type { Cut } from '../keyspace/cut.js';
import type { Server, ShutdownFlags } from '../server.js';
import { LoadError, keyspaceRdbSink, setRdbLoader, type RdbLoadCounts } from './load.js';
import { defaultAuxFields, loadRdb, RdbError, RdbWriter } from './rdb.js';
import { closeQuietly, fsyncDirAsync, strerror, unlinkQuietly } from './fsutil.js';

/** Longest a background-save slice keeps the event loop, ms. */
const SLICE_MS = 4;
/** Serialized bytes handed to a write at once. */
const WRITE_AT = 1024 * 1024;
/** CONFIG_BGSAVE_RETRY_DELAY: seconds before a save point retries after a failed save. */
const BGSAVE_RETRY_DELAY = 5;
/** Thrown inside runBackground for a failure whose own log line is written. */
const ALREADY_LOGGED = new Error('already logged');
/** The signal number Redis reports for a save it killed itself (SIGUSR1). */
const SIGUSR1 = 10;

/** One save being written: the cut, the writer and where the bytes go. */
interface Job {
  cut: Cut;
  writer: RdbWriter;
  dir: string;
  tmpName: string;
  finalName: string;
  /** Unix ms at the start. */
  startedAt: number;
  /** keyspace.dirty at the start (dirty_before_bgsave). */
  dirtyBefore: number;
  aborted: boolean;
  /** Resolved when the job ends, with whether it succeeded. */
  done: Promise<boolean>;
  resolve: (ok: boolean) => void;
}

/** `save` as (seconds, changes) pairs. */
export function parseSavePoints(v: string): [number, number][] {
  const parts = v.split(' ').filter((p) => p !== '');
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push([parseInt(parts[i]!, 10), parseInt(parts[i + 1]!, 10)]);
  return out;
}

export class Snapshot implements Subsystem {
  readonly name = 'snapshot';
  /** The background save in progress. */
  private job: Job | null = null;
  private jobs = 0;
  /** rdb_bgsave_scheduled: start one as soon as no AOF rewrite runs. */
  scheduled = false;
  private savePoints: [number, number][];
  /** lastbgsave_status: of the last background save, or the last SAVE that succeeded. */
  private lastOk = true;
  /** lastbgsave_try (unix seconds). */
  private lastTry = 0;
  private saves = 0;
  private lastBgsaveSecs = -1;
  /** How the last background save ended (false when it was killed). */
  private lastBgsaveResult = true;
  private loadedKeys = 0;
  private loadedExpired = 0;
  /** The flags of the shutdown accepted (SHUTDOWN's, then the server's close): the first decision holds. */
  private shutdownFlags: ShutdownFlags | null = null;

  constructor(private readonly server: Server) {
    this.savePoints = parseSavePoints(server.config.get('save'));
    server.config.onChange((name, value) => {
      if (name === 'save') this.savePoints = parseSavePoints(value);
      if (name === 'save' || name === 'stop-writes-on-bgsave-error') this.updateDeny();
    });
    // The loader is a module-level hook: every server installs the same one.
    setRdbLoader(loadRdbFile);
  }

  /** rdb_bgsave_in_progress. */
  get inProgress(): boolean {
    return this.job !== null;
  }

  /**
   * Resolves when the background save in progress ends, true when it
   * succeeded; when none runs, at once with how the last one ended.
   */
  whenDone(): Promise<boolean> {
    return this.job?.done ?? Promise.resolve(this.lastBgsaveResult);
  }

  private get lastSave(): number {
    return this.server.stats.lastSave;
  }

  private set lastSave(v: number) {
    this.server.stats.lastSave = v;
  }

  // ---- commands

  /**
   * bgsaveCommand: 'started', 'scheduled', or an error text. `schedule` is
   * BGSAVE SCHEDULE; inside EXEC the save is always scheduled (a cut taken
   * there would hold half of the transaction).
   */
  bgsave(schedule: boolean): { ok: boolean; text: string } {
    if (this.job !== null) return { ok: false, text: E.BGSAVE_IN_PROGRESS };
    const inExec = this.server.dispatcher.ctx.depth > 1;
    if (this.server.aof.rewriting || inExec) {
      if (!schedule && !inExec) return { ok: false, text: E.BGSAVE_CHILD_ACTIVE };
      this.scheduled = true;
      return { ok: true, text: 'Background saving scheduled' };
    }
    this.startBackground();
    return { ok: true, text: 'Background saving started' };
  }

  /** saveCommand: true when saved; refused (null) while a background save runs. */
  save(): boolean | null {
    if (this.job !== null) return null;
    this.saves++;
    return this.saveSync();
  }

  /** flushAllDataAndResetRDB, after FLUSHALL emptied every database. */
  flushedAll(): void {
    if (this.job !== null) this.kill(`Background saving terminated by signal ${SIGUSR1}`);
    if (this.savePoints.length > 0) this.saveSync();
  }

  /**
   * prepareForShutdown's RDB part: kill the save in progress, then save
   * when there are save points (not with NOSAVE) or with SAVE. False when
   * the save failed and shutdown must not go on (unless FORCE).
   */
  prepareShutdown(flags: ShutdownFlags): boolean {
    const log = this.server.log;
    if (this.job !== null) {
      log.warning('There is a child saving an .rdb. Killing it!');
      this.kill(null);
    }
    const accepted = this.shutdownFlags;
    if (accepted !== null) {
      // Called again on the way out: save only what changed since (same turn).
      if (this.server.keyspace.dirty === 0) return true;
      flags = accepted;
    }
    if (!((this.savePoints.length > 0 && flags.nosave !== true) || flags.save === true)) {
      this.shutdownFlags = flags;
      return true;
    }
    log.notice('Saving the final RDB snapshot before exiting.');
    if (!this.saveSync()) {
      if (flags.force === true) {
        log.warning('Error trying to save the DB. Exit anyway.');
      } else {
        log.warning("Error trying to save the DB, can't exit.");
        log.warning('Errors trying to shut down the server. Check the logs for more information.');
        return false;
      }
    }
    this.shutdownFlags = flags;
    return true;
  }

  // ---- the cron: save points and scheduled saves

  cron(now: number): void {
    if (this.job !== null || this.server.aof.rewriting) return;
    const unix = Math.floor(now / 1000);
    const mayRetry = unix - this.lastTry > BGSAVE_RETRY_DELAY || this.lastOk;
    if (!mayRetry) return;
    const dirty = this.server.keyspace.dirty;
    for (const [seconds, changes] of this.savePoints) {
      if (dirty >= changes && unix - this.lastSave > seconds) {
        this.server.log.notice(`${changes} changes in ${seconds} seconds. Saving...`);
        this.startBackground();
        return;
      }
    }
    if (this.scheduled) {
      this.scheduled = false;
      this.startBackground();
    }
  }

  // ---- the background save

  private newJob(tmpName: string): Job {
    const server = this.server;
    const ks = server.keyspace;
    const cfg = server.config;
    const now = Date.now();
    let resolve: (ok: boolean) => void = () => {};
    const done = new Promise<boolean>((r) => { resolve = r; });
    const writer = new RdbWriter({
      compress: cfg.bool('rdbcompression'), checksum: cfg.bool('rdbchecksum'), limits: server.encodingLimits,
    });
    writer.header(defaultAuxFields(now, server.reclaimer.liveBytes(), false));
    return {
      cut: ks.startCut(),
      writer,
      dir: cfg.get('dir'),
      tmpName,
      finalName: cfg.get('dbfilename'),
      startedAt: now,
      dirtyBefore: ks.dirty,
      aborted: false,
      done,
      resolve,
    };
  }

  /** rdbSaveBackground: the cut is taken now; the file is written over the next turns. */
  private startBackground(): void {
    this.saves++;
    this.lastTry = Math.floor(Date.now() / 1000);
    const job = this.newJob(`temp-${process.pid}-${++this.jobs}.rdb`);
    this.job = job;
    this.server.log.notice(`Background saving started by pid ${process.pid}`);
    void this.runBackground(job);
  }

  /**
   * Serialize cut entries for up to `budgetMs` or until WRITE_AT bytes are
   * pending; false once the cut is read whole (the trailer is then written).
   */
  private serialize(job: Job, budgetMs: number): boolean {
    const t0 = performance.now();
    const w = job.writer;
    const cut = job.cut;
    for (;;) {
      const entries = cut.next(128);
      if (entries.length === 0) {
        w.end();
        return false;
      }
      for (let i = 0; i < entries.length; i++) w.cutEntry(entries[i]!, cut);
      if (w.pending >= WRITE_AT || performance.now() - t0 >= budgetMs) return true;
    }
  }

  private async runBackground(job: Job): Promise<void> {
    const log = this.server.log;
    const tmpPath = join(job.dir, job.tmpName);
    let fh: FileHandle | null = null;
    let step = 'rdbSaveRio';
    try {
      try {
        fh = await open(tmpPath, 'w', 0o644);
      } catch (e) {
        log.warning(`Failed opening the temp RDB file ${job.tmpName} (in server root dir ${job.dir}) for saving: ${strerror(e)}`);
        throw ALREADY_LOGGED;
      }
      if (job.aborted) return;
      // One write in flight while the next slice is serialized.
      let inFlight: Promise<unknown> | null = null;
      let writeError: unknown = null;
      for (let more = true; more;) {
        await new Promise<void>((r) => setImmediate(r));
        if (job.aborted) return;
        more = this.serialize(job, SLICE_MS);
        if (job.writer.pending < WRITE_AT && more) continue;
        // A view: valid until the next takeView but one, and this loop never
        // has more than one write in flight.
        const chunk = job.writer.takeView();
        if (inFlight !== null) await inFlight;
        if (writeError !== null) throw writeError;
        if (job.aborted) return;
        inFlight = writeAll(fh, chunk).catch((e: unknown) => { writeError = e; });
      }
      job.cut.end();
      await inFlight;
      if (writeError !== null) throw writeError;
      if (job.aborted) return;
      step = 'fsync';
      await fh.sync();
      step = 'fclose';
      const h = fh;
      fh = null;
      await h.close();
      if (job.aborted) return;
      // Synchronous (a metadata operation): a save killed from now on
      // (FLUSHALL's, SHUTDOWN's) renames its own file after this one.
      try {
        renameSync(tmpPath, join(job.dir, job.finalName));
      } catch (e) {
        log.warning(`Error moving temp DB file ${job.tmpName} on the final destination ${job.finalName} (in server root dir ${job.dir}): ${strerror(e)}`);
        unlinkQuietly(tmpPath);
        throw ALREADY_LOGGED;
      }
      step = 'fsyncFileDir';
      await fsyncDirAsync(job.dir);
      log.notice('DB saved on disk');
      this.backgroundDone(job, true);
    } catch (e) {
      if (job.aborted) return;
      if (e !== ALREADY_LOGGED) log.warning(`Write error saving DB on disk(${step}): ${strerror(e)}`);
      unlinkQuietly(tmpPath);
      this.backgroundDone(job, false);
    } finally {
      job.cut.end();
      // Killed while the file was being opened or written: nothing stays behind.
      if (job.aborted) unlinkQuietly(tmpPath);
      if (fh !== null) await fh.close().catch(() => {});
    }
  }

  /** backgroundSaveDoneHandlerDisk. */
  private backgroundDone(job: Job, ok: boolean): void {
    if (this.job !== job) return;
    this.job = null;
    const now = Date.now();
    this.lastBgsaveSecs = Math.floor(now / 1000) - Math.floor(job.startedAt / 1000);
    if (ok) {
      this.server.log.notice('Background saving terminated with success');
      const ks = this.server.keyspace;
      ks.dirty = Math.max(0, ks.dirty - job.dirtyBefore);
      this.lastSave = Math.floor(now / 1000);
      this.lastOk = true;
    } else {
      this.server.log.warning('Background saving error');
      this.lastOk = false;
    }
    this.updateDeny();
    this.lastBgsaveResult = ok;
    job.resolve(ok);
  }

  /** killRDBChild: the save in progress is dropped with its temp file; the status is left alone. */
  private kill(logLine: string | null): void {
    const job = this.job;
    if (job === null) return;
    job.aborted = true;
    job.cut.end();
    unlinkQuietly(join(job.dir, job.tmpName));
    this.job = null;
    this.lastBgsaveSecs = Math.floor(Date.now() / 1000) - Math.floor(job.startedAt / 1000);
    if (logLine !== null) this.server.log.warning(logLine);
    this.lastBgsaveResult = false;
    job.resolve(false);
  }

  // ---- the synchronous save

  /** rdbSave: the whole dataset now, blocking. */
  private saveSync(): boolean {
    const log = this.server.log;
    const tmpName = `temp-${process.pid}.rdb`;
    const dir = this.server.config.get('dir');
    const tmpPath = join(dir, tmpName);
    let fd: number;
    try {
      fd = openSync(tmpPath, 'w', 0o644);
    } catch (e) {
      log.warning(`Failed opening the temp RDB file ${tmpName} (in server root dir ${dir}) for saving: ${strerror(e)}`);
      return false;
    }
    const cfg = this.server.config;
    const finalName = cfg.get('dbfilename');
    let step = 'rdbSaveRio';
    try {
      // Nothing runs meanwhile: the databases are read directly (no cut to keep).
      const w = new RdbWriter({ compress: cfg.bool('rdbcompression'), checksum: cfg.bool('rdbchecksum'), limits: this.server.encodingLimits });
      w.header(defaultAuxFields(Date.now(), this.server.reclaimer.liveBytes(), false));
      for (const db of this.server.keyspace.dbs) {
        if (db.size === 0) continue;
        const expires = db.expires;
        w.selectDb(db.id, db.size, expires.size);
        const withTtl = expires.size !== 0;
        for (const [key, value] of db.dict) {
          w.entry(key, value, withTtl ? expires.get(key) ?? -1 : -1);
          if (w.pending >= WRITE_AT) writeAllSync(fd, w.take());
        }
      }
      w.end();
      writeAllSync(fd, w.take());
      step = 'fsync';
      fsyncSync(fd);
      step = 'fclose';
      const f = fd;
      fd = -1;
      closeSync(f);
      try {
        renameSync(tmpPath, join(dir, finalName));
      } catch (e) {
        log.warning(`Error moving temp DB file ${tmpName} on the final destination ${finalName} (in server root dir ${dir}): ${strerror(e)}`);
        unlinkQuietly(tmpPath);
        return false;
      }
      step = 'fsyncFileDir';
      fsyncDirSync(dir);
    } catch (e) {
      log.warning(`Write error saving DB on disk(${step}): ${strerror(e)}`);
      if (fd >= 0) closeQuietly(fd);
      unlinkQuietly(tmpPath);
      return false;
    }
    log.notice('DB saved on disk');
    this.server.keyspace.dirty = 0;
    this.lastSave = Math.floor(Date.now() / 1000);
    this.lastOk = true;
    this.updateDeny();
    return true;
  }

  // ---- MISCONF

  /** writeCommandsDeniedByDiskError's RDB part; only this subsystem's refusal is cleared. */
  private updateDeny(): void {
    const d = this.server.dispatcher;
    const deny = !this.lastOk && this.savePoints.length > 0 && this.server.config.bool('stop-writes-on-bgsave-error');
    if (deny) d.denyWrites = E.MISCONF_RDB;
    else if (d.denyWrites === E.MISCONF_RDB) d.denyWrites = null;
  }

  // ---- INFO

  infoFields(section: string): InfoFields | undefined {
    if (section !== 'persistence') return undefined;
    const job = this.job;
    const nowS = Math.floor(Date.now() / 1000);
    const f: InfoFields = [];
    if (job !== null) {
      const { processed, total } = job.cut;
      f.push(
        ['current_fork_perc', total > 0 ? ((processed * 100) / total).toFixed(2) : '0.00'],
        ['current_save_keys_processed', processed],
        ['current_save_keys_total', total],
      );
    }
    f.push(
      ['rdb_changes_since_last_save', this.server.keyspace.dirty],
      ['rdb_bgsave_in_progress', job !== null ? 1 : 0],
      ['rdb_last_save_time', this.lastSave],
      ['rdb_last_bgsave_status', this.lastOk ? 'ok' : 'err'],
      ['rdb_last_bgsave_time_sec', this.lastBgsaveSecs],
      ['rdb_current_bgsave_time_sec', job !== null ? nowS - Math.floor(job.startedAt / 1000) : -1],
      ['rdb_saves', this.saves],
      ['rdb_last_load_keys_expired', this.loadedExpired],
      ['rdb_last_load_keys_loaded', this.loadedKeys],
    );
    return f;
  }

  resetStats(): void {
    this.saves = 0;
  }

  /** Start-up loading counts (rdb_last_load_keys_*). */
  noteLoaded(keys: number, expired: number): void {
    this.loadedKeys = keys;
    this.loadedExpired = expired;
  }
}

/**
 * The start-up RDB loader (rdbLoad as a master): keys already expired are
 * skipped; on any error every database is emptied again and LoadError says
 * why (the file itself is never touched).
 */
function loadRdbFile(server: Server, path: string, data: Buffer): RdbLoadCounts {
  const log = server.log;
  const dbs = server.keyspace.dbs;
  const now = Date.now();
  const counts: RdbLoadCounts = { keys: 0, expired: 0 };
  try {
    loadRdb(data, {
      ...keyspaceRdbSink(server, now, false, counts),
      aux(k, v) {
        if (k === 'redis-ver') log.notice(`Loading RDB produced by version ${v}`);
        else if (k === 'ctime') log.notice(`RDB age ${Math.floor(now / 1000) - Number(v)} seconds`);
        else if (k === 'used-mem') log.notice(`RDB memory usage when created ${(Number(v) / 1048576).toFixed(2)} Mb`);
      },
    }, { checksum: server.config.bool('rdbchecksum'), limits: server.encodingLimits, now });
  } catch (e) {
    // Never a partial dataset.
    for (const d of dbs) if (d.size > 0) d.clear();
    if (e instanceof RdbError) {
      const at = e.offset >= 0 ? ` (at offset ${e.offset})` : '';
      throw new LoadError(`Fatal error loading the DB from ${path}: ${e.message}${at}. Exiting.`);
    }
    throw e;
  }
  log.notice(`Done loading RDB, keys loaded: ${counts.keys}, keys expired: ${counts.expired}.`);
  server.snapshot.noteLoaded(counts.keys, counts.expired);
  return counts;
}

async function writeAll(fh: FileHandle, b: Buffer): Promise<void> {
  let off = 0;
  while (off < b.length) {
    const { bytesWritten } = await fh.write(b, off, b.length - off);
    off += bytesWritten;
  }
}

function writeAllSync(fd: number, b: Buffer): void {
  let off = 0;
  while (off < b.length) off += writeSync(fd, b, off, b.length - off);
}

/** fsyncFileDir: the rename is durable once the directory is synced. */
function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

