// Loading the dataset at start-up, before the server accepts connections
// (Redis's loadDataFromDisk): with appendonly yes the multi-part AOF of
// <dir>/<appenddirname>/ (loadAppendOnlyFiles), else the RDB file, whose
// loader the snapshot work plugs in with `setRdbLoader`.
//
// An AOF file is replayed command by command through the dispatcher with a
// client that has no socket (Redis's fake client), propagation listeners
// detached, so a replay logs nothing. The reader is strict RESP multibulk, as
// loadSingleAppendOnlyFile: `#` lines are annotations (aof-timestamp-enabled),
// anything else but `*` is a format error. A file that ends inside a command,
// or inside a MULTI never EXECed, is cut back to its last complete command
// when aof-load-truncated is yes (the file itself is truncated there, as
// Redis does) and refused otherwise; only the last file may be truncated.
// An old-style single `appendonly.aof` in `dir` with no AOF directory is
// moved into it as the base of a new manifest (aofUpgradePrepare).

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../client.js';
import { ReplyWriter } from '../protocol/reply.js';
import { loadRdb, RdbError, type RdbSink } from './rdb.js';
import type { Server } from '../server.js';
import { Manifest, ManifestError, parseManifest, writeFileDurably, type AofInfo } from './manifest.js';

/** Start-up cannot go on: the message says why (the daemon logs it and exits 1). */
export class LoadError extends Error {}

/**
 * Loads an RDB file into the server's keyspace (throws on a bad file).
 * `path` is the file; `data` its bytes when already read (an AOF base).
 */
export type RdbLoader = (server: Server, path: string, data: Buffer) => { keys: number; expired: number };

let rdbLoader: RdbLoader | null = null;

/** The snapshot work plugs its RDB decoder in here: used for dump.rdb and .base.rdb files. */
export function setRdbLoader(fn: RdbLoader | null): void {
  rdbLoader = fn;
}

export function getRdbLoader(): RdbLoader | null {
  return rdbLoader;
}

/** Paths of the AOF: the directory and the manifest's name. */
export function aofPaths(server: Server): { dir: string; aofDir: string; prefix: string; manifestName: string } {
  const dir = server.config.get('dir');
  const prefix = server.config.get('appendfilename');
  return { dir, aofDir: join(dir, server.config.get('appenddirname')), prefix, manifestName: `${prefix}.manifest` };
}

/** aofLoadManifestFromDisk: the manifest on disk, or an empty one when there is none. */
export function loadManifestFromDisk(server: Server): Manifest {
  const { aofDir, manifestName } = aofPaths(server);
  const path = join(aofDir, manifestName);
  if (!existsSync(aofDir) || !existsSync(path)) return new Manifest();
  let text: string;
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const b = Buffer.alloc(size);
      let off = 0;
      while (off < size) {
        const n = readSync(fd, b, off, size - off, off);
        if (n === 0) break;
        off += n;
      }
      text = b.latin1Slice(0, off);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new LoadError(`Can't open the AOF manifest ${path} for reading: ${(e as Error).message}`);
  }
  try {
    return parseManifest(text);
  } catch (e) {
    if (e instanceof ManifestError) throw new LoadError(`${e.message} in the AOF manifest ${path}`);
    throw e;
  }
}

export interface AofLoadStats {
  /** Bytes of every file loaded (aof_current_size after load). */
  bytes: number;
  keys: number;
  seconds: number;
}

/** What INFO's loading fields show while a load runs. */
export interface LoadingState {
  startTime: number;
  totalBytes: number;
  loadedBytes: number;
}

/**
 * loadAppendOnlyFiles, with the upgrade of an old single file first.
 * Returns null when there is no AOF (nothing was loaded).
 */
export function loadAppendOnlyFiles(server: Server, am: Manifest, loading: LoadingState): AofLoadStats | null {
  const { dir, aofDir, prefix, manifestName } = aofPaths(server);
  const old = join(dir, prefix);
  if (existsSync(old) && statSync(old).isFile()) {
    const upgrade = !existsSync(aofDir) ||
      (am.base === null && am.incr.length === 0) ||
      (am.base !== null && am.incr.length === 0 && am.base.name === prefix && !existsSync(join(aofDir, prefix)));
    if (upgrade) {
      mkdirSync(aofDir, { recursive: true });
      am.base = { name: prefix, seq: 1, type: 'b' };
      am.baseSeq = Math.max(am.baseSeq, 1);
      writeFileDurably(aofDir, manifestName, am.toString());
      renameSync(old, join(aofDir, prefix));
      server.log.notice(`Successfully migrated an old-style AOF into the AOF directory ${aofDir}.`);
    }
  }
  const files: AofInfo[] = [];
  if (am.base !== null) files.push(am.base);
  files.push(...am.incr);
  if (files.length === 0) return null;
  // Every file named must be there before anything is loaded.
  let total = 0;
  for (const f of files) {
    const p = join(aofDir, f.name);
    if (!existsSync(p)) {
      throw new LoadError(`Unable to obtain the AOF file ${f.name} length. stat: No such file or directory (${p}, named in ${join(aofDir, manifestName)})`);
    }
    total += statSync(p).size;
  }
  loading.totalBytes = total;
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const last = i === files.length - 1;
    const t0 = performance.now();
    const r = loadSingleFile(server, join(aofDir, f.name), f.name, loading);
    bytes += r.size;
    const secs = ((performance.now() - t0) / 1000).toFixed(3);
    if (r.status === 'truncated' && !last) throw new LoadError(`Fatal error: the truncated file ${f.name} is not the last file`);
    if (r.status !== 'empty') {
      server.log.notice(`DB loaded from ${f === am.base ? 'base' : 'incr'} file ${f.name}: ${secs} seconds`);
    }
  }
  let keys = 0;
  for (const db of server.keyspace.dbs) keys += db.size;
  return { bytes, keys, seconds: (performance.now() - start) / 1000 };
}

const CHUNK = 1024 * 1024;

interface FileResult {
  status: 'ok' | 'empty' | 'truncated';
  /** The file's size after loading (after a truncation). */
  size: number;
}

/** A strict reader of RESP multibulk commands over a file, a chunk at a time. */
class CommandReader {
  private buf = Buffer.alloc(0);
  private pos = 0;
  /** File offset of buf[0]. */
  private base = 0;
  private eof = false;

  constructor(private readonly fd: number, start: number) {
    this.base = start;
  }

  /** File offset of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Make at least `n` bytes available from pos; false at end of file. */
  private want(n: number): boolean {
    while (this.buf.length - this.pos < n) {
      if (this.eof) return false;
      const rest = this.buf.subarray(this.pos);
      const chunk = Buffer.allocUnsafe(Math.max(CHUNK, n - rest.length));
      const got = readSync(this.fd, chunk, 0, chunk.length, this.base + this.buf.length);
      if (got === 0) {
        this.eof = true;
        return false;
      }
      this.base += this.pos;
      this.buf = rest.length === 0 ? chunk.subarray(0, got) : Buffer.concat([rest, chunk.subarray(0, got)]);
      this.pos = 0;
    }
    return true;
  }

  /** A line without its CRLF, or null at end of file (no complete line). */
  private line(): string | null {
    for (;;) {
      const nl = this.buf.indexOf(10, this.pos);
      if (nl >= 0) {
        const end = nl > this.pos && this.buf[nl - 1] === 13 ? nl - 1 : nl;
        const s = this.buf.latin1Slice(this.pos, end);
        this.pos = nl + 1;
        return s;
      }
      if (!this.want(this.buf.length - this.pos + 1)) return null;
    }
  }

  /**
   * The next command: argv, 'eof' at a clean end, 'short' when the file ends
   * inside a command; throws 'format' errors as strings.
   */
  next(): string[] | 'eof' | 'short' | 'format' {
    for (;;) {
      if (!this.want(1)) return 'eof';
      const first = this.buf[this.pos];
      if (first === 35 /* # */) {
        if (this.line() === null) return 'short';
        continue;
      }
      if (first !== 42 /* * */) return 'format';
      const head = this.line();
      if (head === null) return 'short';
      const argc = parseInt(head.slice(1), 10);
      if (!(argc >= 1)) return 'format';
      const argv: string[] = new Array<string>(argc);
      for (let i = 0; i < argc; i++) {
        const l = this.line();
        if (l === null) return 'short';
        if (l.charCodeAt(0) !== 36 /* $ */) return 'format';
        const len = parseInt(l.slice(1), 10);
        if (!(len >= 0)) return 'format';
        if (!this.want(len + 2)) return 'short';
        argv[i] = this.buf.latin1Slice(this.pos, this.pos + len);
        this.pos += len + 2;
      }
      return argv;
    }
  }
}

/** A client with no socket that replays commands (its replies are dropped). */
export function fakeClient(server: Server): Client {
  const c = new Client(0, server, null);
  c.authenticated = true;
  c.cur = new ReplyWriter(1024);
  c.name = '';
  return c;
}

/** loadSingleAppendOnlyFile. */
function loadSingleFile(server: Server, path: string, name: string, loading: LoadingState): FileResult {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new LoadError(`Fatal error: can't open the append log file ${name} for reading: ${(e as Error).message}`);
  }
  const loadedBefore = loading.loadedBytes;
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { status: 'empty', size: 0 };
    let start = 0;
    const sig = Buffer.alloc(5);
    readSync(fd, sig, 0, 5, 0);
    if (sig.latin1Slice(0, 5) === 'REDIS') {
      // An RDB base (a Redis 7 .base.rdb), or an old-style AOF with an RDB
      // preamble: commands follow the RDB's checksum.
      server.log.notice('Reading RDB base file on AOF loading...');
      const data = Buffer.alloc(size);
      let off = 0;
      while (off < size) {
        const n = readSync(fd, data, off, size - off, off);
        if (n === 0) break;
        off += n;
      }
      start = loadRdbBase(server, name, data);
      loading.loadedBytes += start;
      if (start >= size) return { status: 'ok', size };
      server.log.notice('Reading the remaining AOF tail...');
    }
    const reader = new CommandReader(fd, start);
    const c = fakeClient(server);
    const d = server.dispatcher;
    const w = c.cur!;
    let validUpTo = start;
    let validBeforeMulti = -1;
    d.startBatch();
    for (let n = 1; ; n++) {
      const argv = reader.next();
      if (argv === 'eof') {
        if (c.multi === null) return { status: 'ok', size };
        server.log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
        server.transactions.discard(c);
        return truncated(server, path, name, validBeforeMulti);
      }
      if (argv === 'short') {
        const at = c.multi !== null ? validBeforeMulti : validUpTo;
        if (c.multi !== null) server.transactions.discard(c);
        return truncated(server, path, name, at);
      }
      if (argv === 'format') {
        throw new LoadError(`Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
      }
      if (d.table.lookup(argv[0]!) === undefined) {
        throw new LoadError(`Unknown command '${argv[0]}' reading the append only file ${name}`);
      }
      if (c.multi === null && argv[0]!.toLowerCase() === 'multi') validBeforeMulti = validUpTo;
      d.execute(c, argv);
      w.len = 0;
      validUpTo = reader.offset;
      if ((n & 1023) === 0) {
        loading.loadedBytes = loadedBefore + validUpTo;
        d.startBatch();
      }
    }
  } finally {
    loading.loadedBytes = Math.max(loading.loadedBytes, loadedBefore);
    closeSync(fd);
  }
}

/** What an RDB put into the keyspace: keys loaded, keys skipped as already expired. */
export interface RdbLoadCounts {
  keys: number;
  expired: number;
}

/**
 * The sink that puts an RDB's keys into the keyspace as rdbLoad does for a
 * master, shared by start-up, an AOF's RDB base and DEBUG RELOAD: keys
 * already expired at `now` are skipped, a database number past `databases`
 * is fatal, and so is a key already present unless `replace` (an AOF base,
 * DEBUG RELOAD MERGE). Keys are added with Database.load: nothing reported.
 */
export function keyspaceRdbSink(server: Server, now: number, replace: boolean, counts: RdbLoadCounts): RdbSink {
  const dbs = server.keyspace.dbs;
  return {
    selectDb(n) {
      if (n >= dbs.length) {
        throw new RdbError(`FATAL: Data file was created with a Redis server configured to handle more than ${dbs.length} databases. Exiting`);
      }
    },
    entry(db, key, value, expireAt) {
      if (expireAt !== -1 && expireAt < now) {
        counts.expired++;
        return;
      }
      if (!dbs[db]!.load(key, value, expireAt, replace)) throw new RdbError(`RDB has duplicated key '${key}' in DB ${db}`);
      counts.keys++;
    },
    warn: (msg) => server.log.warning(msg),
  };
}

/**
 * An RDB base into the keyspace (Redis loads it with RDBFLAGS_AOF_PREAMBLE:
 * keys already expired are kept and expire as usual; here they are skipped,
 * which nobody can tell apart).
 */
function loadRdbBase(server: Server, name: string, data: Buffer): number {
  try {
    const sink = keyspaceRdbSink(server, Date.now(), true, { keys: 0, expired: 0 });
    return loadRdb(data, sink, { checksum: server.config.bool('rdbchecksum'), limits: server.encodingLimits }).end;
  } catch (e) {
    if (e instanceof RdbError) throw new LoadError(`Error reading the RDB base file ${name}, AOF loading aborted: ${e.message}`);
    throw e;
  }
}

/** The end of a file cut short: truncated to its last complete command, or refused. */
function truncated(server: Server, path: string, name: string, validUpTo: number): FileResult {
  if (!server.config.bool('aof-load-truncated')) {
    throw new LoadError(`Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`);
  }
  server.log.warning(`!!! Warning: short read while loading the AOF file ${name}!!!`);
  server.log.warning(`!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
  if (validUpTo < 0) throw new LoadError('Last valid command offset is invalid');
  try {
    truncateSync(path, validUpTo);
  } catch (e) {
    throw new LoadError(`Error truncating the AOF file ${name}: ${(e as Error).message}`);
  }
  server.log.warning(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
  return { status: 'truncated', size: validUpTo };
}


/**
 * loadDataFromDisk, before the server accepts connections: the AOF when
 * appendonly is yes (then opened for appending), else the RDB file through
 * the loader set with `setRdbLoader` (nothing while none is set, or when
 * the file does not exist). Throws LoadError when start-up must stop.
 */
export function loadDataFromDisk(server: Server): void {
  if (server.config.bool('appendonly')) {
    server.aof.loadAndOpen();
    return;
  }
  const loader = rdbLoader;
  if (loader === null) return;
  const path = join(server.config.get('dir'), server.config.get('dbfilename'));
  if (!existsSync(path)) return;
  const fd = openSync(path, 'r');
  let data: Buffer;
  try {
    const size = fstatSync(fd).size;
    data = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, data, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
  } finally {
    closeSync(fd);
  }
  const t0 = performance.now();
  loader(server, path, data);
  server.log.notice(`DB loaded from disk: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
  server.keyspace.dirty = 0;
}
