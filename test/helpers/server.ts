// Test harness: start mini-redis in-process on port 0, talk to it over raw
// TCP, and (where redis-server is installed) start a real Redis as an oracle
// for differential tests.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startServer, type ServerHandle, type StartOptions } from '../../src/index.js';
import type { PropagatedOp } from '../../src/engine/context.js';
import type { Server } from '../../src/server.js';
import { ManualClock } from '../../src/keyspace/clock.js';
import { encodeCommand, parseReply, type Reply } from './resp.js';

export { ManualClock };

export interface TestServer extends ServerHandle {
  dir: string;
}

/** A server on a free port, in a temp dir, silent. */
export async function startTestServer(opts: StartOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mini-redis-test-'));
  const h = await startServer({ port: 0, ...opts, config: { dir, ...(opts.config ?? {}) } });
  return {
    ...h,
    dir,
    async close() {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A raw TCP connection that sends bytes and reads whole replies. */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  private waitMore(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  /** Read one complete reply, raw bytes as a latin1 string. */
  async readRaw(): Promise<string> {
    for (;;) {
      const r = this.buf.length > 0 ? parseReply(this.buf) : null;
      if (r !== null) {
        const raw = this.buf.latin1Slice(0, r[1]);
        this.buf = this.buf.subarray(r[1]);
        return raw;
      }
      if (this.closed) throw new Error(`connection closed; pending: ${JSON.stringify(this.buf.latin1Slice())}`);
      await this.waitMore();
    }
  }

  async read(): Promise<Reply> {
    const raw = await this.readRaw();
    return parseReply(Buffer.from(raw, 'latin1'))![0];
  }

  /** Read exactly n bytes. */
  async readBytes(n: number): Promise<string> {
    while (this.buf.length < n) {
      if (this.closed) throw new Error('connection closed');
      await this.waitMore();
    }
    const s = this.buf.latin1Slice(0, n);
    this.buf = this.buf.subarray(n);
    return s;
  }

  /** Send a command as multibulk and return the raw reply. */
  async callRaw(...args: (string | Buffer | number)[]): Promise<string> {
    this.write(encodeCommand(args));
    return this.readRaw();
  }

  async call(...args: (string | Buffer | number)[]): Promise<Reply> {
    this.write(encodeCommand(args));
    return this.read();
  }

  /** Resolves when the server closes the connection. */
  async waitClosed(): Promise<void> {
    while (!this.closed) await this.waitMore();
  }

  /** Whatever bytes arrived and were not read yet. */
  pending(): string {
    return this.buf.latin1Slice();
  }

  close(): void {
    this.socket.destroy();
  }
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export const HAVE_REDIS_SERVER = hasCommand('redis-server');
export const HAVE_REDIS_CLI = hasCommand('redis-cli');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A real redis-server on a free port with persistence off: the oracle. */
/** A real redis-server started for a test. */
export interface RealRedisServer {
  port: number;
  close(): Promise<void>;
}

export async function startRealRedis(extraArgs: string[] = []): Promise<RealRedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'real-redis-'));
  const child: ChildProcess = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--logfile', '', '--loglevel', 'notice', ...extraArgs,
  ], { stdio: ['ignore', 'pipe', 'ignore'] });
  // Ready when Redis logs so (whatever its options, e.g. requirepass); no polling.
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${out}`));
    });
  });
  return {
    port,
    async close() {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Differential testing: run the same commands against mini-redis and real
 * Redis on fresh connections and return both raw reply lists.
 */
export async function differential(
  ourPort: number, redisPort: number, commands: readonly (string | number)[][],
): Promise<{ ours: string[]; theirs: string[] }> {
  const a = await RawClient.connect(ourPort);
  const b = await RawClient.connect(redisPort);
  const ours: string[] = [];
  const theirs: string[] = [];
  try {
    for (const cmd of commands) {
      ours.push(await a.callRaw(...cmd));
      theirs.push(await b.callRaw(...cmd));
    }
  } finally {
    a.close();
    b.close();
  }
  return { ours, theirs };
}

/**
 * Assert that mini-redis and real Redis give the same raw reply to each
 * command, naming the command in a failure. HELLO's reply holds the
 * connection id, which differs, so it is not compared.
 */
export async function expectSameReplies(
  ourPort: number, redisPort: number, commands: readonly (string | number)[][],
): Promise<void> {
  const { ours, theirs } = await differential(ourPort, redisPort, commands);
  const shown = (replies: string[]) => commands.map((c, i) => [
    c.join(' ').slice(0, 140),
    String(c[0]).toUpperCase() === 'HELLO' ? '' : replies[i],
  ]);
  expect(shown(ours)).toEqual(shown(theirs));
}

/**
 * Record what a server propagates (what the AOF and replicas receive): each
 * unit as handed to the listeners, and every operation's argv in order with
 * its database, MULTI/EXEC included.
 */
export function recordPropagation(server: Server): {
  units: PropagatedOp[][];
  ops: string[][];
  dbs: number[];
  stop(): void;
} {
  const rec = { units: [] as PropagatedOp[][], ops: [] as string[][], dbs: [] as number[], stop: () => {} };
  const l = (ops: readonly PropagatedOp[]) => {
    rec.units.push([...ops]);
    for (const op of ops) {
      rec.ops.push([...op.argv]);
      rec.dbs.push(op.db);
    }
  };
  server.dispatcher.propagationListeners.push(l);
  rec.stop = () => {
    const ls = server.dispatcher.propagationListeners;
    const i = ls.indexOf(l);
    if (i >= 0) ls.splice(i, 1);
  };
  return rec;
}

/**
 * For a describe block that compares with Redis: a mini-redis and a real
 * Redis started before its tests and closed after them; `use` receives both.
 */
export function withServerPair(use: (srv: TestServer, real: RealRedisServer) => void, opts: StartOptions = {}): void {
  let srv: TestServer | undefined;
  let real: RealRedisServer | undefined;
  beforeAll(async () => {
    srv = await startTestServer(opts);
    real = await startRealRedis();
    use(srv, real);
  });
  afterAll(async () => {
    await srv?.close();
    await real?.close();
  });
}
