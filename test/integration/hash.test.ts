// Hash commands, checked byte for byte against real Redis where the reply is
// deterministic, and by shape and membership where it is random (HRANDFIELD)
// or unordered (a hashtable's HGETALL, HSCAN's pages).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectSameReplies, HAVE_REDIS_SERVER, RawClient, recordPropagation, startRealRedis, startTestServer,
  type TestServer, withServerPair,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping hash differential tests: redis-server not installed');

type Cmd = (string | number)[];

describe('hashes', () => {
  let srv: TestServer;
  beforeAll(async () => { srv = await startTestServer(); });
  afterAll(async () => { await srv.close(); });

  it('HINCRBYFLOAT is replayed as HSET of the result', async () => {
    const c = await RawClient.connect(srv.port);
    const rec = recordPropagation(srv.server);
    try {
      expect(await c.call('HINCRBYFLOAT', 'pf', 'f', '0.1')).toBe('0.1');
      expect(await c.call('HINCRBYFLOAT', 'pf', 'f', '0.2')).toBe('0.3');
      expect(await c.call('HINCRBYFLOAT', 'pf', 'f', 'x')).toBeInstanceOf(Error);
      expect(await c.call('HINCRBY', 'pi', 'f', 2)).toBe(2);
      expect(await c.call('HSETNX', 'pi', 'f', 2)).toBe(0);
      expect(await c.call('HDEL', 'pi', 'f')).toBe(1);
      expect(rec.ops).toEqual([
        ['HSET', 'pf', 'f', '0.1'],
        ['HSET', 'pf', 'f', '0.3'],
        ['HINCRBY', 'pi', 'f', '2'],
        ['HDEL', 'pi', 'f'],
      ]);
    } finally {
      rec.stop();
      c.close();
    }
  });

  it('HRANDFIELD picks only existing fields, repeats only with a negative count', async () => {
    const c = await RawClient.connect(srv.port);
    const fields = Array.from({ length: 20 }, (_, i) => `f${i}`);
    await c.call('HSET', 'r', ...fields.flatMap((f) => [f, `v-${f}`]));
    const one = await c.call('HRANDFIELD', 'r');
    expect(fields).toContain(one);
    const five = (await c.call('HRANDFIELD', 'r', 5)) as string[];
    expect(new Set(five).size).toBe(5);
    for (const f of five) expect(fields).toContain(f);
    const many = (await c.call('HRANDFIELD', 'r', -50, 'WITHVALUES')) as string[];
    expect(many.length).toBe(100);
    for (let i = 0; i < many.length; i += 2) expect(many[i + 1]).toBe(`v-${many[i]!}`);
    const all = (await c.call('HRANDFIELD', 'r', 100)) as string[];
    expect([...all].sort()).toEqual([...fields].sort());
    c.close();
  });
});

describe.skipIf(!HAVE_REDIS_SERVER)('hashes vs real Redis', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  withServerPair((s, r) => {
    srv = s;
    real = r;
  });

  it('replies match', async () => {
    const cmds: Cmd[] = [
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '\x00\xff'], ['HSET', 'h', 'a', '1'], ['HSET', 'h', 'a', 'x', 'd', '4'],
      ['HSET', 'h', 'a'], ['HSET', 'h', 'a', 1, 'b'], ['HSET', 'h'], ['HMSET', 'h', 'e', '5'], ['HMSET', 'h', 'e'],
      ['HGETALL', 'h'], ['HKEYS', 'h'], ['HVALS', 'h'], ['HLEN', 'h'], ['HGET', 'h', 'a'], ['HGET', 'h', 'zz'],
      ['HGET', 'none', 'a'], ['HGET', 'h'], ['HMGET', 'h', 'a', 'zz', 'c'], ['HMGET', 'none', 'a', 'b'], ['HMGET', 'h'],
      ['HEXISTS', 'h', 'a'], ['HEXISTS', 'h', 'zz'], ['HEXISTS', 'none', 'a'], ['HSTRLEN', 'h', 'c'],
      ['HSTRLEN', 'h', 'zz'], ['HSTRLEN', 'none', 'a'], ['HLEN', 'none'], ['HGETALL', 'none'], ['HKEYS', 'none'],
      ['HVALS', 'none'], ['HSETNX', 'h', 'a', 'y'], ['HSETNX', 'h', 'n', 'y'], ['HSETNX', 'h', 'n'],
      ['HDEL', 'h', 'a', 'a', 'zz'], ['HDEL', 'h'], ['HDEL', 'none', 'a'], ['HGETALL', 'h'],
      ['HDEL', 'h', 'b', 'c', 'd', 'e', 'n', 'x'], ['EXISTS', 'h'],
      // HINCRBY
      ['HINCRBY', 'i', 'f', 5], ['HINCRBY', 'i', 'f', -7], ['HINCRBY', 'i', 'f', 'x'], ['HINCRBY', 'i', 'f', '1.5'],
      ['HINCRBY', 'i', 'f', '9223372036854775808'], ['HINCRBY', 'i', 'f', '9223372036854775807'],
      ['HINCRBY', 'i', 'f', 3], ['HINCRBY', 'i', 'f', '-9223372036854775808'], ['HSET', 'i', 'g', ' 1'],
      ['HINCRBY', 'i', 'g', 1], ['HSET', 'i', 'g', '007'], ['HINCRBY', 'i', 'g', 1], ['HINCRBY', 'i', 'f'],
      ['HSET', 'i', 'max', '9223372036854775807'], ['HINCRBY', 'i', 'max', 1], ['HINCRBY', 'i', 'max', -1],
      ['HSET', 'i', 'min', '-9223372036854775808'], ['HINCRBY', 'i', 'min', -1], ['HINCRBY', 'i', 'min', 0],
      // HINCRBYFLOAT
      ['HINCRBYFLOAT', 'fl', 'f', '0.1'], ['HINCRBYFLOAT', 'fl', 'f', '0.2'], ['HINCRBYFLOAT', 'fl', 'f', '1e3'],
      ['HINCRBYFLOAT', 'fl', 'f', '-1000.3'], ['HINCRBYFLOAT', 'fl', 'f', 'inf'], ['HINCRBYFLOAT', 'fl', 'f', '-inf'],
      ['HINCRBYFLOAT', 'fl', 'f', 'nan'], ['HINCRBYFLOAT', 'fl', 'f', 'abc'], ['HINCRBYFLOAT', 'fl', 'f', ''],
      ['HINCRBYFLOAT', 'fl', 'f', ' 1'], ['HSET', 'fl', 's', 'abc'], ['HINCRBYFLOAT', 'fl', 's', '1'],
      ['HSET', 'fl', 'i', 'inf'], ['HINCRBYFLOAT', 'fl', 'i', '1'], ['HSET', 'fl', 'n', '5'],
      ['HINCRBYFLOAT', 'fl', 'n', '2.5e-1'], ['HINCRBYFLOAT', 'fl', 'n', '1.7976931348623157e308'],
      ['HSET', 'fl', 'big', '1e4932'], ['HINCRBYFLOAT', 'fl', 'big', '1e4932'], ['HINCRBYFLOAT', 'fl', 'f'],
      ['HINCRBYFLOAT', 'new', 'f', 'x'], ['EXISTS', 'new'], ['OBJECT', 'ENCODING', 'fl'],
      // A hashtable's order is unspecified: fields one by one.
      ['HLEN', 'fl'], ['HMGET', 'fl', 'f', 's', 'i', 'n', 'big', 'zz'], ['HINCRBYFLOAT', 'fl', 'f', '-0.0'],
      // wrong type
      ['SET', 's', 'v'], ['HSET', 's', 'a', 'b'], ['HMSET', 's', 'a', 'b'], ['HSETNX', 's', 'a', 'b'],
      ['HGET', 's', 'a'], ['HMGET', 's', 'a'], ['HGETALL', 's'], ['HKEYS', 's'], ['HVALS', 's'], ['HLEN', 's'],
      ['HDEL', 's', 'a'], ['HEXISTS', 's', 'a'], ['HSTRLEN', 's', 'a'], ['HINCRBY', 's', 'a', 1],
      ['HINCRBY', 's', 'a', 'x'], ['HINCRBYFLOAT', 's', 'a', 1], ['HINCRBYFLOAT', 's', 'a', 'x'],
      ['HRANDFIELD', 's'], ['HRANDFIELD', 's', 1], ['HRANDFIELD', 's', 0], ['HRANDFIELD', 's', 'x'],
      ['HSCAN', 's', 0], ['HSCAN', 's', 'x'], ['HSCAN', 's', 0, 'BAD'],
      ['LPUSH', 'l', 'a'], ['HGET', 'l', 'a'], ['GET', 'fl'], ['TYPE', 'fl'], ['OBJECT', 'ENCODING', 'fl'],
      // HRANDFIELD (deterministic cases)
      ['HRANDFIELD', 'none'], ['HRANDFIELD', 'none', 5], ['HRANDFIELD', 'none', -5, 'WITHVALUES'],
      ['HRANDFIELD', 'none', 'x'], ['HRANDFIELD', 'none', 1, 'WITHVALUE'], ['HRANDFIELD', 'none', 1, 'WITHVALUES', 'x'],
      ['HRANDFIELD', 'none', '-9223372036854775808'], ['HRANDFIELD', 'none', '9223372036854775807'],
      ['HRANDFIELD', 'none', '4611686018427387904', 'WITHVALUES'],
      ['HRANDFIELD', 'none', '-4611686018427387904', 'withvalues'],
      ['HRANDFIELD', 'none', '4611686018427387903', 'WITHVALUES'],
      ['HSET', 'r', 'a', '1'], ['HRANDFIELD', 'r'], ['HRANDFIELD', 'r', 1], ['HRANDFIELD', 'r', 0],
      ['HRANDFIELD', 'r', -3], ['HRANDFIELD', 'r', -2, 'WITHVALUES'], ['HRANDFIELD', 'r', 1, 'WITHVALUES'],
      ['HSET', 'r', 'b', '2', 'c', '3'], ['HRANDFIELD', 'r', 3], ['HRANDFIELD', 'r', 10, 'withvalues'],
      ['HRANDFIELD', 'r', 0, 'WITHVALUES'],
      // HSCAN on a listpack hash: everything at once, cursor 0
      ['HSCAN', 'none', 0], ['HSCAN', 'none', 0, 'COUNT', 0], ['HSCAN', 'none', 'x'], ['HSCAN', 'r', 0],
      ['HSCAN', 'r', 0, 'COUNT', 1], ['HSCAN', 'r', 0, 'MATCH', '[ab]'], ['HSCAN', 'r', 0, 'match', '*'],
      ['HSCAN', 'r', 0, 'COUNT', 0], ['HSCAN', 'r', 0, 'COUNT', -1], ['HSCAN', 'r', 0, 'COUNT', 'x'],
      ['HSCAN', 'r', 0, 'COUNT'], ['HSCAN', 'r', 0, 'MATCH'], ['HSCAN', 'r', 0, 'TYPE', 'hash'],
      ['HSCAN', 'r', 'abc'], ['HSCAN', 'r', '-1'], ['HSCAN', 'r', '+0'], ['HSCAN', 'r', ' 0'], ['HSCAN', 'r', ''],
      ['HSCAN', 'r', '18446744073709551615'], ['HSCAN', 'r', '18446744073709551616'], ['HSCAN', 'r', 7],
      ['HSCAN', 'r'],
      // RESP3
      ['HELLO', 3], ['HGETALL', 'r'], ['HGETALL', 'none'], ['HKEYS', 'r'], ['HRANDFIELD', 'r', 5, 'WITHVALUES'],
      ['HSET', 'one', 'f', 'v'], ['HRANDFIELD', 'one', 1, 'WITHVALUES'], ['HRANDFIELD', 'none', 1, 'WITHVALUES'], ['HRANDFIELD', 'none'],
      ['HRANDFIELD', 'r', 0, 'WITHVALUES'], ['HMGET', 'r', 'a', 'zz'], ['HGET', 'r', 'zz'], ['HSCAN', 'r', 0],
      ['HSCAN', 'none', 0], ['HINCRBYFLOAT', 'r', 'a', '1.5'],
      ['HRANDFIELD', 'one', -2, 'WITHVALUES'], ['HRANDFIELD', 'one', -2], ['HRANDFIELD', 'one'], ['HINCRBY', 'r', 'b', 1],
    ];
    await expectSameReplies(srv.port, real.port, cmds);
  });

  it('OBJECT ENCODING follows the listpack limits, one way', async () => {
    const cmds: Cmd[] = [
      ['CONFIG', 'SET', 'hash-max-listpack-entries', 4], ['CONFIG', 'SET', 'hash-max-listpack-value', 8],
      ['HSET', 'e', 'a', 1, 'b', 2, 'c', 3, 'd', 4], ['OBJECT', 'ENCODING', 'e'], ['HKEYS', 'e'],
      ['HSET', 'e', 'e', 5], ['OBJECT', 'ENCODING', 'e'], ['HDEL', 'e', 'a', 'b', 'c'], ['OBJECT', 'ENCODING', 'e'],
      ['HSET', 'v', 'a', '12345678'], ['OBJECT', 'ENCODING', 'v'], ['HSET', 'v', 'b', '123456789'],
      ['OBJECT', 'ENCODING', 'v'], ['HSET', 'k', '123456789', 'x'], ['OBJECT', 'ENCODING', 'k'],
      ['HSETNX', 'n', 'a', '123456789'], ['OBJECT', 'ENCODING', 'n'], ['HSETNX', 'n2', 'a', '1'],
      ['HSETNX', 'n2', 'a', '123456789'], ['OBJECT', 'ENCODING', 'n2'],
      ['HINCRBYFLOAT', 'f', 'x', '0.1'], ['HINCRBYFLOAT', 'f', 'x', '0.2'], ['OBJECT', 'ENCODING', 'f'],
      ['HINCRBY', 'g', 'x', '123456789'], ['OBJECT', 'ENCODING', 'g'],
      ['HMSET', 'm', 'a', '1', 'b', '123456789'], ['OBJECT', 'ENCODING', 'm'],
      ['HSET', 'p', 'a', 1, 'b', 2, 'c', 3, 'd', 4], ['HDEL', 'p', 'a'], ['HSET', 'p', 'a', 1, 'z', 2],
      ['OBJECT', 'ENCODING', 'p'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', 128], ['CONFIG', 'SET', 'hash-max-listpack-value', 64],
    ];
    await expectSameReplies(srv.port, real.port, cmds);
  });

  it('a hashtable hash has the same contents (compared sorted) and HSCAN returns them all', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    try {
      const pairs: string[] = [];
      for (let i = 0; i < 300; i++) pairs.push(`field:${i}`, `value:${i}`);
      for (const c of [a, b]) {
        await c.call('HSET', 'big', ...pairs);
        await c.call('HDEL', 'big', 'field:7', 'field:8');
      }
      expect(await a.call('OBJECT', 'ENCODING', 'big')).toBe(await b.call('OBJECT', 'ENCODING', 'big'));
      const sortedPairs = (flat: string[]) => {
        const out: string[] = [];
        for (let i = 0; i < flat.length; i += 2) out.push(`${flat[i]!}=${flat[i + 1]!}`);
        return out.sort();
      };
      expect(sortedPairs((await a.call('HGETALL', 'big')) as string[]))
        .toEqual(sortedPairs((await b.call('HGETALL', 'big')) as string[]));
      expect(((await a.call('HKEYS', 'big')) as string[]).sort()).toEqual(((await b.call('HKEYS', 'big')) as string[]).sort());
      expect(((await a.call('HVALS', 'big')) as string[]).sort()).toEqual(((await b.call('HVALS', 'big')) as string[]).sort());
      const scanAll = async (c: RawClient, ...opts: (string | number)[]) => {
        const seen = new Set<string>();
        let cursor = '0';
        let calls = 0;
        do {
          const [next, items] = (await c.call('HSCAN', 'big', cursor, ...opts)) as [string, string[]];
          for (let i = 0; i < items.length; i += 2) seen.add(`${items[i]!}=${items[i + 1]!}`);
          cursor = next;
          calls++;
        } while (cursor !== '0');
        return { items: [...seen].sort(), calls };
      };
      const ours = await scanAll(a);
      expect(ours.items).toEqual((await scanAll(b)).items);
      expect(ours.calls).toBeGreaterThan(1);
      expect((await scanAll(a, 'MATCH', 'field:1*', 'COUNT', 50)).items)
        .toEqual((await scanAll(b, 'MATCH', 'field:1*', 'COUNT', 50)).items);
      // Random replies: right shape, right members.
      const all = new Set(pairs.filter((_, i) => i % 2 === 0 && pairs[i] !== 'field:7' && pairs[i] !== 'field:8'));
      for (const c of [a, b]) {
        const some = (await c.call('HRANDFIELD', 'big', 10)) as string[];
        expect(new Set(some).size).toBe(10);
        for (const f of some) expect(all.has(f)).toBe(true);
        const rep = (await c.call('HRANDFIELD', 'big', -400, 'WITHVALUES')) as string[];
        expect(rep.length).toBe(800);
        for (let i = 0; i < rep.length; i += 2) expect(rep[i + 1]).toBe(rep[i]!.replace('field', 'value'));
      }
    } finally {
      a.close();
      b.close();
    }
  });
});
