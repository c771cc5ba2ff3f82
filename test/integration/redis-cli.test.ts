// The real redis-cli against mini-redis: one-shot commands, --raw and
// formatted output, RESP3 (-3), commands read from stdin, --pipe mass
// insertion of 100,000 commands, and telnet/nc style raw requests. Where a
// real redis-server is installed, redis-cli's output from both servers is
// compared verbatim.

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HAVE_REDIS_CLI, HAVE_REDIS_SERVER, RawClient, startRealRedis, startTestServer, type TestServer,
} from '../helpers/server.js';

interface CliResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/**
 * Run redis-cli asynchronously (the server runs in this process, so a
 * synchronous spawn would deadlock), feeding `input` on stdin.
 */
function cli(port: number, args: string[], input?: string | Buffer): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn('redis-cli', ['-p', String(port), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', reject);
    p.on('close', (code) => resolve({
      stdout: Buffer.concat(out).latin1Slice(), stderr: Buffer.concat(err).latin1Slice(), code,
    }));
    p.stdin.on('error', () => {});
    p.stdin.end(input ?? '');
  });
}

if (!HAVE_REDIS_CLI) console.warn('skipping redis-cli tests: redis-cli not installed');

describe.skipIf(!HAVE_REDIS_CLI)('redis-cli', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv.close();
  });

  it('PING', async () => {
    expect(await cli(srv.port, ['PING'])).toEqual({ stdout: 'PONG\n', stderr: '', code: 0 });
  });

  it('SET and GET with spaces and binary-ish arguments', async () => {
    expect((await cli(srv.port, ['SET', 'key with spaces', 'hello world'])).stdout).toBe('OK\n');
    expect((await cli(srv.port, ['GET', 'key with spaces'])).stdout).toBe('hello world\n');
    // Non-ASCII arrives as its UTF-8 bytes; formatted output escapes them.
    expect((await cli(srv.port, ['SET', 'bin', 'h\u00e9\tl\u00f6 "q"\\'])).stdout).toBe('OK\n');
    expect((await cli(srv.port, ['--no-raw', 'GET', 'bin'])).stdout).toBe('"h\\xc3\\xa9\\tl\\xc3\\xb6 \\"q\\"\\\\"\n');
    expect((await cli(srv.port, ['--raw', 'GET', 'bin'])).stdout).toBe('h\xc3\xa9\tl\xc3\xb6 "q"\\\n');
    expect((await cli(srv.port, ['--no-raw', 'GET', 'missing'])).stdout).toBe('(nil)\n');
    expect((await cli(srv.port, ['--no-raw', 'STRLEN', 'bin'])).stdout).toBe('(integer) 12\n');
  });

  it('--raw and formatted arrays and errors', async () => {
    await cli(srv.port, ['DEL', 'l']);
    await cli(srv.port, ['RPUSH', 'l', 'a', 'b c', '']);
    expect((await cli(srv.port, ['--raw', 'LRANGE', 'l', '0', '-1'])).stdout).toBe('a\nb c\n\n');
    expect((await cli(srv.port, ['--no-raw', 'LRANGE', 'l', '0', '-1'])).stdout).toBe('1) "a"\n2) "b c"\n3) ""\n');
    const e = await cli(srv.port, ['--no-raw', 'INCR', 'l']);
    expect(e.stdout).toBe('(error) WRONGTYPE Operation against a key holding the wrong kind of value\n');
    expect((await cli(srv.port, ['--raw', 'NOSUCHCOMMAND', 'x'])).stdout)
      .toBe("ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' \n\n");
  });

  it('-3 (RESP3): HELLO 3 and RESP3 types', async () => {
    const r = await cli(srv.port, ['-3', '--no-raw', 'HELLO', '3']);
    expect(r.stdout.replace(/"id" => \(integer\) \d+/, '"id" => (integer) N')).toBe([
      '1# "server" => "redis"', '2# "version" => "7.0.15"', '3# "proto" => (integer) 3', '4# "id" => (integer) N',
      '5# "mode" => "standalone"', '6# "role" => "master"', '7# "modules" => (empty array)', '',
    ].join('\n'));
    expect((await cli(srv.port, ['-3', '--no-raw', 'GET', 'missing'])).stdout).toBe('(nil)\n');
    expect((await cli(srv.port, ['-3', 'PING'])).stdout).toBe('PONG\n');
  });

  it('commands read from stdin, with quoting', async () => {
    const r = await cli(srv.port, ['--no-raw'], 'SET "x y" "a\\x41 b"\nGET "x y"\nECHO \'it\\\'s\'\n');
    expect(r.stdout).toBe('OK\n"aA b"\n"it\'s"\n');
  });

  it('--pipe: 100,000 SET commands in RESP, then DBSIZE', async () => {
    await cli(srv.port, ['FLUSHALL']);
    const parts: string[] = [];
    for (let i = 0; i < 100000; i++) {
      const k = `key:${i}`;
      const v = `val:${i}`;
      parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`);
    }
    const r = await cli(srv.port, ['--pipe'], parts.join(''));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('errors: 0, replies: 100000');
    expect((await cli(srv.port, ['DBSIZE'])).stdout).toBe('100000\n');
    expect((await cli(srv.port, ['GET', 'key:99999'])).stdout).toBe('val:99999\n');
    await cli(srv.port, ['FLUSHALL']);
  });

  it('--pipe counts error replies', async () => {
    const r = await cli(srv.port, ['--pipe'], '*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINCR\r\n$0\r\n\r\n*1\r\n$3\r\nNOP\r\nSET a b\r\n');
    expect(r.stdout).toContain('errors: 1, replies: 4');
  });

  it('nc style: PING, SET with quotes, GET as raw lines', async () => {
    const c = await RawClient.connect(srv.port);
    c.write('PING\r\nSET a "hello world"\r\nGET a\r\n');
    const expected = '+PONG\r\n+OK\r\n$11\r\nhello world\r\n';
    expect(await c.readBytes(expected.length)).toBe(expected);
    c.close();
  });

  describe.skipIf(!HAVE_REDIS_SERVER)('same output as with a real redis-server', () => {
    if (!HAVE_REDIS_SERVER) console.warn('skipping redis-cli differential tests: redis-server not installed');
    let real: { port: number; close(): Promise<void> };
    beforeAll(async () => {
      real = await startRealRedis();
    });
    afterAll(async () => {
      await real.close();
    });

    const runs: { args: string[]; input?: string }[] = [
      { args: ['FLUSHALL'] },
      { args: ['SET', 'k', 'v a l'] },
      { args: ['--no-raw', 'GET', 'k'] },
      { args: ['--raw', 'GET', 'k'] },
      { args: ['SET', 'b', '\u00e9\u00ff\x01\x7f\n'] },
      { args: ['--no-raw', 'GET', 'b'] },
      { args: ['--raw', 'GET', 'b'] },
      { args: ['--no-raw', 'MGET', 'k', 'nokey', 'b'] },
      { args: ['-3', '--no-raw', 'MGET', 'k', 'nokey'] },
      { args: ['--no-raw', 'INCRBY', 'n', '-5'] },
      { args: ['--no-raw', 'INCR', 'k'] },
      { args: ['--no-raw', 'SET'] },
      { args: ['--no-raw', 'EXISTS', 'k', 'b', 'n', 'x'] },
      { args: ['--no-raw', 'ECHO', ''] },
      { args: ['--no-raw'], input: 'SET "q r" \'s t\'\nGET "q r"\nECHO "\\x00\\xff"\nPING\n' },
      { args: ['--pipe'], input: 'PING\r\n*3\r\n$3\r\nSET\r\n$1\r\nz\r\n$1\r\n1\r\nINCR z\r\nGET z\r\n' },
      { args: ['FLUSHALL'] },
    ];
    it('redis-cli prints the same for both', async () => {
      for (const { args, input } of runs) {
        const [a, b] = await Promise.all([cli(srv.port, args, input), cli(real.port, args, input)]);
        expect(a, args.join(' ')).toEqual(b);
      }
    });
  });
});
