// RDB snapshots (src/persistence/snapshot.ts, src/commands/snapshot.ts):
// BGSAVE writes the dataset as it was when it started while writes go on;
// the file loads in real Redis and passes redis-check-rdb; SAVE, LASTSAVE,
// save points, the restart round trip, refused files at start-up, MISCONF,
// FLUSHALL and SHUTDOWN during or around saves, and kill -9 of the daemon
// in the middle of a BGSAVE.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../../src/index.js';
import { LoadError } from '../../src/persistence/load.js';
import { DEFAULT_RDB_LIMITS, loadRdb } from '../../src/persistence/rdb.js';
import { entryString, renderValue, snapshotDataset } from '../helpers/dataset.js';
import { freePort, HAVE_REDIS_SERVER, RawClient, startRealRedis } from '../helpers/server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'snapshot-test-'));
  dirs.push(d);
  return d;
}

function start(dir: string, config: Record<string, string | number> = {}): Promise<ServerHandle> {
  return startServer({ port: 0, inMemory: false, config: { dir, save: '', ...config } });
}

async function info(c: RawClient, field: string): Promise<string> {
  const text = (await c.call('INFO', 'persistence')) as string;
  const m = new RegExp(`^${field}:(.*)\\r$`, 'm').exec(text);
  return m === null ? '' : m[1]!;
}

/** The entries of an RDB file, rendered and sorted as snapshotDataset renders a keyspace. */
function fileDataset(path: string): string[] {
  const out: string[] = [];
  loadRdb(readFileSync(path), {
    entry(db, key, value, expire) {
      out.push(entryString({ db, key, value: renderValue(value), expire }));
    },
  }, { checksum: true, limits: DEFAULT_RDB_LIMITS });
  return out.sort();
}

/** Every key of every database through commands: type, contents, whether it has a TTL. */
async function dumpAll(port: number, dbs = 4): Promise<unknown[]> {
  const c = await RawClient.connect(port);
  const out: unknown[] = [];
  for (let db = 0; db < dbs; db++) {
    await c.call('SELECT', db);
    const keys = ((await c.call('KEYS', '*')) as string[]).sort();
    for (const k of keys) {
      const type = (await c.call('TYPE', k)) as string;
      let v: unknown;
      if (type === 'string') v = await c.call('GET', k);
      else if (type === 'list') v = await c.call('LRANGE', k, 0, -1);
      else if (type === 'set') v = ((await c.call('SMEMBERS', k)) as string[]).sort();
      else if (type === 'hash') {
        const a = (await c.call('HGETALL', k)) as string[];
        const pairs: string[] = [];
        for (let i = 0; i < a.length; i += 2) pairs.push(`${a[i]}=${a[i + 1]}`);
        v = pairs.sort();
      } else v = await c.call('ZRANGE', k, 0, -1, 'WITHSCORES');
      const pttl = (await c.call('PTTL', k)) as number;
      out.push([db, k, type, v, pttl > 0 ? Math.round(Number(await c.call('PEXPIRETIME', k)) / 1000) : -1]);
    }
  }
  c.close();
  return out;
}

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

/** One key of every type and encoding, in several databases. */
const EVERY_TYPE: (string | number)[][] = [
  ['SET', 's:short', 'hello'],
  ['SET', 's:int', '12345'],
  ['SET', 's:negint', '-2147483648'],
  ['SET', 's:long', 'abc'.repeat(400)],
  ['SET', 's:binary', ALL_BYTES],
  ['SET', 's:empty', ''],
  ['SET', ALL_BYTES, 'binary key'],
  ['SET', 's:ttl', 'v', 'PXAT', 4102444800123],
  ['RPUSH', 'l:small', 'a', 'b', '1', '-1', '70000', ALL_BYTES],
  ['RPUSH', 'l:big', ...Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? String(i) : `element-${i}-${'y'.repeat(i % 50)}`))],
  ['SADD', 'set:intset', '1', '2', '-100000', '9223372036854775807'],
  ['SADD', 'set:ht', 'a', 'b', ALL_BYTES],
  ['HSET', 'h:lp', 'f', 'v', 'n', '1', 'e', ''],
  ['HSET', 'h:ht', ...Array.from({ length: 1200 }, (_, i) => (i % 2 === 0 ? `field${i}` : String(i)))],
  ['ZADD', 'z:lp', 1, 'a', 2.5, 'b', '-inf', 'c', '+inf', 'd', 1e-300, 'tiny'],
  ['ZADD', 'z:sl', ...Array.from({ length: 400 }, (_, i) => [i / 7, `member${i}`]).flat()],
  ['EXPIRE', 'h:lp', 100000],
  ['SELECT', 2],
  ['SET', 'in-db-2', 'x'],
  ['LPUSH', 'l2', 'q'],
  ['SELECT', 3],
  ['HSET', 'h3', 'a', 'b'],
];

async function populate(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  for (const cmd of EVERY_TYPE) {
    const r = await c.call(...cmd);
    if (r instanceof Error) throw r;
  }
  c.close();
}

/** `n` string keys put straight into database 0 (setup only: no protocol cost). */
function bulkLoad(h: ServerHandle, n: number, prefix = 'key:'): void {
  const db = h.server.keyspace.dbs[0]!;
  for (let i = 0; i < n; i++) db.set(`${prefix}${i}`, i % 3 === 0 ? i : `value-${i}-${'x'.repeat(i % 40)}`);
}

/** Until `cond` holds, checking every few ms (for events across processes). */
async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('BGSAVE', () => {
  it('writes the dataset as it was when it started while writes go on', async () => {
    const dir = tempDir();
    const h = await start(dir);
    try {
      await populate(h.port);
      bulkLoad(h, 150_000);
      const c = await RawClient.connect(h.port);
      const snap = h.server.snapshot;
      // The dataset and the start of the save in the same tick: nothing runs between.
      const before = snapshotDataset(h.server.keyspace);
      expect(snap.bgsave(false)).toEqual({ ok: true, text: 'Background saving started' });
      const done = snap.whenDone();
      let finished = false;
      void done.then(() => { finished = true; });
      // Writes of every kind, pipelined, until the save ends.
      let batches = 0;
      const cmdsBefore = h.server.dispatcher.totalCommands;
      while (!finished) {
        const n = batches++;
        let buf = '';
        const cmds: (string | number)[][] = [];
        for (let i = 0; i < 200; i++) {
          const k = `key:${(n * 977 + i * 131) % 150_000}`;
          cmds.push(['SET', k, `new-${n}-${i}`], ['DEL', `key:${(n * 31 + i * 7) % 150_000}`], ['SET', `fresh:${n}:${i}`, 'x'],
            ['RPUSH', 'l:big', 'more'], ['HSET', 'h:ht', `f${i}`, n], ['ZADD', 'z:sl', n, `m${i}`], ['SADD', 'set:ht', `s${n}`],
            ['EXPIRE', `key:${i}`, 1000], ['PERSIST', 's:ttl'], ['INCR', 's:int']);
        }
        for (const cmd of cmds) buf += `*${cmd.length}\r\n${cmd.map((a) => `$${String(a).length}\r\n${a}\r\n`).join('')}`;
        c.write(buf);
        for (let i = 0; i < cmds.length; i++) {
          const r = await c.read();
          if (r instanceof Error) throw r;
        }
      }
      expect(await done).toBe(true);
      // Commands really ran during the save.
      expect(h.server.dispatcher.totalCommands - cmdsBefore).toBeGreaterThan(2000);
      expect(batches).toBeGreaterThan(1);
      const saved = fileDataset(join(dir, 'dump.rdb'));
      expect(saved.length).toBe(before.length);
      expect(saved).toEqual(before);
      expect(await info(c, 'rdb_last_bgsave_status')).toBe('ok');
      expect(await info(c, 'rdb_bgsave_in_progress')).toBe('0');
      expect(readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
      c.close();
    } finally {
      await h.close();
    }
  });

  it('100k keys: the event loop keeps turning in slices, memory stays bounded (1M: scripts/bgsave-probe.mjs)', async () => {
    const dir = tempDir();
    const h = await start(dir);
    try {
      bulkLoad(h, 100_000);
      const heapBefore = process.memoryUsage().heapUsed;
      let last = performance.now();
      let maxGap = 0;
      let turns = 0;
      const probe = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        turns++;
      }, 1);
      // Overwrites of keys the save has not reached yet: the cut copies those only.
      const db = h.server.keyspace.dbs[0]!;
      const writer = setInterval(() => {
        for (let i = 0; i < 200; i++) {
          const k = `key:${Math.floor(Math.random() * 100_000)}`;
          db.lookupWrite(k);
          db.set(k, 'overwritten');
          db.changed(k, 'set');
        }
      }, 1);
      const t0 = performance.now();
      expect(h.server.snapshot.bgsave(false).ok).toBe(true);
      let heapPeak = 0;
      const sampler = setInterval(() => { heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed); }, 5);
      expect(await h.server.snapshot.whenDone()).toBe(true);
      const ms = performance.now() - t0;
      clearInterval(probe);
      clearInterval(writer);
      clearInterval(sampler);
      console.log(`BGSAVE 100k keys: ${ms.toFixed(0)} ms, ${turns} timer turns, largest event-loop gap ${maxGap.toFixed(1)} ms, ` +
        `heap +${((heapPeak - heapBefore) / 1048576).toFixed(1)} MB`);
      // Many turns ran during the save; no gap near the whole save's length.
      expect(turns).toBeGreaterThan(20);
      expect(maxGap).toBeLessThan(Math.max(100, ms / 3));
      expect(fileDataset(join(dir, 'dump.rdb')).length).toBe(100_000);
    } finally {
      await h.close();
    }
  });

  it('answers as Redis: started, already in progress, scheduled in EXEC or during an AOF rewrite, syntax', async () => {
    const dir = tempDir();
    const h = await start(dir);
    try {
      bulkLoad(h, 100_000);
      const c = await RawClient.connect(h.port);
      expect(await c.call('BGSAVE', 'foo')).toEqual(new Error('ERR syntax error'));
      expect(await c.call('BGSAVE', 'SCHEDULE', 'x')).toEqual(new Error('ERR syntax error'));
      expect(await c.call('BGSAVE')).toBe('Background saving started');
      expect(await c.call('BGSAVE')).toEqual(new Error('ERR Background save already in progress'));
      expect(await c.call('SAVE')).toEqual(new Error('ERR Background save already in progress'));
      expect(await info(c, 'rdb_bgsave_in_progress')).toBe('1');
      expect(Number(await info(c, 'current_save_keys_total'))).toBe(100_000);
      await h.server.snapshot.whenDone();
      // In EXEC: scheduled (a cut there would hold half of the transaction), run by the cron.
      expect(await c.call('MULTI')).toBe('OK');
      expect(await c.call('SET', 'a', '1')).toBe('QUEUED');
      expect(await c.call('BGSAVE')).toBe('QUEUED');
      expect(await c.call('EXEC')).toEqual(['OK', 'Background saving scheduled']);
      expect(h.server.snapshot.scheduled).toBe(true);
      await until(() => h.server.snapshot.inProgress);
      expect(await h.server.snapshot.whenDone()).toBe(true);
      expect(fileDataset(join(dir, 'dump.rdb')).some((e) => e.includes('"a"'))).toBe(true);
      // While an AOF rewrite runs: an error, or scheduled with SCHEDULE.
      expect(await c.call('BGREWRITEAOF')).toBe('Background append only file rewriting started');
      if (h.server.aof.rewriting) {
        expect(await c.call('BGSAVE')).toEqual(new Error(
          "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."));
        expect(await c.call('BGSAVE', 'SCHEDULE')).toBe('Background saving scheduled');
        await until(() => !h.server.aof.rewriting && !h.server.snapshot.scheduled && !h.server.snapshot.inProgress);
      }
      c.close();
    } finally {
      await h.close();
    }
  });

  it('a file real Redis loads with the same content, and redis-check-rdb accepts', async () => {
    if (!HAVE_REDIS_SERVER) return;
    const dir = tempDir();
    const h = await start(dir, { databases: 4 });
    try {
      await populate(h.port);
      bulkLoad(h, 1000);
      const c = await RawClient.connect(h.port);
      expect(await c.call('BGSAVE')).toBe('Background saving started');
      expect(await h.server.snapshot.whenDone()).toBe(true);
      c.close();
      const ours = await dumpAll(h.port);
      const check = execFileSync('redis-check-rdb', [join(dir, 'dump.rdb')]).toString();
      expect(check).toContain('RDB looks OK!');
      const real = await startRealRedis(['--dir', dir, '--dbfilename', 'dump.rdb', '--databases', '4']);
      try {
        expect(await dumpAll(real.port)).toEqual(ours);
      } finally {
        await real.close();
      }
    } finally {
      await h.close();
    }
  });

  it('fails in an unusable dir: status err, MISCONF for writes and PING, cleared by a good save', async () => {
    const dir = tempDir();
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const h = await start(dir, { save: '3600 1', 'enable-protected-configs': 'yes' });
    try {
      const c = await RawClient.connect(h.port);
      await c.call('SET', 'k', 'v');
      expect(await c.call('CONFIG', 'SET', 'dir', sub)).toBe('OK');
      rmSync(sub, { recursive: true });
      expect(await c.call('SAVE')).toEqual(new Error('ERR'));
      expect(await info(c, 'rdb_last_bgsave_status')).toBe('ok');
      expect(await c.call('BGSAVE')).toBe('Background saving started');
      expect(await h.server.snapshot.whenDone()).toBe(false);
      expect(await info(c, 'rdb_last_bgsave_status')).toBe('err');
      const misconf = new Error("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.");
      expect(await c.call('SET', 'k', 'w')).toEqual(misconf);
      expect(await c.call('PING')).toEqual(misconf);
      expect(await c.call('GET', 'k')).toBe('v');
      // The save point does not retry at once after a failure (5 s).
      await new Promise((r) => setTimeout(r, 250));
      expect(h.server.snapshot.inProgress).toBe(false);
      expect(await c.call('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no')).toBe('OK');
      expect(await c.call('PING')).toBe('PONG');
      expect(await c.call('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes')).toBe('OK');
      expect(await c.call('PING')).toEqual(misconf);
      mkdirSync(sub);
      expect(await c.call('SAVE')).toBe('OK');
      expect(await info(c, 'rdb_last_bgsave_status')).toBe('ok');
      expect(await c.call('SET', 'k', 'w')).toBe('OK');
      expect(existsSync(join(sub, 'dump.rdb'))).toBe(true);
      c.close();
    } finally {
      await h.close();
    }
  });

  it('FLUSHALL ends a save in progress and, with save points, saves the empty dataset', async () => {
    const dir = tempDir();
    const h = await start(dir, { save: '3600 1' });
    try {
      bulkLoad(h, 100_000);
      const c = await RawClient.connect(h.port);
      expect(await c.call('SAVE')).toBe('OK');
      expect(fileDataset(join(dir, 'dump.rdb')).length).toBe(100_000);
      expect(await c.call('BGSAVE')).toBe('Background saving started');
      const done = h.server.snapshot.whenDone();
      expect(await c.call('FLUSHALL')).toBe('OK');
      expect(await done).toBe(false);
      expect(await info(c, 'rdb_bgsave_in_progress')).toBe('0');
      expect(await info(c, 'rdb_last_bgsave_status')).toBe('ok');
      expect(await info(c, 'rdb_changes_since_last_save')).toBe('0');
      expect(fileDataset(join(dir, 'dump.rdb'))).toEqual([]);
      // Nothing left behind by the killed save, even later.
      await new Promise((r) => setTimeout(r, 50));
      expect(readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
      c.close();
    } finally {
      await h.close();
    }
  });
});

describe('SAVE, LASTSAVE, save points', () => {
  it('SAVE writes the file and LASTSAVE moves', async () => {
    const dir = tempDir();
    const h = await start(dir);
    try {
      const c = await RawClient.connect(h.port);
      await populate(h.port);
      h.server.stats.lastSave = 1000;
      expect(await c.call('LASTSAVE')).toBe(1000);
      expect(Number(await info(c, 'rdb_changes_since_last_save'))).toBeGreaterThan(0);
      const before = snapshotDataset(h.server.keyspace);
      expect(await c.call('SAVE')).toBe('OK');
      const now = Math.floor(Date.now() / 1000);
      expect(Number(await c.call('LASTSAVE'))).toBeGreaterThanOrEqual(now - 1);
      expect(await info(c, 'rdb_changes_since_last_save')).toBe('0');
      expect(await info(c, 'rdb_saves')).toBe('1');
      expect(fileDataset(join(dir, 'dump.rdb'))).toEqual(before);
      expect(await c.call('MULTI')).toBe('OK');
      expect(await c.call('SAVE')).toEqual(new Error('ERR Command not allowed inside a transaction'));
      c.close();
    } finally {
      await h.close();
    }
  });

  it('a save point starts a background save after N changes', async () => {
    const dir = tempDir();
    const h = await start(dir, { save: '3600 1000 5 3', hz: 100 });
    try {
      const c = await RawClient.connect(h.port);
      // As if the last save were long ago, so "5 seconds" has passed.
      h.server.stats.lastSave = Math.floor(Date.now() / 1000) - 10;
      await c.call('SET', 'a', '1');
      await c.call('SET', 'b', '2');
      await new Promise((r) => setTimeout(r, 50));
      expect(h.server.snapshot.inProgress).toBe(false);
      expect(existsSync(join(dir, 'dump.rdb'))).toBe(false);
      await c.call('SET', 'c', '3');
      await until(() => h.server.snapshot.inProgress || existsSync(join(dir, 'dump.rdb')));
      await h.server.snapshot.whenDone();
      expect(fileDataset(join(dir, 'dump.rdb')).length).toBe(3);
      expect(await info(c, 'rdb_changes_since_last_save')).toBe('0');
      c.close();
    } finally {
      await h.close();
    }
  });
});

describe('restart and start-up', () => {
  it('round trip: every type survives close and start (saved at shutdown with save points)', async () => {
    const dir = tempDir();
    let h = await start(dir, { save: '3600 1', databases: 4 });
    await populate(h.port);
    const before = await dumpAll(h.port);
    await h.close();
    h = await start(dir, { save: '3600 1', databases: 4 });
    try {
      expect(await dumpAll(h.port)).toEqual(before);
      const c = await RawClient.connect(h.port);
      expect(Number(await info(c, 'rdb_last_load_keys_loaded'))).toBe(before.length);
      expect(await info(c, 'rdb_changes_since_last_save')).toBe('0');
      c.close();
    } finally {
      await h.close();
    }
  });

  it('skips keys already expired when loading', async () => {
    const dir = tempDir();
    let h = await start(dir);
    const c = await RawClient.connect(h.port);
    await c.call('SET', 'gone', 'x', 'PX', 30);
    await c.call('SET', 'stays', 'y');
    await c.call('SAVE');
    c.close();
    await h.close();
    await new Promise((r) => setTimeout(r, 40));
    h = await start(dir);
    try {
      const d = await RawClient.connect(h.port);
      expect(await d.call('KEYS', '*')).toEqual(['stays']);
      expect(await info(d, 'rdb_last_load_keys_expired')).toBe('1');
      d.close();
    } finally {
      await h.close();
    }
  });

  it('refuses a corrupt or truncated dump.rdb, leaving it untouched', async () => {
    const dir = tempDir();
    const h = await start(dir);
    await populate(h.port);
    const c = await RawClient.connect(h.port);
    await c.call('SAVE');
    c.close();
    await h.close();
    const path = join(dir, 'dump.rdb');
    const good = readFileSync(path);
    const flipped = Buffer.from(good);
    flipped[Math.floor(good.length / 2)]! ^= 0x20;
    writeFileSync(path, flipped);
    await expect(start(dir)).rejects.toThrow(LoadError);
    await expect(start(dir)).rejects.toThrow(/Fatal error loading the DB from .*dump\.rdb: (Wrong RDB checksum|.*)/);
    expect(readFileSync(path).equals(flipped)).toBe(true);
    const truncated = good.subarray(0, Math.floor(good.length / 3));
    writeFileSync(path, truncated);
    await expect(start(dir)).rejects.toThrow(/Short read or OOM loading DB/);
    expect(readFileSync(path).equals(truncated)).toBe(true);
  });

  it('rdbchecksum no: a zero checksum is written, and no checksum is verified when loading', async () => {
    const dir = tempDir();
    let h = await start(dir, { rdbchecksum: 'no' });
    const c = await RawClient.connect(h.port);
    await c.call('SET', 'key', 'abcdefgh');
    await c.call('SAVE');
    c.close();
    await h.close();
    const path = join(dir, 'dump.rdb');
    const file = readFileSync(path);
    expect(file.subarray(file.length - 8).equals(Buffer.alloc(8))).toBe(true);
    // A changed byte inside the value goes unnoticed without a checksum.
    const at = file.indexOf('abcdefgh');
    file[at] = 'X'.charCodeAt(0);
    writeFileSync(path, file);
    h = await start(dir, { rdbchecksum: 'no' });
    try {
      const d = await RawClient.connect(h.port);
      expect(await d.call('GET', 'key')).toBe('Xbcdefgh');
      d.close();
    } finally {
      await h.close();
    }
  });
});

describe('SHUTDOWN', () => {
  it('saves with save points, not with NOSAVE; a failed save is an error and the server stays', async () => {
    const dir = tempDir();
    const h = await start(dir, { save: '3600 1', 'enable-protected-configs': 'local' });
    const c = await RawClient.connect(h.port);
    await c.call('SET', 'k', 'v1');
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect(await c.call('CONFIG', 'SET', 'dir', sub)).toBe('OK');
    rmSync(sub, { recursive: true });
    expect(await c.call('SHUTDOWN')).toEqual(new Error('ERR Errors trying to SHUTDOWN. Check logs.'));
    expect(await c.call('GET', 'k')).toBe('v1');
    expect(await c.call('CONFIG', 'SET', 'dir', dir)).toBe('OK');
    c.write('*1\r\n$8\r\nSHUTDOWN\r\n');
    await c.waitClosed();
    await h.close();
    expect(fileDataset(join(dir, 'dump.rdb'))).toEqual([entryString({ db: 0, key: 'k', value: { type: 'string', bytes: 'v1' }, expire: -1 })]);
    const h2 = await start(dir, { save: '3600 1' });
    const d = await RawClient.connect(h2.port);
    expect(await d.call('GET', 'k')).toBe('v1');
    await d.call('SET', 'k', 'v2');
    d.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    await d.waitClosed();
    await h2.close();
    expect(fileDataset(join(dir, 'dump.rdb'))).toEqual([entryString({ db: 0, key: 'k', value: { type: 'string', bytes: 'v1' }, expire: -1 })]);
  });
});

describe('the daemon', () => {
  const BIN = join(root, 'bin', 'mini-redis-server.js');
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const ch of children) if (ch.exitCode === null) ch.kill('SIGKILL');
  });

  async function daemon(dir: string, port: number): Promise<ChildProcess> {
    const child = spawn(process.execPath, [BIN, '--port', String(port), '--dir', dir, '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', () => reject(new Error(`exited:\n${out}`)));
    });
    return child;
  }

  it('kill -9 during a BGSAVE leaves the previous file loadable', async () => {
    if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
    const dir = tempDir();
    const port = await freePort();
    const child = await daemon(dir, port);
    const c = await RawClient.connect(port);
    await c.call('SET', 'good', 'old');
    expect(await c.call('SAVE')).toBe('OK');
    const previous = readFileSync(join(dir, 'dump.rdb'));
    // 200k keys, pipelined.
    for (let b = 0; b < 20; b++) {
      let buf = '';
      for (let i = 0; i < 10_000; i++) {
        const k = `key:${b}:${i}`;
        const v = `value-${i}-${'z'.repeat(i % 60)}`;
        buf += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;
      }
      c.write(buf);
      for (let i = 0; i < 10_000; i++) await c.read();
    }
    expect(await c.call('BGSAVE')).toBe('Background saving started');
    await until(async () => Number(await info(c, 'current_save_keys_processed')) > 0);
    expect(await info(c, 'rdb_bgsave_in_progress')).toBe('1');
    child.kill('SIGKILL');
    await c.waitClosed();
    expect(readFileSync(join(dir, 'dump.rdb')).equals(previous)).toBe(true);
    expect(fileDataset(join(dir, 'dump.rdb'))).toEqual([entryString({ db: 0, key: 'good', value: { type: 'string', bytes: 'old' }, expire: -1 })]);
    // And the daemon starts from it.
    const again = await daemon(dir, port);
    const d = await RawClient.connect(port);
    expect(await d.call('DBSIZE')).toBe(1);
    expect(await d.call('GET', 'good')).toBe('old');
    d.close();
    again.kill('SIGKILL');
  });
});
