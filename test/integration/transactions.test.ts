// Transactions: MULTI/EXEC/DISCARD/WATCH/UNWATCH replies and errors compared
// byte for byte with real Redis (EXECABORT cases, runtime errors in place,
// nesting, WATCH inside MULTI, no_multi commands, blocking commands inside
// MULTI), WATCH touched by every kind of change from another client, what a
// transaction propagates (one MULTI ... EXEC unit), CLIENT LIST fields, and
// ioredis / node-redis multi() and watch() with a WATCH race.

import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import {
  HAVE_REDIS_SERVER, RawClient, expectSameReplies, recordPropagation, withServerPair,
  type RealRedisServer, type TestServer,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping transaction differential tests: redis-server not installed');

let srv: TestServer;
let real: RealRedisServer;
withServerPair((s, r) => {
  srv = s;
  real = r;
});

type Cmd = (string | number)[];

async function same(commands: Cmd[]): Promise<void> {
  await expectSameReplies(srv.port, real.port, [['FLUSHALL'], ...commands]);
}

/**
 * Two connections: `a` WATCHes, `b` changes something, `a` runs a
 * transaction; the raw replies of both servers are compared.
 */
async function watchScenario(setup: Cmd[], watch: Cmd, other: Cmd[], tx: Cmd[] = [['SET', 'done', '1']]): Promise<string[]> {
  const run = async (port: number) => {
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    const out: string[] = [];
    try {
      await a.callRaw('FLUSHALL');
      for (const c of setup) out.push(await a.callRaw(...c));
      out.push(await a.callRaw(...watch));
      for (const c of other) out.push(await b.callRaw(...c));
      out.push(await a.callRaw('MULTI'));
      for (const c of tx) out.push(await a.callRaw(...c));
      out.push(await a.callRaw('EXEC'));
      out.push(await a.callRaw('EXISTS', 'done'));
    } finally {
      a.close();
      b.close();
    }
    return out;
  };
  const theirs = await run(real.port);
  const ours = await run(srv.port);
  expect(ours).toEqual(theirs);
  return ours;
}

const ABORTED = '*-1\r\n';

describe.runIf(HAVE_REDIS_SERVER)('MULTI / EXEC / DISCARD (byte-exact against Redis)', () => {
  it('queues, runs in order, returns runtime errors in place', async () => {
    await same([
      ['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['LPUSH', 'a', 'x'], ['GET', 'a'], ['INCRBYFLOAT', 'a', 'x'], ['EXEC'],
      ['GET', 'a'],
      ['MULTI'], ['EXEC'],
      ['MULTI'], ['GET', 'nothing'], ['DISCARD'], ['GET', 'a'],
    ]);
  });

  it('EXECABORT after a command rejected while queueing; the rest is not run', async () => {
    await same([
      ['MULTI'], ['SET', 'a', '1'], ['SET', 'b'], ['EXEC'], ['EXISTS', 'a'],
      ['MULTI'], ['NOSUCHCOMMAND', 'x'], ['SET', 'a', '1'], ['EXEC'], ['EXISTS', 'a'],
      ['MULTI'], ['CONFIG', 'NOSUCH'], ['EXEC'],
      ['MULTI'], ['SHUTDOWN'], ['EXEC'],
      // A protected command refused by enable-debug-command is rejected while queueing.
      ['MULTI'], ['DEBUG', 'DIGEST'], ['SET', 'a', '1'], ['EXEC'], ['EXISTS', 'a'],
      ['MULTI'], ['EXEC', 'extra'], ['EXEC'],
      ['EXEC', 'extra'],
    ]);
  });

  it('control errors: nesting, WATCH inside MULTI, EXEC/DISCARD without MULTI', async () => {
    await same([
      ['EXEC'], ['DISCARD'],
      ['MULTI'], ['MULTI'], ['WATCH', 'x'], ['SET', 'a', '1'], ['EXEC'],
      ['WATCH'], ['UNWATCH'], ['UNWATCH'],
    ]);
  });

  it('blocking commands inside MULTI answer as if timed out; a pop inside runs', async () => {
    await same([
      ['MULTI'], ['BLPOP', 'l', '0'], ['BRPOPLPUSH', 'l', 'm', '0'], ['BZPOPMIN', 'z', '0'], ['BLMPOP', '0', '1', 'l', 'LEFT'],
      ['RPUSH', 'l', 'a', 'b'], ['BLPOP', 'l', '0'], ['BLMOVE', 'l', 'm', 'LEFT', 'RIGHT', '0'], ['EXEC'],
      ['LRANGE', 'm', '0', '-1'],
    ]);
  });

  it('SELECT inside a transaction, and the db afterwards', async () => {
    await same([
      ['MULTI'], ['SET', 'k', 'db0'], ['SELECT', '1'], ['SET', 'k', 'db1'], ['EXEC'],
      ['GET', 'k'], ['SELECT', '0'], ['GET', 'k'],
    ]);
  });

  it('RESET discards the transaction; MULTI state in CLIENT LIST', async () => {
    await same([['MULTI'], ['SET', 'a', '1'], ['RESET'], ['EXEC'], ['EXISTS', 'a']]);
    const fields = async (port: number) => {
      const c = await RawClient.connect(port);
      try {
        await c.callRaw('MULTI');
        await c.callRaw('SET', 'a', '1');
        await c.callRaw('GET', 'a');
        await c.callRaw('CLIENT', 'INFO');
        const r = await c.callRaw('EXEC');
        const info = /txt:|\$\d+\r\n(id=[^\r]*)/.exec(r)![1]!;
        return info.split(' ').filter((f) => /^(flags|multi)=/.test(f));
      } finally {
        c.close();
      }
    };
    const ours = await fields(srv.port);
    expect(ours).toEqual(await fields(real.port));
    expect(ours).toEqual(['flags=x', 'multi=3']);
  });
});

describe.runIf(HAVE_REDIS_SERVER)('WATCH (two clients, against Redis)', () => {
  it('a write by another client aborts EXEC; no write lets it run', async () => {
    expect((await watchScenario([['SET', 'k', '1']], ['WATCH', 'k'], [['SET', 'k', '2']]))).toContain(ABORTED);
    expect((await watchScenario([['SET', 'k', '1']], ['WATCH', 'k'], [['GET', 'k']]))).not.toContain(ABORTED);
    expect((await watchScenario([], ['WATCH', 'k'], [['SET', 'other', '2']]))).not.toContain(ABORTED);
  });

  it('every kind of change touches the key', async () => {
    const cases: [Cmd[], Cmd[]][] = [
      [[['SET', 'k', '1']], [['DEL', 'k']]],
      [[['SET', 'k', '1']], [['EXPIRE', 'k', '100']]],
      [[['SET', 'k', '1']], [['PERSIST', 'k'], ['EXPIRE', 'k', '100']]],
      [[['SET', 'k', '1']], [['RENAME', 'k', 'j']]],
      [[['SET', 'j', '1']], [['RENAME', 'j', 'k']]],
      [[['SET', 'k', '1']], [['MOVE', 'k', '1']]],
      [[['RPUSH', 'k', 'a']], [['LPUSH', 'k', 'b']]],
      [[['RPUSH', 'k', 'a']], [['LPOP', 'k']]],
      [[['HSET', 'k', 'f', 'v']], [['HDEL', 'k', 'f']]],
      [[['SADD', 'k', 'm']], [['SADD', 'k', 'n']]],
      [[['ZADD', 'k', '1', 'm']], [['ZINCRBY', 'k', '1', 'm']]],
      [[['SET', 'k', '1']], [['FLUSHDB']]],
      [[['SET', 'k', '1']], [['FLUSHALL']]],
      [[['SET', 'k', '1']], [['SWAPDB', '0', '1']]],
      [[['SELECT', '1'], ['SET', 'k', '1'], ['SELECT', '0']], [['SWAPDB', '0', '1']]],
      [[], [['SET', 'k', 'new']]],
    ];
    for (const [setup, other] of cases) {
      expect(await watchScenario(setup, ['WATCH', 'k'], other), JSON.stringify(other)).toContain(ABORTED);
    }
  });

  it('changes that leave the key alone do not', async () => {
    const cases: [Cmd[], Cmd[]][] = [
      [[], [['FLUSHALL']]],
      [[], [['FLUSHDB']]],
      [[], [['DEL', 'k']]],
      [[['SET', 'k', '1']], [['LPUSH', 'other', 'x']]],
      [[], [['SWAPDB', '0', '1']]],
      [[['SET', 'k', '1']], [['SETNX', 'k', '2']]],
      [[['SET', 'k', '1']], [['SELECT', '1'], ['SET', 'k', '2']]],
    ];
    for (const [setup, other] of cases) {
      expect(await watchScenario(setup, ['WATCH', 'k'], other), JSON.stringify(other)).not.toContain(ABORTED);
    }
  });

  it('the client\'s own write aborts too; UNWATCH and DISCARD forget the watches', async () => {
    expect(await watchScenario([['SET', 'k', '1']], ['WATCH', 'k'], [], [['SET', 'done', '1']])).not.toContain(ABORTED);
    const run = async (port: number) => {
      const a = await RawClient.connect(port);
      const b = await RawClient.connect(port);
      const out: string[] = [];
      try {
        for (const [c, cmd] of [
          [a, ['FLUSHALL']], [a, ['WATCH', 'k']], [a, ['SET', 'k', 'mine']], [a, ['MULTI']], [a, ['EXEC']],
          [a, ['WATCH', 'k']], [a, ['UNWATCH']], [b, ['SET', 'k', 'x']], [a, ['MULTI']], [a, ['EXEC']],
          [a, ['WATCH', 'k']], [a, ['MULTI']], [a, ['DISCARD']], [b, ['SET', 'k', 'y']], [a, ['MULTI']], [a, ['EXEC']],
          [a, ['WATCH', 'k', 'k', 'j']], [b, ['SET', 'j', 'z']], [a, ['CLIENT', 'INFO']], [a, ['MULTI']], [a, ['EXEC']],
        ] as [RawClient, Cmd][]) {
          const r = await c.callRaw(...cmd);
          out.push(cmd[0] === 'CLIENT' ? /flags=\S+/.exec(r)![0] : r);
        }
      } finally {
        a.close();
        b.close();
      }
      return out;
    };
    const ours = await run(srv.port);
    expect(ours).toEqual(await run(real.port));
    expect(ours.filter((r) => r === ABORTED).length).toBe(2);
  });

  it('a watched key that expires before EXEC aborts it; one already expired when watched does not', async () => {
    // Real time on both servers: a 30 ms TTL, then 60 ms.
    const pause = () => new Promise((r) => setTimeout(r, 60));
    const run = async (port: number) => {
      const a = await RawClient.connect(port);
      const out: string[] = [];
      try {
        await a.callRaw('FLUSHALL');
        out.push(await a.callRaw('SET', 'k', '1', 'PX', '30'));
        out.push(await a.callRaw('WATCH', 'k'));
        await pause();
        out.push(await a.callRaw('MULTI'));
        out.push(await a.callRaw('EXEC'));
        // Expired (but still stored) when watched: its lazy deletion is no change.
        out.push(await a.callRaw('SET', 'j', '1', 'PX', '30'));
        await pause();
        out.push(await a.callRaw('WATCH', 'j'));
        out.push(await a.callRaw('GET', 'j'));
        out.push(await a.callRaw('MULTI'));
        out.push(await a.callRaw('EXEC'));
      } finally {
        a.close();
      }
      return out;
    };
    const ours = await run(srv.port);
    expect(ours).toEqual(await run(real.port));
    expect(ours[3]).toBe(ABORTED);
    expect(ours[8]).toBe('*0\r\n');
  });
});

describe('what a transaction propagates', () => {
  it('several writes as one MULTI ... EXEC unit, one write alone, reads nothing, pops as pops', async () => {
    const rec = recordPropagation(srv.server);
    try {
      const c = await RawClient.connect(srv.port);
      await c.callRaw('FLUSHALL');
      rec.units.length = 0;
      for (const cmd of [
        ['MULTI'], ['SET', 'a', '1'], ['GET', 'a'], ['EXEC'],
        ['MULTI'], ['SET', 'b', '1'], ['INCR', 'b'], ['EXEC'],
        ['MULTI'], ['GET', 'a'], ['EXEC'],
        ['MULTI'], ['SET', 'c', '1'], ['SELECT', '1'], ['SET', 'c', '2'], ['EXEC'],
        ['SELECT', '0'],
        ['MULTI'], ['RPUSH', 'l', 'a'], ['BLPOP', 'l', '0'], ['EXEC'],
        ['MULTI'], ['SET', 'x', '1'], ['SET', 'y'], ['EXEC'],
      ]) await c.callRaw(...cmd);
      c.close();
      expect(rec.units.map((u) => u.map((op) => `${op.db}:${op.argv.join(' ')}`))).toEqual([
        ['0:SET a 1'],
        ['0:MULTI', '0:SET b 1', '0:INCR b', '0:EXEC'],
        ['0:MULTI', '0:SET c 1', '1:SET c 2', '1:EXEC'],
        ['0:MULTI', '0:RPUSH l a', '0:LPOP l', '0:EXEC'],
      ]);
    } finally {
      rec.stop();
    }
  });
});

describe('client libraries', () => {
  it('ioredis: multi().exec() results, errors in place, watch() conflict gives null', async () => {
    const r = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true });
    const other = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true });
    await r.connect();
    await other.connect();
    await r.flushall();
    expect(await r.multi().set('a', '1').incr('a').get('a').exec()).toEqual([[null, 'OK'], [null, 2], [null, '2']]);
    const withError = await r.multi().set('s', 'x').incr('s').exec();
    expect(withError![0]).toEqual([null, 'OK']);
    expect(String(withError![1]![0])).toContain('ERR value is not an integer');
    await r.watch('a');
    await other.set('a', '100');
    expect(await r.multi().set('a', '5').exec()).toBe(null);
    expect(await r.get('a')).toBe('100');
    await expect(r.multi([['set', 'a']]).exec()).rejects.toThrow(/EXECABORT/);
    r.disconnect();
    other.disconnect();
  });

  it('node-redis: multi().exec(), watch() conflict throws WatchError', async () => {
    const mk = () => createClient({ socket: { port: srv.port, host: '127.0.0.1', reconnectStrategy: false } });
    const a = mk();
    const b = mk();
    a.on('error', () => {});
    b.on('error', () => {});
    await a.connect();
    await b.connect();
    await a.flushAll();
    expect(await a.multi().set('n', '1').incr('n').exec()).toEqual(['OK', 2]);
    await a.watch('n');
    await b.set('n', '9');
    await expect(a.multi().set('n', '0').exec()).rejects.toThrow(/watch/i);
    expect(await a.get('n')).toBe('9');
    a.destroy();
    b.destroy();
  });

  it('a WATCH/MULTI counter incremented by two racing clients loses no increment', async () => {
    const clients = await Promise.all([0, 1].map(async () => {
      const r = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true });
      await r.connect();
      return r;
    }));
    await clients[0]!.set('counter', '0');
    let retries = 0;
    const PER = 100;
    await Promise.all(clients.map(async (r) => {
      for (let done = 0; done < PER;) {
        await r.watch('counter');
        const v = Number(await r.get('counter'));
        const res = await r.multi().set('counter', String(v + 1)).exec();
        if (res === null) retries++;
        else done++;
      }
    }));
    expect(await clients[0]!.get('counter')).toBe(String(2 * PER));
    // The clients interleave, so some transactions must have been retried.
    expect(retries).toBeGreaterThan(0);
    for (const r of clients) r.disconnect();
  });
});
