// Fuzzing the connection layer: several clients send random bytes and
// mutated valid requests (bit flips, truncations, inserted protocol bytes,
// random splits into separate writes) while a well-behaved client checks
// PING/ECHO replies throughout. Asserts: no exception escapes a connection
// handler (no "Internal error" warning), every reply is well-formed RESP,
// every fuzz connection ends (no leaked clients), and the good client is
// served correctly during and after. Seeded: a failure names its seed.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, startTestServer, type TestServer } from '../helpers/server.js';
import { encodeCommand, parseReply } from '../helpers/resp.js';
import { rng } from '../helpers/rng.js';

// FUZZ_SEED, FUZZ_ROUNDS and FUZZ_MS allow longer hunts outside the suite.
const FUZZ_CLIENTS = 4;
const SEED_BASE = Number(process.env.FUZZ_SEED ?? 0);
const ROUNDS_PER_CLIENT = Number(process.env.FUZZ_ROUNDS ?? 250);
const TIME_BUDGET_MS = Number(process.env.FUZZ_MS ?? 4000);


type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

function randomBytes(r: Rand, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(r, 256);
  return b;
}

function randomArg(r: Rand): Buffer {
  const k = r();
  if (k < 0.5) return Buffer.from(`fz:${int(r, 20)}`);
  if (k < 0.7) return Buffer.from(String(int(r, 2000) - 1000));
  if (k < 0.97) return randomBytes(r, int(r, 64));
  return randomBytes(r, 33 * 1024 + int(r, 20000)); // the big-bulk path
}

// Commands whose handlers see the mutated arguments; nothing that changes
// server configuration or other clients.
const COMMANDS: readonly (readonly [string, number])[] = [
  ['PING', 0], ['ECHO', 1], ['SET', 2], ['GET', 1], ['DEL', 2], ['INCR', 1], ['INCRBY', 2], ['APPEND', 2],
  ['STRLEN', 1], ['EXISTS', 2], ['MGET', 3], ['MSET', 4], ['GETRANGE', 3], ['SETRANGE', 3], ['LPUSH', 3],
  ['RPUSH', 2], ['LRANGE', 3], ['LPOP', 1], ['TYPE', 1], ['TTL', 1], ['EXPIRE', 2], ['SET', 4], ['GETDEL', 1],
];

function validPipeline(r: Rand): Buffer {
  const parts: Buffer[] = [];
  const n = 1 + int(r, 30);
  for (let i = 0; i < n; i++) {
    if (r() < 0.15) {
      parts.push(Buffer.from(pick(r, ['PING\r\n', 'ECHO "a b" \'c\'\r\n', 'GET fz:1\n', '\r\n', 'SET fz:2 "x\\x41"\r\n'])));
      continue;
    }
    const [name, argc] = pick(r, COMMANDS);
    const args: Buffer[] = [Buffer.from(r() < 0.5 ? name : name.toLowerCase())];
    for (let j = 0; j < argc; j++) args.push(randomArg(r));
    if (name === 'SET' && argc === 4) args[3] = Buffer.from(pick(r, ['EX', 'PX', 'NX', 'XX', 'KEEPTTL', 'GET']));
    parts.push(encodeCommand(args));
  }
  return Buffer.concat(parts);
}

function mutate(r: Rand, input: Buffer): Buffer {
  let b = Buffer.from(input);
  const kind = int(r, 5);
  if (kind === 0) {
    for (let i = 0, n = 1 + int(r, 6); i < n; i++) {
      const at = int(r, b.length);
      b[at] = b[at]! ^ (1 << int(r, 8));
    }
  } else if (kind === 1) {
    b = b.subarray(0, int(r, b.length));
  } else if (kind === 2) {
    const at = int(r, b.length + 1);
    const junk = Buffer.from(pick(r, ['*', '$', '\r\n', '\r', '\n', '\0', '*-1\r\n', '$-5\r\n', '*99999\r\n',
      '$2147483648\r\n', '"', "'", '*1\r\n$', '-', ':1\r\n', '*0\r\n']));
    b = Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
  } else if (kind === 3) {
    // Replace a digit of a length with another digit.
    const digits: number[] = [];
    for (let i = 0; i < b.length; i++) if (b[i]! >= 48 && b[i]! <= 57 && (b[i - 1] === 36 || b[i - 1] === 42)) digits.push(i);
    if (digits.length > 0) b[pick(r, digits)] = 48 + int(r, 10);
  } else {
    const at = int(r, b.length);
    b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + int(r, 8))]);
  }
  return b;
}

function payload(r: Rand): Buffer {
  const k = r();
  if (k < 0.25) return randomBytes(r, 1 + int(r, 3000));
  if (k < 0.35) return Buffer.concat([validPipeline(r), randomBytes(r, 1 + int(r, 100))]);
  if (k < 0.45) return validPipeline(r);
  if (k < 0.5) return Buffer.from(pick(r, ['*2147483647\r\n', '*1\r\n$536870912\r\nabc', '*3\r\n$3\r\nSET\r\n', 'x'.repeat(70000)]));
  // Mutate one spot; the requests before it still run.
  const head = validPipeline(r);
  return Buffer.concat([head, mutate(r, validPipeline(r))]);
}

interface Outcome {
  data: Buffer;
  /** The connection ended without a socket error (so no reply can be cut short). */
  clean: boolean;
}

/** Send `input` in random pieces, half-close, and collect replies until the server closes. */
async function fuzzConnection(port: number, r: Rand, input: Buffer): Promise<Outcome> {
  const sock = net.connect({ port, host: '127.0.0.1' });
  sock.setNoDelay(true);
  const chunks: Buffer[] = [];
  let clean = true;
  const ended = new Promise<void>((resolve) => {
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', () => {
      clean = false;
    });
    sock.on('close', () => resolve());
  });
  await new Promise<void>((resolve) => {
    sock.once('connect', () => resolve());
    sock.once('error', () => resolve());
  });
  for (let i = 0; i < input.length && !sock.destroyed;) {
    const n = 1 + int(r, r() < 0.3 ? 8 : 4096);
    sock.write(input.subarray(i, i + n));
    i += n;
    if (r() < 0.5) await new Promise((res) => setImmediate(res));
  }
  if (r() < 0.1) {
    sock.destroy(); // abrupt disconnect mid-request
  } else {
    sock.end();
  }
  await ended;
  return { data: Buffer.concat(chunks), clean };
}

/** Complete replies in `data`; throws on a malformed one. Returns bytes consumed. */
function checkReplies(data: Buffer): number {
  let pos = 0;
  for (;;) {
    const r = parseReply(data, pos);
    if (r === null) return pos;
    pos = r[1];
  }
}

let srv: TestServer;
const warnings: string[] = [];
beforeAll(async () => {
  srv = await startTestServer();
  const log = srv.server.log;
  const orig = log.warning.bind(log);
  log.warning = (msg: string) => {
    warnings.push(msg);
    orig(msg);
  };
});
afterAll(async () => {
  await srv.close();
});

describe('fuzzing the protocol layer', () => {
  it(`${FUZZ_CLIENTS} clients of random and mutated input; a good client is served throughout`, async () => {
    const good = await RawClient.connect(srv.port);
    const baseline = srv.server.clients.size;
    const deadline = Date.now() + TIME_BUDGET_MS;
    let fuzzing = true;
    let goodChecks = 0;
    const goodRand = rng(12345);

    const goodLoop = (async () => {
      while (fuzzing) {
        expect(await good.call('PING')).toBe('PONG');
        const v = randomBytes(goodRand, int(goodRand, 300)).latin1Slice();
        expect(await good.call('ECHO', v)).toBe(v);
        goodChecks++;
      }
    })();

    let connections = 0;
    let repliesSeen = 0;
    const fuzzers = Array.from({ length: FUZZ_CLIENTS }, async (_, k) => {
      for (let round = 0; round < ROUNDS_PER_CLIENT && Date.now() < deadline; round++) {
        const seed = SEED_BASE + 100000 * (k + 1) + round;
        const r = rng(seed);
        const input = payload(r);
        const out = await fuzzConnection(srv.port, r, input);
        connections++;
        let consumed = 0;
        expect(() => {
          consumed = checkReplies(out.data);
        }, `seed ${seed}: malformed reply`).not.toThrow();
        if (out.clean) expect(consumed, `seed ${seed}: partial reply at the end`).toBe(out.data.length);
        if (consumed > 0) repliesSeen++;
      }
    });
    await Promise.all(fuzzers);
    fuzzing = false;
    await goodLoop;

    expect(warnings.filter((w) => w.includes('Internal error'))).toEqual([]);
    expect(connections).toBeGreaterThan(50);
    expect(repliesSeen).toBeGreaterThan(10);
    expect(goodChecks).toBeGreaterThan(10);

    // The good client is still served, and every fuzz connection is gone.
    expect(await good.call('PING')).toBe('PONG');
    expect(await good.call('ECHO', '\x00\xff\r\n end')).toBe('\x00\xff\r\n end');
    const until = Date.now() + 5000;
    while (srv.server.clients.size > baseline && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(srv.server.clients.size).toBe(baseline);
    good.close();
  });
});
