// Blocking list pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) and CLIENT
// UNBLOCK: scenarios with several connections, run on mini-redis and on real
// Redis with the raw replies compared; timeouts; disconnects; a job queue;
// and what is propagated for pops served at once and served later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HAVE_REDIS_SERVER, ManualClock, RawClient, recordPropagation, startRealRedis, startTestServer, type TestServer,
} from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping blocking differential tests: redis-server not installed');

type Arg = string | number;

/** Wait until the server counts `n` blocked clients. */
async function waitBlocked(ctl: RawClient, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const info = String(await ctl.call('INFO', 'clients'));
    if (info.includes(`blocked_clients:${n}\r\n`)) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`never ${n} blocked clients`);
}

/** Send a command without reading its reply. */
function send(c: RawClient, ...args: Arg[]): void {
  c.write(encodeCommand(args));
}

/**
 * Scenarios: each gets a port and returns the raw replies it saw, in an
 * order that does not depend on timing; run on both servers and compared.
 */
type Scenario = (port: number) => Promise<string[]>;

async function withClients<T>(port: number, n: number, body: (cs: RawClient[]) => Promise<T>): Promise<T> {
  const cs: RawClient[] = [];
  for (let i = 0; i < n; i++) cs.push(await RawClient.connect(port));
  try {
    await cs[0]!.call('FLUSHALL');
    return await body(cs);
  } finally {
    for (const c of cs) c.close();
  }
}

const scenarios: Record<string, Scenario> = {
  'each blocking pop is served by a later push': (port) => withClients(port, 2, async ([ctl, w]) => {
    const out: string[] = [];
    const cases: [Arg[], Arg[]][] = [
      [['BLPOP', 'a', 'b', 0], ['RPUSH', 'b', 'x', 'y']],
      [['BRPOP', 'c', 5], ['RPUSH', 'c', 'x', 'y', 'z']],
      [['BLMOVE', 'd', 'e', 'RIGHT', 'LEFT', 0], ['RPUSH', 'd', 1, 2]],
      [['BRPOPLPUSH', 'f', 'e', 0], ['LPUSH', 'f', 3, 4]],
      [['BLMPOP', 0, 2, 'g', 'h', 'RIGHT', 'COUNT', 2], ['RPUSH', 'h', 1, 2, 3]],
      [['BLMPOP', 0, 1, 'i', 'LEFT', 'COUNT', 5], ['RPUSH', 'i', 1, 2]],
      [['BLPOP', 'j', 0], ['RPUSH', 'j', 'only']],
    ];
    for (const [block, push] of cases) {
      send(w!, ...block);
      await waitBlocked(ctl!, 1);
      out.push(await ctl!.callRaw(...push));
      out.push(await w!.readRaw());
    }
    for (const k of ['b', 'c', 'd', 'e', 'f', 'h', 'i', 'j']) out.push(await ctl!.callRaw('LRANGE', k, 0, -1));
    out.push(await ctl!.callRaw('EXISTS', 'j'));
    return out;
  }),

  'waiters are served first blocked, first served; one push serves several': (port) => withClients(port, 5, async ([ctl, ...ws]) => {
    const out: string[] = [];
    for (const [i, w] of ws.entries()) {
      send(w, i % 2 === 0 ? 'BLPOP' : 'BRPOP', 'q', 0);
      await waitBlocked(ctl!, i + 1);
    }
    out.push(await ctl!.callRaw('RPUSH', 'q', 'a', 'b', 'c'));
    for (const w of ws.slice(0, 3)) out.push(await w.readRaw());
    out.push(await ctl!.callRaw('INFO', 'clients').then((s) => /blocked_clients:\d+/.exec(s)![0]));
    out.push(await ctl!.callRaw('LPUSH', 'q', 'd'));
    out.push(await ws[3]!.readRaw());
    out.push(await ctl!.callRaw('EXISTS', 'q'));
    return out;
  }),

  'a client blocked on several keys is served by the first that fills, once': (port) => withClients(port, 3, async ([ctl, w1, w2]) => {
    const out: string[] = [];
    send(w1!, 'BLPOP', 'k1', 'k2', 'k3', 0);
    await waitBlocked(ctl!, 1);
    send(w2!, 'BLPOP', 'k3', 'k2', 0);
    await waitBlocked(ctl!, 2);
    out.push(await ctl!.callRaw('RPUSH', 'k2', 'x'));
    out.push(await w1!.readRaw());
    out.push(await ctl!.callRaw('RPUSH', 'k3', 'y'));
    out.push(await w2!.readRaw());
    out.push(await ctl!.callRaw('DBSIZE'));
    return out;
  }),

  'keys filled by LMOVE, RENAME and a pipeline resume in order': (port) => withClients(port, 3, async ([ctl, w1, w2]) => {
    const out: string[] = [];
    // The blocked client's pipelined PING waits for its BLPOP.
    w1!.write(Buffer.concat([encodeCommand(['BLPOP', 'dst', 0]), encodeCommand(['PING', 'after'])]));
    await waitBlocked(ctl!, 1);
    send(w2!, 'BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', 0);
    await waitBlocked(ctl!, 2);
    out.push(await ctl!.callRaw('RPUSH', 'tmp', 'v1', 'v2'));
    out.push(await ctl!.callRaw('RENAME', 'tmp', 'src'));
    // w2 moves v1 into dst, which serves w1 in the same unit.
    out.push(await w2!.readRaw());
    out.push(await w1!.readRaw());
    out.push(await w1!.readRaw());
    out.push(await ctl!.callRaw('LRANGE', 'src', 0, -1));
    out.push(await ctl!.callRaw('EXISTS', 'dst'));
    return out;
  }),

  'a key of another type keeps them waiting; BLMOVE onto a string fails when served': (port) => withClients(port, 3, async ([ctl, w1, w2]) => {
    const out: string[] = [];
    send(w1!, 'BLPOP', 'k', 0);
    await waitBlocked(ctl!, 1);
    out.push(await ctl!.callRaw('SET', 'k', 'str'));
    out.push(await ctl!.callRaw('DEL', 'k'));
    out.push(await ctl!.callRaw('SET', 'd', 'str'));
    send(w2!, 'BLMOVE', 'k2', 'd', 'LEFT', 'LEFT', 0);
    await waitBlocked(ctl!, 2);
    out.push(await ctl!.callRaw('RPUSH', 'k2', 'x'));
    out.push(await w2!.readRaw());
    out.push(await ctl!.callRaw('LRANGE', 'k2', 0, -1));
    out.push(await ctl!.callRaw('RPUSH', 'k', 'y'));
    out.push(await w1!.readRaw());
    return out;
  }),

  'timeouts answer a null array, in RESP3 too; fractions of a second': (port) => withClients(port, 2, async ([ctl, w]) => {
    const out: string[] = [];
    for (const cmd of [
      ['BLPOP', 'none', '0.05'], ['BRPOP', 'none', 'none2', '0.02'], ['BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0.03'],
      ['BRPOPLPUSH', 'none', 'd', '0.01'], ['BLMPOP', '0.02', 1, 'none', 'LEFT'],
    ] as Arg[][]) {
      const t0 = Date.now();
      out.push(await w!.callRaw(...cmd));
      expect(Date.now() - t0).toBeGreaterThanOrEqual(5);
    }
    await w!.call('HELLO', 3);
    out.push(await w!.callRaw('BLPOP', 'none', '0.01'));
    out.push(await w!.callRaw('BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0.01'));
    out.push(await ctl!.callRaw('EXISTS', 'd'));
    return out;
  }),

  'CLIENT UNBLOCK as a timeout or an error': (port) => withClients(port, 3, async ([ctl, w1, w2]) => {
    const out: string[] = [];
    const id1 = Number(await w1!.call('CLIENT', 'ID'));
    const id2 = Number(await w2!.call('CLIENT', 'ID'));
    send(w1!, 'BLPOP', 'k', 0);
    send(w2!, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', 0);
    await waitBlocked(ctl!, 2);
    out.push(await ctl!.callRaw('CLIENT', 'UNBLOCK', id1));
    out.push(await w1!.readRaw());
    out.push(await ctl!.callRaw('CLIENT', 'UNBLOCK', id2, 'error'));
    out.push(await w2!.readRaw());
    out.push(await ctl!.callRaw('CLIENT', 'UNBLOCK', id2, 'TIMEOUT'));
    out.push(await w1!.callRaw('PING'));
    out.push(await ctl!.callRaw('RPUSH', 'k', 'v'));
    out.push(await ctl!.callRaw('LLEN', 'k'));
    return out;
  }),

  'a client that disconnects while blocked takes nothing': (port) => withClients(port, 3, async ([ctl, w1, w2]) => {
    const out: string[] = [];
    send(w1!, 'BLPOP', 'k', 0);
    await waitBlocked(ctl!, 1);
    send(w2!, 'BLPOP', 'k', 0);
    await waitBlocked(ctl!, 2);
    w1!.close();
    await waitBlocked(ctl!, 1);
    out.push(await ctl!.callRaw('RPUSH', 'k', 'a', 'b'));
    out.push(await w2!.readRaw());
    out.push(await ctl!.callRaw('LRANGE', 'k', 0, -1));
    return out;
  }),
};

describe.skipIf(!HAVE_REDIS_SERVER)('blocking scenarios vs real Redis', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => { srv = await startTestServer(); real = await startRealRedis(); });
  afterAll(async () => { await srv.close(); await real.close(); });

  for (const [name, sc] of Object.entries(scenarios)) {
    it(name, async () => {
      const ours = await sc(srv.port);
      const theirs = await sc(real.port);
      expect(ours).toEqual(theirs);
    });
  }
});

describe('blocking', () => {
  let srv: TestServer;
  beforeAll(async () => { srv = await startTestServer(); });
  afterAll(async () => { await srv.close(); });

  it('a BLMOVE job queue with several producers and consumers loses and duplicates nothing', async () => {
    const ctl = await RawClient.connect(srv.port);
    const consumers: RawClient[] = [];
    const producers: RawClient[] = [];
    for (let i = 0; i < 4; i++) consumers.push(await RawClient.connect(srv.port));
    for (let i = 0; i < 3; i++) producers.push(await RawClient.connect(srv.port));
    const JOBS = 300;
    const got: string[] = [];
    let stop = false;
    const consume = async (c: RawClient): Promise<void> => {
      while (!stop) {
        const r = await c.call('BLMOVE', 'jobs', 'done', 'RIGHT', 'LEFT', '0.05');
        if (typeof r === 'string') got.push(r);
      }
    };
    const running = consumers.map(consume);
    await Promise.all(producers.map(async (p, pi) => {
      for (let i = pi; i < JOBS; i += producers.length) {
        await p.call(i % 2 === 0 ? 'LPUSH' : 'RPUSH', 'jobs', `job${i}`);
      }
    }));
    while (got.length < JOBS) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await Promise.all(running);
    expect(new Set(got).size).toBe(JOBS);
    expect(got.length).toBe(JOBS);
    expect(await ctl.call('LLEN', 'done')).toBe(JOBS);
    expect(await ctl.call('EXISTS', 'jobs')).toBe(0);
    for (const c of [ctl, ...consumers, ...producers]) c.close();
  });

  it('propagates the pop that happened: at once as LPOP/RPOP/LMOVE/RPOPLPUSH, served with the push', async () => {
    const c = await RawClient.connect(srv.port);
    const w = await RawClient.connect(srv.port);
    await c.call('FLUSHALL');
    const rec = recordPropagation(srv.server);
    try {
      await c.call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f');
      await c.call('BLPOP', 'none', 'l', 0);
      await c.call('BRPOP', 'l', 0);
      await c.call('BLMOVE', 'l', 'd', 'left', 'Right', 0);
      await c.call('BRPOPLPUSH', 'l', 'd', 0);
      await c.call('BLMPOP', 0, 1, 'l', 'LEFT', 'COUNT', 5);
      await c.call('LMPOP', 1, 'd', 'RIGHT');
      await c.call('BLPOP', 'none', '0.01');
      send(w, 'BLPOP', 'k', 0);
      await waitBlocked(c, 1);
      await c.call('RPUSH', 'k', 'x', 'y');
      await w.read();
      send(w, 'BLMOVE', 'm', 'n', 'RIGHT', 'LEFT', 0);
      await waitBlocked(c, 1);
      await c.call('RPUSH', 'm', 'x');
      await w.read();
      send(w, 'BRPOPLPUSH', 'm', 'n', 0);
      await waitBlocked(c, 1);
      await c.call('RPUSH', 'm', 'x');
      await w.read();
      send(w, 'BLMPOP', 0, 1, 'm', 'RIGHT', 'COUNT', 3);
      await waitBlocked(c, 1);
      await c.call('RPUSH', 'm', 1, 2);
      await w.read();
    } finally {
      rec.stop();
    }
    // Redis 7.0 writes a served pop as a command of its own after the push;
    // here it is replayed in the push's unit (wrapped in MULTI/EXEC), as
    // Redis 7.2 does: the same effect, never half of it.
    expect(rec.units.map((u) => u.map((op) => op.argv.join(' ')).join(' | '))).toEqual([
      'RPUSH l a b c d e f',
      'LPOP l',
      'RPOP l',
      'LMOVE l d left Right',
      'RPOPLPUSH l d',
      'LPOP l 2',
      'RPOP d 1',
      'MULTI | RPUSH k x y | LPOP k | EXEC',
      'MULTI | RPUSH m x | LMOVE m n right left | EXEC',
      'MULTI | RPUSH m x | RPOPLPUSH m n | EXEC',
      'MULTI | RPUSH m 1 2 | RPOP m 2 | EXEC',
    ]);
    c.close();
    w.close();
  });

  it('timeouts follow the server clock (hz cron), forever with 0', async () => {
    const clock = new ManualClock(1_800_000_000_000);
    const s = await startTestServer({ clock });
    try {
      const c = await RawClient.connect(s.port);
      const w1 = await RawClient.connect(s.port);
      const w2 = await RawClient.connect(s.port);
      await c.call('CONFIG', 'SET', 'hz', 100);
      send(w1, 'BLPOP', 'k', 10);
      send(w2, 'BLPOP', 'k', 0);
      await waitBlocked(c, 2);
      clock.advance(9_000);
      await new Promise((r) => setTimeout(r, 50));
      expect(w1.pending()).toBe('');
      clock.advance(1_001);
      expect(await w1.readRaw()).toBe('*-1\r\n');
      clock.advance(1_000_000);
      await new Promise((r) => setTimeout(r, 50));
      expect(w2.pending()).toBe('');
      expect(await c.call('RPUSH', 'k', 'v')).toBe(1);
      expect(await w2.read()).toEqual(['k', 'v']);
      for (const x of [c, w1, w2]) x.close();
    } finally {
      await s.close();
    }
  });
});
