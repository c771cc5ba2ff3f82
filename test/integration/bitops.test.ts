// Bit commands: differential tests against a real redis-server (exact reply
// bytes, errors included, many random ranges and fields) and checks of the
// value representation and modification signalling in mini-redis.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RObject, RawString } from '../../src/keyspace/types.js';
import type { ValueType } from '../../src/keyspace/types.js';
import {
  HAVE_REDIS_SERVER, RawClient, differential, expectSameReplies, startRealRedis, startTestServer, type TestServer,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping bit differential tests: redis-server not installed');

class FakeSet extends RObject {
  get type(): ValueType {
    return 'set';
  }
  encoding(): string {
    return 'hashtable';
  }
  contents(): unknown {
    return [];
  }
  clone(): FakeSet {
    return new FakeSet();
  }
}

type Cmd = (string | number)[];

const BIN = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));

/** A small deterministic generator, so a failure can be reproduced. */
function rng(seed: number): (m: number) => number {
  let s = seed;
  return (m) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * m);
  };
}

describe.skipIf(!HAVE_REDIS_SERVER)('bit commands: differential against redis-server', () => {
  let srv: TestServer;
  let real: { port: number; close(): Promise<void> };
  let n = 0;

  beforeAll(async () => {
    [srv, real] = await Promise.all([startTestServer(), startRealRedis()]);
  });
  afterAll(async () => {
    await Promise.all([srv?.close(), real?.close()]);
  });

  function p(): string {
    return `b${n++}:`;
  }

  const same = (cmds: Cmd[]) => expectSameReplies(srv.port, real.port, cmds);


  it('GETBIT and SETBIT', async () => {
    const k = p();
    await same([
      ['GETBIT', k, 0], ['GETBIT', k, 100], ['SETBIT', k, 7, 1], ['GET', k], ['SETBIT', k, 7, 1], ['SETBIT', k, 7, 0],
      ['SETBIT', k, 100, 1], ['GET', k], ['STRLEN', k], ['GETBIT', k, 100], ['GETBIT', k, 101], ['GETBIT', k, 1000],
      ['SETBIT', k, 0, 2], ['SETBIT', k, 0, -1], ['SETBIT', k, 0, 'x'], ['SETBIT', k, 0, ''], ['SETBIT', k, 0, '01'],
      ['SETBIT', k, -1, 1], ['SETBIT', k, 'x', 1], ['SETBIT', k, '1.5', 1], ['SETBIT', k, 4294967296, 1],
      ['SETBIT', k, '9223372036854775807', 1], ['SETBIT', k, '99999999999999999999', 1], ['SETBIT', k, '#1', 1],
      ['GETBIT', k, -1], ['GETBIT', k, 'x'], ['GETBIT', k, 4294967296], ['GETBIT', k, 4294967295],
      ['GETBIT', k + 'none', 4294967295], ['GETBIT', k, '#0'],
      ['SET', k + 'i', '12'], ['GETBIT', k + 'i', 2], ['GETBIT', k + 'i', 3], ['GETBIT', k + 'i', 10],
      ['SETBIT', k + 'i', 15, 1], ['GET', k + 'i'], ['SETBIT', k + 'i', 6, 1], ['GET', k + 'i'],
      ['SET', k + 'b', BIN], ['GETBIT', k + 'b', 2047], ['SETBIT', k + 'b', 2047, 0], ['SETBIT', k + 'b', 2048, 1],
      ['STRLEN', k + 'b'], ['SETBIT', k], ['SETBIT', k, 1], ['GETBIT', k], ['GETBIT', k, 1, 2],
    ]);
  });

  it('random SETBIT/GETBIT sequences', async () => {
    const k = p();
    const r = rng(1);
    const cmds: Cmd[] = [];
    for (let i = 0; i < 300; i++) {
      const off = r(200);
      if (r(2) === 0) cmds.push(['SETBIT', k, off, r(2)]);
      else cmds.push(['GETBIT', k, off]);
    }
    cmds.push(['GET', k]);
    await same(cmds);
  });

  it('BITCOUNT with BYTE and BIT ranges', async () => {
    const k = p();
    const cmds: Cmd[] = [
      ['BITCOUNT', k], ['BITCOUNT', k, 0, -1], ['BITCOUNT', k, 'a', 'b'], ['BITCOUNT', k, 0], ['BITCOUNT', k, 0, 1, 'FOO'],
      ['SET', k, 'foobar'], ['BITCOUNT', k], ['BITCOUNT', k, 0, 0], ['BITCOUNT', k, 1, 1], ['BITCOUNT', k, 1, 1, 'BYTE'],
      ['BITCOUNT', k, 5, 30, 'BIT'], ['BITCOUNT', k, 5, 30, 'bit'], ['BITCOUNT', k, 0, -1, 'BIT'],
      ['BITCOUNT', k, 0], ['BITCOUNT', k, 0, 1, 2], ['BITCOUNT', k, 0, 1, 'BIT', 'x'], ['BITCOUNT', k, 'x', 1],
      ['BITCOUNT', k, 0, 'y'], ['BITCOUNT', k, 0, 1, 'FOO'], ['BITCOUNT', k, 'x', 'y', 'FOO'],
      ['BITCOUNT', k, '-9223372036854775808', '9223372036854775807'], ['BITCOUNT', k, '-9223372036854775808', '9223372036854775807', 'BIT'],
      ['SET', k + 'e', ''], ['BITCOUNT', k + 'e'], ['BITCOUNT', k + 'e', 0, -1], ['BITCOUNT', k + 'e', 0, -1, 'BIT'],
      ['SET', k + 'i', '-123'], ['BITCOUNT', k + 'i'], ['BITCOUNT', k + 'i', 1, 2],
      ['SET', k + 'b', BIN], ['BITCOUNT', k + 'b'], ['BITCOUNT', k + 'b', 100, 200], ['BITCOUNT', k + 'b', 3, 2045, 'BIT'],
      ['BITCOUNT'],
    ];
    const idx = [-60, -49, -48, -47, -9, -8, -7, -2, -1, 0, 1, 2, 5, 7, 8, 9, 15, 16, 40, 47, 48, 100];
    for (const s of idx) for (const e of idx) cmds.push(['BITCOUNT', k, s, e, 'BIT']);
    for (const s of [-10, -7, -6, -3, -1, 0, 1, 3, 5, 6, 10]) {
      for (const e of [-10, -7, -6, -3, -1, 0, 1, 3, 5, 6, 10]) cmds.push(['BITCOUNT', k, s, e]);
    }
    await same(cmds);
  });

  it('BITPOS: explicit and implicit ends, BYTE and BIT, clear-bit search', async () => {
    const k = p();
    const cmds: Cmd[] = [
      ['BITPOS', k, 0], ['BITPOS', k, 1], ['BITPOS', k, 2], ['BITPOS', k, -1], ['BITPOS', k, 'x'], ['BITPOS', k, 1, 'x'],
      ['BITPOS', k, 0, 5, 10, 'BIT'], ['BITPOS', k, 1, 0, 1, 'FOO'],
      ['SET', k, '\xff\xf0\x00'], ['BITPOS', k, 0], ['BITPOS', k, 1], ['BITPOS', k, 0, 2], ['BITPOS', k, 1, 2],
      ['BITPOS', k, 0, 0, 1], ['BITPOS', k, 0, 0, 0], ['BITPOS', k, 1, 2, -1], ['BITPOS', k, 0, 1, 2, 'FOO'],
      ['BITPOS', k, 0, 'x'], ['BITPOS', k, 0, 0, 'x'], ['BITPOS', k, 0, 0, 'x', 'FOO'], ['BITPOS', k, 0, 0, 1, 'BIT', 'x'],
      ['SET', k + 'ones', '\xff\xff\xff'], ['BITPOS', k + 'ones', 0], ['BITPOS', k + 'ones', 0, 1], ['BITPOS', k + 'ones', 0, 0, -1],
      ['BITPOS', k + 'ones', 0, 0, -1, 'BIT'], ['BITPOS', k + 'ones', 0, 5, 30, 'BIT'], ['BITPOS', k + 'ones', 1, 5, 30, 'BIT'],
      ['SET', k + 'zeros', '\x00\x00\x00'], ['BITPOS', k + 'zeros', 1], ['BITPOS', k + 'zeros', 0], ['BITPOS', k + 'zeros', 1, 0, -1, 'BIT'],
      ['BITPOS', k + 'zeros', 0, 3, 10, 'BIT'], ['SET', k + 'e', ''], ['BITPOS', k + 'e', 0], ['BITPOS', k + 'e', 1],
      ['BITPOS', k + 'e', 0, 0, -1], ['BITPOS', k + 'e', 0, 0], ['SET', k + 'i', '0'], ['BITPOS', k + 'i', 1],
      ['BITPOS', k, 1, '-9223372036854775808', '9223372036854775807'], ['BITPOS', k, 0, '-9223372036854775808', '9223372036854775807', 'BIT'],
      ['BITPOS', k], ['BITPOS', k, 1, 2, 3, 'BIT', 'x'],
    ];
    const r = rng(2);
    for (let i = 0; i < 40; i++) {
      const len = 1 + r(6);
      let s = '';
      for (let j = 0; j < len; j++) s += String.fromCharCode([0, 255, r(256), 0x80, 0x01, 0xfe, 0x7f][r(7)]!);
      cmds.push(['SET', k + 'r', s]);
      for (let t = 0; t < 12; t++) {
        const bit = r(2);
        const start = r(len * 8 * 2 + 4) - len * 8 - 2;
        const end = r(len * 8 * 2 + 4) - len * 8 - 2;
        const form = r(5);
        if (form === 0) cmds.push(['BITPOS', k + 'r', bit]);
        else if (form === 1) cmds.push(['BITPOS', k + 'r', bit, Math.trunc(start / 8)]);
        else if (form === 2) cmds.push(['BITPOS', k + 'r', bit, Math.trunc(start / 8), Math.trunc(end / 8)]);
        else if (form === 3) cmds.push(['BITPOS', k + 'r', bit, Math.trunc(start / 8), Math.trunc(end / 8), 'BYTE']);
        else cmds.push(['BITPOS', k + 'r', bit, start, end, 'BIT']);
      }
    }
    await same(cmds);
  });

  it('BITOP AND, OR, XOR, NOT', async () => {
    const k = p();
    await same([
      ['SET', k + 'a', 'foobar'], ['SET', k + 'b', 'abcdef'], ['SET', k + 'c', 'xy'], ['SET', k + 'bin', BIN],
      ['BITOP', 'AND', k + 'd', k + 'a', k + 'b'], ['GET', k + 'd'], ['BITOP', 'OR', k + 'd', k + 'a', k + 'c'], ['GET', k + 'd'],
      ['BITOP', 'XOR', k + 'd', k + 'a', k + 'b', k + 'c'], ['GET', k + 'd'], ['BITOP', 'NOT', k + 'd', k + 'a'], ['GET', k + 'd'],
      ['BITOP', 'and', k + 'd', k + 'c', k + 'a'], ['GET', k + 'd'], ['BITOP', 'AND', k + 'd', k + 'a', k + 'missing'], ['GET', k + 'd'],
      ['BITOP', 'OR', k + 'd', k + 'missing', k + 'a'], ['GET', k + 'd'], ['BITOP', 'NOT', k + 'd', k + 'bin'], ['GET', k + 'd'],
      ['BITOP', 'XOR', k + 'd', k + 'bin', k + 'bin'], ['GET', k + 'd'], ['BITOP', 'AND', k + 'd', k + 'bin', k + 'a'], ['GET', k + 'd'],
      ['BITOP', 'NOT', k + 'd', k + 'missing'], ['GET', k + 'd'], ['SET', k + 'd', 'x'],
      ['BITOP', 'AND', k + 'd', k + 'missing', k + 'missing2'], ['GET', k + 'd'],
      ['BITOP', 'NOT', k + 'd', k + 'a', k + 'b'], ['BITOP', 'NAND', k + 'd', k + 'a'], ['BITOP', 'NOT', k + 'd'],
      ['BITOP', 'AND', k + 'd'], ['BITOP', 'AND'], ['BITOP', 'NOT', k + 'a', k + 'a'], ['GET', k + 'a'],
      ['SET', k + 'e', ''], ['BITOP', 'OR', k + 'd', k + 'e'], ['GET', k + 'd'], ['SET', k + 'i', '123'],
      ['BITOP', 'XOR', k + 'd', k + 'i', k + 'c'], ['GET', k + 'd'],
    ]);
  });

  it('BITFIELD: types, offsets, SET/GET/INCRBY and OVERFLOW', async () => {
    const k = p();
    await same([
      ['BITFIELD', k], ['BITFIELD', k, 'GET', 'u8', 0], ['BITFIELD', k, 'SET', 'u8', 0, 255], ['GET', k],
      ['BITFIELD', k, 'SET', 'i8', '#1', -1, 'GET', 'u4', 8, 'GET', 'i4', 8, 'INCRBY', 'u8', '#0', 10],
      ['BITFIELD', k, 'INCRBY', 'u2', 100, 1, 'OVERFLOW', 'SAT', 'INCRBY', 'u2', 102, 5, 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 102, 1],
      ['BITFIELD', k, 'OVERFLOW', 'WRAP', 'INCRBY', 'i5', 100, 20, 'INCRBY', 'i5', 100, 20, 'OVERFLOW', 'SAT', 'INCRBY', 'i5', 100, -40],
      ['BITFIELD', k, 'SET', 'i64', 0, '-9223372036854775808', 'GET', 'i64', 0, 'INCRBY', 'i64', 0, -1],
      ['BITFIELD', k, 'OVERFLOW', 'SAT', 'INCRBY', 'i64', 0, -1, 'INCRBY', 'i64', 0, '9223372036854775807', 'INCRBY', 'i64', 0, 1],
      ['BITFIELD', k, 'OVERFLOW', 'FAIL', 'INCRBY', 'i64', 0, '9223372036854775807', 'GET', 'i64', 0],
      ['BITFIELD', k, 'SET', 'u63', 1, '9223372036854775807', 'GET', 'u63', 1, 'INCRBY', 'u63', 1, 1, 'GET', 'u63', 1],
      ['BITFIELD', k, 'OVERFLOW', 'SAT', 'SET', 'u8', 0, -1, 'SET', 'u8', 0, 256, 'SET', 'i8', 0, 200, 'SET', 'i8', 0, -200, 'GET', 'u8', 0],
      ['BITFIELD', k, 'OVERFLOW', 'WRAP', 'SET', 'u8', 0, -1, 'SET', 'u8', 0, 257, 'SET', 'i8', 0, 200, 'SET', 'i8', 0, -200, 'GET', 'i8', 0],
      ['BITFIELD', k, 'OVERFLOW', 'FAIL', 'SET', 'u8', 0, -1, 'SET', 'i8', 0, 128, 'SET', 'i8', 0, -128, 'GET', 'i8', 0],
      ['BITFIELD', k, 'OVERFLOW', 'SAT', 'INCRBY', 'u8', 0, -300, 'INCRBY', 'u8', 0, 300, 'INCRBY', 'u63', 64, -1],
      ['BITFIELD', k, 'GET', 'u1', 0, 'GET', 'i1', 0, 'SET', 'i1', 3, 1, 'SET', 'i1', 3, -1, 'GET', 'i1', 3, 'INCRBY', 'i1', 3, 1],
      ['BITFIELD', k, 'GET', 'u64', 0], ['BITFIELD', k, 'GET', 'i65', 0], ['BITFIELD', k, 'GET', 'u0', 0], ['BITFIELD', k, 'GET', 'I8', 0],
      ['BITFIELD', k, 'GET', 'x8', 0], ['BITFIELD', k, 'GET', 'u', 0], ['BITFIELD', k, 'GET', 'u08', 0], ['BITFIELD', k, 'GET', 'u-1', 0],
      ['BITFIELD', k, 'GET', 'u8', -1], ['BITFIELD', k, 'GET', 'u8', 'x'], ['BITFIELD', k, 'GET', 'u8', '#'], ['BITFIELD', k, 'GET', 'u8', '#-1'],
      ['BITFIELD', k, 'GET', 'u8', '#x'], ['BITFIELD', k, 'GET', 'u8', 4294967296], ['BITFIELD', k, 'GET', 'u8', 4294967295],
      ['BITFIELD', k, 'GET', 'u8', '#536870912'], ['BITFIELD', k, 'GET', 'u8', '#536870911'], ['BITFIELD', k, 'GET', 'i64', '#1152921504606846976'],
      ['BITFIELD', k, 'GET', 'u8', '#9223372036854775807'], ['BITFIELD', k, 'SET', 'u8', 0, 'x'], ['BITFIELD', k, 'SET', 'u8', 0, '1.5'],
      ['BITFIELD', k, 'INCRBY', 'u8', 0, '9223372036854775808'], ['BITFIELD', k, 'OVERFLOW', 'FOO', 'GET', 'u8', 0],
      ['BITFIELD', k, 'OVERFLOW'], ['BITFIELD', k, 'GET', 'u8'], ['BITFIELD', k, 'SET', 'u8', 0], ['BITFIELD', k, 'FOO', 'u8', 0],
      ['BITFIELD', k, 'INCRBY', 'u8', 0], ['BITFIELD', k, 'GET', 'u8', 0, 'GET'], ['BITFIELD', k, 'get', 'u8', 0, 'set', 'u8', 0, 1],
      ['BITFIELD', k, 'GET', 'u8', 0, 'SET', 'x8', 0, 1], ['BITFIELD', k, 'SET', 'u8', 0, 1, 'GET', 'x8', 0], ['GET', k],
      ['BITFIELD', k + 'n', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 10, 5], ['GET', k + 'n'], ['STRLEN', k + 'n'],
      ['BITFIELD', k + 'n2', 'GET', 'u8', 0], ['GET', k + 'n2'], ['BITFIELD', k + 'n3'], ['GET', k + 'n3'],
      ['SET', k + 'i', '7'], ['BITFIELD', k + 'i', 'GET', 'u8', 0, 'GET', 'u4', 4, 'GET', 'u16', 4], ['BITFIELD', k + 'i', 'INCRBY', 'u8', 0, 1], ['GET', k + 'i'],
      ['BITFIELD'],
      ['BITFIELD_RO', k, 'GET', 'u8', 0, 'GET', 'i16', 4], ['BITFIELD_RO', k], ['BITFIELD_RO', k, 'SET', 'u8', 0, 1],
      ['BITFIELD_RO', k, 'INCRBY', 'u8', 0, 1], ['BITFIELD_RO', k, 'OVERFLOW', 'SAT'], ['BITFIELD_RO', k, 'GET', 'u8'],
      ['BITFIELD_RO', k, 'OVERFLOW', 'SAT', 'GET', 'u8', 0], ['BITFIELD_RO', k, 'SET', 'x8', 0, 1], ['BITFIELD_RO', k + 'none', 'GET', 'u8', 0],
      ['BITFIELD_RO'], ['GET', k],
    ]);
  });

  it('random BITFIELD operations', async () => {
    const k = p();
    const r = rng(3);
    const cmds: Cmd[] = [];
    const val = (bits: number) => {
      const f = r(6);
      if (f === 0) return String(BigInt(r(2 ** 30)) * BigInt(r(2 ** 30)) * BigInt(r(2 ** 4)) - (1n << BigInt(r(64))));
      if (f === 1) return String(r(2 ** bits > 2 ** 30 ? 2 ** 30 : 2 ** bits));
      if (f === 2) return String(-r(300));
      if (f === 3) return ['9223372036854775807', '-9223372036854775808', '0', '-1', '1'][r(5)]!;
      return String(r(1000) - 500);
    };
    for (let i = 0; i < 150; i++) {
      const cmd: Cmd = ['BITFIELD', k];
      const nops = 1 + r(4);
      for (let j = 0; j < nops; j++) {
        if (r(4) === 0) cmd.push('OVERFLOW', ['WRAP', 'SAT', 'FAIL'][r(3)]!);
        const signed = r(2) === 0;
        const bits = 1 + r(signed ? 64 : 63);
        const type = (signed ? 'i' : 'u') + bits;
        const off = r(3) === 0 ? '#' + r(4) : String(r(80));
        const op = r(3);
        if (op === 0) cmd.push('GET', type, off);
        else if (op === 1) cmd.push('SET', type, off, val(bits));
        else cmd.push('INCRBY', type, off, val(bits));
      }
      cmds.push(cmd);
    }
    cmds.push(['GET', k]);
    await same(cmds);
  });

  it('RESP3 BITFIELD FAIL null', async () => {
    const k = p();
    await same([['HELLO', '3'], ['BITFIELD', k, 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 0, 5, 'GET', 'u2', 0]]);
  });

  it('WRONGTYPE from every bit command', async () => {
    const k = p();
    srv.server.keyspace.dbs[0]!.set(k, new FakeSet());
    const rc = await RawClient.connect(real.port);
    await rc.call('SADD', k, 'm');
    rc.close();
    await same([
      ['GETBIT', k, 0], ['GETBIT', k, -1], ['SETBIT', k, 0, 1], ['SETBIT', k, 0, 5], ['BITCOUNT', k], ['BITCOUNT', k, 'x', 'y'],
      ['BITCOUNT', k, 0], ['BITPOS', k, 1], ['BITPOS', k, 3], ['BITPOS', k, 1, 'x'], ['BITOP', 'OR', k + 'd', k],
      ['BITOP', 'NOT', k, k + 'none'], ['TYPE', k], ['BITFIELD', k, 'GET', 'u8', 0], ['BITFIELD', k, 'SET', 'u8', 0, 1],
      ['BITFIELD', k, 'GET', 'u8', -1], ['BITFIELD_RO', k, 'GET', 'u8', 0], ['BITFIELD_RO', k, 'SET', 'u8', 0, 1],
    ]);
  });

  it('wrong arity', async () => {
    await same([['GETBIT', 'a'], ['SETBIT', 'a', 1], ['BITCOUNT'], ['BITPOS', 'a'], ['BITOP', 'AND', 'd'], ['BITFIELD'],
      ['BITFIELD_RO'], ['GETBIT', 'a', 1, 2], ['SETBIT', 'a', 1, 1, 1]]);
  });

  it('COMMAND INFO of bit commands matches', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    try {
      for (const name of ['getbit', 'setbit', 'bitcount', 'bitpos', 'bitop', 'bitfield', 'bitfield_ro']) {
        const ours = (await a.call('COMMAND', 'INFO', name)) as unknown[][];
        const theirs = (await b.call('COMMAND', 'INFO', name)) as unknown[][];
        expect(ours[0]!.slice(0, 6), name).toEqual(theirs[0]!.slice(0, 6));
      }
    } finally {
      a.close();
      b.close();
    }
  });
});

describe.skipIf(!HAVE_REDIS_SERVER)('bit offsets with proto-max-bulk-len 1mb', () => {
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

  it('limits offsets to the configured size', async () => {
    const { ours, theirs } = await differential(srv.port, real.port, [
      ['SETBIT', 'k', 8388607, 1], ['SETBIT', 'k', 8388608, 1], ['STRLEN', 'k'], ['GETBIT', 'k', 8388608],
      ['BITFIELD', 'k', 'GET', 'u8', '#1048575'], ['BITFIELD', 'k', 'GET', 'u8', '#1048576'],
      ['BITFIELD', 'k', 'SET', 'u8', 8388600, 1], ['BITFIELD', 'k', 'SET', 'u8', 8388601, 1],
    ]);
    expect(ours).toEqual(theirs);
  });
});

describe('bit commands on mini-redis', () => {
  let srv: TestServer;
  let c: RawClient;
  beforeAll(async () => {
    srv = await startTestServer();
    c = await RawClient.connect(srv.port);
  });
  afterAll(async () => {
    c?.close();
    await srv?.close();
  });

  const db = () => srv.server.keyspace.dbs[0]!;

  it('SETBIT edits in place and only signals a change when a bit changes', async () => {
    await c.call('SET', 'k', 'a');
    expect(typeof db().dict.get('k')).toBe('string');
    const ks = srv.server.keyspace;
    let before = ks.dirty;
    expect(await c.call('SETBIT', 'k', 1, 1)).toBe(1); // 'a' = 0b01100001
    expect(ks.dirty).toBe(before);
    // As in Redis, the value is raw-encoded all the same.
    const v = db().dict.get('k');
    expect(v).toBeInstanceOf(RawString);
    before = ks.dirty;
    expect(await c.call('SETBIT', 'k', 1, 0)).toBe(1);
    expect(ks.dirty).toBeGreaterThan(before);
    expect(db().dict.get('k')).toBe(v);
    expect(await c.call('GET', 'k')).toBe('!');
    before = ks.dirty;
    expect(await c.call('SETBIT', 'k', 20, 0)).toBe(0); // grows: a change
    expect(ks.dirty).toBeGreaterThan(before);
    expect(await c.callRaw('GET', 'k')).toBe('$3\r\n!\x00\x00\r\n');
  });

  it('BITOP stores a raw value and deletes the destination for an empty result', async () => {
    await c.call('SET', 'src', 'ab');
    expect(await c.call('BITOP', 'NOT', 'dst', 'src')).toBe(2);
    expect(db().dict.get('dst')).toBeInstanceOf(RawString);
    db().setExpire('dst', Date.now() + 100000);
    expect(await c.call('BITOP', 'OR', 'dst', 'src')).toBe(2);
    expect(db().getExpire('dst')).toBeUndefined();
    expect(await c.call('BITOP', 'AND', 'dst', 'nothing')).toBe(0);
    expect(db().dict.has('dst')).toBe(false);
  });

  it('BITFIELD creates the key even when every write fails, and BITFIELD_RO never writes', async () => {
    expect(await c.call('BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 10, 5)).toEqual([null]);
    expect(await c.callRaw('GET', 'bf')).toBe('$2\r\n\x00\x00\r\n');
    expect(await c.call('BITFIELD_RO', 'bf2', 'GET', 'u8', 0)).toEqual([0]);
    expect(db().dict.has('bf2')).toBe(false);
    expect(await c.call('BITFIELD', 'bf', 'SET', 'u63', 0, '9223372036854775807')).toEqual([0]);
    expect(await c.call('BITFIELD', 'bf', 'GET', 'u63', 0)).toEqual([9223372036854775807n]);
  });
});
