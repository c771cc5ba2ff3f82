// SORT and SORT_RO against real Redis 7.0, byte for byte: every combination
// of BY / LIMIT / ASC|DESC / ALPHA / GET over lists, intsets, hashtable sets
// and sorted sets (both encodings); missing BY/GET keys and hash fields;
// strtod's score rules; errors and their precedence; STORE (types, TTL,
// deletion, encoding); RESP3 nulls; keyspace hit counts; a seeded random mix;
// a BLPOP client served by SORT ... STORE; what is propagated.
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../helpers/resp.js';
import { rng } from '../helpers/rng.js';
import {
  expectSameReplies, HAVE_REDIS_SERVER, RawClient, recordPropagation, startRealRedis, type TestServer, withServerPair,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping sort differential tests: redis-server not installed');

type Cmd = (string | number)[];

const LIST = ['3', '10', '1', '2.5', '-4', '10', '7'];
const INTSET = ['5', '-3', '100', '0', '7'];
const WORDS = ['pear', 'apple', 'fig', 'kiwi', 'banana'];
/** [score, member]: the native (score) order differs from the members' numeric order. */
const ZSET: [number, string][] = [[1, '30'], [2, '4'], [3, '-1'], [4, '200'], [5, '7'], [6, '0.5']];
const ALL = [...new Set([...LIST, ...INTSET, ...WORDS, ...ZSET.map(([, m]) => m)])];

/** The dataset: distinct weights (numeric and ALPHA orders differ), hashes, GET targets with gaps. */
function fixture(): Cmd[] {
  const cmds: Cmd[] = [['FLUSHALL'], ['RPUSH', 'l', ...LIST], ['SADD', 'si', ...INTSET], ['SADD', 'sw', ...WORDS]];
  cmds.push(['ZADD', 'z', ...ZSET.flat()]);
  cmds.push(['ZADD', 'zs', ...ZSET.flat()], ['OBJECT', 'ENCODING', 'zs']);
  ALL.forEach((m, i) => {
    const w = ((i * 7919) % 97) + (i % 3 === 0 ? 0.5 : 0); // distinct
    cmds.push(['SET', `w_${m}`, w]);
    cmds.push(['HSET', `h_${m}`, 'f', String(1000 - i * 3), 'g', `G${m}`]);
    if (i % 3 !== 1) cmds.push(['SET', `v_${m}`, `V${m}`]);
  });
  return cmds;
}

/** Every option combination on `key` (skipping BY nosort where the native order is a hashtable's). */
function combos(key: string, nosort: boolean): Cmd[] {
  const out: Cmd[] = [];
  const bys: string[][] = [[], ['BY', 'w_*'], ['BY', 'h_*->f']];
  if (nosort) bys.push(['BY', 'nosort']);
  const limits: Cmd[] = [[], ['LIMIT', 0, 2], ['LIMIT', 1, -1], ['LIMIT', -1, 2], ['LIMIT', 2, 0], ['LIMIT', 10, 3], ['LIMIT', 1, 100], ['LIMIT', 3, 2]];
  const orders: string[][] = [[], ['ASC'], ['DESC']];
  const gets: string[][] = [[], ['GET', '#'], ['GET', 'v_*', 'GET', '#', 'GET', 'h_*->g', 'GET', 'nope']];
  for (const by of bys) {
    for (const limit of limits) {
      for (const order of orders) {
        for (const alpha of [[], ['ALPHA']]) {
          for (const get of gets) out.push(['SORT', key, ...by, ...limit, ...get, ...order, ...alpha]);
        }
      }
    }
  }
  return out;
}

describe.skipIf(!HAVE_REDIS_SERVER)('SORT vs real Redis', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  withServerPair((s, r) => {
    srv = s;
    real = r;
  });
  const same = (cmds: Cmd[]) => expectSameReplies(srv.port, real.port, cmds);

  it('every option combination on a list, sets and sorted sets', async () => {
    const fx = fixture();
    // 'zs' is made a skiplist on both servers by a long member.
    fx.push(['ZADD', 'zs', 99, 'x'.repeat(100)], ['ZREM', 'zs', 'x'.repeat(100)], ['OBJECT', 'ENCODING', 'zs']);
    await same([
      ...fx,
      ...combos('l', true), ...combos('si', true), ...combos('sw', false),
      ...combos('z', true), ...combos('zs', true),
      ...combos('none', true),
    ]);
  });

  it('SORT_RO is SORT without STORE', async () => {
    const cmds: Cmd[] = [...fixture()];
    for (const c of [...combos('l', true).slice(0, 200), ...combos('z', true).slice(300, 500)]) cmds.push(['SORT_RO', ...c.slice(1)]);
    cmds.push(['SORT_RO', 'l', 'STORE', 'd'], ['SORT_RO', 'l', 'store'], ['sort_ro', 'l', 'desc', 'limit', 1, 2], ['EXISTS', 'd']);
    await same(cmds);
  });

  it('missing BY keys and fields, patterns without * or with several, GET #, hash dereference forms', async () => {
    await same([
      ['FLUSHALL'], ['RPUSH', 'l', 'b', 'a', 'c', 'd'],
      ['SET', 'w_a', 3], ['SET', 'w_c', 1], ['HSET', 'h_b', 'f', 2], ['HSET', 'h_a', 'x', 1], ['RPUSH', 'w_d', 1],
      ['SORT', 'l', 'BY', 'w_*'], ['SORT', 'l', 'BY', 'w_*', 'DESC'], ['SORT', 'l', 'BY', 'w_*', 'ALPHA'],
      ['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'DESC'], ['SORT', 'l', 'BY', 'h_*->f'], ['SORT', 'l', 'BY', 'h_*->f', 'ALPHA'],
      ['SORT', 'l', 'BY', 'h_*->f', 'ALPHA', 'DESC'], ['SORT', 'l', 'BY', 'h_*->f', 'DESC'],
      ['SORT', 'l', 'BY', 'w_*', 'LIMIT', 1, 2], ['SORT', 'l', 'BY', 'w_*', 'LIMIT', 0, 1, 'DESC'],
      ['SORT', 'l', 'BY', 'w_*', 'GET', 'w_*', 'GET', 'h_*->f', 'GET', 'h_*->x', 'GET', '#'],
      ['SORT', 'l', 'BY', 'nosort', 'GET', 'w_*', 'GET', '#', 'GET', 'nostar', 'GET', '#x', 'GET', 'h_*->'],
      ['SET', 'h_b->', 'arrow'], ['SORT', 'l', 'BY', 'nosort', 'GET', 'h_*->'],
      ['SET', 'pa_x_a', 'one'], ['SET', 'pa_*_a', 'two'], ['SORT', 'l', 'BY', 'nosort', 'GET', 'pa_*_*', 'GET', 'pa_x_*'],
      ['SORT', 'l', 'BY', 'nokey', 'DESC'], ['SORT', 'l', 'BY', 'nokey', 'ALPHA', 'LIMIT', 1, 2],
      ['SET', 'weird->f_a', 9], ['SORT', 'l', 'BY', 'weird->f_*', 'GET', 'weird->f_*'],
      ['HSET', 'hb_a', 'f->g', 5], ['SORT', 'l', 'BY', 'nosort', 'GET', 'hb_*->f->g'],
      ['SORT', 'l', 'BY', 'w_*', 'BY', 'nosort', 'DESC'], ['SORT', 'l', 'BY', 'nosort', 'BY', 'w_*'],
      ['SORT', 'l', 'ALPHA', 'DESC', 'ASC'], ['SORT', 'l', 'alpha', 'limit', 0, 2, 'limit', 1, 2],
    ]);
  });

  it('numeric scores follow strtod: white space, empty strings, hex, infinities; NaN and overflow refused', async () => {
    const cmds: Cmd[] = [['FLUSHALL']];
    const ok = ['', ' 5', '\t-2', '0x10', 'inf', '-inf', '+3', '.5', '1e3', '-0', '1e-300', '12345678901234567890', '-infinity', '0x1p-1074', '2.2250738585072014e-308'];
    cmds.push(['RPUSH', 'l', ...ok], ['SORT', 'l'], ['SORT', 'l', 'DESC'], ['SORT', 'l', 'LIMIT', 2, 3]);
    // A bad BY value is an error too; a missing one is 0.
    cmds.push(['RPUSH', 'm', 'x', 'y', 'z'], ['SET', 'w_x', 2], ['SORT', 'm', 'BY', 'w_*'], ['SET', 'w_y', 'bad'],
      ['SORT', 'm', 'BY', 'w_*'], ['SORT', 'm', 'BY', 'w_*', 'ALPHA']);
    // Equal scores fall back to the elements' bytes.
    cmds.push(['RPUSH', 't', 'b', '1', 'a', '01', '1.0', 'c'], ['SORT', 't', 'BY', 'nokey*'], ['SORT', 't', 'BY', 'nokey*', 'DESC'],
      ['RPUSH', 'e', '1.0', '1', '01', '1e0'], ['SORT', 'e'], ['SORT', 'e', 'DESC']);
    // Last: Redis does not clear errno before strtod, so after an ERANGE a valid
    // score on the same connection can be refused until some failing system
    // call resets errno (a difference we do not reproduce).
    for (const bad of ['5 ', 'nan', 'abc', '  ', '-', '0x', '3.0.1', '1e400', '1e-400', '1e-310', '-4e-320']) {
      cmds.push(['DEL', 'b'], ['RPUSH', 'b', 1, bad, 2], ['SORT', 'b'], ['SORT', 'b', 'LIMIT', 0, 0], ['SORT', 'b', 'ALPHA'],
        ['SORT', 'b', 'BY', 'nosort'], ['SORT', 'b', 'STORE', 'bd'], ['EXISTS', 'bd']);
    }
    await same(cmds);
  });

  it('ALPHA compares bytes, up to a NUL unless storing', async () => {
    await same([
      ['FLUSHALL'], ['RPUSH', 'l', 'b', 'a\0c', 'a', 'a\0b', '\xff', 'B', 'ab', '\x01', 'a\0a'],
      ['SORT', 'l', 'ALPHA'], ['SORT', 'l', 'ALPHA', 'DESC'],
      ['SORT', 'l', 'ALPHA', 'STORE', 'd'], ['LRANGE', 'd', 0, -1],
      ['SORT', 'l', 'ALPHA', 'DESC', 'STORE', 'd'], ['LRANGE', 'd', 0, -1],
      ['SORT', 'l', 'BY', 'w_*', 'ALPHA'], ['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'GET', 'w_*'],
      ['SET', 'w_b', 'x\0b'], ['SET', 'w_a', 'x\0a'], ['SET', 'w_ab', 'x'], ['SET', 'w_B', 'x\0'],
      ['SORT', 'l', 'BY', 'w_*', 'ALPHA'], ['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'DESC'],
      ['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'STORE', 'd'], ['LRANGE', 'd', 0, -1],
      ['SORT', 'l', 'BY', 'w_*\0junk', 'ALPHA'], ['SORT', 'l', 'BY', 'nosort', 'GET', '#\0x'],
    ]);
  });

  it('errors and their precedence', async () => {
    await same([
      ['FLUSHALL'], ['RPUSH', 'l', 1, 2, 3], ['SET', 'str', 'x'], ['HSET', 'h', 'f', 'v'],
      ['SORT'], ['SORT_RO'], ['SORT', 'str'], ['SORT', 'h'], ['SORT_RO', 'str'], ['SORT', 'str', 'BY', 'nosort'],
      ['SORT', 'l', 'LIMIT', 'a', 1], ['SORT', 'l', 'LIMIT', 0, 'x'], ['SORT', 'l', 'LIMIT', '1.5', 1],
      ['SORT', 'l', 'LIMIT', 0, '99999999999999999999'], ['SORT', 'l', 'LIMIT', 1], ['SORT', 'l', 'LIMIT'],
      ['SORT', 'l', 'foo'], ['SORT', 'l', 'BY'], ['SORT', 'l', 'GET'], ['SORT', 'l', 'STORE'], ['SORT_RO', 'l', 'STORE', 'd'],
      ['SORT', 'str', 'foo'], ['SORT', 'str', 'LIMIT', 'a', 'b'], ['SORT', 'l', 'LIMIT', 'a', 'b', 'foo'],
      ['SORT', 'l', 'foo', 'LIMIT', 'a', 'b'], ['SORT', 'h', 'STORE', 'd'], ['EXISTS', 'd'],
      ['SORT', 'l', 'LIMIT', 0, -5], ['SORT', 'l', 'LIMIT', -5, -5], ['SORT', 'l', 'LIMIT', 0, 0],
      ['SORT', 'l', 'LIMIT', '9223372036854775807', 1], ['SORT', 'l', 'LIMIT', '-9223372036854775808', 2],
      ['SORT', 'l', 'LIMIT', 1, '9223372036854775807'],
    ]);
  });

  it('STORE writes a list, replacing the destination (type and TTL); an empty result deletes it', async () => {
    await same([
      ['FLUSHALL'], ['RPUSH', 'l', 3, 1, 2], ['SADD', 's', 'b', 'c', 'a'], ['ZADD', 'z', 1, 'y', 2, 'x'],
      ['SORT', 'l', 'STORE', 'd'], ['LRANGE', 'd', 0, -1], ['TYPE', 'd'], ['OBJECT', 'ENCODING', 'd'],
      ['SET', 'd', 'x'], ['EXPIRE', 'd', 100], ['SORT', 'l', 'DESC', 'STORE', 'd'], ['TTL', 'd'], ['LRANGE', 'd', 0, -1],
      ['SORT', 's', 'BY', 'nosort', 'STORE', 'd'], ['LRANGE', 'd', 0, -1],
      ['SORT', 's', 'BY', 'nosort', 'DESC', 'LIMIT', 1, 5, 'STORE', 'd'], ['LRANGE', 'd', 0, -1],
      ['SORT', 'z', 'BY', 'nosort', 'STORE', 'd'], ['LRANGE', 'd', 0, -1],
      ['SORT', 'z', 'BY', 'nosort', 'DESC', 'STORE', 'd'], ['LRANGE', 'd', 0, -1],
      ['SORT', 'l', 'GET', 'v_*', 'GET', '#', 'STORE', 'd'], ['LRANGE', 'd', 0, -1],
      ['SORT', 'l', 'STORE', 'a', 'STORE', 'b'], ['EXISTS', 'a'], ['LRANGE', 'b', 0, -1],
      ['SORT', 'l', 'STORE', 'l'], ['LRANGE', 'l', 0, -1],
      ['SORT', 'l', 'LIMIT', 0, 0, 'STORE', 'd'], ['EXISTS', 'd'],
      ['SORT', 'none', 'STORE', 'd'], ['EXISTS', 'd'],
      ['HSET', 'd', 'f', 'v'], ['SORT', 'none', 'STORE', 'd'], ['EXISTS', 'd'],
      ['SORT', 'l', 'LIMIT', 0, 0, 'GET', '#', 'STORE', 'd'], ['EXISTS', 'd'],
    ]);
  });

  it('key positions: COMMAND GETKEYS / GETKEYSANDFLAGS / INFO', async () => {
    const argvs: Cmd[] = [
      ['sort', 'a'], ['sort', 'a', 'store', 'b'], ['sort', 'a', 'limit', 'store', 'b', 'store', 'c'], ['sort', 'a', 'STORE', 'b', 'STORE', 'c'],
      ['sort', 'a', 'by', 'store', 'x'], ['sort', 'a', 'get', 'store', 'store'], ['sort', 'a', 'store'], ['sort', 'a', 'store', 'store'],
      ['sort_ro', 'a'], ['sort_ro', 'a', 'by', 'w_*', 'get', '#'], ['sort_ro', 'a', 'store', 'b'],
    ];
    await same([
      ...argvs.map((a) => ['COMMAND', 'GETKEYS', ...a]), ...argvs.map((a) => ['COMMAND', 'GETKEYSANDFLAGS', ...a]),
      ['COMMAND', 'INFO', 'sort', 'sort_ro'], ['COMMAND', 'DOCS', 'sort_ro'],
    ]);
  });

  it('RESP3 nulls for missing GET values', async () => {
    await same([
      ['FLUSHALL'], ['HELLO', 3], ['RPUSH', 'l', 'a', 'b'], ['SET', 'v_a', 'x'], ['HSET', 'h_b', 'f', 'y'],
      ['SORT', 'l', 'ALPHA', 'GET', 'v_*', 'GET', 'h_*->f', 'GET', '#'], ['SORT', 'none'], ['SORT_RO', 'l', 'GET', 'nostar'],
    ]);
  });

  it('counts keyspace hits and misses as Redis does (the sorted key, BY and GET lookups)', async () => {
    const counters = async (port: number) => {
      const c = await RawClient.connect(port);
      try {
        const r: string[] = [];
        const cmds: Cmd[] = [['FLUSHALL'], ['RPUSH', 'l', 'a', 'b'], ['SET', 'v_a', 'x'], ['HSET', 'h_b', 'f', 'y'], ['CONFIG', 'RESETSTAT'],
          ['SORT', 'l', 'BY', 'h_*->f', 'ALPHA', 'GET', 'v_*', 'GET', 'nostar', 'GET', '#'], ['SORT', 'none'],
          ['SORT', 'l', 'BY', 'nosort', 'GET', 'v_*', 'STORE', 'd']];
        for (const cmd of cmds) r.push(await c.callRaw(...cmd));
        const info = await c.callRaw('INFO', 'stats');
        r.push(...(info.match(/keyspace_(hits|misses):\d+/g) ?? []));
        return r;
      } finally {
        c.close();
      }
    };
    expect(await counters(srv.port)).toEqual(await counters(real.port));
  });

  it('a seeded random mix of containers and options', async () => {
    const r = rng(4242);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const cmds: Cmd[] = [['FLUSHALL']];
    const vals = ['1', '2', '-3', '10', '2.5', '7', '0', '42', '-1.5', '99'];
    for (let round = 0; round < 40; round++) {
      const n = Math.floor(r() * 8);
      const items = Array.from({ length: n }, () => pick(vals));
      const kind = pick(['list', 'set', 'zset']);
      cmds.push(['DEL', 'k']);
      if (n > 0) {
        if (kind === 'list') cmds.push(['RPUSH', 'k', ...items]);
        else if (kind === 'set') cmds.push(['SADD', 'k', ...items]);
        else cmds.push(['ZADD', 'k', ...items.flatMap((m, i) => [i * 3 - 5, m])]);
      }
      // Distinct BY values for every element: ties under ALPHA would follow the hashtable's order.
      for (const [i, v] of vals.entries()) cmds.push(['SET', `w_${v}`, Math.floor(r() * 1000) * 10 + i]);
      for (let q = 0; q < 10; q++) {
        const c: Cmd = ['SORT', 'k'];
        if (r() < 0.4) c.push('BY', pick(['w_*', 'nosort']));
        if (r() < 0.5) c.push('LIMIT', Math.floor(r() * 10) - 2, Math.floor(r() * 10) - 2);
        if (r() < 0.3) c.push('GET', pick(['#', 'w_*']));
        if (r() < 0.5) c.push(pick(['ASC', 'DESC']));
        if (r() < 0.3) c.push('ALPHA');
        if (kind === 'set' && c[3] === 'nosort') c.push('STORE', 'd');
        cmds.push(c);
        if (r() < 0.3 && c[c.length - 2] !== 'STORE') cmds.push([...c, 'STORE', 'd'], ['LRANGE', 'd', 0, -1]);
      }
    }
    await same(cmds);
  });
});

describe.skipIf(!HAVE_REDIS_SERVER)('SORT ... STORE and blocked clients, propagation', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  withServerPair((s, r) => {
    srv = s;
    real = r;
  });

  async function waitBlocked(ctl: RawClient, n: number): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const info = String(await ctl.call('INFO', 'clients'));
      if (info.includes(`blocked_clients:${n}\r\n`)) return;
      await new Promise((res) => setTimeout(res, 2));
    }
    throw new Error(`never ${n} blocked clients`);
  }

  async function scenario(port: number): Promise<string[]> {
    const ctl = await RawClient.connect(port);
    const w = await RawClient.connect(port);
    const out: string[] = [];
    try {
      await ctl.call('FLUSHALL');
      await ctl.call('RPUSH', 'src', 3, 1, 2);
      w.write(encodeCommand(['BLPOP', 'dest', 0]));
      await waitBlocked(ctl, 1);
      out.push(await ctl.callRaw('SORT', 'src', 'STORE', 'dest'));
      out.push(await w.readRaw());
      out.push(await ctl.callRaw('LRANGE', 'dest', 0, -1));
      // An empty result does not serve anyone.
      w.write(encodeCommand(['BRPOP', 'd2', 0]));
      await waitBlocked(ctl, 1);
      out.push(await ctl.callRaw('SORT', 'none', 'STORE', 'd2'));
      out.push(await ctl.callRaw('SORT', 'src', 'DESC', 'LIMIT', 0, 1, 'STORE', 'd2'));
      out.push(await w.readRaw());
      out.push(await ctl.callRaw('EXISTS', 'd2'));
    } finally {
      ctl.close();
      w.close();
    }
    return out;
  }

  it('a BLPOP client is served by SORT ... STORE, as in Redis', async () => {
    expect(await scenario(srv.port)).toEqual(await scenario(real.port));
  });

  it('SORT ... STORE is propagated as sent; a SORT that stores nothing is not', async () => {
    const c = await RawClient.connect(srv.port);
    const rec = recordPropagation(srv.server);
    try {
      await c.call('FLUSHALL');
      await c.call('RPUSH', 'l', 2, 1);
      await c.call('SADD', 's', 'b', 'a');
      rec.ops.length = 0;
      rec.units.length = 0;
      await c.call('SORT', 'l');
      await c.call('SORT', 'l', 'STORE', 'd');
      await c.call('SORT', 's', 'BY', 'nosort', 'STORE', 'd');
      await c.call('SORT', 'none', 'STORE', 'x');
      await c.call('SORT', 'none', 'STORE', 'd');
      await c.call('SORT', 'l', 'STORE', 'd', 'ALPHA');
      expect(rec.ops).toEqual([
        ['SORT', 'l', 'STORE', 'd'],
        ['SORT', 's', 'BY', 'nosort', 'STORE', 'd'],
        ['SORT', 'none', 'STORE', 'd'],
        ['SORT', 'l', 'STORE', 'd', 'ALPHA'],
      ]);
    } finally {
      rec.stop();
      c.close();
    }
  });
});
