// Real client libraries against mini-redis: ioredis (RESP3, its default, and
// RESP2) and node-redis (RESP2 and RESP3). Both must connect cleanly (their
// handshakes — HELLO, CLIENT SETINFO — get no error reply), pipeline, carry
// binary Buffer values, and surface errors with Redis's texts while the
// connection stays usable.

import { Redis, ReplyError } from 'ioredis';
import { RESP_TYPES, createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
/** Every request the server ran, in order, and whether it got an error reply. */
const seen: { argv: string[]; error: boolean }[] = [];
beforeAll(async () => {
  srv = await startTestServer();
  const d = srv.server.dispatcher;
  const orig = d.execute.bind(d);
  d.execute = (c, argv) => {
    const before = d.totalErrorReplies;
    orig(c, argv);
    seen.push({ argv, error: d.totalErrorReplies !== before });
  };
});
afterAll(async () => {
  await srv.close();
});

// Handshake commands of newer servers that Redis 7.0 refuses too; clients
// go on without them.
const NOT_IN_REDIS_7_0 = ['CLIENT MAINT_NOTIFICATIONS'];

/** The handshake requests seen while `connect` runs, and those refused. */
async function handshake(connect: () => Promise<void>): Promise<{ commands: string[]; refused: string[] }> {
  const from = seen.length;
  await connect();
  const name = (a: string[]) => a.slice(0, 2).join(' ').toUpperCase();
  return {
    commands: seen.slice(from).map((s) => name(s.argv)),
    refused: seen.slice(from).filter((s) => s.error).map((s) => name(s.argv)).filter((n) => !NOT_IN_REDIS_7_0.includes(n)),
  };
}

const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 0x80, 0x7f, 0x00, 0x41]);

describe.each([3, 2] as const)('ioredis, RESP%i', (protocol) => {
  let r: Redis;
  beforeAll(async () => {
    r = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true, protocol, maxRetriesPerRequest: 0 });
    const h = await handshake(() => r.connect());
    expect(h.refused).toEqual([]);
    if (protocol === 3) expect(h.commands).toContain('HELLO 3');
    expect(h.commands).toContain('CLIENT SETINFO');
    const key = `io${protocol}:`;
    await r.del(`${key}a`, `${key}bin`, `${key}n`, `${key}l`);
  });
  afterAll(async () => {
    await r.quit();
  });

  it('the connection uses the protocol asked for', async () => {
    expect(String(await r.client('INFO'))).toMatch(new RegExp(` resp=${protocol}\\b`));
  });

  it('basic commands', async () => {
    const k = `io${protocol}:`;
    expect(await r.set(`${k}a`, 'hello world')).toBe('OK');
    expect(await r.get(`${k}a`)).toBe('hello world');
    expect(await r.get(`${k}missing`)).toBeNull();
    expect(await r.incrby(`${k}n`, 41)).toBe(41);
    expect(await r.incr(`${k}n`)).toBe(42);
    expect(await r.exists(`${k}a`, `${k}n`, `${k}none`)).toBe(2);
    expect(await r.mget(`${k}a`, `${k}none`)).toEqual(['hello world', null]);
    expect(await r.rpush(`${k}l`, 'x', 'y')).toBe(2);
    expect(await r.lrange(`${k}l`, 0, -1)).toEqual(['x', 'y']);
    expect(await r.echo('é ü')).toBe('é ü');
  });

  it('a pipeline of 1000 commands', async () => {
    const k = `io${protocol}:p:`;
    const p = r.pipeline();
    for (let i = 0; i < 500; i++) p.set(`${k}${i}`, `v${i}`);
    for (let i = 0; i < 500; i++) p.get(`${k}${i}`);
    const res = await p.exec();
    expect(res).toHaveLength(1000);
    for (let i = 0; i < 500; i++) {
      expect(res![i]).toEqual([null, 'OK']);
      expect(res![500 + i]).toEqual([null, `v${i}`]);
    }
    const keys = Array.from({ length: 500 }, (_, i) => `${k}${i}`);
    expect(await r.del(...keys)).toBe(500);
  });

  it('binary Buffer values with getBuffer', async () => {
    const k = `io${protocol}:bin`;
    expect(await r.set(k, binary)).toBe('OK');
    const got = await r.getBuffer(k);
    expect(Buffer.isBuffer(got)).toBe(true);
    expect(got!.equals(binary)).toBe(true);
    expect(await r.strlen(k)).toBe(binary.length);
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    await r.set(k, big);
    expect((await r.getBuffer(k))!.equals(big)).toBe(true);
    await r.del(k);
  });

  it('errors are ReplyErrors with Redis\'s text, and the connection stays usable', async () => {
    const k = `io${protocol}:l`;
    await expect(r.incr(k)).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
    const e = await r.call('NOSUCHCMD', 'a').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReplyError);
    expect((e as Error).message).toBe("ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' ");
    await expect(r.call('GET')).rejects.toThrow("ERR wrong number of arguments for 'get' command");
    expect(await r.ping()).toBe('PONG');
    // An error inside a pipeline affects only its own slot.
    const res = await r.pipeline().ping().incr(k).echo('after').exec();
    expect(res![0]).toEqual([null, 'PONG']);
    expect(res![1]![0]).toBeInstanceOf(ReplyError);
    expect(res![2]).toEqual([null, 'after']);
  });
});

describe.each([2, 3] as const)('node-redis, RESP%i', (RESP) => {
  let c: ReturnType<typeof createClient<{}, {}, {}, typeof RESP>>;
  beforeAll(async () => {
    c = createClient({ socket: { port: srv.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
    c.on('error', () => {});
    const h = await handshake(async () => {
      await c.connect();
    });
    expect(h.refused).toEqual([]);
    if (RESP === 3) expect(h.commands).toContain('HELLO 3');
    expect(h.commands).toContain('CLIENT SETINFO');
    await c.del([`nr${RESP}:a`, `nr${RESP}:n`, `nr${RESP}:bin`, `nr${RESP}:l`]);
  });
  afterAll(async () => {
    c.destroy();
  });

  it('the connection uses the protocol asked for', async () => {
    expect(String(await c.sendCommand(['CLIENT', 'INFO']))).toMatch(new RegExp(` resp=${RESP}\\b`));
  });

  it('basic commands', async () => {
    const k = `nr${RESP}:`;
    expect(await c.set(`${k}a`, 'hello world')).toBe('OK');
    expect(await c.get(`${k}a`)).toBe('hello world');
    expect(await c.get(`${k}missing`)).toBeNull();
    expect(await c.incrBy(`${k}n`, 41)).toBe(41);
    expect(await c.incr(`${k}n`)).toBe(42);
    expect(await c.exists([`${k}a`, `${k}n`, `${k}none`])).toBe(2);
    expect(await c.mGet([`${k}a`, `${k}none`])).toEqual(['hello world', null]);
    expect(await c.rPush(`${k}l`, ['x', 'y'])).toBe(2);
    expect(await c.lRange(`${k}l`, 0, -1)).toEqual(['x', 'y']);
    expect(await c.ping()).toBe('PONG');
  });

  it('a pipeline (multi-command batch without MULTI) of 1000 commands', async () => {
    const k = `nr${RESP}:p:`;
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) =>
      i < 500 ? c.set(`${k}${i}`, `v${i}`) : c.get(`${k}${i - 500}`)));
    for (let i = 0; i < 500; i++) {
      expect(results[i]).toBe('OK');
      expect(results[500 + i]).toBe(`v${i}`);
    }
    expect(await c.del(Array.from({ length: 500 }, (_, i) => `${k}${i}`))).toBe(500);
  });

  it('binary Buffer values with withTypeMapping', async () => {
    const k = `nr${RESP}:bin`;
    expect(await c.set(k, binary)).toBe('OK');
    const bc = c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    const got = await bc.get(k);
    expect(Buffer.isBuffer(got)).toBe(true);
    expect((got as Buffer).equals(binary)).toBe(true);
    await c.del(k);
  });

  it('errors carry Redis\'s text and the connection stays usable', async () => {
    const k = `nr${RESP}:l`;
    await expect(c.incr(k)).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
    await expect(c.sendCommand(['NOSUCHCMD', 'a'])).rejects.toThrow(
      "ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' ");
    expect(await c.echo('still fine')).toBe('still fine');
  });
});
