// ReplyWriter: the exact bytes of every reply type in RESP2 and RESP3, the
// RESP3 → RESP2 degradations Redis 7.0 makes, buffer growth past the initial
// size, take() reuse, and the error codes counted for INFO errorstats.

import { describe, expect, it } from 'vitest';
import { ReplyWriter, errorCode, type RespVersion } from '../../src/protocol/reply.js';

function writer(resp: RespVersion = 2): ReplyWriter {
  const w = new ReplyWriter();
  w.resp = resp;
  return w;
}

/** The bytes `f` writes, as a latin1 string. */
function out(resp: RespVersion, f: (w: ReplyWriter) => void): string {
  const w = writer(resp);
  f(w);
  return w.take().latin1Slice();
}

const both = (f: (w: ReplyWriter) => void): [string, string] => [out(2, f), out(3, f)];

describe('scalars', () => {
  it('simple strings, OK and errors', () => {
    expect(both((w) => w.simple('PONG'))).toEqual(['+PONG\r\n', '+PONG\r\n']);
    expect(both((w) => w.ok())).toEqual(['+OK\r\n', '+OK\r\n']);
    expect(both((w) => w.error('ERR syntax error'))).toEqual(['-ERR syntax error\r\n', '-ERR syntax error\r\n']);
    expect(out(2, (w) => w.simple(''))).toBe('+\r\n');
  });

  it('an error never carries a newline (it would end the reply)', () => {
    expect(out(2, (w) => w.error('ERR bad\r\nthing\n'))).toBe('-ERR bad  thing \r\n');
  });

  it('integers: 0, small, 255, 256, negative, large, 2^53, int64 bigints', () => {
    const cases: [number | bigint, string][] = [
      [0, ':0\r\n'], [-0, ':0\r\n'], [7, ':7\r\n'], [10, ':10\r\n'], [255, ':255\r\n'], [256, ':256\r\n'],
      [-1, ':-1\r\n'], [-10, ':-10\r\n'], [-255, ':-255\r\n'], [-256, ':-256\r\n'],
      [1000, ':1000\r\n'], [123456789, ':123456789\r\n'], [2147483648, ':2147483648\r\n'],
      [999999999999999, ':999999999999999\r\n'], [1e15, ':1000000000000000\r\n'],
      [2 ** 53, ':9007199254740992\r\n'], [-(2 ** 53), ':-9007199254740992\r\n'],
      [Number.MAX_SAFE_INTEGER, ':9007199254740991\r\n'],
      [9223372036854775807n, ':9223372036854775807\r\n'], [-9223372036854775808n, ':-9223372036854775808\r\n'],
      [0n, ':0\r\n'], [-5n, ':-5\r\n'],
    ];
    for (const [n, bytes] of cases) {
      expect(both((w) => w.integer(n)), String(n)).toEqual([bytes, bytes]);
    }
  });

  it('every integer from -1100 to 1100 round-trips', () => {
    const w = writer();
    let expected = '';
    for (let i = -1100; i <= 1100; i++) {
      w.integer(i);
      expected += `:${i}\r\n`;
    }
    expect(w.take().latin1Slice()).toBe(expected);
  });

  it('bulk strings: empty, binary, every byte value', () => {
    expect(both((w) => w.bulk('hello'))).toEqual(['$5\r\nhello\r\n', '$5\r\nhello\r\n']);
    expect(both((w) => w.bulk(''))).toEqual(['$0\r\n\r\n', '$0\r\n\r\n']);
    let all = '';
    for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
    const bytes = out(2, (w) => w.bulk(all + '\r\n'));
    expect(bytes).toBe(`$258\r\n${all}\r\n\r\n`);
    expect(Buffer.from(bytes, 'latin1').length).toBe(bytes.length);
  });

  it('bulkBytes: a whole Buffer or its first n bytes', () => {
    const b = Buffer.from([0, 1, 0xff, 13, 10, 0x80]);
    expect(out(2, (w) => w.bulkBytes(b))).toBe('$6\r\n\x00\x01\xff\r\n\x80\r\n');
    expect(out(3, (w) => w.bulkBytes(b, 3))).toBe('$3\r\n\x00\x01\xff\r\n');
    expect(out(2, (w) => w.bulkBytes(Buffer.alloc(0)))).toBe('$0\r\n\r\n');
  });

  it('nulls: $-1 / *-1 in RESP2, _ in RESP3', () => {
    expect(both((w) => w.nullBulk())).toEqual(['$-1\r\n', '_\r\n']);
    expect(both((w) => w.bulk(null))).toEqual(['$-1\r\n', '_\r\n']);
    expect(both((w) => w.nullArray())).toEqual(['*-1\r\n', '_\r\n']);
    expect(both((w) => w.bulkArray([null]))).toEqual(['*1\r\n$-1\r\n', '*1\r\n_\r\n']);
  });

  it('booleans: :1/:0 in RESP2, #t/#f in RESP3', () => {
    expect(both((w) => w.bool(true))).toEqual([':1\r\n', '#t\r\n']);
    expect(both((w) => w.bool(false))).toEqual([':0\r\n', '#f\r\n']);
  });

  it('verbatim strings: a bulk string in RESP2', () => {
    expect(both((w) => w.verbatim('# Server\r\nredis_version:7.0.15\r\n'))).toEqual([
      '$32\r\n# Server\r\nredis_version:7.0.15\r\n\r\n',
      '=36\r\ntxt:# Server\r\nredis_version:7.0.15\r\n\r\n',
    ]);
    expect(both((w) => w.verbatim('', 'mkd'))).toEqual(['$0\r\n\r\n', '=4\r\nmkd:\r\n']);
  });
});

describe('doubles (%.17g, as Redis 7.0)', () => {
  // Expected texts are C's printf("%.17g") of the same doubles.
  const cases: [number, string][] = [
    [0, '0'], [-0, '-0'], [1, '1'], [-2.5, '-2.5'], [100, '100'], [0.1, '0.10000000000000001'],
    [0.30000000000000004, '0.30000000000000004'], [3.14, '3.1400000000000001'], [1 / 3, '0.33333333333333331'],
    [1e15, '1000000000000000'], [1e16, '10000000000000000'], [1e17, '1e+17'], [1.5e-5, '1.5e-05'],
    [0.0001, '0.0001'], [0.00001, '1.0000000000000001e-05'], [123456789012345678901, '1.2345678901234568e+20'],
    [2 ** 53 + 2, '9007199254740994'], [5e-324, '4.9406564584124654e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'], [2.5e-7, '2.4999999999999999e-07'], [1e21, '1e+21'],
    [12345.678, '12345.678'], [-1e-300, '-1e-300'],
    // Exact ties at the 17th digit round to even, as printf does.
    [1234567890123456.25, '1234567890123456.2'], [1234567890123456.75, '1234567890123456.8'],
    [Infinity, 'inf'], [-Infinity, '-inf'],
  ];
  it('RESP3: a double; RESP2: a bulk string', () => {
    for (const [d, s] of cases) {
      expect(both((w) => w.double(d)), String(d)).toEqual([`$${s.length}\r\n${s}\r\n`, `,${s}\r\n`]);
    }
  });

  it('doubleString writes a preformatted double', () => {
    expect(both((w) => w.doubleString('1.5'))).toEqual(['$3\r\n1.5\r\n', ',1.5\r\n']);
  });
});

describe('aggregates', () => {
  it('arrays, including empty and nested', () => {
    expect(both((w) => w.array(0))).toEqual(['*0\r\n', '*0\r\n']);
    expect(out(2, (w) => {
      w.array(2);
      w.array(1);
      w.integer(1);
      w.bulk('x');
    })).toBe('*2\r\n*1\r\n:1\r\n$1\r\nx\r\n');
    expect(both((w) => w.bulkArray(['a', '', 'bc']))).toEqual([
      '*3\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbc\r\n', '*3\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbc\r\n',
    ]);
    expect(out(2, (w) => w.bulkArray([]))).toBe('*0\r\n');
  });

  it('map: % with n pairs in RESP3, a flat array of 2n in RESP2', () => {
    const f = (w: ReplyWriter) => {
      w.map(2);
      w.bulk('a');
      w.integer(1);
      w.bulk('b');
      w.double(1.5);
    };
    expect(both(f)).toEqual([
      '*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$3\r\n1.5\r\n',
      '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n,1.5\r\n',
    ]);
    expect(both((w) => w.map(0))).toEqual(['*0\r\n', '%0\r\n']);
  });

  it('set (~) and push (>) degrade to arrays', () => {
    expect(both((w) => w.set(3))).toEqual(['*3\r\n', '~3\r\n']);
    expect(both((w) => w.push(3))).toEqual(['*3\r\n', '>3\r\n']);
  });

  it('large counts in headers', () => {
    expect(both((w) => w.array(1234567))).toEqual(['*1234567\r\n', '*1234567\r\n']);
    expect(both((w) => w.map(100000))).toEqual(['*200000\r\n', '%100000\r\n']);
  });
});

describe('buffer management', () => {
  it('grows past the initial 64 KB for a single large reply and for many small ones', () => {
    const w = writer();
    const big = 'z'.repeat(3 * 1024 * 1024 + 17);
    w.bulk(big);
    w.integer(-42);
    expect(w.take().latin1Slice()).toBe(`$${big.length}\r\n${big}\r\n:-42\r\n`);
    let expected = '';
    for (let i = 0; i < 20000; i++) {
      w.bulk(`value:${i}`);
      expected += `$${`value:${i}`.length}\r\nvalue:${i}\r\n`;
    }
    expect(w.len).toBe(expected.length);
    expect(w.take().latin1Slice()).toBe(expected);
    expect(w.len).toBe(0);
  });

  it('bulkBytes and raw writes grow the buffer too', () => {
    const w = writer();
    const b = Buffer.alloc(200 * 1024, 7);
    w.bulkBytes(b);
    w.raw('+x\r\n');
    w.rawBuffer(Buffer.from(':1\r\n'));
    const o = w.take();
    expect(o.length).toBe(`$${b.length}\r\n`.length + b.length + 2 + 4 + 4);
    expect(o.subarray(o.length - 8).latin1Slice()).toBe('+x\r\n:1\r\n');
  });

  it('take() empties the writer and what it returned stays intact after reuse', () => {
    const w = writer();
    w.bulk('first');
    const a = w.take();
    w.bulk('second');
    const b = w.take();
    expect(a.latin1Slice()).toBe('$5\r\nfirst\r\n');
    expect(b.latin1Slice()).toBe('$6\r\nsecond\r\n');
    expect(w.take().length).toBe(0);
    // A big batch hands its buffer over; the next batch must not write into it.
    w.bulk('q'.repeat(2 * 1024 * 1024));
    const big = w.take();
    const copy = Buffer.from(big);
    w.bulk('r'.repeat(2 * 1024 * 1024));
    w.simple('after');
    const next = w.take();
    expect(big.equals(copy)).toBe(true);
    expect(next.subarray(next.length - 8).latin1Slice()).toBe('+after\r\n');
    expect(w.buf.length).toBeLessThanOrEqual(1024 * 1024);
  });

  it('takeView() hands out views without copying; recycle() reuses the buffer only when allowed', () => {
    const w = writer();
    w.bulk('one');
    const mark = w.position;
    const a = w.takeView();
    expect(a.buffer).toBe(w.buf.buffer);
    w.bulk('two');
    // A position mark stays valid across growth (only what is not taken moves).
    w.bulk('x'.repeat(200 * 1024));
    expect(a.buffer).not.toBe(w.buf.buffer);
    expect(w.position - mark).toBe('$3\r\ntwo\r\n'.length + 200 * 1024 + 11);
    w.simple('dropped');
    w.truncate(mark + '$3\r\ntwo\r\n'.length + 200 * 1024 + 11);
    const b = w.takeView();
    expect(b.length).toBe('$3\r\ntwo\r\n'.length + 200 * 1024 + 11);
    expect(a.latin1Slice()).toBe('$3\r\none\r\n');
    expect(b.subarray(0, 9).latin1Slice()).toBe('$3\r\ntwo\r\n');
    expect(w.pending).toBe(0);
    // Views taken, nothing pending: recycle starts over at 0.
    w.recycle();
    expect(w.len).toBe(0);
    w.simple('OK');
    // Not while output is pending.
    w.recycle();
    expect(w.pending).toBe(5);
    w.discardPending();
    expect(w.pending).toBe(0);
  });

  it('switching protocol between batches', () => {
    const w = writer(3);
    w.nullBulk();
    w.resp = 2;
    w.nullBulk();
    expect(w.take().latin1Slice()).toBe('_\r\n$-1\r\n');
  });
});

describe('error accounting', () => {
  it('onError gets the code of every error written', () => {
    const w = writer();
    const codes: string[] = [];
    w.onError = (c) => codes.push(c);
    w.error('ERR syntax error');
    w.error('WRONGTYPE Operation against a key holding the wrong kind of value');
    w.error('NOAUTH Authentication required.');
    w.simple('OK');
    expect(codes).toEqual(['ERR', 'WRONGTYPE', 'NOAUTH']);
  });

  it('errorCode: the first word within the first 32 bytes of the reply, else ERR', () => {
    expect(errorCode('ERR x')).toBe('ERR');
    expect(errorCode('BUSYGROUP Consumer Group name already exists')).toBe('BUSYGROUP');
    expect(errorCode('NOSPACE')).toBe('ERR');
    expect(errorCode(`${'A'.repeat(30)} x`)).toBe('A'.repeat(30));
    expect(errorCode(`${'A'.repeat(31)} x`)).toBe('ERR');
  });
});
