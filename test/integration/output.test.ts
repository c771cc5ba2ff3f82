// Per-client output: client-output-buffer-limit (CONFIG against real Redis,
// the hard and soft limits closing a client that does not read), the
// back-pressure that stops running a non-reading client's requests, CLIENT
// LIST's omem/oll/tot-mem, and replies delivered to a client other than the
// one running (a test-only blocking command on the blocking subsystem).

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client.js';
import type { Server } from '../../src/server.js';
import {
  HAVE_REDIS_SERVER, ManualClock, RawClient, expectSameReplies, recordPropagation, startRealRedis, startTestServer,
  type TestServer,
} from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping client-output-buffer-limit differential tests: redis-server not installed');

const MB = 1024 * 1024;
/** Keys loaded for the big-reply tests: KEYS * answers 6.5 MB. */
const NKEYS = 500_000;
const KEYS_STAR = encodeCommand(['KEYS', '*']).latin1Slice();

/** Several commands as one pipelined write. */
function commands(...cmds: string[][]): Buffer {
  return Buffer.concat(cmds.map((c) => encodeCommand(c)));
}

/** Poll `cond` with short awaits (for server state no event reports). */
async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Peak rss and heapUsed while it runs, sampled between event-loop turns. */
function memorySampler(): { peak: () => { rss: number; heap: number }; stop: () => void } {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  sample();
  const t = setInterval(sample, 5);
  return {
    peak: () => {
      sample();
      return { rss, heap };
    },
    stop: () => clearInterval(t),
  };
}

/**
 * A raw connection that does not read: paused from the start, so Node takes
 * at most its stream high-water mark from the kernel and the server's
 * output backs up.
 */
function connectPaused(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => {
      s.off('error', reject);
      s.on('error', () => {});
      resolve(s);
    });
    s.pause();
    s.once('error', reject);
  });
}

function closedPromise(s: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (s.destroyed) resolve();
    else s.once('close', () => resolve());
  });
}

/** The server's Client for one of our sockets (once accepted). */
async function serverSide(server: Server, s: net.Socket): Promise<Client> {
  const addr = `127.0.0.1:${s.localPort}`;
  let found: Client | undefined;
  await waitFor(() => {
    for (const c of server.clients.values()) if (c.addr === addr) found = c;
    return found !== undefined;
  }, `the server to accept ${addr}`);
  return found!;
}

/** CLIENT LIST (a verbatim/bulk string) as one record of fields per client id. */
function clientList(text: string): Map<number, Record<string, string>> {
  const out = new Map<number, Record<string, string>>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const f: Record<string, string> = {};
    for (const kv of line.split(' ')) {
      const i = kv.indexOf('=');
      f[kv.slice(0, i)] = kv.slice(i + 1);
    }
    out.set(Number(f.id), f);
  }
  return out;
}

/** Capture the server's warnings while `body` runs. */
function captureWarnings(server: Server): { lines: string[]; restore: () => void } {
  const log = server.log;
  const orig = log.warning;
  const lines: string[] = [];
  log.warning = (msg: string): void => {
    lines.push(msg);
  };
  return { lines, restore: () => { log.warning = orig; } };
}

// ---- 1. CONFIG ------------------------------------------------------------

describe.skipIf(!HAVE_REDIS_SERVER)('client-output-buffer-limit CONFIG vs real Redis', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => {
    [srv, real] = await Promise.all([startTestServer(), startRealRedis()]);
  });
  afterAll(async () => {
    await Promise.all([srv.close(), real.close()]);
  });

  const GET = ['CONFIG', 'GET', 'client-output-buffer-limit'];
  const set = (v: string) => ['CONFIG', 'SET', 'client-output-buffer-limit', v];

  // Redis applies a normal-class limit to the connection running the test
  // too: normal limits set here stay far above any reply.
  const DEFAULT = 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60';

  it('CONFIG GET and SET: default, one class, units, replica/slave, several classes', async () => {
    await expectSameReplies(srv.port, real.port, [
      GET, ['CONFIG', 'GET', 'client-output-*'],
      set('pubsub 1mb 512kb 10'), GET,
      set('normal 1000k 2048kb 3'), GET,
      set('normal 1m 2g 0'), GET,
      set('normal 1MB 2Gb 0'), GET,
      set('replica 1gb 1g 0'), GET,
      set('slave 10 20 30'), GET,
      set('Replica 11 21 31'), GET,
      set('NORMAL 100mb 200mb 3 Pubsub 4mb 5MB 6 replica 7 8 9'), GET,
      set('normal 100mb 200mb 3 normal 400mb 500mb 6'), GET,
      set('pubsub 0 0 0 slave 0 0 0'), GET,
      set(DEFAULT), GET,
    ]);
  });

  it('CONFIG SET errors leave the value as it was', async () => {
    await expectSameReplies(srv.port, real.port, [
      set(DEFAULT), set('normal 1mb 512kb 5'), GET,
      // wrong number of words
      set('normal'), set('normal 1 2'), set('normal 1 2 3 4 5'), set('normal 1 2 3 pubsub 4 5'),
      // classes
      set('foo 1 2 3'), set('master 1 2 3'), set('normal 1 2 3 bad 1 2 3'), set('replicas 1 2 3'),
      // sizes and seconds
      set('normal x 2 3'), set('normal 1 y 3'), set('normal 1 2 z'), set('normal 1.5 2 3'), set('normal 1mbx 2 3'),
      set('normal 1 2 1.5'), set('normal 1 2 1k'), set('normal -1 2 3'), set('normal 1 -2 3'), set('normal 1 2 -1'),
      set('normal 0x10 2 3'), set('normal 1 2 3 pubsub x 0 0'),
      GET,
      // several parameters: all or nothing
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 7 8 9', 'hz', 'x'], GET,
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 7 8 9', 'client-output-buffer-limit', 'slave 1 2 3'], GET,
      ['CONFIG', 'SET', 'hz', '11', 'client-output-buffer-limit', 'master 1 2 3'], ['CONFIG', 'GET', 'hz'], GET,
      set(DEFAULT), GET,
    ]);
  });

  it('CONFIG SET with an empty value or stray spaces', async () => {
    await expectSameReplies(srv.port, real.port, [
      set(DEFAULT),
      set(''), GET,
      set('pubsub  4 5 6'), GET,
      set(' pubsub 4 5 6'), GET,
      set('pubsub 4 5 6 '), GET,
      set(DEFAULT),
    ]);
  });
});

// ---- 2-4. limits, back-pressure, CLIENT LIST -----------------------------

describe('output limits and back-pressure with 500,000 keys', () => {
  let srv: TestServer;
  let other: RawClient;
  /** KEYS * as the server sends it, for byte-exact checks. */
  let keysReply: Buffer;
  const opened: net.Socket[] = [];

  beforeAll(async () => {
    srv = await startTestServer({ config: { 'client-output-buffer-limit': 'normal 4mb 2mb 10' } });
    const db = srv.server.keyspace.dbs[0]!;
    for (let i = 0; i < NKEYS; i++) db.set(`k${String(i).padStart(6, '0')}`, 'v');
    // KEYS lists the keys in insertion order; no client may read it here
    // (4 MB hard limit).
    const parts = [`*${NKEYS}\r\n`];
    for (let i = 0; i < NKEYS; i++) parts.push(`$7\r\nk${String(i).padStart(6, '0')}\r\n`);
    keysReply = Buffer.from(parts.join(''), 'latin1');
    other = await RawClient.connect(srv.port);
  });
  afterAll(async () => {
    for (const s of opened) s.destroy();
    other.close();
    await srv.close();
  });

  async function hog(): Promise<net.Socket> {
    const s = await connectPaused(srv.port);
    opened.push(s);
    return s;
  }

  async function otherIsServed(): Promise<void> {
    expect(await other.callRaw('PING')).toBe('+PONG\r\n');
    expect(await other.callRaw('GET', 'k000123')).toBe('$1\r\nv\r\n');
  }

  it('a client that never reads is closed at the hard limit while another is served', async () => {
    const server = srv.server;
    const warnings = captureWarnings(server);
    const mem = memorySampler();
    try {
      const base = process.memoryUsage();
      const before = server.stats.outputLimitDisconnections;
      const callsBefore = server.table.lookup('keys')!.stats.calls;
      const s = await hog();
      const c = await serverSide(server, s);
      const port = s.localPort;
      const closed = closedPromise(s);
      s.write(KEYS_STAR.repeat(50));
      // Served meanwhile, in the same turns as the hog's requests.
      const until = Date.now() + 10_000;
      while (!c.closed && Date.now() < until) await otherIsServed();
      expect(c.closed).toBe(true);
      // The peer sees the connection go once it looks.
      s.resume();
      await closed;
      for (let i = 0; i < 3; i++) await otherIsServed();

      expect(server.stats.outputLimitDisconnections).toBe(before + 1);
      expect(server.clients.has(c.id)).toBe(false);
      const hits = warnings.lines.filter((l) => l.includes('scheduled to be closed ASAP for overcoming of output buffer limits.'));
      expect(hits).toHaveLength(1);
      expect(hits[0]).toMatch(new RegExp(`^Client id=${c.id} addr=127\\.0\\.0\\.1:${port} .* omem=\\d+ `));
      // Closed at the first reply past 4 MB: nothing like 50 replies of 6.5 MB queued.
      expect(server.table.lookup('keys')!.stats.calls - callsBefore).toBeLessThanOrEqual(2);
      const peak = mem.peak();
      expect(peak.rss - base.rss).toBeLessThan(200 * MB);
      expect(peak.heap - base.heapUsed).toBeLessThan(200 * MB);
    } finally {
      mem.stop();
      warnings.restore();
    }
  });

  it('the soft limit closes a client over it for longer than its seconds', async () => {
    const server = srv.server;
    expect(await other.callRaw('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 1mb 1')).toBe('+OK\r\n');
    const warnings = captureWarnings(server);
    try {
      const before = server.stats.outputLimitDisconnections;
      const s = await hog();
      const c = await serverSide(server, s);
      const closed = closedPromise(s);
      const start = Date.now();
      s.write(KEYS_STAR.repeat(5));
      // Over the soft limit, but not closed at once.
      await waitFor(() => c.softLimitSince !== 0 || c.closed, 'the soft limit to be reached');
      expect(c.closed).toBe(false);
      await otherIsServed();
      await waitFor(() => c.closed, 'the soft limit to close the client', 5000);
      expect(Date.now() - start).toBeGreaterThanOrEqual(900);
      expect(server.stats.outputLimitDisconnections).toBe(before + 1);
      expect(warnings.lines.filter((l) => l.includes('for overcoming of output buffer limits.'))).toHaveLength(1);
      // The peer sees the connection go once it looks (it has unread bytes queued).
      s.resume();
      await closed;
      await otherIsServed();
    } finally {
      warnings.restore();
      await other.callRaw('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
    }
  });

  it('CLIENT LIST shows the unsent output of a client that does not read (omem, oll, tot-mem)', async () => {
    const server = srv.server;
    expect(await other.callRaw('CONFIG', 'GET', 'client-output-buffer-limit')).toContain('normal 0 0 0 ');
    const idle = await RawClient.connect(srv.port);
    try {
      expect(await idle.callRaw('PING')).toBe('+PONG\r\n');
      const idleId = Number(await idle.call('CLIENT', 'ID'));
      const s = await hog();
      const c = await serverSide(server, s);
      s.write(KEYS_STAR);
      await waitFor(() => c.outputBytes > 0 && c.outQueued === 0, 'the reply to reach the socket');
      const list = clientList(String(await other.call('CLIENT', 'LIST')));
      const line = list.get(c.id)!;
      expect(line).toBeDefined();
      const omem = Number(line.omem);
      expect(omem).toBeGreaterThan(0);
      expect(omem).toBeLessThanOrEqual(keysReply.length);
      expect(omem).toBe(c.outputBytes);
      expect(Number(line.oll)).toBeGreaterThanOrEqual(1);
      expect(Number(line['tot-mem'])).toBeGreaterThanOrEqual(omem);
      expect(line.events).toContain('w');
      const idleLine = list.get(idleId)!;
      expect(idleLine.omem).toBe('0');
      expect(idleLine.oll).toBe('0');
      expect(idleLine.events).toBe('r');
      s.destroy();
    } finally {
      idle.close();
    }
  });

  it('back-pressure: a client asking for 50 replies of 6.5 MB without reading holds ~1 MB, then gets them all', async () => {
    const server = srv.server;
    const keysCmd = server.table.lookup('keys')!;
    // 50, not 200: one KEYS * of 500,000 keys costs the server ~100 ms here,
    // and 50 queued replies (325 MB) are already far past the bound below.
    const N = 50;
    const mem = memorySampler();
    try {
      const base = process.memoryUsage();
      const s = await hog();
      const c = await serverSide(server, s);
      const callsBefore = keysCmd.stats.calls;
      s.write(KEYS_STAR.repeat(N));
      // The server stops running its requests once its output backs up.
      await waitFor(() => c.paused, 'the client to be paused');
      let last = -1;
      let stable = 0;
      await waitFor(() => {
        const now = c.outputBytes;
        stable = now === last && c.paused ? stable + 1 : 0;
        last = now;
        return stable >= 5;
      }, 'the output to stop changing');
      const ran = keysCmd.stats.calls - callsBefore;
      expect(ran).toBeGreaterThanOrEqual(1);
      expect(ran).toBeLessThan(10);
      expect(c.outQueued).toBe(0);
      // Other clients are served meanwhile.
      await otherIsServed();
      const peak = mem.peak();
      expect(peak.rss - base.rss).toBeLessThan(150 * MB);
      expect(peak.heap - base.heapUsed).toBeLessThan(150 * MB);

      // Reading now: every reply arrives, complete, byte for byte, in order.
      let count = 0;
      let off = 0;
      let mismatch: string | null = null;
      let rest = Buffer.alloc(0);
      const all = new Promise<void>((resolve, reject) => {
        s.on('data', (chunk: Buffer) => {
          let i = 0;
          while (i < chunk.length) {
            if (count === N) {
              rest = Buffer.concat([rest, chunk.subarray(i)]);
              if (rest.length > 64) reject(new Error(`unexpected bytes after ${N} replies`));
              return;
            }
            const n = Math.min(chunk.length - i, keysReply.length - off);
            if (mismatch === null && !chunk.subarray(i, i + n).equals(keysReply.subarray(off, off + n))) {
              mismatch = `reply ${count} differs at byte ${off}`;
              reject(new Error(mismatch));
            }
            i += n;
            off += n;
            if (off === keysReply.length) {
              off = 0;
              count++;
              if (count === N) resolve();
            }
          }
        });
        s.once('close', () => reject(new Error(`closed after ${count} replies`)));
      });
      s.resume();
      // Other clients are served while it reads, too.
      let reading = true;
      const serving = (async () => {
        while (reading) await otherIsServed();
      })();
      try {
        await all;
      } finally {
        reading = false;
        await serving;
      }
      expect(mismatch).toBeNull();
      expect(keysCmd.stats.calls - callsBefore).toBe(N);
      // Still usable. (This listener runs after the one above, which
      // collects the bytes after the last reply in `rest`.)
      const pong = new Promise<string>((resolve) => {
        const onData = () => {
          if (rest.length >= 7) {
            s.off('data', onData);
            resolve(rest.latin1Slice());
          }
        };
        s.on('data', onData);
      });
      s.write(encodeCommand(['PING']));
      expect(await pong).toBe('+PONG\r\n');
      expect(c.paused).toBe(false);
      await otherIsServed();
    } finally {
      mem.stop();
    }
  });
});

// ---- 5. replies to a client other than the one running ---------------------

/** TESTPOP key timeout-ms: GET-and-DEL a string key, or block until one is set. */
function addTestPop(server: Server): void {
  server.table.add([{
    name: 'testpop', arity: 3, flags: ['write'], keys: { first: 1, last: 1, step: 1 },
    syntax: 'TESTPOP key timeout',
    handler(c, argv) {
      const key = argv[1]!;
      const ms = Number(argv[2]);
      const db = c.db;
      const v = db.lookupWrite(key);
      if (v !== undefined) {
        c.w.bulk(String(v));
        db.delete(key);
        db.changed(key, 'del');
        c.ctx.propagateAs(['DEL', key]);
        return;
      }
      c.server.blocking.block({
        client: c,
        db,
        keys: [key],
        timeout: ms > 0 ? c.server.keyspace.now() + ms : 0,
        serve(k) {
          const val = db.lookupWrite(k);
          if (val === undefined) return false;
          c.w.bulk(String(val));
          db.delete(k);
          db.changed(k, 'del');
          c.ctx.alsoPropagate(db.id, ['DEL', k]);
          return true;
        },
        timedOut() {
          c.w.nullBulk();
        },
      });
    },
  }]);
}

describe('replies delivered through the blocking subsystem', () => {
  let srv: TestServer;
  let b: RawClient;
  const clients: RawClient[] = [];
  beforeAll(async () => {
    srv = await startTestServer();
    addTestPop(srv.server);
    b = await RawClient.connect(srv.port);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    b.close();
    await srv.close();
  });

  async function connect(): Promise<RawClient> {
    const c = await RawClient.connect(srv.port);
    clients.push(c);
    return c;
  }

  const blocked = () => srv.server.blocking.blockedClients;

  it('an available value is served at once and replayed as DEL', async () => {
    const a = await connect();
    const rec = recordPropagation(srv.server);
    try {
      expect(await b.callRaw('SET', 'now', 'here')).toBe('+OK\r\n');
      expect(await a.callRaw('TESTPOP', 'now', '0')).toBe('$4\r\nhere\r\n');
      expect(await a.callRaw('EXISTS', 'now')).toBe(':0\r\n');
      expect(rec.ops).toEqual([['SET', 'now', 'here'], ['DEL', 'now']]);
    } finally {
      rec.stop();
    }
  });

  it('a blocked client gets its reply when another client sets the key, before its pipelined requests', async () => {
    const a = await connect();
    const aId = Number(await a.call('CLIENT', 'ID'));
    a.write(commands(['TESTPOP', 'k', '0'], ['PING']));
    await waitFor(() => blocked() === 1, 'A to block');
    // A round trip on B: A still has nothing.
    expect(await b.callRaw('PING')).toBe('+PONG\r\n');
    expect(a.pending()).toBe('');

    // INFO and CLIENT LIST see it blocked.
    const info = String(await b.call('INFO', 'clients'));
    expect(info).toMatch(/\r\nblocked_clients:1\r\n/);
    const list = clientList(String(await b.call('CLIENT', 'LIST')));
    expect(list.get(aId)!.flags).toContain('b');
    expect(list.get(aId)!.cmd).toBe('testpop');
    const bId = Number(await b.call('CLIENT', 'ID'));
    expect(list.get(bId)!.flags).not.toContain('b');

    const rec = recordPropagation(srv.server);
    try {
      expect(await b.callRaw('SET', 'k', 'hello')).toBe('+OK\r\n');
      expect(await a.readBytes('$5\r\nhello\r\n+PONG\r\n'.length)).toBe('$5\r\nhello\r\n+PONG\r\n');
      expect(rec.units).toHaveLength(1);
      expect(rec.units[0]!.map((op) => [...op.argv])).toEqual([['MULTI'], ['SET', 'k', 'hello'], ['DEL', 'k'], ['EXEC']]);
      expect(rec.units[0]!.map((op) => op.db)).toEqual([0, 0, 0, 0]);
    } finally {
      rec.stop();
    }
    expect(blocked()).toBe(0);
    expect(await b.callRaw('EXISTS', 'k')).toBe(':0\r\n');
    expect(String(await b.call('INFO', 'clients'))).toMatch(/\r\nblocked_clients:0\r\n/);
    expect(clientList(String(await b.call('CLIENT', 'LIST'))).get(aId)!.flags).not.toContain('b');
    expect(await a.callRaw('PING')).toBe('+PONG\r\n');
  });

  it('clients blocked on one key are served first blocked, first served', async () => {
    const waiters: RawClient[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await connect();
      c.write(encodeCommand(['TESTPOP', 'fifo', '0']));
      await waitFor(() => blocked() === i + 1, `waiter ${i} to block`);
      waiters.push(c);
    }
    b.write(commands(['SET', 'fifo', 'v1'], ['SET', 'fifo', 'v2'], ['SET', 'fifo', 'v3']));
    for (let i = 0; i < 3; i++) expect(await b.readRaw()).toBe('+OK\r\n');
    expect(await Promise.all(waiters.map((c) => c.readRaw()))).toEqual(['$2\r\nv1\r\n', '$2\r\nv2\r\n', '$2\r\nv3\r\n']);
    expect(blocked()).toBe(0);
    expect(await b.callRaw('EXISTS', 'fifo')).toBe(':0\r\n');
  });

  it('a client that disconnects while blocked leaves nothing behind', async () => {
    const warnings = captureWarnings(srv.server);
    try {
      const d = await connect();
      const dId = Number(await d.call('CLIENT', 'ID'));
      d.write(encodeCommand(['TESTPOP', 'gone', '0']));
      await waitFor(() => blocked() === 1, 'D to block');
      d.close();
      await waitFor(() => blocked() === 0 && !srv.server.clients.has(dId), 'D to be gone');
      expect(String(await b.call('INFO', 'clients'))).toMatch(/\r\nblocked_clients:0\r\n/);
      expect(await b.callRaw('SET', 'gone', 'x')).toBe('+OK\r\n');
      expect(await b.callRaw('GET', 'gone')).toBe('$1\r\nx\r\n');
      expect(await b.callRaw('DEL', 'gone')).toBe(':1\r\n');
      expect(warnings.lines).toEqual([]);
    } finally {
      warnings.restore();
    }
  });
});

describe('blocking timeouts under a test clock', () => {
  let srv: TestServer;
  const clock = new ManualClock();
  beforeAll(async () => {
    srv = await startTestServer({ clock });
    addTestPop(srv.server);
  });
  afterAll(async () => {
    await srv.close();
  });

  it('TESTPOP k 100 answers a null once the clock has moved 100 ms and the cron ran', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    try {
      expect(await b.callRaw('CONFIG', 'SET', 'hz', '100')).toBe('+OK\r\n');
      a.write(commands(['TESTPOP', 't', '100'], ['PING']));
      await waitFor(() => srv.server.blocking.blockedClients === 1, 'A to block');
      clock.advance(99);
      expect(await b.callRaw('PING')).toBe('+PONG\r\n');
      expect(a.pending()).toBe('');
      expect(srv.server.blocking.blockedClients).toBe(1);
      clock.advance(1);
      expect(await a.readBytes('$-1\r\n+PONG\r\n'.length)).toBe('$-1\r\n+PONG\r\n');
      expect(srv.server.blocking.blockedClients).toBe(0);
      // Nothing left waiting: a later SET stays.
      expect(await b.callRaw('SET', 't', 'later')).toBe('+OK\r\n');
      expect(await b.callRaw('GET', 't')).toBe('$5\r\nlater\r\n');
      expect(a.pending()).toBe('');
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('one event-loop turn', () => {
  let srv: TestServer;
  beforeAll(async () => { srv = await startTestServer(); });
  afterAll(async () => { await srv.close(); });

  it('runs the before-write hooks (the AOF\'s write and fsync) before any reply of the turn leaves', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    expect(await a.call('PING')).toBe('PONG');
    expect(await b.call('PING')).toBe('PONG');
    const log: string[] = [];
    const socks = [...srv.server.clients.values()].map((c) => c.socket!);
    const origs = socks.map((s) => s.write.bind(s));
    socks.forEach((s, i) => {
      s.write = ((...args: Parameters<typeof s.write>) => {
        log.push(`write ${i}`);
        return origs[i]!(...args);
      }) as typeof s.write;
    });
    const clients = [...srv.server.clients.values()];
    // The hook sees each reply of the turn queued and not yet written.
    const hook = () => {
      clients.forEach((c, i) => { if (c.outQueued > 0) log.push(`hook saw ${i}`); });
    };
    srv.server.beforeWriteHooks.push(hook);
    try {
      // Both clients' requests arrive before the turn ends more often than
      // not; either way every write of a turn follows that turn's hook.
      a.write(encodeCommand(['SET', 'k', 'v']));
      b.write(encodeCommand(['GET', 'k']));
      expect(await a.readRaw()).toBe('+OK\r\n');
      expect(await b.readRaw()).toMatch(/^(\$1\r\nv|\$-1)\r\n$/);
    } finally {
      srv.server.beforeWriteHooks.splice(srv.server.beforeWriteHooks.indexOf(hook), 1);
      socks.forEach((s, i) => { s.write = origs[i]!; });
      a.close();
      b.close();
    }
    // Every write of a client's reply was preceded by a hook that saw it queued.
    const writes = log.filter((e) => e.startsWith('write'));
    for (const [n, e] of log.entries()) {
      if (!e.startsWith('write')) continue;
      const i = e.slice(6);
      expect(log.slice(0, n).lastIndexOf(`hook saw ${i}`), e).toBeGreaterThan(log.slice(0, n).lastIndexOf(`write ${i}`));
    }
    expect(writes.length).toBe(2);
  });
});

describe('output added to a client that is not running', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ config: { 'client-output-buffer-limit': 'normal 64kb 0 0' } });
  });
  afterAll(async () => { await srv.close(); });

  it('is held to the limit as it grows, before the turn writes it', async () => {
    const r = await RawClient.connect(srv.port);
    expect(await r.call('PING')).toBe('PONG');
    const target = [...srv.server.clients.values()].pop()!;
    const warnings: string[] = [];
    const orig = srv.server.log.warning.bind(srv.server.log);
    srv.server.log.warning = (m: string) => { warnings.push(m); };
    const before = srv.server.stats.outputLimitDisconnections;
    try {
      // As a publisher's messages or a served blocked client's reply would:
      // written from outside the client's own requests, in one go.
      const chunk = 'x'.repeat(40_000);
      for (let i = 0; i < 4 && !target.closed; i++) target.w.bulk(chunk);
      expect(target.closed).toBe(true);
      // What it still holds is at most the message written as it closed.
      expect(target.own!.len).toBeLessThanOrEqual(chunk.length + 16);
      expect(target.outQueued).toBe(0);
    } finally {
      srv.server.log.warning = orig;
    }
    expect(srv.server.stats.outputLimitDisconnections - before).toBe(1);
    expect(warnings.some((w) => w.endsWith('scheduled to be closed ASAP for overcoming of output buffer limits.'))).toBe(true);
    await r.waitClosed();
  });
});
