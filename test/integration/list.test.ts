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

describe.skipIf(!HAVE_REDIS_SERVER)('the rest of lists vs real Redis', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => { srv = await startTestServer(); real = await startRealRedis(); });
  afterAll(async () => { await srv.close(); await real.close(); });

  const arity = (name: string, n: number): (string | number)[] => [name, ...Array.from({ length: n }, () => 'x')];

  it('LSET, LTRIM, LREM, LINSERT', async () => {
    await expectSameReplies(srv.port, real.port, [
      ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'a'], ['SET', 's', 'v'],
      ['LSET', 'l', 0, 'A'], ['LSET', 'l', -1, 'Z'], ['LSET', 'l', 6, 'x'], ['LSET', 'l', -7, 'x'], ['LSET', 'l', 'x', 'y'],
      ['LSET', 'none', 0, 'x'], ['LSET', 'none', 'x', 'x'], ['LSET', 's', 0, 'x'], ['LRANGE', 'l', 0, -1],
      arity('LSET', 2), arity('LSET', 4),
      ['DEL', 'l'], ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'a', 'c', 'a'],
      ['LREM', 'l', 2, 'a'], ['LRANGE', 'l', 0, -1], ['LREM', 'l', -1, 'a'], ['LRANGE', 'l', 0, -1],
      ['LREM', 'l', 0, 'b'], ['LRANGE', 'l', 0, -1], ['LREM', 'l', 0, 'nope'], ['LREM', 'l', 'x', 'a'],
      ['LREM', 'l', '9223372036854775808', 'a'], ['LREM', 'none', 0, 'a'], ['LREM', 's', 0, 'a'],
      ['LREM', 'l', -100, 'c'], ['LRANGE', 'l', 0, -1], ['LREM', 'l', 0, 'a'], ['EXISTS', 'l'],
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LINSERT', 'l', 'BEFORE', 'a', 'x'], ['LINSERT', 'l', 'after', 'c', 'y'],
      ['LINSERT', 'l', 'After', 'b', 'z'], ['LINSERT', 'l', 'BEFORE', 'nope', 'z'], ['LINSERT', 'l', 'MIDDLE', 'a', 'z'],
      ['LINSERT', 'none', 'BEFORE', 'a', 'z'], ['LINSERT', 'none', 'MIDDLE', 'a', 'z'], ['LINSERT', 's', 'BEFORE', 'a', 'z'],
      ['LRANGE', 'l', 0, -1], arity('LINSERT', 3),
      ['DEL', 'l'], ['RPUSH', 'l', 1, 2, 3, 4, 5, 6], ['LTRIM', 'l', 1, -2], ['LRANGE', 'l', 0, -1],
      ['LTRIM', 'l', -100, 100], ['LRANGE', 'l', 0, -1], ['LTRIM', 'l', 1, 1], ['LRANGE', 'l', 0, -1],
      ['LTRIM', 'l', 'a', 1], ['LTRIM', 'l', 0, 'b'], ['LTRIM', 'l', 2, 1], ['EXISTS', 'l'],
      ['RPUSH', 'l', 1, 2, 3], ['LTRIM', 'l', 5, 10], ['EXISTS', 'l'], ['LTRIM', 'none', 0, 1], ['LTRIM', 's', 0, 1],
      ['OBJECT', 'ENCODING', 's'], ['RPUSH', 'l', 'x'], ['OBJECT', 'ENCODING', 'l'], arity('LTRIM', 2),
    ]);
  });

  it('LPOS with RANK, COUNT, MAXLEN and its errors', async () => {
    const cmds: (string | number)[][] = [['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'a', 'c', 'a'], ['SET', 's', 'v']];
    for (const rank of [undefined, 1, 2, 4, 5, -1, -2, -4, -5]) {
      for (const count of [undefined, 0, 1, 2, 10]) {
        for (const maxlen of [undefined, 0, 1, 4]) {
          const cmd: (string | number)[] = ['LPOS', 'l', 'a'];
          if (rank !== undefined) cmd.push('RANK', rank);
          if (count !== undefined) cmd.push('COUNT', count);
          if (maxlen !== undefined) cmd.push('maxlen', maxlen);
          cmds.push(cmd);
        }
      }
    }
    cmds.push(
      ['LPOS', 'l', 'nope'], ['LPOS', 'l', 'nope', 'COUNT', 0], ['LPOS', 'none', 'a'], ['LPOS', 'none', 'a', 'COUNT', 1],
      ['LPOS', 's', 'a'], ['LPOS', 'l', 'a', 'RANK', 0], ['LPOS', 'l', 'a', 'RANK', 'x'], ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808'],
      ['LPOS', 'l', 'a', 'RANK', '9223372036854775807'], ['LPOS', 'l', 'a', 'COUNT', -1], ['LPOS', 'l', 'a', 'COUNT', 'x'],
      ['LPOS', 'l', 'a', 'MAXLEN', -1], ['LPOS', 'l', 'a', 'MAXLEN', 'x'], ['LPOS', 'l', 'a', 'RANK'], ['LPOS', 'l', 'a', 'FOO', 1],
      ['LPOS', 'l', 'a', 'COUNT', 1, 'COUNT', 2], ['LPOS', 'none', 'a', 'RANK', 0], ['LPOS', 's', 'a', 'COUNT', -1], ['LPOS', 'l'],
      ['HELLO', 3], ['LPOS', 'none', 'a'], ['LPOS', 'l', 'a', 'COUNT', 2], ['LPOS', 'l', 'nope'],
    );
    await expectSameReplies(srv.port, real.port, cmds);
  });

  it('LMOVE, RPOPLPUSH, LMPOP', async () => {
    const cmds: (string | number)[][] = [['RPUSH', 'l', 'a', 'b', 'c', 'd'], ['SET', 's', 'v']];
    for (const from of ['LEFT', 'right']) {
      for (const to of ['left', 'RIGHT']) cmds.push(['LMOVE', 'l', 'd', from, to], ['LRANGE', 'd', 0, -1]);
    }
    cmds.push(
      ['EXISTS', 'l'], ['LMOVE', 'l', 'd', 'LEFT', 'LEFT'], ['LMOVE', 'd', 'd', 'LEFT', 'RIGHT'], ['LRANGE', 'd', 0, -1],
      ['LMOVE', 'd', 'd', 'RIGHT', 'LEFT'], ['LRANGE', 'd', 0, -1], ['LMOVE', 'd', 's', 'LEFT', 'LEFT'], ['LMOVE', 's', 'd', 'LEFT', 'LEFT'],
      ['LMOVE', 'none', 's', 'LEFT', 'LEFT'], ['LMOVE', 'd', 'x', 'UP', 'LEFT'], ['LMOVE', 'd', 'x', 'LEFT', 'UP'], ['LMOVE', 'd', 'x', 'LEFT'],
      ['RPOPLPUSH', 'd', 'e'], ['RPOPLPUSH', 'e', 'e'], ['LRANGE', 'e', 0, -1], ['RPOPLPUSH', 'none', 'e'], ['RPOPLPUSH', 'd', 's'],
      ['RPOPLPUSH', 's', 'd'], ['RPOPLPUSH', 'd'],
      ['DEL', 'd', 'e'], ['RPUSH', 'm', 1, 2, 3, 4, 5], ['RPUSH', 'n', 'x'],
      ['LMPOP', 2, 'none', 'm', 'LEFT'], ['LMPOP', 2, 'm', 'n', 'RIGHT', 'COUNT', 2], ['LMPOP', 1, 'm', 'left', 'count', 10],
      ['EXISTS', 'm'], ['LMPOP', 2, 'm', 'n', 'LEFT', 'COUNT', 5], ['LMPOP', 2, 'm', 'n', 'LEFT'],
      ['LMPOP', 0, 'm', 'LEFT'], ['LMPOP', -1, 'm', 'LEFT'], ['LMPOP', 'x', 'm', 'LEFT'], ['LMPOP', 3, 'm', 'LEFT'],
      ['LMPOP', 1, 'm', 'UP'], ['LMPOP', 1, 'm', 'LEFT', 'COUNT', 0], ['LMPOP', 1, 'm', 'LEFT', 'COUNT', -1],
      ['LMPOP', 1, 'm', 'LEFT', 'COUNT', 'x'], ['LMPOP', 1, 'm', 'LEFT', 'COUNT'], ['LMPOP', 1, 'm', 'LEFT', 'COUNT', 1, 'COUNT', 1],
      ['LMPOP', 1, 'm', 'LEFT', 'FOO'], ['LMPOP', 2, 'none', 's', 'LEFT'], ['LMPOP', 2, 's', 'none', 'LEFT'],
      ['LMPOP', '99999999999999999999', 'm', 'LEFT'], ['LMPOP', 1, 'm'],
      ['RPUSH', 'm', 'a'], ['HELLO', 3], ['LMPOP', 1, 'none', 'LEFT'], ['LMPOP', 1, 'm', 'LEFT'], ['LMOVE', 'none', 'd', 'LEFT', 'LEFT'],
    );
    await expectSameReplies(srv.port, real.port, cmds);
  });

  it('blocking commands served at once, and their argument errors', async () => {
    await expectSameReplies(srv.port, real.port, [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f'], ['SET', 's', 'v'],
      ['BLPOP', 'none', 'l', 0], ['BRPOP', 'l', 'none', '0.5'], ['BLPOP', 'l', '1e3'], ['BLPOP', 's', 'l', 0], ['BLPOP', 'l', 's', 0],
      ['BLMOVE', 'l', 'd', 'LEFT', 'RIGHT', 0], ['BLMOVE', 'l', 'd', 'right', 'left', 1.5], ['BRPOPLPUSH', 'l', 'd', 0],
      ['BLMOVE', 'l', 's', 'LEFT', 'LEFT', 0], ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', 0], ['BRPOPLPUSH', 's', 'd', 0],
      ['BLMPOP', 0, 2, 'none', 'l', 'LEFT'], ['BLMPOP', 0, 1, 'd', 'RIGHT', 'COUNT', 10], ['BLMPOP', 0, 1, 's', 'RIGHT'],
      ['LRANGE', 'l', 0, -1], ['EXISTS', 'd'],
      ['BLPOP', 'l', 'x'], ['BLPOP', 'l', -1], ['BLPOP', 'l', 'inf'], ['BLPOP', 'l', '-inf'], ['BLPOP', 'l', 'nan'],
      ['BLPOP', 'l', '1e400'], ['BLPOP', 'l', '1e30'], ['BLPOP', 'l', ' 1'], ['BLPOP', 'l', ''], ['BLPOP', 'l', '1e-400000'],
      ['BRPOP', 'l', '-0.5'], ['BLPOP', 'l'],
      ['BLMOVE', 'l', 'd', 'UP', 'LEFT', 0], ['BLMOVE', 'l', 'd', 'LEFT', 'UP', 'x'], ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', 'x'],
      ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', -1], ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT'], ['BRPOPLPUSH', 'l', 'd', 'x'],
      ['BRPOPLPUSH', 'l', 'd', -1], ['BRPOPLPUSH', 'l', 'd'],
      ['BLMPOP', 'x', 1, 'l', 'LEFT'], ['BLMPOP', 'x', 'x', 'l', 'LEFT'], ['BLMPOP', -1, 1, 'l', 'LEFT'], ['BLMPOP', 0, 0, 'l', 'LEFT'],
      ['BLMPOP', 'x', 1, 'l', 'UP'], ['BLMPOP', 'x', 1, 'l', 'LEFT', 'COUNT', 0], ['BLMPOP', 0, 5, 'l', 'LEFT'],
      ['BLMPOP', 0, 1, 'l', 'LEFT', 'COUNT', 2, 'x'], ['BLMPOP', 0, 1, 'l'],
      ['CLIENT', 'UNBLOCK', 999999, 'foo'], ['CLIENT', 'UNBLOCK', 'x'], ['CLIENT', 'UNBLOCK', 'x', 'foo'],
      ['CLIENT', 'UNBLOCK', 999999], ['CLIENT', 'UNBLOCK', 999999, 'error'], ['CLIENT', 'UNBLOCK', 999999, 'TIMEOUT', 'x'],
      ['CLIENT', 'UNBLOCK'],
    ]);
  });
});
