// Pub/Sub: the exact frames of (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE and of
// delivered messages in RESP2 and RESP3, the subscribed-context rule, PUBSUB
// introspection, CLIENT LIST fields — each scenario run on mini-redis and on
// real Redis with the raw bytes compared — then ordering under a pipelined
// publisher, ioredis and node-redis subscribers, the slow-subscriber bound
// (client-output-buffer-limit pubsub) and a fan-out with nothing lost.

import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCommand } from '../helpers/resp.js';
import {
  HAVE_REDIS_SERVER, RawClient, startTestServer, withServerPair, type RealRedisServer, type TestServer,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping pub/sub differential tests: redis-server not installed');

let srv: TestServer;
let real: RealRedisServer;
withServerPair((s, r) => {
  srv = s;
  real = r;
});

type Arg = string | number;
/** A command and how many frames it answers with. */
type Step = [frames: number, ...args: Arg[]];

/** Run steps on one connection, reading each step's frames; HELLO's frame (it holds the id) is blanked. */
async function session(port: number, steps: Step[]): Promise<string[]> {
  const c = await RawClient.connect(port);
  const out: string[] = [];
  try {
    for (const [frames, ...args] of steps) {
      c.write(encodeCommand(args));
      let got = '';
      for (let i = 0; i < frames; i++) got += await c.readRaw();
      out.push(`${args.join(' ')} => ${String(args[0]).toUpperCase() === 'HELLO' ? '(hello)' : got}`);
    }
  } finally {
    c.close();
  }
  return out;
}

async function sameSession(steps: Step[]): Promise<void> {
  const theirs = await session(real.port, steps);
  const ours = await session(srv.port, steps);
  expect(ours).toEqual(theirs);
}

/**
 * Several connections: `body` drives them and returns what they saw; the
 * same body runs on both servers.
 */
async function sameAcross(n: number, body: (cs: RawClient[]) => Promise<string[]>): Promise<void> {
  const run = async (port: number) => {
    const cs: RawClient[] = [];
    for (let i = 0; i < n; i++) cs.push(await RawClient.connect(port));
    try {
      return await body(cs);
    } finally {
      for (const c of cs) c.close();
    }
  };
  const theirs = await run(real.port);
  const ours = await run(srv.port);
  expect(ours).toEqual(theirs);
}

async function frames(c: RawClient, n: number): Promise<string> {
  let s = '';
  for (let i = 0; i < n; i++) s += await c.readRaw();
  return s;
}

/** Wait until PUBSUB NUMSUB / NUMPAT on `ctl` shows the subscriptions (subscribers answer first anyway). */
async function waitUntil(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('condition never met');
}

describe.runIf(HAVE_REDIS_SERVER)('subscribe and unsubscribe frames (byte-exact against Redis)', () => {
  it('RESP2: confirmations, counts, the subscribed-context rule, PING, unsubscribe all', async () => {
    await sameSession([
      [2, 'SUBSCRIBE', 'a', 'b'],
      [1, 'SUBSCRIBE', 'a'],
      [1, 'GET', 'x'],
      [1, 'CLIENT', 'LIST'],
      [1, 'MULTI'],
      [1, 'PING'],
      [1, 'PING', 'hi'],
      [2, 'PSUBSCRIBE', 'p*', 'q?'],
      [1, 'UNSUBSCRIBE', 'nope'],
      // (Unsubscribing from all lists channels in Redis's dict order: leave one.)
      [1, 'UNSUBSCRIBE', 'a'],
      [1, 'UNSUBSCRIBE'],
      [1, 'UNSUBSCRIBE'],
      [1, 'GET', 'x'],
      [1, 'PUNSUBSCRIBE', 'q?'],
      [1, 'PUNSUBSCRIBE'],
      [1, 'PUNSUBSCRIBE'],
      [1, 'GET', 'x'],
      [1, 'PING'],
      [2, 'SSUBSCRIBE', 's1', 's2'],
      [1, 'SUBSCRIBE', 'c'],
      [1, 'SUNSUBSCRIBE', 's1'],
      [1, 'SET', 'x', '1'],
      [1, 'SUNSUBSCRIBE', 's2'],
      [1, 'SUNSUBSCRIBE'],
      [1, 'UNSUBSCRIBE', 'c'],
      [1, 'SET', 'x', '1'],
      [1, 'SUBSCRIBE'],
      [1, 'PSUBSCRIBE'],
      [1, 'SSUBSCRIBE'],
      [1, 'PUBLISH', 'a'],
    ]);
  });

  it('RESP3: push frames, null names, normal commands keep working while subscribed', async () => {
    await sameSession([
      [1, 'HELLO', '3'],
      [1, 'SUBSCRIBE', 'a'],
      [1, 'PSUBSCRIBE', 'a*'],
      [1, 'SSUBSCRIBE', 's'],
      [1, 'PING'],
      [1, 'PING', 'x'],
      [1, 'SET', 'k', 'v'],
      [1, 'GET', 'k'],
      // The client's own subscriptions receive its publish before the reply.
      [3, 'PUBLISH', 'a', 'hello'],
      [2, 'SPUBLISH', 's', 'm'],
      [1, 'PUBSUB', 'NUMSUB', 'a', 'b'],
      [1, 'PUBSUB', 'SHARDNUMSUB', 's', 'zz'],
      [1, 'PUBSUB', 'CHANNELS'],
      [1, 'PUBSUB', 'SHARDCHANNELS'],
      [1, 'PUBSUB', 'NUMPAT'],
      [1, 'UNSUBSCRIBE'],
      [1, 'UNSUBSCRIBE'],
      [1, 'PUNSUBSCRIBE'],
      [1, 'PUNSUBSCRIBE'],
      [1, 'SUNSUBSCRIBE'],
      [1, 'SUNSUBSCRIBE'],
      [1, 'FLUSHALL'],
    ]);
  });

  it('RESET leaves the subscribed state silently; QUIT is allowed', async () => {
    await sameSession([
      [2, 'SUBSCRIBE', 'a', 'b'],
      [1, 'PSUBSCRIBE', 'x*'],
      [1, 'RESET'],
      [1, 'GET', 'x'],
      [1, 'PUBSUB', 'NUMSUB', 'a', 'b'],
      [1, 'PUBSUB', 'NUMPAT'],
      [1, 'SUBSCRIBE', 'z'],
      [1, 'QUIT'],
    ]);
  });

  it('PUBSUB: introspection, patterns, errors and HELP', async () => {
    await sameAcross(3, async ([a, b, ctl]) => {
      await a!.callRaw('SUBSCRIBE', 'news.tech');
      await frames(a!, 0);
      await b!.callRaw('SUBSCRIBE', 'news.tech');
      await b!.callRaw('SUBSCRIBE', 'other');
      await b!.callRaw('PSUBSCRIBE', 'news.*');
      await a!.callRaw('PSUBSCRIBE', 'news.*');
      await a!.callRaw('SSUBSCRIBE', 'shard1');
      const out: string[] = [];
      for (const cmd of [
        ['PUBSUB', 'NUMSUB', 'news.tech', 'other', 'none'],
        ['PUBSUB', 'NUMSUB'],
        ['PUBSUB', 'NUMPAT'],
        ['PUBSUB', 'CHANNELS', 'news.*'],
        ['PUBSUB', 'CHANNELS', 'zz*'],
        ['PUBSUB', 'SHARDCHANNELS'],
        ['PUBSUB', 'SHARDCHANNELS', 'x*'],
        ['PUBSUB', 'SHARDNUMSUB', 'shard1'],
        ['PUBSUB', 'CHANNELS', 'a', 'b'],
        ['PUBSUB', 'NUMPAT', 'x'],
        ['PUBSUB', 'FOO'],
        ['PUBSUB'],
        ['PUBSUB', 'HELP'],
        ['INFO', 'stats'],
      ]) {
        const r = await ctl!.callRaw(...cmd);
        out.push(cmd[0] === 'INFO' ? r.split('\r\n').filter((l) => l.startsWith('pubsub')).join(',') : r);
      }
      return out;
    });
  });

  it('delivery: channel and pattern subscribers, shard channels, binary payloads, receiver counts', async () => {
    const payload = 'a\r\nb\0c\xff\x80 end';
    await sameAcross(5, async ([pub, s1, s2, s3, s4]) => {
      await s1!.callRaw('SUBSCRIBE', 'ch\r\n1');
      await s2!.callRaw('PSUBSCRIBE', 'ch*');
      await frames(s3!, 0);
      s3!.write(encodeCommand(['PSUBSCRIBE', 'ch?\n1', '*']));
      await frames(s3!, 2);
      await s4!.callRaw('HELLO', '3');
      await s4!.callRaw('SUBSCRIBE', 'ch\r\n1');
      await s4!.callRaw('SSUBSCRIBE', 'ch\r\n1');
      const out: string[] = [];
      out.push(await pub!.callRaw('PUBLISH', 'ch\r\n1', payload));
      out.push(await pub!.callRaw('PUBLISH', 'nobody', 'x'));
      out.push(await pub!.callRaw('SPUBLISH', 'ch\r\n1', payload));
      out.push(await pub!.callRaw('SPUBLISH', 'nobody', 'x'));
      out.push(await frames(s1!, 1));
      out.push(await frames(s2!, 1));
      // s3's two patterns both match: two pmessages, in pattern-dict order on Redis; compare as a set.
      out.push([await s3!.readRaw(), await s3!.readRaw(), await s3!.readRaw()].sort().join(''));
      out.push(await frames(s4!, 2));
      return out;
    });
  });

  it('SSUBSCRIBE is refused inside EXEC, SUBSCRIBE is not', async () => {
    await sameSession([
      [1, 'MULTI'],
      [1, 'SSUBSCRIBE', 'x'],
      [1, 'SUBSCRIBE', 'y'],
      [1, 'EXEC'],
      [1, 'EXEC'],
      [1, 'PING'],
    ]);
  });

  it('CLIENT LIST shows flag P and the sub/psub/ssub counts', async () => {
    const fields = async (port: number) => {
      const c = await RawClient.connect(port);
      try {
        await c.callRaw('HELLO', '3');
        c.write(encodeCommand(['SUBSCRIBE', 'a', 'b']));
        await frames(c, 2);
        await c.callRaw('PSUBSCRIBE', 'p*');
        await c.callRaw('SSUBSCRIBE', 's');
        const line = await c.callRaw('CLIENT', 'INFO');
        return line.trim().split(' ').filter((f) => /^(flags|sub|psub|ssub|multi)=/.test(f));
      } finally {
        c.close();
      }
    };
    expect(await fields(srv.port)).toEqual(await fields(real.port));
    expect(await fields(srv.port)).toEqual(['flags=P', 'sub=2', 'psub=1', 'ssub=1', 'multi=-1']);
  });
});

describe('ordering, client libraries, limits', () => {
  it('a pipelined publisher\'s messages arrive in order at every subscriber', async () => {
    const subs = await Promise.all([1, 2, 3].map(() => RawClient.connect(srv.port)));
    await subs[0]!.callRaw('SUBSCRIBE', 'order');
    await subs[1]!.callRaw('PSUBSCRIBE', 'ord*');
    await subs[2]!.callRaw('HELLO', '3');
    await subs[2]!.callRaw('SUBSCRIBE', 'order');
    const pub = await RawClient.connect(srv.port);
    const N = 2000;
    const parts: Buffer[] = [];
    for (let i = 0; i < N; i++) parts.push(encodeCommand(['PUBLISH', 'order', String(i)]));
    pub.write(Buffer.concat(parts));
    for (let i = 0; i < N; i++) expect(await pub.readRaw()).toBe(':3\r\n');
    for (const [k, s] of subs.entries()) {
      for (let i = 0; i < N; i++) {
        const r = await s.readRaw();
        expect(r.endsWith(`$${String(i).length}\r\n${i}\r\n`), `subscriber ${k}: ${r}`).toBe(true);
      }
    }
    for (const s of [...subs, pub]) s.close();
  });

  it('ioredis: subscribe, psubscribe and messages', async () => {
    const sub = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true });
    const pub = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true });
    await sub.connect();
    await pub.connect();
    const got: string[] = [];
    sub.on('message', (ch: string, m: string) => got.push(`message ${ch} ${m}`));
    sub.on('pmessage', (p: string, ch: string, m: string) => got.push(`pmessage ${p} ${ch} ${m}`));
    expect(await sub.subscribe('io1', 'io2')).toBe(2);
    expect(await sub.psubscribe('io*')).toBe(3);
    expect(await pub.publish('io1', 'hello')).toBe(2);
    expect(await pub.publish('io3', 'world')).toBe(1);
    await waitUntil(async () => got.length === 3);
    expect(got.sort()).toEqual(['message io1 hello', 'pmessage io* io1 hello', 'pmessage io* io3 world']);
    await sub.unsubscribe('io1', 'io2');
    await sub.punsubscribe('io*');
    expect(await sub.get('nothing')).toBe(null);
    sub.disconnect();
    pub.disconnect();
  });

  for (const RESP of [2, 3] as const) {
    it(`node-redis RESP${RESP}: subscribe, pSubscribe, sSubscribe`, async () => {
      const mk = () => createClient({ socket: { port: srv.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
      const sub = mk();
      const pub = mk();
      sub.on('error', () => {});
      pub.on('error', () => {});
      await sub.connect();
      await pub.connect();
      const got: string[] = [];
      await sub.subscribe('nr', (m: string, ch: string) => got.push(`c ${ch} ${m}`));
      await sub.pSubscribe('n*', (m: string, ch: string) => got.push(`p ${ch} ${m}`));
      await sub.sSubscribe('shard', (m: string, ch: string) => got.push(`s ${ch} ${m}`));
      expect(await pub.publish('nr', 'one')).toBe(2);
      expect(await pub.sPublish('shard', 'two')).toBe(1);
      await waitUntil(async () => got.length === 3);
      expect(got.sort()).toEqual(['c nr one', 'p nr one', 's shard two']);
      expect(await pub.pubSubNumSub(['nr'])).toEqual({ nr: 1 });
      await sub.unsubscribe('nr');
      await sub.pUnsubscribe('n*');
      await sub.sUnsubscribe('shard');
      expect(await pub.pubSubNumPat()).toBe(0);
      sub.destroy();
      pub.destroy();
    });
  }
});

describe('slow subscribers and fan-out', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ config: { 'client-output-buffer-limit': 'pubsub 1mb 256kb 60' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a subscriber that stops reading is disconnected at the limit; the others get every message', async () => {
    const slow = await RawClient.connect(s.port);
    await slow.callRaw('SUBSCRIBE', 'firehose');
    slow.socket.pause(); // stops reading: the kernel buffers fill, then the server's output
    const fast = await RawClient.connect(s.port);
    await fast.callRaw('SUBSCRIBE', 'firehose');
    const pub = await RawClient.connect(s.port);
    const msg = 'x'.repeat(16 * 1024);
    const N = 2000; // 32 MB in all: far past the 1 MB hard limit
    let received = 0;
    let maxOut = 0;
    const reader = (async () => {
      while (received < N) {
        const r = (await fast.read()) as string[];
        expect(r[2]!.length).toBe(msg.length);
        received++;
      }
    })();
    // Paced by the reading subscriber (at most two batches, 800 KB, ahead of
    // it), so that only the one that stopped reading can reach the limit,
    // however slowly a loaded machine runs the reader.
    for (let i = 0; i < N; i += 25) {
      while (received < i - 25) await new Promise((r) => setImmediate(r));
      const batch: Buffer[] = [];
      for (let j = 0; j < 25; j++) batch.push(encodeCommand(['PUBLISH', 'firehose', msg]));
      pub.write(Buffer.concat(batch));
      for (let j = 0; j < 25; j++) await pub.readRaw();
      for (const c of s.server.clients.values()) {
        if (c.pubsub !== null) maxOut = Math.max(maxOut, c.outputBytes);
      }
    }
    await reader;
    expect(received).toBe(N);
    // The slow subscriber is gone, and its unsent output never grew far past the limit.
    expect(String(await pub.call('PUBSUB', 'NUMSUB', 'firehose'))).toBe('firehose,1');
    expect(maxOut).toBeLessThan(1024 * 1024 + 64 * 1024 * 4);
    for (const c of [slow, fast, pub]) c.close();
  });

  it('one publisher, 500 subscribers, 100 messages each: none lost, in order', async () => {
    const SUBS = 500;
    const MSGS = 100;
    const subs: RawClient[] = [];
    for (let i = 0; i < SUBS; i++) subs.push(await RawClient.connect(s.port));
    await Promise.all(subs.map((c) => c.callRaw('SUBSCRIBE', 'fan')));
    const pub = await RawClient.connect(s.port);
    const parts: Buffer[] = [];
    for (let i = 0; i < MSGS; i++) parts.push(encodeCommand(['PUBLISH', 'fan', `m${i}`]));
    pub.write(Buffer.concat(parts));
    for (let i = 0; i < MSGS; i++) expect(await pub.readRaw()).toBe(`:${SUBS}\r\n`);
    await Promise.all(subs.map(async (c) => {
      for (let i = 0; i < MSGS; i++) expect(await c.readRaw()).toBe(`*3\r\n$7\r\nmessage\r\n$3\r\nfan\r\n$${`m${i}`.length}\r\nm${i}\r\n`);
    }));
    for (const c of [...subs, pub]) c.close();
  });
});
