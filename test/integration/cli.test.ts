// The mini-redis-server command as a user runs it: start-up, config errors,
// port in use, signals. Runs the compiled bin (npm test builds first).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, RawClient } from '../helpers/server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(root, 'bin', 'mini-redis-server.js');

interface Run {
  child: ChildProcess;
  out: () => string;
  exit: Promise<number | null>;
}

const running: ChildProcess[] = [];

function run(args: string[], cwd = root): Run {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => out, exit };
}

/** Resolves once the output contains `text` (or rejects when the process exits first). */
function waitFor(r: Run, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (r.out().includes(text)) {
        resolve();
        return true;
      }
      return false;
    };
    if (check()) return;
    const onData = () => { if (check()) cleanup(); };
    const onExit = () => { cleanup(); if (!check()) reject(new Error(`exited before "${text}":\n${r.out()}`)); };
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

afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('mini-redis-server', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  });

  it('serves, logs readiness like Redis, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const r = run(['--port', String(port), '--dir', dir]);
    await waitFor(r, 'Ready to accept connections tcp');
    expect(r.out()).toMatch(/^\d+:M \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} \* /m);
    const c = await RawClient.connect(port);
    expect(await c.call('PING')).toBe('PONG');
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    await c.waitClosed();
  });

  it('SHUTDOWN answers what came before it, closes clients and exits 0', async () => {
    const port = await freePort();
    const r = run(['--port', String(port), '--dir', mkdtempSync(join(tmpdir(), 'cli-'))]);
    await waitFor(r, 'Ready to accept connections');
    const other = await RawClient.connect(port);
    expect(await other.call('PING')).toBe('PONG');
    const c = await RawClient.connect(port);
    c.write('SET a 1\r\nGET a\r\nSHUTDOWN NOSAVE\r\nGET a\r\n');
    expect(await c.readRaw()).toBe('+OK\r\n');
    expect(await c.readRaw()).toBe('$1\r\n1\r\n');
    await c.waitClosed();
    expect(c.pending()).toBe('');
    await other.waitClosed();
    expect(await r.exit).toBe(0);
    expect(r.out()).toContain('ready to exit, bye bye');
  });

  it('exits 0 on SIGINT', async () => {
    const port = await freePort();
    const r = run(['--port', String(port), '--dir', mkdtempSync(join(tmpdir(), 'cli-'))]);
    await waitFor(r, 'Ready to accept connections');
    r.child.kill('SIGINT');
    expect(await r.exit).toBe(0);
  });

  it('reads a config file, then lets options override it', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const conf = join(dir, 'redis.conf');
    writeFileSync(conf, `port 1\ndir ${dir}\nrequirepass "top secret"\ndatabases 2\n`);
    const r = run([conf, '--port', String(port)]);
    await waitFor(r, 'Ready to accept connections');
    const c = await RawClient.connect(port);
    expect(String(await c.call('PING'))).toContain('NOAUTH Authentication required.');
    expect(await c.call('AUTH', 'top secret')).toBe('OK');
    expect(String(await c.call('SELECT', 2))).toContain('ERR DB index is out of range');
    c.close();
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });

  it.each([
    [['--port', 'abc'], "argument couldn't be parsed into an integer"],
    [['--no-such-thing', '1'], 'Bad directive or wrong number of arguments'],
    [['/no/such/file.conf'], "can't open config file"],
  ])('refuses %j with exit code 1', async (args, message) => {
    const r = run(args);
    expect(await r.exit).toBe(1);
    expect(r.out()).toContain(message);
  });

  it('reports a port in use and exits 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', () => res()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = run(['--port', String(port), '--bind', '127.0.0.1', '--dir', mkdtempSync(join(tmpdir(), 'cli-'))]);
      expect(await r.exit).toBe(1);
      expect(r.out()).toContain('Address already in use');
    } finally {
      blocker.close();
    }
  });

  it('prints its version', async () => {
    const r = run(['--version']);
    expect(await r.exit).toBe(0);
    expect(r.out()).toMatch(/redis_version=7\.0\.15/);
  });
});
