// String commands: differential tests against a real redis-server (exact reply
// bytes for many sequences, errors included), TTL behaviour with a manual
// clock, value representations, and a few commands through ioredis.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RObject, RawString, encodingOf } from '../../src/keyspace/types.js';
import type { ValueType } from '../../src/keyspace/types.js';
import {
  HAVE_REDIS_SERVER, ManualClock, RawClient, differential, expectSameReplies, startRealRedis, startTestServer,
  type TestServer,
  recordPropagation,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping string differential tests: redis-server not installed');

/** A non-string value for WRONGTYPE checks, without depending on the list commands. */
class FakeList extends RObject {
  get type(): ValueType {
    return 'list';
  }
  encoding(): string {
    return 'quicklist';
  }
  contents(): unknown {
    return [];
  }
  clone(): FakeList {
    return new FakeList();
  }
}

type Cmd = (string | number)[];

const BIN = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
const BIN_REV = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => 255 - i));

describe.skipIf(!HAVE_REDIS_SERVER)('string commands: differential against redis-server', () => {
  let srv: TestServer;
  let real: { port: number; close(): Promise<void> };
  let n = 0;

  beforeAll(async () => {
    [srv, real] = await Promise.all([startTestServer(), startRealRedis()]);
  });
  afterAll(async () => {
    await Promise.all([srv?.close(), real?.close()]);
  });

  /** A key prefix no other test uses, so tests need no FLUSHALL. */
  function p(): string {
    return `t${n++}:`;
  }

  /** Make `key` hold a list in both servers. */
  async function makeList(key: string): Promise<void> {
    srv.server.keyspace.dbs[0]!.set(key, new FakeList());
    const r = await RawClient.connect(real.port);
    await r.call('DEL', key);
    expect(await r.call('RPUSH', key, 'x')).toBe(1);
    r.close();
  }

  const same = (cmds: Cmd[]) => expectSameReplies(srv.port, real.port, cmds);


  it('SET/GET basics, binary values, empty values', async () => {
    const k = p();
    await same([
      ['SET', k + 'a', 'hello'], ['GET', k + 'a'], ['GET', k + 'missing'],
      ['SET', k + 'b', ''], ['GET', k + 'b'], ['STRLEN', k + 'b'],
      ['SET', k + 'bin', BIN], ['GET', k + 'bin'], ['STRLEN', k + 'bin'],
      ['SET', k + BIN, BIN_REV], ['GET', k + BIN],
      ['SET', k + 'a', 'x'.repeat(100)], ['GET', k + 'a'],
      ['set', k + 'a', '123'], ['get', k + 'a'], ['StRlEn', k + 'a'],
      ['SET', k + 'a'], ['GET'], ['GET', k + 'a', 'b'], ['STRLEN', k + 'missing'],
    ]);
  });

  it('SET options and their conflicts', async () => {
    const k = p();
    const cmds: Cmd[] = [
      ['SET', k, 'v', 'NX'], ['SET', k, 'w', 'NX'], ['GET', k],
      ['SET', k, 'w', 'XX'], ['GET', k], ['SET', k + 'none', 'w', 'XX'], ['GET', k + 'none'],
      ['SET', k, 'g1', 'GET'], ['SET', k, 'g2', 'get'], ['SET', k + 'ng', 'v', 'GET'], ['GET', k + 'ng'],
      ['SET', k, 'n1', 'NX', 'GET'], ['GET', k], ['SET', k + 'nx', 'v', 'NX', 'GET'], ['GET', k + 'nx'],
      ['SET', k, 'x1', 'XX', 'GET'], ['SET', k + 'xx', 'v', 'XX', 'GET'], ['GET', k + 'xx'],
      ['SET', k, 'v', 'NX', 'XX'], ['SET', k, 'v', 'XX', 'NX'], ['SET', k, 'v', 'NX', 'NX'],
      ['SET', k, 'v', 'EX', '10', 'PX', '100'], ['SET', k, 'v', 'EX', '10', 'EXAT', '100'],
      ['SET', k, 'v', 'PXAT', '10', 'EX', '100'], ['SET', k, 'v', 'EX', '10', 'KEEPTTL'],
      ['SET', k, 'v', 'KEEPTTL', 'PX', '10'], ['SET', k, 'v', 'KEEPTTL', 'KEEPTTL'],
      ['SET', k, 'v', 'EX', '10', 'EX', '20'], ['SET', k, 'v', 'EX'], ['SET', k, 'v', 'PX'],
      ['SET', k, 'v', 'EX', 'abc'], ['SET', k, 'v', 'EX', '1.5'], ['SET', k, 'v', 'EX', '0'],
      ['SET', k, 'v', 'EX', '-1'], ['SET', k, 'v', 'PX', '0'], ['SET', k, 'v', 'EXAT', '0'],
      ['SET', k, 'v', 'PXAT', '-5'], ['SET', k, 'v', 'EX', '9999999999999999'],
      ['SET', k, 'v', 'EX', '9223372036854775'], ['SET', k, 'v', 'EX', '9223372036854774'],
      ['SET', k, 'v', 'PX', '9223372036854775807'], ['SET', k, 'v', 'EXAT', '9223372036854775'],
      ['SET', k, 'v', 'EXAT', '9223372036854776'], ['SET', k, 'v', 'PXAT', '9223372036854775807'],
      ['SET', k, 'v', 'EX', '99999999999999999999'], ['SET', k, 'v', 'PERSIST'], ['SET', k, 'v', 'FOO'],
      ['SET', k, 'v', 'NX', 'EX'], ['SET', k, 'v', 'EX', '100', 'NX', 'GET'], ['GET', k],
      ['SET', k, 'v2', 'XX', 'PX', '100000', 'GET'], ['GET', k], ['SET', k, 'v3', 'KEEPTTL', 'XX'],
      ['GET', k], ['SET', k, 'v', 'EXAT', '1'], ['GET', k], ['SET', k, 'v', 'PXAT', '1', 'GET'], ['GET', k],
      ['SET', k, 'v', 'nx\x00'], ['SET', k, 'v', 'ex', '5', 'xx'], ['SET', k, 'v', 'Ex', '5', 'Get'],
    ];
    await same(cmds);
  });

  it('SET GET, GETSET, GETDEL, GETEX and the rest against a non-string', async () => {
    const k = p();
    const l = k + 'list';
    await makeList(l);
    await same([
      ['SET', l, 'v', 'GET'], ['SET', l, 'v', 'NX', 'GET'], ['SET', l, 'v', 'EX', '0', 'GET'],
      ['SET', l, 'v', 'EX', 'x', 'GET'], ['GET', l], ['GETSET', l, 'v'], ['GETDEL', l], ['GETEX', l],
      ['GETEX', l, 'EX', '10'], ['GETEX', l, 'EX', '0'], ['GETEX', l, 'FOO'], ['STRLEN', l], ['APPEND', l, 'x'],
      ['APPEND', l, ''], ['GETRANGE', l, '0', '-1'], ['GETRANGE', l, 'a', '-1'], ['SUBSTR', l, '0', '1'],
      ['SETRANGE', l, '0', 'x'], ['SETRANGE', l, '0', ''], ['SETRANGE', l, '-1', 'x'], ['INCR', l],
      ['DECR', l], ['INCRBY', l, '5'], ['INCRBY', l, 'x'], ['DECRBY', l, '5'], ['INCRBYFLOAT', l, '1.5'],
      ['INCRBYFLOAT', l, 'abc'], ['MGET', l, k + 'nothing', l], ['SETNX', l, 'v'], ['MSETNX', l, 'v'],
      ['LCS', l, k + 'nothing'], ['LCS', k + 'nothing', l], ['LCS', l, l, 'FOO'],
      ['GETBIT', l, '0'], ['GETBIT', l, '-1'], ['SETBIT', l, '0', '1'], ['SETBIT', l, '0', '2'],
      ['BITCOUNT', l], ['BITCOUNT', l, '0'], ['BITCOUNT', l, 'a', 'b'], ['BITPOS', l, '1'], ['BITPOS', l, '2'],
      ['BITOP', 'AND', k + 'dest', l], ['BITOP', 'NOT', k + 'dest', l], ['BITOP', 'OR', k + 'dest', k + 'none', l],
      ['BITFIELD', l, 'GET', 'u8', '0'], ['BITFIELD', l, 'SET', 'u8', '0', '1'], ['BITFIELD', l, 'GET', 'x8', '0'],
      ['BITFIELD_RO', l, 'GET', 'u8', '0'], ['BITFIELD', l],
      // Overwriting a non-string is allowed.
      ['SET', l, 'now-a-string'], ['GET', l],
    ]);
    await makeList(l);
    await same([['MSET', l, 'v'], ['GET', l]]);
    await makeList(l);
    await same([['SET', l, 'v', 'EX', '100'], ['GET', l]]);
    await makeList(l);
    await same([['BITOP', 'NOT', l, k + 'src'], ['SET', k + 'src', 'ab'], ['BITOP', 'NOT', l, k + 'src'], ['GET', l]]);
  });

  it('GETSET, GETDEL, GETEX, SETNX, SETEX, PSETEX', async () => {
    const k = p();
    await same([
      ['GETSET', k, 'a'], ['GETSET', k, 'b'], ['GET', k], ['GETDEL', k], ['GETDEL', k], ['GET', k],
      ['SETNX', k, '1'], ['SETNX', k, '2'], ['GET', k],
      ['SETEX', k, '100', 'v'], ['GET', k], ['SETEX', k, '0', 'v'], ['SETEX', k, '-1', 'v'], ['SETEX', k, 'x', 'v'],
      ['SETEX', k, '9223372036854775', 'v'], ['SETEX', k, '9999999999999999', 'v'], ['SETEX', k, '100'],
      ['PSETEX', k, '100000', 'pv'], ['GET', k], ['PSETEX', k, '0', 'v'], ['PSETEX', k, '9223372036854775807', 'v'],
      ['PSETEX', k, '1.5', 'v'],
      ['GETEX', k], ['GETEX', k, 'EX', '100'], ['GETEX', k, 'PX', '100000'], ['GETEX', k, 'PERSIST'],
      ['GETEX', k, 'EXAT', '99999999999'], ['GETEX', k, 'PXAT', '99999999999999'],
      ['GETEX', k, 'EX', '0'], ['GETEX', k, 'EX', '-1'], ['GETEX', k, 'EX', 'x'], ['GETEX', k, 'EX'],
      ['GETEX', k, 'EX', '10', 'PX', '10'], ['GETEX', k, 'PERSIST', 'EX', '10'], ['GETEX', k, 'EX', '10', 'PERSIST'],
      ['GETEX', k, 'PERSIST', 'PERSIST'], ['GETEX', k, 'KEEPTTL'], ['GETEX', k, 'NX'], ['GETEX', k, 'GET'],
      ['GETEX', k, 'EX', '9999999999999999'], ['GETEX', k, 'EX', '10', 'EX', '20'],
      ['GETEX', k + 'missing', 'EX', '0'], ['GETEX', k + 'missing', 'FOO'], ['GETEX', k + 'missing', 'EX', 'abc'],
      ['GETEX', k, 'EXAT', '1'], ['GET', k], ['GETEX', k],
      ['SET', k, 'again'], ['GETEX', k, 'PXAT', '1000'], ['GET', k],
      ['GETSET', k], ['GETDEL'], ['SETNX', k], ['GETEX'],
    ]);
  });

  it('MSET, MSETNX, MGET', async () => {
    const k = p();
    await same([
      ['MSET', k + 'a', '1', k + 'b', '2'], ['MGET', k + 'a', k + 'b', k + 'c'],
      ['MSET', k + 'a', '1', k + 'b'], ['MSET', k + 'a'], ['MSETNX', k + 'a', '1', k + 'b'],
      ['MSETNX', k + 'c', '3', k + 'a', 'x'], ['MGET', k + 'a', k + 'c'],
      ['MSETNX', k + 'c', '3', k + 'd', '4'], ['MGET', k + 'c', k + 'd'],
      ['MSET', k + 'a', 'x', k + 'a', 'y'], ['GET', k + 'a'], ['MSETNX', k + 'e', '1', k + 'e', '2'], ['GET', k + 'e'],
      ['MSET', k + 'bin', BIN, k + 'empty', ''], ['MGET', k + 'bin', k + 'empty'], ['MGET'],
    ]);
  });

  it('APPEND, STRLEN, GETRANGE, SUBSTR', async () => {
    const k = p();
    const cmds: Cmd[] = [
      ['APPEND', k, 'Hello'], ['APPEND', k, ' World'], ['GET', k], ['STRLEN', k], ['APPEND', k, ''], ['GET', k],
      ['APPEND', k + 'e', ''], ['GET', k + 'e'], ['STRLEN', k + 'e'], ['APPEND', k + 'n', '12'], ['APPEND', k + 'n', '34'],
      ['INCR', k + 'n'], ['APPEND', k + 'bin', BIN], ['APPEND', k + 'bin', BIN_REV], ['GET', k + 'bin'],
      ['GETRANGE', k + 'missing', '0', '-1'], ['GETRANGE', k + 'missing', 'x', '-1'],
      ['GETRANGE', k, 'x', '1'], ['GETRANGE', k, '1', 'y'], ['GETRANGE', k, '1.5', '2'],
      ['GETRANGE', k, '-9223372036854775808', '9223372036854775807'], ['GETRANGE', k, '9223372036854775807', '1'],
      ['GETRANGE', k, '0', '99999999999999999999'],
      ['SET', k + 'int', '1234567'], ['GETRANGE', k + 'int', '1', '3'], ['SUBSTR', k + 'int', '-3', '-1'],
      ['SET', k + 'empty', ''], ['GETRANGE', k + 'empty', '0', '-1'], ['GETRANGE', k + 'empty', '0', '0'],
      ['GETRANGE', k + 'empty', '-1', '0'],
    ];
    const ranges = [-20, -12, -11, -6, -5, -2, -1, 0, 1, 2, 5, 10, 11, 12, 100];
    for (const s of ranges) for (const e of ranges) cmds.push(['GETRANGE', k, s, e]);
    for (const [s, e] of [[0, -1], [-1, -256], [-256, -1], [3, 250], [255, 255], [-300, 0]]) {
      cmds.push(['GETRANGE', k + 'bin', s!, e!], ['SUBSTR', k + 'bin', s!, e!]);
    }
    await same(cmds);
  });

  it('SETRANGE', async () => {
    const k = p();
    await same([
      ['SETRANGE', k, '0', ''], ['GET', k], ['SETRANGE', k, '5', ''], ['GET', k],
      ['SETRANGE', k, '5', 'abc'], ['GET', k], ['SETRANGE', k, '0', 'XY'], ['GET', k], ['SETRANGE', k, '6', 'longer'],
      ['GET', k], ['SETRANGE', k, '20', ''], ['STRLEN', k], ['SETRANGE', k, '-1', 'x'], ['SETRANGE', k, 'x', 'x'],
      ['SETRANGE', k, '1.0', 'x'], ['SETRANGE', k, '536870911', ''], ['SETRANGE', k, '536870912', 'x'],
      ['SETRANGE', k, '536870911', 'xy'], ['SETRANGE', k + 'new', '536870912', 'x'], ['SETRANGE', k + 'new', '536870912', ''],
      ['SETRANGE', k, '9223372036854775807', 'x'], ['SETRANGE', k, '99999999999999999999', 'x'],
      ['SET', k + 'i', '12345'], ['SETRANGE', k + 'i', '1', '9'], ['GET', k + 'i'], ['INCR', k + 'i'],
      ['SETRANGE', k + 'bin', '3', BIN], ['GET', k + 'bin'], ['SETRANGE', k + 'bin', '250', BIN_REV], ['GET', k + 'bin'],
      ['SETRANGE', k], ['SETRANGE', k, '0'],
    ]);
  });

  it('INCR, DECR, INCRBY, DECRBY with int64 edges', async () => {
    const k = p();
    const cmds: Cmd[] = [
      ['INCR', k], ['INCR', k], ['DECR', k], ['DECR', k], ['DECR', k], ['INCRBY', k, '100'], ['DECRBY', k, '250'],
      ['GET', k], ['INCRBY', k, '-9223372036854775808'], ['INCRBY', k, '9223372036854775807'],
      ['SET', k, '9223372036854775806'], ['INCR', k], ['INCR', k], ['GET', k], ['DECRBY', k, '-1'],
      ['SET', k, '-9223372036854775807'], ['DECR', k], ['DECR', k], ['INCRBY', k, '-1'], ['GET', k],
      ['DECRBY', k, '-9223372036854775808'], ['SET', k, '0'], ['DECRBY', k, '-9223372036854775808'],
      ['DECRBY', k, '9223372036854775807'], ['DECR', k], ['DECR', k],
      ['SET', k, '9007199254740991'], ['INCR', k], ['INCR', k], ['INCRBY', k, '9007199254740993'], ['DECRBY', k, '1'],
      ['SET', k, '-9007199254740991'], ['DECR', k], ['DECR', k], ['INCRBY', k, '-9007199254740993'],
      ['SET', k, '10'], ['INCRBY', k, '9223372036854775808'], ['INCRBY', k, 'abc'], ['INCRBY', k, '1.5'],
      ['INCRBY', k, ''], ['INCRBY', k, ' 1'], ['INCRBY', k, '+1'], ['INCRBY', k, '01'], ['INCRBY', k, '-0'],
      ['INCRBY', k, '0'], ['DECRBY', k, '0'], ['DECRBY', k, 'x'],
    ];
    for (const bad of ['abc', '', ' 1', '1 ', '+1', '01', '-0', '1.0', '1e3', '9223372036854775808', '-9223372036854775809',
      '0x10', '1\x00', 'x'.repeat(30), '12345678901234567890123']) {
      cmds.push(['SET', k + 'b', bad], ['INCR', k + 'b'], ['DECR', k + 'b'], ['INCRBY', k + 'b', '1'], ['DECRBY', k + 'b', '1']);
    }
    cmds.push(['APPEND', k + 'r', '4'], ['APPEND', k + 'r', '2'], ['INCR', k + 'r'], ['GET', k + 'r']);
    cmds.push(['INCR'], ['INCR', k, '1'], ['INCRBY', k], ['DECRBY', k], ['DECR', k, k]);
    await same(cmds);
  });

  it('INCRBYFLOAT results and formatting', async () => {
    const k = p();
    const cmds: Cmd[] = [];
    const pairs: [string, string][] = [
      ['10.5', '0.1'], ['5.0e3', '2.0e2'], ['0.1', '0.2'], ['1e20', '1'], ['1e20', '1e20'], ['1e-20', '0'],
      ['-1e-20', '0'], ['0', '1e-17'], ['0', '5e-18'], ['0', '4e-18'], ['0', '-5e-18'], ['3', '-3'], ['-0', '0'],
      ['1.5', '-2.25'], ['123456789012345678', '1'], ['1e300', '1e300'], ['1e4000', '0'], ['1e-4940', '1'],
      ['-1e4000', '1'], ['1.7976931348623157e308', '1e308'], ['0.1', '0.7'], ['99999999999999999', '0.5'],
      ['2', '0x10'], ['2', '0x1p-2'], ['2', '.5'], ['2', '5.'], ['2', '+3'], ['2', '-.5e1'], ['2', '1E2'],
      ['3.14159265358979323846264338327950288', '0'], ['0', '-0'], ['1', 'inf'], ['1', '-inf'], ['1', '+inf'],
      ['1', 'infinity'], ['1', 'nan'], ['1', 'NaN'], ['1', '1e5000'], ['1', '-1e5000'], ['1', '1e-5000'],
      ['1', ''], ['1', ' 1'], ['1', '1 '], ['1', 'abc'], ['1', '1e'], ['1', '0x'], ['1', '1\x002'], ['1', '--1'],
      ['abc', '1'], ['1e', '1'], ['inf', '1'], ['', '1'], ['1 ', '1'], ['12345678901234567890', '0.1'],
      ['-12345.678', '-0.001'], ['0.000001', '0.000001'], ['1.23e-5', '0'], ['1.1', '2.2'], ['5', '-5.000000000000001'],
      ['9223372036854775807', '1'], ['1' + '0'.repeat(4000), '1'], ['1' + '0'.repeat(5200), '1'],
    ];
    for (const [a, b] of pairs) cmds.push(['SET', k, a], ['INCRBYFLOAT', k, b], ['GET', k]);
    cmds.push(['DEL', k], ['INCRBYFLOAT', k, '1.5'], ['INCRBYFLOAT', k, '1.5'], ['INCRBYFLOAT', k, '-3'], ['GET', k]);
    for (let i = 0; i < 10; i++) cmds.push(['INCRBYFLOAT', k, '0.1']);
    for (let i = 0; i < 10; i++) cmds.push(['INCRBYFLOAT', k + 'big', '1e17']);
    for (let i = 0; i < 10; i++) cmds.push(['INCRBYFLOAT', k + 'neg', '-0.3']);
    cmds.push(['SET', k + 'i', '5'], ['INCRBYFLOAT', k + 'i', '0'], ['INCR', k + 'i'], ['INCRBYFLOAT', k + 'i', '1.5'],
      ['INCR', k + 'i'], ['INCRBYFLOAT'], ['INCRBYFLOAT', k]);
    await same(cmds);
  });

  it('INCRBYFLOAT on random values matches', async () => {
    const k = p();
    const cmds: Cmd[] = [];
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 300; i++) {
      const a = ((rnd() - 0.5) * 10 ** Math.floor(rnd() * 24 - 8)).toPrecision(1 + Math.floor(rnd() * 18));
      const b = ((rnd() - 0.5) * 10 ** Math.floor(rnd() * 24 - 8)).toFixed(Math.floor(rnd() * 10));
      cmds.push(['SET', k, a], ['INCRBYFLOAT', k, b]);
    }
    await same(cmds);
  });

  it('LCS', async () => {
    const k = p();
    const cmds: Cmd[] = [
      ['MSET', k + 'a', 'ohmytext', k + 'b', 'mynewtext'],
      ['LCS', k + 'a', k + 'b'], ['LCS', k + 'a', k + 'b', 'LEN'], ['LCS', k + 'a', k + 'b', 'IDX'],
      ['LCS', k + 'a', k + 'b', 'IDX', 'WITHMATCHLEN'], ['LCS', k + 'a', k + 'b', 'IDX', 'MINMATCHLEN', '4'],
      ['LCS', k + 'a', k + 'b', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'], ['LCS', k + 'a', k + 'b', 'MINMATCHLEN', '-5', 'IDX'],
      ['LCS', k + 'a', k + 'b', 'LEN', 'IDX'], ['LCS', k + 'a', k + 'b', 'MINMATCHLEN'], ['LCS', k + 'a', k + 'b', 'MINMATCHLEN', 'x'],
      ['LCS', k + 'a', k + 'b', 'FOO'], ['LCS', k + 'a', k + 'b', 'WITHMATCHLEN'], ['LCS', k + 'a', k + 'b', 'len', 'len'],
      ['LCS', k + 'a', k + 'x'], ['LCS', k + 'x', k + 'y'], ['LCS', k + 'x', k + 'y', 'IDX'], ['LCS', k + 'x', k + 'y', 'LEN'],
      ['LCS', k + 'a', k + 'a', 'IDX', 'WITHMATCHLEN'], ['LCS', k + 'a'],
      ['SET', k + 'bin', BIN], ['SET', k + 'rev', BIN_REV], ['LCS', k + 'bin', k + 'rev', 'IDX', 'WITHMATCHLEN'],
      ['LCS', k + 'bin', k + 'bin', 'LEN'],
    ];
    let seed = 7;
    const rnd = (m: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % m;
    for (let i = 0; i < 40; i++) {
      const s1 = Array.from({ length: rnd(30) }, () => 'abcd'[rnd(4)]).join('');
      const s2 = Array.from({ length: rnd(30) }, () => 'abcd'[rnd(4)]).join('');
      cmds.push(['MSET', k + 'r1', s1, k + 'r2', s2], ['LCS', k + 'r1', k + 'r2'],
        ['LCS', k + 'r1', k + 'r2', 'IDX', 'WITHMATCHLEN'], ['LCS', k + 'r1', k + 'r2', 'IDX', 'MINMATCHLEN', 2]);
    }
    await same(cmds);
    // RESP3: IDX is a map.
    await same([['HELLO', '3'], ['LCS', k + 'a', k + 'b', 'IDX', 'WITHMATCHLEN'], ['LCS', k + 'x', k + 'y', 'IDX'],
      ['SET', k + 'a', 'v', 'NX'], ['GET', k + 'missing'], ['SET', k + 'a', 'v', 'GET', 'XX']]);
  });

  it('RESP3 nulls', async () => {
    const k = p();
    await same([['HELLO', '3'], ['GET', k], ['GETDEL', k], ['GETEX', k], ['GETSET', k, 'v'], ['MGET', k, k + 'x'],
      ['SET', k, 'w', 'NX'], ['SET', k + 'y', 'w', 'XX'], ['SET', k + 'z', 'w', 'GET']]);
  });

  it('wrong arity for every command', async () => {
    const cmds: Cmd[] = [
      ['SET'], ['SET', 'a'], ['GET'], ['GETSET', 'a'], ['GETDEL'], ['GETEX'], ['SETNX', 'a'], ['SETEX', 'a', '1'],
      ['PSETEX', 'a', '1'], ['MSET'], ['MSET', 'a'], ['MSETNX', 'a'], ['MGET'], ['APPEND', 'a'], ['STRLEN'],
      ['GETRANGE', 'a', '1'], ['SUBSTR', 'a'], ['SETRANGE', 'a', '1'], ['INCR'], ['DECR'], ['INCRBY', 'a'],
      ['DECRBY', 'a'], ['INCRBYFLOAT', 'a'], ['LCS', 'a'], ['GET', 'a', 'b'], ['STRLEN', 'a', 'b'],
      ['MSET', 'a', 'b', 'c', 'd', 'e'], ['MSETNX', 'a', 'b', 'c'],
    ];
    await same(cmds);
  });

  it('COMMAND INFO of string commands matches', async () => {
    const names = ['set', 'get', 'getset', 'getdel', 'getex', 'setnx', 'setex', 'psetex', 'mset', 'msetnx', 'mget',
      'append', 'strlen', 'getrange', 'substr', 'setrange', 'incr', 'decr', 'incrby', 'decrby', 'incrbyfloat', 'lcs'];
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    try {
      for (const name of names) {
        const ours = (await a.call('COMMAND', 'INFO', name)) as unknown[][];
        const theirs = (await b.call('COMMAND', 'INFO', name)) as unknown[][];
        // name, arity, flags, first, last, step
        expect(ours[0]!.slice(0, 6), name).toEqual(theirs[0]!.slice(0, 6));
      }
    } finally {
      a.close();
      b.close();
    }
  });
});

describe.skipIf(!HAVE_REDIS_SERVER)('string limits with proto-max-bulk-len 1mb', () => {
  let srv: TestServer;
  let real: { port: number; close(): Promise<void> };
  beforeAll(async () => {
    [srv, real] = await Promise.all([
      startTestServer({ config: { 'proto-max-bulk-len': '1mb' } }),
      startRealRedis(['--proto-max-bulk-len', '1mb']),
    ]);
  });
  afterAll(async () => {
    await Promise.all([srv?.close(), real?.close()]);
  });

  it('SETRANGE and APPEND respect the configured limit', async () => {
    const big = 'x'.repeat(1024 * 1024 - 3);
    const { ours, theirs } = await differential(srv.port, real.port, [
      ['SETRANGE', 'k', 1048575, 'a'], ['SETRANGE', 'k', 1048576, 'a'], ['SETRANGE', 'k', 1048575, 'ab'],
      ['STRLEN', 'k'], ['SET', 'b', big], ['APPEND', 'b', 'abc'], ['APPEND', 'b', 'd'], ['STRLEN', 'b'],
      ['LCS', 'b', 'k', 'LEN'], ['SET', 's', 'x'.repeat(300)], ['LCS', 's', 's', 'LEN'],
      ['SET', 't', 'x'.repeat(600)], ['LCS', 't', 't', 'LEN'],
    ]);
    expect(ours).toEqual(theirs);
  });
});

describe('string commands on mini-redis', () => {
  let srv: TestServer;
  let clock: ManualClock;
  let c: RawClient;

  beforeAll(async () => {
    clock = new ManualClock(1_700_000_000_000);
    srv = await startTestServer({ clock });
    c = await RawClient.connect(srv.port);
  });
  afterAll(async () => {
    c?.close();
    await srv?.close();
  });

  const db = () => srv.server.keyspace.dbs[0]!;

  it('SET EX/PX/EXAT/PXAT set the expiry from the injected clock', async () => {
    const now = clock.now();
    expect(await c.call('SET', 'ex', 'v', 'EX', 10)).toBe('OK');
    expect(db().getExpire('ex')).toBe(now + 10_000);
    expect(await c.call('SET', 'px', 'v', 'PX', 1500)).toBe('OK');
    expect(db().getExpire('px')).toBe(now + 1500);
    expect(await c.call('SET', 'exat', 'v', 'EXAT', Math.floor(now / 1000) + 20)).toBe('OK');
    expect(db().getExpire('exat')).toBe(Math.floor(now / 1000) * 1000 + 20_000);
    expect(await c.call('SET', 'pxat', 'v', 'PXAT', now + 3000)).toBe('OK');
    expect(db().getExpire('pxat')).toBe(now + 3000);
    expect(await c.call('SETEX', 'setex', 5, 'v')).toBe('OK');
    expect(db().getExpire('setex')).toBe(now + 5000);
    expect(await c.call('PSETEX', 'psetex', 700, 'v')).toBe('OK');
    expect(db().getExpire('psetex')).toBe(now + 700);

    clock.advance(1499);
    expect(await c.call('GET', 'px')).toBe('v');
    clock.advance(1);
    expect(await c.call('GET', 'px')).toBeNull();
    expect(await c.call('GET', 'psetex')).toBeNull();
    expect(await c.call('GET', 'pxat')).toBe('v');
    clock.advance(1500);
    expect(await c.call('GET', 'pxat')).toBeNull();
    expect(await c.call('GET', 'setex')).toBe('v');
    clock.advance(2000);
    expect(await c.call('GET', 'setex')).toBeNull();
    expect(await c.call('GET', 'ex')).toBe('v');
    clock.advance(5000);
    expect(await c.call('GET', 'ex')).toBeNull();
  });

  it('SET drops the TTL, KEEPTTL keeps it, INCR/APPEND/SETRANGE keep it', async () => {
    const now = clock.now();
    await c.call('SET', 'k', '1', 'EX', 100);
    await c.call('SET', 'k', '2');
    expect(db().getExpire('k')).toBeUndefined();
    await c.call('SET', 'k', '1', 'EX', 100);
    await c.call('SET', 'k', '3', 'KEEPTTL');
    expect(db().getExpire('k')).toBe(now + 100_000);
    expect(await c.call('INCR', 'k')).toBe(4);
    expect(await c.call('INCRBYFLOAT', 'k', '0.5')).toBe('4.5');
    expect(await c.call('APPEND', 'k', '0')).toBe(4);
    expect(await c.call('SETRANGE', 'k', 0, '5')).toBe(4);
    expect(db().getExpire('k')).toBe(now + 100_000);
    expect(await c.call('GETSET', 'k', 'x')).toBe('5.50');
    expect(db().getExpire('k')).toBeUndefined();
    await c.call('SET', 'k', '1', 'EX', 100);
    await c.call('MSET', 'k', '2');
    expect(db().getExpire('k')).toBeUndefined();
  });

  it('SET with a time already past: the key is gone at its next access', async () => {
    expect(await c.call('SET', 'past', 'v', 'PXAT', clock.now() - 1)).toBe('OK');
    expect(await c.call('GET', 'past')).toBeNull();
    expect(db().dict.has('past')).toBe(false);
    expect(await c.call('SET', 'past', 'v', 'EXAT', 1, 'GET')).toBeNull();
    expect(await c.call('SET', 'past', 'w', 'GET')).toBeNull();
  });

  it('GETEX sets, changes and removes the TTL; a past EXAT/PXAT deletes the key', async () => {
    const now = clock.now();
    await c.call('SET', 'g', 'v');
    expect(await c.call('GETEX', 'g', 'EX', 10)).toBe('v');
    expect(db().getExpire('g')).toBe(now + 10_000);
    expect(await c.call('GETEX', 'g', 'PX', 10)).toBe('v');
    expect(db().getExpire('g')).toBe(now + 10);
    expect(await c.call('GETEX', 'g', 'PERSIST')).toBe('v');
    expect(db().getExpire('g')).toBeUndefined();
    expect(await c.call('GETEX', 'g', 'PXAT', now + 50)).toBe('v');
    expect(db().getExpire('g')).toBe(now + 50);
    expect(await c.call('GETEX', 'g')).toBe('v');
    expect(db().getExpire('g')).toBe(now + 50);
    clock.advance(50);
    expect(await c.call('GETEX', 'g')).toBeNull();
    await c.call('SET', 'g', 'v');
    expect(await c.call('GETEX', 'g', 'EXAT', Math.floor(clock.now() / 1000) - 1)).toBe('v');
    expect(db().dict.has('g')).toBe(false);
    await c.call('SET', 'g', 'v');
    expect(await c.call('GETEX', 'g', 'PXAT', clock.now())).toBe('v');
    expect(db().dict.has('g')).toBe(false);
  });

  it('stores SET values as the argument string (integers as numbers) and edits in place as RawString', async () => {
    await c.call('SET', 'e1', '12345');
    // Redis's int encoding: a canonical integer is kept as a number.
    expect(db().dict.get('e1')).toBe(12345);
    await c.call('SET', 'e0', '012');
    expect(db().dict.get('e0')).toBe('012');
    await c.call('SET', 'e9', '1234567890123456');
    expect(db().dict.get('e9')).toBe('1234567890123456');
    expect(await c.call('GET', 'e9')).toBe('1234567890123456');
    for (const v of ['0', '7', '-1', '10', '999999999999999', '-999999999999999', '-0', '+1', ' 1']) {
      await c.call('SET', 'ei', v);
      expect(await c.callRaw('GET', 'ei')).toBe(`$${v.length}\r\n${v}\r\n`);
      expect(await c.call('STRLEN', 'ei')).toBe(v.length);
    }
    expect(await c.call('INCRBY', 'ei2', 9007199254740990)).toBe(9007199254740990);
    expect(db().dict.get('ei2')).toBe(9007199254740990);
    expect(await c.call('INCR', 'ei2')).toBe(9007199254740991);
    expect(await c.call('INCR', 'ei2')).toBe(9007199254740992n);
    expect(db().dict.get('ei2')).toBe('9007199254740992');
    expect(await c.call('GET', 'ei2')).toBe('9007199254740992');
    expect(encodingOf(db().dict.get('e1')!)).toBe('int');
    await c.call('SET', 'e2', 'x'.repeat(44));
    expect(encodingOf(db().dict.get('e2')!)).toBe('embstr');
    await c.call('SET', 'e3', 'x'.repeat(45));
    expect(encodingOf(db().dict.get('e3')!)).toBe('raw');
    await c.call('APPEND', 'e4', 'abc');
    expect(db().dict.get('e4')).toBe('abc');
    await c.call('APPEND', 'e4', 'def');
    const v = db().dict.get('e4');
    expect(v).toBeInstanceOf(RawString);
    expect(encodingOf(v!)).toBe('raw');
    // In place: the same object after a further edit.
    await c.call('APPEND', 'e4', 'ghi');
    await c.call('SETRANGE', 'e4', 1, 'Z');
    expect(db().dict.get('e4')).toBe(v);
    expect(await c.call('GET', 'e4')).toBe('aZcdefghi');
    expect(await c.call('INCR', 'e1')).toBe(12346);
    expect(db().dict.get('e1')).toBe(12346);
    await c.call('SETRANGE', 'e5', 2, 'x');
    expect(db().dict.get('e5')).toBeInstanceOf(RawString);
    expect(await c.callRaw('GET', 'e5')).toBe('$3\r\n\x00\x00x\r\n');
  });

  it('APPEND grows a RawString many times correctly', async () => {
    let expected = '';
    for (let i = 0; i < 200; i++) {
      const piece = String.fromCharCode(i) + 'x'.repeat(i % 7);
      expected += piece;
      expect(await c.call('APPEND', 'grow', piece)).toBe(expected.length);
    }
    expect(await c.call('GET', 'grow')).toBe(expected);
  });

  it('every write marks the key modified (dirty counter)', async () => {
    const ks = srv.server.keyspace;
    const cases: (string | number)[][] = [
      ['SET', 'm', 'v'], ['SETRANGE', 'm', 0, 'x'], ['APPEND', 'm', 'y'], ['INCR', 'n'], ['INCRBYFLOAT', 'n', 1],
      ['GETSET', 'm', 'z'], ['GETDEL', 'm'], ['MSET', 'a', '1'], ['SETNX', 'fresh', '1'], ['GETEX', 'a', 'EX', 5],
      ['GETEX', 'a', 'PERSIST'],
    ];
    for (const cmd of cases) {
      const before = ks.dirty;
      await c.call(...cmd);
      expect(ks.dirty, cmd.join(' ')).toBeGreaterThan(before);
    }
    const before = ks.dirty;
    await c.call('SETNX', 'fresh', '2');
    await c.call('SETRANGE', 'fresh', 0, '');
    await c.call('GET', 'fresh');
    await c.call('GETEX', 'fresh');
    expect(ks.dirty).toBe(before);
  });

  it('propagates relative expiry, GETEX, GETDEL and INCRBYFLOAT as Redis rewrites them', async () => {
    const rec = recordPropagation(srv.server);
    const seen = rec.ops;
    try {
      const now = clock.now();
      await c.call('SET', 'p1', 'v', 'EX', 10);
      await c.call('SETEX', 'p2', 5, 'v');
      await c.call('PSETEX', 'p3', 5, 'v');
      await c.call('SET', 'p4', 'v', 'NX', 'EXAT', 2_000_000_000);
      await c.call('SET', 'p5', 'v');
      await c.call('GETEX', 'p5', 'PX', 100);
      await c.call('GETEX', 'p5', 'PERSIST');
      await c.call('GETEX', 'p5', 'PERSIST');
      await c.call('GETEX', 'p5', 'EXAT', 1);
      await c.call('SET', 'p6', '1.5');
      await c.call('INCRBYFLOAT', 'p6', '0.1');
      await c.call('GETDEL', 'p6');
      await c.call('GETDEL', 'p6');
      expect(seen).toEqual([
        ['SET', 'p1', 'v', 'PXAT', String(now + 10_000)],
        ['SET', 'p2', 'v', 'PXAT', String(now + 5000)],
        ['SET', 'p3', 'v', 'PXAT', String(now + 5)],
        ['SET', 'p4', 'v', 'PXAT', '2000000000000'],
        ['SET', 'p5', 'v'],
        ['PEXPIREAT', 'p5', String(now + 100)],
        ['PERSIST', 'p5'],
        ['DEL', 'p5'],
        ['SET', 'p6', '1.5'],
        ['SET', 'p6', '1.6', 'KEEPTTL'],
        ['DEL', 'p6'],
      ]);
    } finally {
      rec.stop();
    }
  });

  it('WRONGTYPE against a non-string value', async () => {
    db().set('lst', new FakeList());
    for (const cmd of [['GET', 'lst'], ['APPEND', 'lst', 'x'], ['INCR', 'lst'], ['SET', 'lst', 'v', 'GET'],
      ['GETRANGE', 'lst', 0, 1], ['SETRANGE', 'lst', 0, 'x'], ['INCRBYFLOAT', 'lst', 1], ['STRLEN', 'lst']]) {
      const r = await c.call(...cmd);
      expect(r).toBeInstanceOf(Error);
      expect((r as Error).message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
    }
    expect(await c.call('MGET', 'lst')).toEqual([null]);
    expect(await c.call('LCS', 'lst', 'x')).toEqual(new Error('ERR The specified keys must contain string values'));
  });

  it('works through ioredis', async () => {
    const r = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    try {
      expect(await r.set('io:a', 'hello')).toBe('OK');
      expect(await r.get('io:a')).toBe('hello');
      expect(await r.append('io:a', ' world')).toBe(11);
      expect(await r.getrange('io:a', 0, 4)).toBe('hello');
      expect(await r.incr('io:n')).toBe(1);
      expect(await r.incrby('io:n', 41)).toBe(42);
      expect(await r.incrbyfloat('io:n', '0.5')).toBe('42.5');
      expect(await r.mset('io:x', '1', 'io:y', '2')).toBe('OK');
      expect(await r.mget('io:x', 'io:y', 'io:z')).toEqual(['1', '2', null]);
      expect(await r.set('io:a', 'v', 'EX', 100, 'GET')).toBe('hello world');
      expect(await r.setnx('io:a', 'w')).toBe(0);
      expect(await r.strlen('io:a')).toBe(1);
      expect(await r.getdel('io:a')).toBe('v');
      expect(await r.get('io:a')).toBeNull();
      const buf = Buffer.from([0, 1, 2, 255, 254, 13, 10]);
      await r.set('io:bin', buf);
      expect(await r.getBuffer('io:bin')).toEqual(buf);
      await expect(r.incr('io:bin')).rejects.toThrow('ERR value is not an integer or out of range');
    } finally {
      r.disconnect();
    }
  });
});
