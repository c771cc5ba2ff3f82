// The protocol over real TCP: byte-exact replies to pipelines and inline
// (telnet) requests, large values, back-pressure, QUIT, and every protocol
// error compared byte for byte with a real redis-server (send the bytes,
// read until the server closes, compare), checking that an error closes only
// the connection that caused it.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client.js';
import {
  HAVE_REDIS_SERVER, RawClient, differential, startRealRedis, startTestServer, type TestServer,
} from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';

const L = (s: string) => Buffer.from(s, 'latin1');
const cmds = (...list: (string | Buffer)[][]) => Buffer.concat(list.map((c) => encodeCommand(c)));

interface Exchange {
  /** Everything the server sent, latin1. */
  data: string;
  /** Whether the server closed the connection (false: still open at the deadline). */
  closed: boolean;
}

/**
 * Send `input` on a fresh connection and collect the reply bytes until the
 * server closes. `openAfterMs` is only for the cases where the server must
 * NOT close: then the exchange ends after that long without a close.
 */
function exchange(port: number, input: Buffer, openAfterMs = 10000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect({ port, host: '127.0.0.1' }, () => s.write(input));
    const done = (closed: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve({ data: Buffer.concat(chunks).latin1Slice(), closed });
    };
    const t = setTimeout(() => done(false), openAfterMs);
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => done(true));
    s.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

/** The server-side Client of the most recent connection. */
function lastClient(srv: TestServer): Client {
  return [...srv.server.clients.values()].pop()!;
}

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv.close();
});

describe('pipelines and inline requests', () => {
  it('a pipeline in one write gets its replies in one write, byte exact', async () => {
    const c = await RawClient.connect(srv.port);
    expect(await c.call('PING')).toBe('PONG');
    const sock = lastClient(srv).socket!;
    let writes = 0;
    const origWrite = sock.write.bind(sock);
    sock.write = ((...args: Parameters<typeof sock.write>) => {
      writes++;
      return origWrite(...args);
    }) as typeof sock.write;
    try {
      c.write(Buffer.concat([
        cmds(['PING'], ['SET', 'p:a', 'hello'], ['GET', 'p:a'], ['GET', 'p:missing'], ['INCR', 'p:n'], ['INCR', 'p:n'],
          ['ECHO', ''], ['ECHO', 'x\r\ny'], ['NOSUCHCMD'], ['DEL', 'p:a', 'p:n'], ['PING', 'hi']),
        L('PING\r\n'),
      ]));
      const expected = '+PONG\r\n+OK\r\n$5\r\nhello\r\n$-1\r\n:1\r\n:2\r\n$0\r\n\r\n$4\r\nx\r\ny\r\n' +
        "-ERR unknown command 'NOSUCHCMD', with args beginning with: \r\n:2\r\n$2\r\nhi\r\n+PONG\r\n";
      expect(await c.readBytes(expected.length)).toBe(expected);
      expect(writes).toBe(1);
    } finally {
      sock.write = origWrite;
      c.close();
    }
  });

  it('inline commands as telnet sends them', async () => {
    const c = await RawClient.connect(srv.port);
    c.write('PING\r\nSET a "hello world"\r\nGET a\r\n');
    const expected = '+PONG\r\n+OK\r\n$11\r\nhello world\r\n';
    expect(await c.readBytes(expected.length)).toBe(expected);
    // Bare LF, blank lines, quoting and escapes.
    c.write('\r\n\n  \nECHO \'c d\'\nECHO "\\x41\\x00\\n"\r\nSET "a b" \'it\\\'s\'\nGET "a b"\n');
    const more = "$3\r\nc d\r\n$3\r\nA\x00\n\r\n+OK\r\n$4\r\nit's\r\n";
    expect(await c.readBytes(more.length)).toBe(more);
    c.close();
  });

  it('inline quoting errors close the connection with Redis\'s text', async () => {
    const r = await exchange(srv.port, L('PING\r\nSET "a b\r\nPING\r\n'));
    expect(r).toEqual({ data: '+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n', closed: true });
  });

  it('a 10 MB binary value round-trips through SET and GET', async () => {
    const c = await RawClient.connect(srv.port);
    const v = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < v.length; i++) v[i] = (i * 131 + (i >> 13)) & 0xff;
    expect(await c.callRaw('SET', 'big10m', v)).toBe('+OK\r\n');
    const reply = await c.callRaw('GET', 'big10m');
    const header = `$${v.length}\r\n`;
    expect(reply.length).toBe(header.length + v.length + 2);
    expect(reply.slice(0, header.length)).toBe(header);
    expect(L(reply.slice(header.length, header.length + v.length)).equals(v)).toBe(true);
    expect(await c.callRaw('STRLEN', 'big10m')).toBe(`:${v.length}\r\n`);
    await c.call('DEL', 'big10m');
    c.close();
  });

  it('a pipeline of 10,000 commands in one write is answered in order', async () => {
    const c = await RawClient.connect(srv.port);
    const n = 10000;
    const parts: Buffer[] = [];
    for (let i = 0; i < n; i++) parts.push(encodeCommand(i % 2 === 0 ? ['INCR', 'p:ctr'] : ['ECHO', `e${i}`]));
    c.write(Buffer.concat(parts));
    let expected = '';
    for (let i = 0; i < n; i++) expected += i % 2 === 0 ? `:${i / 2 + 1}\r\n` : `$${`e${i}`.length}\r\ne${i}\r\n`;
    expect(await c.readBytes(expected.length)).toBe(expected);
    expect(await c.call('DEL', 'p:ctr')).toBe(1);
    c.close();
  });

  it('a request split over many writes at odd places', async () => {
    const c = await RawClient.connect(srv.port);
    const bytes = cmds(['SET', 'p:split', 'v'.repeat(40000)], ['GET', 'p:split'], ['DEL', 'p:split']);
    for (let i = 0; i < bytes.length; i += 997) {
      c.write(bytes.subarray(i, i + 997));
      await new Promise((r) => setImmediate(r));
    }
    expect(await c.readRaw()).toBe('+OK\r\n');
    expect(await c.readRaw()).toBe(`$40000\r\n${'v'.repeat(40000)}\r\n`);
    expect(await c.readRaw()).toBe(':1\r\n');
    c.close();
  });

  it('QUIT replies +OK, then closes, ignoring what follows', async () => {
    const r = await exchange(srv.port, L('PING\r\n*1\r\n$4\r\nQUIT\r\nPING\r\n'));
    expect(r).toEqual({ data: '+PONG\r\n+OK\r\n', closed: true });
  });

  it('a protocol error mid-pipeline: replies before it, then the error, then close', async () => {
    const other = await RawClient.connect(srv.port);
    const r = await exchange(srv.port, Buffer.concat([cmds(['PING'], ['ECHO', 'a']), L('*1\r\nX\r\n'), cmds(['PING'])]));
    expect(r).toEqual({ data: "+PONG\r\n$1\r\na\r\n-ERR Protocol error: expected '$', got 'X'\r\n", closed: true });
    // Only that connection: others are served as before.
    expect(await other.call('PING')).toBe('PONG');
    other.close();
  });

  it('a protocol error stops reading: input after it is never run', async () => {
    const r = await exchange(srv.port, L('SET p:after 1\r\n*x\r\nSET p:after 2\r\n'));
    expect(r.data).toBe('+OK\r\n-ERR Protocol error: invalid multibulk length\r\n');
    const c = await RawClient.connect(srv.port);
    expect(await c.call('GET', 'p:after')).toBe('1');
    await c.call('DEL', 'p:after');
    c.close();
  });

  it('CONFIG SET proto-max-bulk-len applies to connections already open', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    expect(await a.call('ECHO', 'x'.repeat(1024 * 1024 + 1))).toBe('x'.repeat(1024 * 1024 + 1));
    expect(await b.call('CONFIG', 'SET', 'proto-max-bulk-len', '1048576')).toBe('OK');
    try {
      a.write(`*2\r\n$4\r\nECHO\r\n$${1024 * 1024 + 1}\r\n`);
      expect(await a.readRaw()).toBe('-ERR Protocol error: invalid bulk length\r\n');
      await a.waitClosed();
      expect(await b.call('ECHO', 'x'.repeat(1024 * 1024))).toBe('x'.repeat(1024 * 1024));
    } finally {
      await b.call('CONFIG', 'SET', 'proto-max-bulk-len', String(512 * 1024 * 1024));
      b.close();
    }
  });

  it('a slow reader of a huge pipeline is paused, not buffered without bound, and completes', async () => {
    const value = Buffer.alloc(1024 * 1024, 'b');
    const setup = await RawClient.connect(srv.port);
    expect(await setup.callRaw('SET', 'p:bp', value)).toBe('+OK\r\n');
    setup.close();

    const n = 80; // 80 MB of replies to a 1.7 KB pipeline
    const sock = net.connect({ port: srv.port, host: '127.0.0.1' });
    await new Promise((r) => sock.once('connect', r));
    const server = lastClient(srv);
    let maxQueued = 0;
    const s = server.socket!;
    const origWrite = s.write.bind(s) as (b: Buffer) => boolean;
    (s as { write: (b: Buffer) => boolean }).write = (b: Buffer) => {
      const ok = origWrite(b);
      maxQueued = Math.max(maxQueued, s.writableLength);
      return ok;
    };
    sock.pause();
    const parts: Buffer[] = [];
    for (let i = 0; i < n; i++) parts.push(encodeCommand(['GET', 'p:bp']));
    sock.write(Buffer.concat(parts));
    // The server stops at PAUSE_AT (32 MB) of queued output.
    const deadline = Date.now() + 10000;
    while (!server.paused && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(server.paused).toBe(true);
    const pausedAt = server.parser.pendingBytes;
    expect(pausedAt).toBeGreaterThan(0); // requests still waiting, not run

    // Now read, slowly: a turn of the event loop between chunks.
    let got = 0;
    const total = n * (`$${value.length}\r\n`.length + value.length + 2);
    await new Promise<void>((resolve) => {
      sock.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got >= total) {
          resolve();
          return;
        }
        sock.pause();
        setImmediate(() => sock.resume());
      });
      sock.resume();
    });
    expect(got).toBe(total);
    // Bounded by PAUSE_AT plus one early flush (FLUSH_AT plus one reply).
    expect(maxQueued).toBeLessThan(32 * 1024 * 1024 + 256 * 1024 + value.length + 100);
    expect(server.paused).toBe(false);
    sock.destroy();
    const c = await RawClient.connect(srv.port);
    expect(await c.call('DEL', 'p:bp')).toBe(1);
    c.close();
  });
});

describe('protocol errors close only the offending connection', () => {
  const cases: [string, Buffer, string][] = [
    ['invalid multibulk length', L('*abc\r\n'), '-ERR Protocol error: invalid multibulk length\r\n'],
    ['invalid bulk length', L('*1\r\n$-1\r\n'), '-ERR Protocol error: invalid bulk length\r\n'],
    ['bulk length above proto-max-bulk-len', L('*1\r\n$536870913\r\n'), '-ERR Protocol error: invalid bulk length\r\n'],
    ["expected '$'", L('*1\r\n:1\r\n'), "-ERR Protocol error: expected '$', got ':'\r\n"],
    ['too big inline request', L('x'.repeat(70 * 1024)), '-ERR Protocol error: too big inline request\r\n'],
    ['too big mbulk count string', L('*' + '1'.repeat(70 * 1024)), '-ERR Protocol error: too big mbulk count string\r\n'],
    ['too big bulk count string', L('*1\r\n$' + '1'.repeat(70 * 1024)), '-ERR Protocol error: too big bulk count string\r\n'],
    ['unbalanced quotes', L("GET 'a\r\n"), '-ERR Protocol error: unbalanced quotes in request\r\n'],
  ];
  for (const [name, input, reply] of cases) {
    it(name, async () => {
      const other = await RawClient.connect(srv.port);
      expect(await exchange(srv.port, input)).toEqual({ data: reply, closed: true });
      expect(await other.call('ECHO', 'still here')).toBe('still here');
      other.close();
    });
  }

  it('the errors are counted in INFO errorstats and stats', async () => {
    const c = await RawClient.connect(srv.port);
    const before = String(await c.call('INFO', 'errorstats'));
    await exchange(srv.port, L('*x\r\n'));
    const after = String(await c.call('INFO', 'errorstats'));
    const count = (s: string) => Number(/errorstat_ERR:count=(\d+)/.exec(s)?.[1] ?? 0);
    expect(count(after)).toBe(count(before) + 1);
    c.close();
  });
});

describe.skipIf(!HAVE_REDIS_SERVER)('byte for byte against a real redis-server', () => {
  if (!HAVE_REDIS_SERVER) console.warn('skipping protocol differential tests: redis-server not installed');
  let real: { port: number; close(): Promise<void> };
  let realAuth: { port: number; close(): Promise<void> };
  let ours: TestServer;
  let oursAuth: TestServer;
  beforeAll(async () => {
    [real, realAuth, ours, oursAuth] = await Promise.all([startRealRedis(), startRealRedis(), startTestServer(), startTestServer()]);
    // requirepass after start: startRealRedis checks readiness with a PING.
    for (const port of [realAuth.port, oursAuth.port]) {
      const c = await RawClient.connect(port);
      expect(await c.call('CONFIG', 'SET', 'requirepass', 'pw')).toBe('OK');
      c.close();
    }
  });
  afterAll(async () => {
    await Promise.all([real.close(), realAuth.close(), ours.close(), oursAuth.close()]);
  });

  // Inputs that end with the server closing the connection (a protocol
  // error or QUIT): both must send the same bytes, then close.
  const closing: [string, Buffer][] = [
    ['invalid multibulk length: letters', L('*abc\r\n')],
    ['invalid multibulk length: empty', L('*\r\n')],
    ['invalid multibulk length: +1', L('*+1\r\n')],
    ['invalid multibulk length: leading zero', L('*01\r\n$4\r\nPING\r\n')],
    ['invalid multibulk length: -0', L('*-0\r\n')],
    ['invalid multibulk length: > INT_MAX', L('*2147483648\r\n')],
    ['invalid multibulk length: int64 overflow', L('*-9223372036854775809\r\n')],
    ['invalid multibulk length: 21 characters', L('*100000000000000000000\r\n')],
    ['invalid multibulk length: runs into the next CR', L('*1\n$4\r\nPING\r\n')],
    ['invalid bulk length: negative', L('*1\r\n$-1\r\n')],
    ['invalid bulk length: letters', L('*1\r\n$x\r\n')],
    ['invalid bulk length: empty', L('*1\r\n$\r\n')],
    ['invalid bulk length: > proto-max-bulk-len', L('*1\r\n$536870913\r\n')],
    ['invalid bulk length: int64 overflow', L('*1\r\n$9223372036854775808\r\n')],
    ["expected '$', got 'P'", L('*1\r\nPING\r\n')],
    ["expected '$', got ':'", L('*2\r\n$4\r\nECHO\r\n:1\r\n')],
    ["expected '$', got a byte >= 0x80", L('*1\r\n\xe9\r\n')],
    ["expected '$', got CR", L('*1\r\n\r\n')],
    ["expected '$', got LF", L('*1\r\n\n$1\r\n')],
    ['too big inline request', L('x'.repeat(70 * 1024))],
    ['too big inline request after a NUL byte', L('PI\0NG\r\n' + 'x'.repeat(70 * 1024))],
    ['too big mbulk count string', L('*' + '1'.repeat(70 * 1024))],
    ['too big mbulk count string after a NUL byte', L('*1\0\r\n' + 'x'.repeat(70 * 1024))],
    ['too big bulk count string', L('*1\r\n$' + '1'.repeat(70 * 1024))],
    ['too big bulk count string after a NUL byte', L('*1\r\n\0$4\r\nPING\r\n' + 'x'.repeat(70 * 1024))],
    ['unbalanced double quote', L('SET "a b\r\n')],
    ['unbalanced single quote', L("SET 'a b\r\n")],
    ['closing quote followed by a letter', L('SET "a"b c\r\n')],
    ['error after a pipeline of good requests', L('PING\r\n*1\r\n$4\r\nPING\r\nECHO "x y"\r\n*1\r\n$4\r\nPINGxx*1\r\nX\r\nPING\r\n')],
    ['empty requests are skipped', L('*0\r\n*-1\r\n*-5\r\n\r\n\n   \r\nPING\r\n*1\r\n$x\r\n')],
    ['NUL bytes inside bulk arguments (echoed up to the NUL)', L('*2\r\n$4\r\nPI\0G\r\n$3\r\na\0b\r\n*2\r\n$4\r\nECHO\r\n$3\r\n\0\0\0\r\nQUIT\r\n')],
    ['QUIT in a pipeline', L('PING\r\nQUIT\r\nPING\r\n')],
    ['QUIT with arguments', L('QUIT now\r\n')],
  ];
  for (const [name, input] of closing) {
    it(name, async () => {
      const [a, b] = await Promise.all([exchange(ours.port, input), exchange(real.port, input)]);
      expect(a).toEqual(b);
      expect(a.closed).toBe(true);
    });
  }

  it('HELLO switches the reply protocol in the middle of a pipeline', async () => {
    const input = L('HELLO 3\r\nGET nokey\r\nCONFIG GET maxclients\r\nHELLO 2\r\nGET nokey\r\nQUIT\r\n');
    const [a, b] = await Promise.all([exchange(ours.port, input), exchange(real.port, input)]);
    const noId = (x: Exchange) => ({ ...x, data: x.data.replace(/\$2\r\nid\r\n:\d+\r\n/g, '$2\r\nid\r\n:N\r\n') });
    expect(noId(a)).toEqual(noId(b));
    expect(a.data).toContain('_\r\n');
  });

  it('the byte after a bulk and after a header CR are not checked', async () => {
    const input = L('*2\r\n$4\r\nECHOxx$2\rXhi!!*1\r\n$4\r\nQUIT\r\n');
    const [a, b] = await Promise.all([exchange(ours.port, input), exchange(real.port, input)]);
    expect(a).toEqual(b);
  });

  it('a 70 KB inline line whose newline arrives in the same write is run', async () => {
    const input = L(`ECHO ${'y'.repeat(70 * 1000)}\r\nQUIT\r\n`);
    const [a, b] = await Promise.all([exchange(ours.port, input), exchange(real.port, input)]);
    expect(a).toEqual(b);
    expect(a.data.startsWith('$70000\r\n')).toBe(true);
  });

  it('unauthenticated limits: more than 10 arguments, a bulk over 16 KB', async () => {
    const inputs = [
      cmds(['MSET', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']),
      L('*1\r\n$16385\r\n'),
      Buffer.concat([cmds(['ECHO', 'x'.repeat(16384)]), L('*1\r\n$abc\r\n')]),
      // Inline requests have no such limit: NOAUTH, then QUIT.
      L('MSET 1 2 3 4 5 6 7 8 9 10 11 12\r\nQUIT\r\n'),
      // AUTH lifts the limits for the very next request of the same pipeline.
      Buffer.concat([cmds(['AUTH', 'pw'], ['ECHO', 'x'.repeat(20000)], ['MSET', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5']), L('QUIT\r\n')]),
      Buffer.concat([cmds(['AUTH', 'wrong']), L('*11\r\n')]),
    ];
    for (const input of inputs) {
      const [a, b] = await Promise.all([exchange(oursAuth.port, input), exchange(realAuth.port, input)]);
      expect(a, input.latin1Slice(0, Math.min(60, input.length))).toEqual(b);
    }
  });

  it('proto-max-bulk-len changed with CONFIG SET', async () => {
    const set = ['CONFIG', 'SET', 'proto-max-bulk-len', '1048576'];
    const input = Buffer.concat([cmds(set), L('*2\r\n$4\r\nECHO\r\n$1048577\r\n')]);
    try {
      const [a, b] = await Promise.all([exchange(ours.port, input), exchange(real.port, input)]);
      expect(a).toEqual(b);
      expect(a.data).toBe('+OK\r\n-ERR Protocol error: invalid bulk length\r\n');
    } finally {
      const reset = cmds(['CONFIG', 'SET', 'proto-max-bulk-len', '536870912'], ['QUIT']);
      await Promise.all([exchange(ours.port, reset), exchange(real.port, reset)]);
    }
  });

  it('a NUL byte in an inline line or a header makes the request wait (strchr)', async () => {
    // Neither server answers nor closes: the line's end is hidden by the NUL.
    for (const input of [L('PI\0NG\r\nPING\r\n'), L('*1\r\n$4\0\r\nPING\r\n')]) {
      const [a, b] = await Promise.all([exchange(ours.port, input, 300), exchange(real.port, input, 300)]);
      expect(a).toEqual({ data: '', closed: false });
      expect(b).toEqual(a);
    }
  });

  it('pipelines of ordinary commands give identical bytes', async () => {
    const input = Buffer.concat([
      cmds(['FLUSHALL'], ['PING'], ['PING', 'x'], ['ECHO', '\x00\xff\r\n'], ['SET', 'k', 'v'], ['GET', 'k'], ['GET', 'nokey'],
        ['INCR', 'n'], ['INCRBY', 'n', '-300'], ['INCR', 'k'], ['APPEND', 'k', 'w'], ['STRLEN', 'k'], ['MGET', 'k', 'nokey', 'n'],
        ['SET', 'k'], ['NOSUCH', 'a', 'b'], ['EXISTS', 'k', 'n', 'nokey'], ['DEL', 'k', 'n'], [''], ['', ''],
        ['x'.repeat(200), 'a'.repeat(100), 'b'.repeat(100), 'c'], ['NOSUCH', 'a\r\nb', '\n']),
      L('PING\r\nECHO "a\\x41\\n" \r\nSET k "two words"\nGET k\r\nEXISTS k\r\n'),
      cmds(['FLUSHALL'], ['QUIT']),
    ]);
    const [a, b] = await Promise.all([exchange(ours.port, input), exchange(real.port, input)]);
    expect(a.data).toBe(b.data);
    expect(a.closed).toBe(true);
  });

  it('inline quoting gives the same argument as Redis', async () => {
    const args = ['"a b"', "'c d'", '"\\x41\\x4a\\x4A"', '"\\n\\r\\t\\b\\a"', '"\\\\\\"\\q"', "'it\\'s'", "'\\n'",
      'ab"c d"', '"\\xZZ"', '"\\x4"', '""', "''", '"\xe9\xff"', 'plain'];
    const cmdsList = args.map((a) => ['ECHO', a]);
    // Each inline line is sent raw; `differential` sends multibulk, so do it by hand.
    for (const [, a] of cmdsList) {
      const input = L(`ECHO ${a}\r\nQUIT\r\n`);
      const [x, y] = await Promise.all([exchange(ours.port, input), exchange(real.port, input)]);
      expect(x, a).toEqual(y);
    }
    const { ours: o, theirs: t } = await differential(ours.port, real.port, [['ECHO', 'multibulk still fine']]);
    expect(o).toEqual(t);
  });
});
