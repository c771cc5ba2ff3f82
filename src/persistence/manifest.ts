// The AOF manifest of Redis 7's multi-part append-only file (aof.c's
// aofManifest): which files in <dir>/<appenddirname>/ make up the AOF, in
// Redis's exact text format so that either server loads the other's
// directory:
//
//   file appendonly.aof.1.base.rdb seq 1 type b
//   file appendonly.aof.1.incr.aof seq 1 type i
//
// One line per file, the base first, then history ('h', files left over from
// a rewrite, deleted when the new manifest is safely in place), then the
// incremental files in sequence order. Parsing follows aofLoadManifestFromFile:
// '#' lines are comments, every line needs file, seq and type, at most one
// base, incr sequence numbers strictly increasing. Writing is atomic (temp
// file, fsync, rename, fsync of the directory), so a crash leaves either the
// old manifest or the new one.

import { close, closeSync, fsync, fsyncSync, open, openSync, rename, renameSync, write, writeSync } from 'node:fs';
import { join } from 'node:path';
import { splitArgs } from '../protocol/inline.js';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

export class Manifest {
  base: AofInfo | null = null;
  history: AofInfo[] = [];
  incr: AofInfo[] = [];
  /** Highest sequence numbers given out (curr_base_file_seq, curr_incr_file_seq). */
  baseSeq = 0;
  incrSeq = 0;

  clone(): Manifest {
    const m = new Manifest();
    m.base = this.base === null ? null : { ...this.base };
    m.history = this.history.map((a) => ({ ...a }));
    m.incr = this.incr.map((a) => ({ ...a }));
    m.baseSeq = this.baseSeq;
    m.incrSeq = this.incrSeq;
    return m;
  }

  /** getAofManifestAsString: base, history, incr. */
  toString(): string {
    let s = '';
    const line = (a: AofInfo) => {
      s += `file ${quoteName(a.name)} seq ${a.seq} type ${a.type}\n`;
    };
    if (this.base !== null) line(this.base);
    for (const a of this.history) line(a);
    for (const a of this.incr) line(a);
    return s;
  }

  /** getNewBaseFileNameAndMarkPreAsHistory. */
  newBase(prefix: string, rdb: boolean): AofInfo {
    if (this.base !== null) this.history.push({ ...this.base, type: 'h' });
    const seq = ++this.baseSeq;
    this.base = { name: `${prefix}.${seq}${rdb ? '.base.rdb' : '.base.aof'}`, seq, type: 'b' };
    return this.base;
  }

  /** getNewIncrAofName: a new incremental file at the end of the list. */
  newIncr(prefix: string): AofInfo {
    const seq = ++this.incrSeq;
    const ai: AofInfo = { name: `${prefix}.${seq}.incr.aof`, seq, type: 'i' };
    this.incr.push(ai);
    return ai;
  }

  /** markRewrittenIncrAofAsHistory: every incr file but the last becomes history. */
  incrToHistoryExceptLast(): void {
    while (this.incr.length > 1) this.history.push({ ...this.incr.shift()!, type: 'h' });
  }
}

/** The manifest's file name as Redis writes it (sdscatrepr when it has odd characters). */
function quoteName(name: string): string {
  if (/^[\x21-\x7e]+$/.test(name) && !/["'\\]/.test(name)) return name;
  let s = '"';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ch = name[i]!;
    if (ch === '\\' || ch === '"') s += `\\${ch}`;
    else if (ch === '\n') s += '\\n';
    else if (ch === '\r') s += '\\r';
    else if (ch === '\t') s += '\\t';
    else if (ch === '\x07') s += '\\a';
    else if (ch === '\b') s += '\\b';
    else if (c >= 0x20 && c <= 0x7e) s += ch;
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${s}"`;
}

/** A manifest that cannot be used: start-up stops. */
export class ManifestError extends Error {}

const MAX_LINE = 1024;

/** aofLoadManifestFromFile; throws ManifestError with Redis's reason. */
export function parseManifest(text: string): Manifest {
  const am = new Manifest();
  let maxSeq = 0;
  let lines = 0;
  const raw = text.split('\n');
  // A final newline leaves an empty last element: not a line.
  const last = raw.length - 1;
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i]!;
    if (i === last && line === '') break;
    lines++;
    if (line.startsWith('#')) continue;
    if (line.length > MAX_LINE) throw new ManifestError('The AOF manifest file contains too long line');
    line = line.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '') throw new ManifestError('Invalid AOF manifest file format');
    const argv = splitArgs(line);
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0) throw new ManifestError('Invalid AOF manifest file format');
    let name: string | null = null;
    let seq = 0;
    let type = '';
    for (let j = 0; j < argv.length; j += 2) {
      const k = argv[j]!.toLowerCase();
      const v = argv[j + 1]!;
      if (k === 'file') {
        name = v;
        if (name.includes('/')) throw new ManifestError("File can't be a path, just a filename");
      } else if (k === 'seq') {
        seq = atoll(v);
      } else if (k === 'type') {
        type = v.charAt(0);
      }
    }
    if (name === null || name === '' || seq === 0 || type === '') throw new ManifestError('Invalid AOF manifest file format');
    if (type === 'b') {
      if (am.base !== null) throw new ManifestError('Found duplicate base file information');
      am.base = { name, seq, type };
      am.baseSeq = seq;
    } else if (type === 'h') {
      am.history.push({ name, seq, type });
    } else if (type === 'i') {
      if (seq <= maxSeq) throw new ManifestError('Found a non-monotonic sequence number');
      am.incr.push({ name, seq, type });
      am.incrSeq = seq;
      maxSeq = seq;
    } else {
      throw new ManifestError('Unknown AOF file type');
    }
  }
  if (lines === 0) throw new ManifestError('Found an empty AOF manifest');
  return am;
}

/** C's atoll: leading digits, 0 when none. */
function atoll(s: string): number {
  const m = /^\s*[+-]?\d+/.exec(s);
  return m === null ? 0 : parseInt(m[0], 10);
}

/** Write `data` to `path` atomically: temp file, fsync, rename, fsync of the directory. */
export function writeFileDurably(dir: string, name: string, data: string): void {
  const tmp = join(dir, `temp-${name}`);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    const b = Buffer.from(data, 'latin1');
    let off = 0;
    while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  fsyncDir(dir);
}

/** fsync a directory so a rename or a new file in it is durable. */
export function fsyncDir(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory: nothing more can be done.
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** A callback-style fs call as a promise (the numeric-fd API, not FileHandle). */
function call<T>(fn: (cb: (err: NodeJS.ErrnoException | null, v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err !== null ? reject(err) : resolve(v))));
}

/**
 * writeFileDurably off the event loop (libuv's thread pool): the same steps,
 * so the rename happens only once the new contents are on disk.
 */
export async function writeFileDurablyAsync(dir: string, name: string, data: string): Promise<void> {
  const tmp = join(dir, `temp-${name}`);
  const fd = await call<number>((cb) => open(tmp, 'w', 0o644, cb));
  try {
    const b = Buffer.from(data, 'latin1');
    let off = 0;
    while (off < b.length) off += await call<number>((cb) => write(fd, b, off, b.length - off, null, cb));
    await call<void>((cb) => fsync(fd, (e) => cb(e, undefined)));
  } finally {
    await call<void>((cb) => close(fd, (e) => cb(e, undefined)));
  }
  await call<void>((cb) => rename(tmp, join(dir, name), (e) => cb(e, undefined)));
  await fsyncDirAsync(dir);
}

export async function fsyncDirAsync(dir: string): Promise<void> {
  let fd = -1;
  try {
    fd = await call<number>((cb) => open(dir, 'r', cb));
    await call<void>((cb) => fsync(fd, (e) => cb(e, undefined)));
  } catch {
    // see fsyncDir
  } finally {
    if (fd >= 0) close(fd, () => {});
  }
}

/** fs.open as a promise. */
export function openAsync(path: string, flags: string): Promise<number> {
  return call<number>((cb) => open(path, flags, 0o644, cb));
}

/** fs.rename as a promise. */
export function renameAsync(from: string, to: string): Promise<void> {
  return call<void>((cb) => rename(from, to, (e) => cb(e, undefined)));
}
