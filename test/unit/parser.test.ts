// RequestParser: incremental multibulk and inline parsing, split at every
// byte boundary, and every protocol error with Redis 7.0's exact text. The
// same inputs are checked against a real redis-server byte for byte in
// test/integration/protocol.test.ts.

import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { BIG_BULK, INLINE_MAX_SIZE, RequestParser, parseCount, type AuthState } from '../../src/protocol/parser.js';
import { rng } from '../helpers/rng.js';

const L = (s: string) => Buffer.from(s, 'latin1');

function encode(args: readonly string[]): Buffer {
  let head = `*${args.length}\r\n`;
  const parts: Buffer[] = [];
  for (const a of args) {
    parts.push(L(`${head}$${a.length}\r\n`), L(a));
    head = '\r\n';
  }
  parts.push(L('\r\n'));
  return Buffer.concat(parts);
}

function parser(maxBulkLen = 512 * 1024 * 1024, auth?: AuthState): RequestParser {
  return new RequestParser({ maxBulkLen }, auth);
}

/** Every request available now. */
function drain(p: RequestParser, out: string[][]): void {
  for (;;) {
    const argv = p.next();
    if (argv === null) return;
    out.push(argv);
  }
}

function parseAll(chunks: readonly Buffer[], p = parser()): string[][] {
  const out: string[][] = [];
  for (const c of chunks) {
    p.feed(c);
    drain(p, out);
  }
  return out;
}

/** The error text thrown by parsing `input` (fed in one chunk), or null. */
function errorOf(input: string | Buffer, p = parser()): string | null {
  try {
    parseAll([typeof input === 'string' ? L(input) : input], p);
    return null;
  } catch (e) {
    if (e instanceof ProtocolError) return e.message;
    throw e;
  }
}

/** Cheap exact comparison (toEqual on 100 KB strings is slow in a hot loop). */
function sameArgv(a: string[][], b: string[][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

let allBytes = '';
for (let i = 0; i < 256; i++) allBytes += String.fromCharCode(i);


function randomString(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

describe('multibulk split at every byte boundary', () => {
  const r = rng(7);
  const requests: string[][] = [
    ['SET', 'key', 'value'],
    ['ECHO', ''],
    ['MSET', '', '', 'k\r\n', '\r\n\r\n'],
    ['ECHO', allBytes + '\r\n' + allBytes.split('').reverse().join('') + '\0\r\n'],
    ['SET', 'big100k', randomString(r, 100 * 1024)],
    ['PING'],
    ['SET', 'justBig', '$' + randomString(r, BIG_BULK + 1000) + '\r\n*1\r\n'],
    ['SET', 'mid', randomString(r, 10 * 1024)],
    ['SET', 'exact', 'x'.repeat(BIG_BULK)],
    ['GET', 'key'],
  ];
  // Empty requests in between are skipped.
  const stream = Buffer.concat([
    L('*0\r\n'),
    ...requests.slice(0, 3).map(encode),
    L('*-1\r\n'),
    ...requests.slice(3, 6).map(encode),
    L('*0\r\n*-1\r\n'),
    ...requests.slice(6).map(encode),
    L('*0\r\n'),
  ]);

  it('whole stream in one chunk (pipelining)', () => {
    const p = parser();
    const got = parseAll([stream], p);
    expect(got.length).toBe(requests.length);
    expect(sameArgv(got, requests)).toBe(true);
    expect(p.pendingBytes).toBe(0);
  });

  // Split points: every byte boundary, except deep inside the payloads of
  // 8 KB and larger, where every 61st (an odd stride, so every alignment) is
  // enough: there a split only changes how much of one payload has arrived,
  // which the first and last 600 boundaries of each payload already cover
  // (and the byte-by-byte test below splits at every boundary at once).
  const splits: number[] = [];
  {
    const inPayloadInterior = new Uint8Array(stream.length + 1);
    for (const a of requests.flat()) {
      if (a.length < 8192) continue;
      const at = stream.indexOf(L(a));
      for (let i = at + 600; i <= at + a.length - 600; i++) inPayloadInterior[i] = 1;
    }
    for (let i = 0; i <= stream.length; i++) if (inPayloadInterior[i] === 0 || i % 61 === 0) splits.push(i);
  }

  it(`two pieces at ${splits.length} split points of ${stream.length + 1}`, () => {
    const bad: number[] = [];
    for (const i of splits) {
      const got = parseAll([stream.subarray(0, i), stream.subarray(i)]);
      if (!sameArgv(got, requests)) bad.push(i);
    }
    expect(bad).toEqual([]);
  });

  it('byte by byte', () => {
    const p = parser();
    const out: string[][] = [];
    for (let i = 0; i < stream.length; i++) {
      p.feed(stream.subarray(i, i + 1));
      drain(p, out);
    }
    expect(sameArgv(out, requests)).toBe(true);
    expect(p.pendingBytes).toBe(0);
  });

  it('random chunkings, also with copies of each chunk', () => {
    const rr = rng(99);
    for (let round = 0; round < 200; round++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < stream.length;) {
        const n = 1 + Math.floor(rr() * (rr() < 0.5 ? 16 : 40000));
        // Copies: the parser must not depend on chunks sharing memory.
        chunks.push(Buffer.from(stream.subarray(i, i + n)));
        i += n;
      }
      expect(sameArgv(parseAll(chunks), requests)).toBe(true);
    }
  });

  it('results are independent of later reuse of the chunk memory', () => {
    const copy = Buffer.from(stream);
    const p = parser();
    p.feed(copy);
    const got: string[][] = [];
    drain(p, got);
    copy.fill(0);
    expect(sameArgv(got, requests)).toBe(true);
  });
});

describe('multibulk details', () => {
  it('many requests in one chunk, in order', () => {
    const reqs = Array.from({ length: 1000 }, (_, i) => ['SET', `key:${i}`, `val:${i}`]);
    const got = parseAll([Buffer.concat(reqs.map(encode))]);
    expect(got).toEqual(reqs);
  });

  it('skips *0, *-1 and any negative count', () => {
    expect(parseAll([L('*0\r\n*-1\r\n*-5\r\n*-9223372036854775808\r\n*1\r\n$4\r\nPING\r\n')])).toEqual([['PING']]);
  });

  it('does not check the two bytes after a bulk, nor the byte after a CR (as Redis)', () => {
    expect(parseAll([L('*2\r\n$4\r\nECHOxx$2\rXhi!!')])).toEqual([['ECHO', 'hi']]);
  });

  it('a bulk header CR at the end of the input waits for one more byte', () => {
    const p = parser();
    expect(parseAll([L('*1\r\n$4\r')], p)).toEqual([]);
    expect(parseAll([L('\nPING\r\n')], p)).toEqual([['PING']]);
  });

  it('holds a partial request and reports pending bytes', () => {
    const p = parser();
    p.feed(L('*2\r\n$4\r\nECHO\r\n$5\r\nhel'));
    expect(p.next()).toBeNull();
    expect(p.pendingBytes).toBe(3);
    p.feed(L('lo\r\n*1\r\n$4\r\nPI'));
    expect(p.next()).toEqual(['ECHO', 'hello']);
    expect(p.next()).toBeNull();
    // The count and bulk header lines are consumed as soon as they are whole.
    expect(p.pendingBytes).toBe(2);
    p.feed(L('NG\r\n'));
    expect(p.next()).toEqual(['PING']);
    expect(p.pendingBytes).toBe(0);
  });

  it('a big bulk arriving in pieces is pending as chunks', () => {
    const p = parser();
    const v = 'v'.repeat(100_000);
    const all = encode(['SET', 'k', v]);
    p.feed(all.subarray(0, 50_000));
    expect(p.next()).toBeNull();
    const pending = p.pendingBytes;
    p.feed(all.subarray(50_000, 90_000));
    expect(p.next()).toBeNull();
    expect(p.pendingBytes).toBe(pending + 40_000);
    p.feed(all.subarray(90_000));
    expect(p.next()).toEqual(['SET', 'k', v]);
    expect(p.pendingBytes).toBe(0);
  });

  it('lastWasInline tells the two request forms apart', () => {
    const p = parser();
    p.feed(L('PING\r\n*1\r\n$4\r\nPING\r\n'));
    p.next();
    expect(p.lastWasInline).toBe(true);
    p.next();
    expect(p.lastWasInline).toBe(false);
  });

  it('accepts the largest counts string2ll and the limits allow', () => {
    expect(parseAll([L(`*1\r\n$${1024 * 1024}\r\n`)], parser(1024 * 1024))).toEqual([]);
    expect(errorOf(`*1\r\n$${1024 * 1024 + 1}\r\n`, parser(1024 * 1024))).toBe('ERR Protocol error: invalid bulk length');
    expect(parseAll([L('*2147483647\r\n')])).toEqual([]);
  });
});

describe('inline requests', () => {
  it('CRLF, bare LF, blank lines and spaces', () => {
    expect(parseAll([L('PING\r\nECHO hi\n\r\n\n   \r\n \t SET  a   b \r\nGET a\n')])).toEqual([
      ['PING'], ['ECHO', 'hi'], ['SET', 'a', 'b'], ['GET', 'a'],
    ]);
  });

  it('quoting like redis-cli', () => {
    expect(parseAll([L(`SET "a b" 'c d' "\\x41"\r\n`)])).toEqual([['SET', 'a b', 'c d', 'A']]);
    expect(parseAll([L(`ECHO "\\r\\n\\t\\b\\a\\\\\\"\\q\\xff\\x0G"\n`)])).toEqual([
      ['ECHO', '\r\n\t\b\x07\\"q\xff' + 'x0G'],
    ]);
    expect(parseAll([L(`ECHO 'it\\'s \\n'\n`)])).toEqual([['ECHO', "it's \\n"]]);
    expect(parseAll([L('ECHO ""\n')])).toEqual([['ECHO', '']]);
  });

  it('a CR alone inside the line separates arguments; only the one before LF is stripped', () => {
    expect(parseAll([L('ECHO\ra\r\r\n')])).toEqual([['ECHO', 'a']]);
  });

  it('an inline line split at every point', () => {
    const line = L(`SET "a b" 'c d' "\\x41"\r\nPING\nECHO x\r\n`);
    for (let i = 0; i <= line.length; i++) {
      expect(parseAll([line.subarray(0, i), line.subarray(i)])).toEqual([['SET', 'a b', 'c d', 'A'], ['PING'], ['ECHO', 'x']]);
    }
  });

  it('unbalanced quotes', () => {
    const msg = 'ERR Protocol error: unbalanced quotes in request';
    expect(errorOf('SET "a b\r\n')).toBe(msg);
    expect(errorOf("SET 'a b\r\n")).toBe(msg);
    expect(errorOf('SET "a"b\r\n')).toBe(msg);
    expect(errorOf("SET 'a'b\r\n")).toBe(msg);
    expect(errorOf('SET "a\\"\r\n')).toBe(msg);
  });

  it('the requests before an error are still returned', () => {
    const p = parser();
    p.feed(L('PING\r\n*1\r\n$4\r\nPING\r\nSET "x\r\nPING\r\n'));
    expect(p.next()).toEqual(['PING']);
    expect(p.next()).toEqual(['PING']);
    expect(() => p.next()).toThrow('ERR Protocol error: unbalanced quotes in request');
  });

  it('mixes with multibulk requests', () => {
    expect(parseAll([Buffer.concat([L('PING\r\n'), encode(['ECHO', 'a b']), L('ECHO "c d"\n')])])).toEqual([
      ['PING'], ['ECHO', 'a b'], ['ECHO', 'c d'],
    ]);
  });

  it('a NUL byte hides the newline (strchr), so the request waits', () => {
    const p = parser();
    expect(parseAll([L('PI\0NG\r\nPING\r\n')], p)).toEqual([]);
    expect(parseAll([L('PING\r\n')], p)).toEqual([]);
    expect(p.pendingBytes).toBe(19);
  });
});

describe('protocol errors (Redis 7.0 texts)', () => {
  const E = (s: string) => `ERR Protocol error: ${s}`;

  it('invalid multibulk length', () => {
    for (const count of ['abc', '', '+1', '01', '-0', '1 ', ' 1', '2147483648', '-', '1.5',
      '99999999999999999999', '-9223372036854775809', '123456789012345678901']) {
      expect(errorOf(`*${count}\r\n`), count).toBe(E('invalid multibulk length'));
    }
  });

  it('a count line that runs into the next CR is invalid, as strchr finds that CR', () => {
    expect(errorOf('*1\n$4\r\nPING\r\n')).toBe(E('invalid multibulk length'));
  });

  it('invalid bulk length', () => {
    for (const len of ['-1', 'x', '', '01', '-0', '+4', '9223372036854775808', '99999999999999999999']) {
      expect(errorOf(`*1\r\n$${len}\r\n`), len).toBe(E('invalid bulk length'));
    }
  });

  it('invalid bulk length above proto-max-bulk-len, read live', () => {
    const limits = { maxBulkLen: 100 };
    const p = new RequestParser(limits);
    expect(parseAll([encode(['ECHO', 'x'.repeat(100)])], p)).toEqual([['ECHO', 'x'.repeat(100)]]);
    expect(errorOf(encode(['ECHO', 'x'.repeat(101)]), p)).toBe(E('invalid bulk length'));
    const q = new RequestParser(limits);
    limits.maxBulkLen = 1000;
    expect(parseAll([encode(['ECHO', 'x'.repeat(101)])], q)).toEqual([['ECHO', 'x'.repeat(101)]]);
  });

  it("expected '$', got 'X'", () => {
    expect(errorOf('*1\r\nPING\r\n')).toBe(E("expected '$', got 'P'"));
    expect(errorOf('*2\r\n$4\r\nECHO\r\n:1\r\n')).toBe(E("expected '$', got ':'"));
    expect(errorOf('*1\r\n\xff4\r\n')).toBe(E("expected '$', got '\xff'"));
    // An empty header line: the CR itself is the byte (made a space in the reply).
    expect(errorOf('*1\r\n\r\n')).toBe(E("expected '$', got '\r'"));
  });

  it('too big inline request: more than 64 KB without a newline', () => {
    const p = parser();
    expect(parseAll([L('x'.repeat(INLINE_MAX_SIZE))], p)).toEqual([]);
    expect(errorOf('x', p)).toBe(E('too big inline request'));
    expect(errorOf('x'.repeat(INLINE_MAX_SIZE + 1))).toBe(E('too big inline request'));
  });

  it('a long inline line whose newline has arrived is accepted (Redis checks only while waiting)', () => {
    const arg = 'y'.repeat(INLINE_MAX_SIZE + 10);
    expect(parseAll([L(`ECHO ${arg}\r\n`)])).toEqual([['ECHO', arg]]);
  });

  it('too big inline request after a NUL byte', () => {
    const p = parser();
    expect(parseAll([L('\0\r\n')], p)).toEqual([]);
    expect(errorOf('z'.repeat(INLINE_MAX_SIZE), p)).toBe(E('too big inline request'));
  });

  it('too big mbulk count string', () => {
    const p = parser();
    expect(parseAll([L('*' + '1'.repeat(INLINE_MAX_SIZE - 1))], p)).toEqual([]);
    expect(errorOf('11', p)).toBe(E('too big mbulk count string'));
    expect(errorOf('*1\0' + '\r\n'.repeat(INLINE_MAX_SIZE))).toBe(E('too big mbulk count string'));
  });

  it('too big bulk count string', () => {
    expect(errorOf('*1\r\n$' + '1'.repeat(INLINE_MAX_SIZE))).toBe(E('too big bulk count string'));
    const p = parser();
    expect(parseAll([L('*1\r\n$' + '1'.repeat(INLINE_MAX_SIZE - 1))], p)).toEqual([]);
    expect(errorOf('1', p)).toBe(E('too big bulk count string'));
  });

  it('a count line whose CR has arrived waits for its LF whatever its size', () => {
    const p = parser();
    expect(parseAll([L('*1\r\n$' + '1'.repeat(INLINE_MAX_SIZE + 5) + '\r')], p)).toEqual([]);
    expect(errorOf('\n', p)).toBe(E('invalid bulk length'));
  });

  it('unauthenticated limits: 10 arguments and 16 KB bulks until authenticated', () => {
    const auth = { authenticated: false };
    const p = parser(512 * 1024 * 1024, auth);
    const ten = ['MSET', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'x'];
    expect(parseAll([encode(ten), encode(['ECHO', 'q'.repeat(16384)])], p)).toEqual([ten, ['ECHO', 'q'.repeat(16384)]]);
    expect(errorOf(encode([...ten, 'y']), parser(512 * 1024 * 1024, auth))).toBe(E('unauthenticated multibulk length'));
    expect(errorOf(encode(['ECHO', 'q'.repeat(16385)]), parser(512 * 1024 * 1024, auth))).toBe(E('unauthenticated bulk length'));
    // Invalid lengths are reported as such first.
    expect(errorOf('*abc\r\n', parser(512 * 1024 * 1024, auth))).toBe(E('invalid multibulk length'));
    expect(errorOf('*1\r\n$-1\r\n', parser(512 * 1024 * 1024, auth))).toBe(E('invalid bulk length'));
    // Inline requests have no such limit.
    expect(parseAll([L('MSET a 1 b 2 c 3 d 4 e 5 f 6\r\n')], parser(512 * 1024 * 1024, auth))).toHaveLength(1);
  });

  it('the limits lift for the very next request once authenticated', () => {
    const auth = { authenticated: false };
    const p = parser(512 * 1024 * 1024, auth);
    const big = ['ECHO', 'q'.repeat(20000)];
    p.feed(Buffer.concat([encode(['AUTH', 'pw']), encode(big)]));
    expect(p.next()).toEqual(['AUTH', 'pw']);
    auth.authenticated = true;
    expect(p.next()).toEqual(big);
  });
});

describe('parseCount (string2ll)', () => {
  const pc = (s: string) => {
    const b = L(`x${s}`);
    return parseCount(b, 1, b.length);
  };
  it('accepts what string2ll accepts', () => {
    expect(pc('0')).toBe(0);
    expect(pc('7')).toBe(7);
    expect(pc('-7')).toBe(-7);
    expect(pc('2147483647')).toBe(2147483647);
    // Approximate past 2^53: callers refuse such sizes anyway.
    expect(pc('9223372036854775807')).toBeGreaterThan(9.2e18);
    expect(pc('-9223372036854775808')).toBeLessThan(-9.2e18);
  });
  it('refuses the rest', () => {
    for (const s of ['', '-', '00', '-0', '01', '+1', ' 1', '1a', '9223372036854775808',
      '-9223372036854775809', '10000000000000000000', '1'.repeat(21)]) {
      expect(pc(s), s).toBeNaN();
    }
  });
});
