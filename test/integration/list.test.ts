// The first list commands, checked byte for byte against real Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSameReplies, HAVE_REDIS_SERVER, RawClient, startRealRedis, startTestServer, type TestServer } from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping list differential tests: redis-server not installed');

describe('lists', () => {
  let srv: TestServer;
  beforeAll(async () => { srv = await startTestServer(); });
  afterAll(async () => { await srv.close(); });

  it('push, pop and range', async () => {
    const c = await RawClient.connect(srv.port);
    expect(await c.call('RPUSH', 'l', 'a', 'b', 'c')).toBe(3);
    expect(await c.call('LPUSH', 'l', 'z')).toBe(4);
    expect(await c.call('LRANGE', 'l', 0, -1)).toEqual(['z', 'a', 'b', 'c']);
    expect(await c.call('LPOP', 'l')).toBe('z');
    expect(await c.call('RPOP', 'l', 5)).toEqual(['c', 'b', 'a']);
    expect(await c.call('EXISTS', 'l')).toBe(0);
    c.close();
  });

  it('a ring buffer that wraps and grows keeps order', async () => {
    const c = await RawClient.connect(srv.port);
    const model: string[] = [];
    for (let i = 0; i < 300; i++) {
      const v = `v${i}`;
      if (i % 3 === 0) { await c.call('LPUSH', 'ring', v); model.unshift(v); }
      else { await c.call('RPUSH', 'ring', v); model.push(v); }
      if (i % 7 === 0) { expect(await c.call('LPOP', 'ring')).toBe(model.shift()); }
    }
    expect(await c.call('LRANGE', 'ring', 0, -1)).toEqual(model);
    expect(await c.call('LINDEX', 'ring', -1)).toBe(model[model.length - 1]);
    c.close();
  });
});

describe.skipIf(!HAVE_REDIS_SERVER)('lists vs real Redis', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => { srv = await startTestServer(); real = await startRealRedis(); });
  afterAll(async () => { await srv.close(); await real.close(); });

  it('replies match', async () => {
    const cmds: (string | number)[][] = [
      ['RPUSH', 'l', 'a', 'b', 'c', '\x00\xff'], ['LPUSH', 'l', 'x', 'y'], ['LLEN', 'l'], ['LLEN', 'none'],
      ['LRANGE', 'l', 0, -1], ['LRANGE', 'l', -100, 100], ['LRANGE', 'l', 3, 1], ['LRANGE', 'l', 'a', 1],
      ['LRANGE', 'none', 0, -1], ['LINDEX', 'l', 0], ['LINDEX', 'l', -1], ['LINDEX', 'l', 99], ['LINDEX', 'l', 'x'],
      ['LPOP', 'l'], ['RPOP', 'l'], ['LPOP', 'l', 0], ['LPOP', 'l', -1], ['LPOP', 'l', 'x'], ['LPOP', 'none', 2],
      ['LPOP', 'none'], ['LPOP', 'l', 1, 2], ['RPOP', 'l', 10], ['EXISTS', 'l'],
      ['LPUSHX', 'l', 'a'], ['RPUSHX', 'l', 'a'], ['SET', 's', 'v'], ['LPUSH', 's', 'a'], ['LPOP', 's'],
      ['LRANGE', 's', 0, 1], ['LLEN', 's'], ['LPUSH', 'l'], ['RPUSH', 'q', 1], ['RPUSHX', 'q', 2, 3], ['LRANGE', 'q', 0, -1],
    ];
    await expectSameReplies(srv.port, real.port, cmds);
  });
});
