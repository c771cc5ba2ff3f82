// The append-only file against crashes, with real processes: the daemon
// (bin/mini-redis-server.js, compiled dist/) killed with SIGKILL under a
// write load and during rewrites, then restarted on the same directory; and
// damaged directories (a truncated file, an unfinished MULTI, a broken
// manifest, a missing file, an old-style single file).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, HAVE_REDIS_SERVER, hasCommand, RawClient } from '../helpers/server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(root, 'bin', 'mini-redis-server.js');

interface Run {
  child: ChildProcess;
  port: number;
  out: () => string;
  exit: Promise<number | null>;
}

const running: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mini-redis-aof-crash-'));
  dirs.push(d);
  return d;
}

function spawnServer(cmd: string, args: string[]): Run & { port: number } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, port: 0, out: () => out, exit };
}

/** The daemon on `dir` with the AOF on; resolves once it accepts connections (or exited). */
async function daemon(dir: string, extra: string[] = []): Promise<Run> {
  // A free port can be taken by a parallel test before the daemon binds it: retry then.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const r = spawnServer(process.execPath, [BIN, '--port', String(port), '--dir', dir, '--appendonly', 'yes', ...extra]);
    r.port = port;
    try {
      await waitFor(r, 'Ready to accept connections');
      return r;
    } catch (e) {
      if (attempt < 3 && r.out().includes('Address already in use')) continue;
      throw e;
    }
  }
}

/** Start the daemon expecting it to refuse: its exit code and output. */
async function refusal(dir: string, extra: string[] = []): Promise<{ code: number | null; out: string }> {
  const port = await freePort();
  const r = spawnServer(process.execPath, [BIN, '--port', String(port), '--dir', dir, '--appendonly', 'yes', ...extra]);
  const code = await r.exit;
  return { code, out: r.out() };
}

function waitFor(r: Run, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => r.out().includes(text);
    if (check()) {
      resolve();
      return;
    }
    const onData = () => {
      if (check()) {
        cleanup();
        resolve();
      }
    };
    const onExit = () => {
      cleanup();
      if (check()) resolve();
      else reject(new Error(`exited before "${text}":\n${r.out()}`));
    };
    const cleanup = () => {
      r.child.stdout!.off('data', onData);
      r.child.stderr!.off('data', onData);
      r.child.off('exit', onExit);
    };
    r.child.stdout!.on('data', onData);
    r.child.stderr!.on('data', onData);
    r.child.once('exit', onExit);
  });
}

async function kill9(r: Run): Promise<void> {
  r.child.kill('SIGKILL');
  await r.exit;
}

async function stop(r: Run): Promise<void> {
  r.child.kill('SIGTERM');
  expect(await r.exit).toBe(0);
}

const aofDir = (dir: string) => join(dir, 'appendonlydir');
const incr = (dir: string, seq = 1) => join(aofDir(dir), `appendonly.aof.${seq}.incr.aof`);

/**
 * Clients INCRing their own counter, one request at a time each, until the
 * server dies: how many INCRs each had acknowledged, and sent.
 */
async function incrLoad(port: number, clients: number, beforeKill: number, kill: () => Promise<void>): Promise<{ acked: number[]; sent: number[]; ms: number }> {
  const acked = new Array<number>(clients).fill(0);
  const sent = new Array<number>(clients).fill(0);
  const conns = await Promise.all(Array.from({ length: clients }, () => RawClient.connect(port)));
  const t0 = Date.now();
  const loops = conns.map(async (c, i) => {
    for (;;) {
      sent[i]!++;
      try {
        const r = await c.call('INCR', `counter:${i}`);
        if (r !== acked[i]! + 1) throw new Error(`unexpected reply ${String(r)}`);
        acked[i]!++;
      } catch {
        return;
      }
    }
  });
  await new Promise((r) => setTimeout(r, beforeKill));
  await kill();
  const ms = Date.now() - t0;
  await Promise.all(loops);
  for (const c of conns) c.close();
  return { acked, sent, ms };
}

async function counters(port: number, n: number): Promise<number[]> {
  const c = await RawClient.connect(port);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number(await c.call('GET', `counter:${i}`)));
  c.close();
  return out;
}

async function info(c: RawClient, field: string): Promise<string> {
  const text = (await c.call('INFO', 'persistence')) as string;
  const m = new RegExp(`^${field}:(.*)\\r$`, 'm').exec(text);
  return m === null ? '' : m[1]!;
}

describe('AOF crash safety (real processes)', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  });

  it('kill -9 under load with appendfsync always loses no acknowledged write', async () => {
    const dir = tempDir();
    const r = await daemon(dir, ['--appendfsync', 'always']);
    const { acked, sent } = await incrLoad(r.port, 4, 700, () => kill9(r));
    expect(acked.every((n) => n > 0)).toBe(true);
    const again = await daemon(dir);
    const got = await counters(again.port, 4);
    for (let i = 0; i < 4; i++) {
      expect(got[i]).toBeGreaterThanOrEqual(acked[i]!);
      expect(got[i]).toBeLessThanOrEqual(sent[i]!);
    }
    await stop(again);
  });

  it('kill -9 under load with appendfsync everysec loses at most ~2 s of writes', async () => {
    const dir = tempDir();
    const r = await daemon(dir, ['--appendfsync', 'everysec']);
    const { acked, sent, ms } = await incrLoad(r.port, 4, 1200, () => kill9(r));
    const again = await daemon(dir);
    const got = await counters(again.port, 4);
    for (let i = 0; i < 4; i++) {
      const perSecond = (acked[i]! * 1000) / ms;
      expect(acked[i]! - got[i]!).toBeLessThanOrEqual(Math.ceil(perSecond * 2));
      expect(got[i]).toBeLessThanOrEqual(sent[i]!);
    }
    await stop(again);
  });

  it('kill -9 at any point of a BGREWRITEAOF leaves files that load, with every acknowledged write', async () => {
    const dir = tempDir();
    let r = await daemon(dir, ['--appendfsync', 'always']);
    const N = 50000;
    let c = await RawClient.connect(r.port);
    for (let i = 0; i < N; i += 1000) {
      const args: string[] = ['MSET'];
      for (let j = i; j < i + 1000; j++) args.push(`key:${j}`, `v${j}`);
      c.write(args.reduce((s, a) => `${s}$${a.length}\r\n${a}\r\n`, `*${args.length}\r\n`));
    }
    for (let i = 0; i < N; i += 1000) expect(await c.read()).toBe('OK');
    let extra = 0;
    // Kill right after the reply, once the cut is being written, and after it finished.
    for (const stage of ['started', 'writing', 'done'] as const) {
      expect(await c.call('BGREWRITEAOF')).toBe('Background append only file rewriting started');
      expect(await c.call('SET', `extra:${extra}`, stage)).toBe('OK');
      extra++;
      if (stage === 'writing') {
        while (Number(await info(c, 'current_save_keys_processed')) === 0 && (await info(c, 'aof_rewrite_in_progress')) === '1') {
          await new Promise((res) => setTimeout(res, 1));
        }
      } else if (stage === 'done') {
        while ((await info(c, 'aof_rewrite_in_progress')) === '1') await new Promise((res) => setTimeout(res, 10));
      }
      expect(await c.call('SET', `extra:${extra}`, stage)).toBe('OK');
      extra++;
      c.close();
      await kill9(r);
      r = await daemon(dir, ['--appendfsync', 'always']);
      c = await RawClient.connect(r.port);
      expect(await c.call('DBSIZE')).toBe(N + extra);
      expect(await c.call('GET', `key:${N - 1}`)).toBe(`v${N - 1}`);
      expect(await c.call('GET', `extra:${extra - 1}`)).toBe(stage);
    }
    c.close();
    await stop(r);
    const manifest = readFileSync(join(aofDir(dir), 'appendonly.aof.manifest'), 'latin1');
    expect(manifest).toMatch(/^file appendonly\.aof\.\d+\.base\.rdb seq \d+ type b\nfile appendonly\.aof\.\d+\.incr\.aof seq \d+ type i\n$/);
    if (hasCommand('redis-check-aof')) {
      const chk = spawnSync('redis-check-aof', [join(aofDir(dir), 'appendonly.aof.manifest')], { encoding: 'latin1' });
      expect(chk.status).toBe(0);
    }
  }, 60000);

  it('a truncated AOF loads with aof-load-truncated yes (cut back) and is refused with no', async () => {
    const dir = tempDir();
    const r = await daemon(dir);
    const c = await RawClient.connect(r.port);
    await c.call('SET', 'a', '1');
    await c.call('SET', 'b', '2');
    c.close();
    await stop(r);
    const good = statSync(incr(dir)).size;
    appendFileSync(incr(dir), '*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1');
    const refused = await refusal(dir, ['--aof-load-truncated', 'no']);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('Unexpected end of file reading the append only file appendonly.aof.1.incr.aof');
    const again = await daemon(dir);
    expect(again.out()).toContain('!!! Truncating the AOF appendonly.aof.1.incr.aof at offset');
    expect(statSync(incr(dir)).size).toBe(good);
    const d = await RawClient.connect(again.port);
    expect(await d.call('MGET', 'a', 'b', 'c')).toEqual(['1', '2', null]);
    d.close();
    await stop(again);
  });

  it('an unfinished MULTI at the end is dropped', async () => {
    const dir = tempDir();
    const r = await daemon(dir);
    const c = await RawClient.connect(r.port);
    await c.call('SET', 'a', '1');
    c.close();
    await stop(r);
    const good = statSync(incr(dir)).size;
    appendFileSync(incr(dir), '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$1\r\n1\r\n');
    const again = await daemon(dir);
    expect(again.out()).toContain('Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof');
    expect(statSync(incr(dir)).size).toBe(good);
    const d = await RawClient.connect(again.port);
    expect(await d.call('MGET', 'a', 'q')).toEqual(['1', null]);
    d.close();
    await stop(again);
  });

  it('a broken manifest or a missing file refuses to start, naming the file', async () => {
    const dir = tempDir();
    const r = await daemon(dir);
    await stop(r);
    const manifest = join(aofDir(dir), 'appendonly.aof.manifest');
    const saved = readFileSync(manifest, 'latin1');
    writeFileSync(manifest, 'this is not a manifest\n');
    const broken = await refusal(dir);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('Invalid AOF manifest file format');
    expect(broken.out).toContain(manifest);
    writeFileSync(manifest, `${saved}file appendonly.aof.7.incr.aof seq 7 type i\n`);
    const missing = await refusal(dir);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('Unable to obtain the AOF file appendonly.aof.7.incr.aof length');
  });

  it('upgrades an old-style appendonly.aof in dir, as Redis 7 does', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'appendonly.aof'), '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n');
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true });
    const r = await daemon(dir);
    expect(r.out()).toContain('Successfully migrated an old-style AOF into the AOF directory');
    const c = await RawClient.connect(r.port);
    expect(await c.call('GET', 'old')).toBe('style');
    c.close();
    await stop(r);
    expect(existsSync(join(dir, 'appendonly.aof'))).toBe(false);
    expect(readdirSync(aofDir(dir)).sort()).toEqual(['appendonly.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
    const ours = readFileSync(join(aofDir(dir), 'appendonly.aof.manifest'), 'latin1');
    expect(ours).toBe('file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    if (HAVE_REDIS_SERVER) {
      const port = await freePort();
      const real = spawnServer('redis-server', ['--port', String(port), '--dir', copy, '--appendonly', 'yes', '--save', '']);
      real.port = port;
      await waitFor(real, 'Ready to accept connections');
      real.child.kill('SIGTERM');
      await real.exit;
      expect(readFileSync(join(aofDir(copy), 'appendonly.aof.manifest'), 'latin1')).toBe(ours);
    }
  });
});
