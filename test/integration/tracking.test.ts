// Client tracking (client-side caching): each scenario runs on mini-redis and
// on real Redis over raw sockets and the bytes every connection received are
// compared — default mode, OPTIN/OPTOUT with CLIENT CACHING, NOLOOP, BCAST
// with and without prefixes, flushes, expiry, MULTI/EXEC, RESP2 redirection
// to a subscriber, broken redirection, every error of CLIENT TRACKING and
// CLIENT CACHING, TRACKINGINFO/GETREDIR and the INFO fields — then the
// table limit, RESET/disconnect cleanup, and node-redis's client-side cache.
//
// Synchronization never sleeps: an invalidation is awaited as a frame, and
// "nothing was sent" is shown by the next reply (a PING's) arriving first.

import { BasicClientSideCache, createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCommand } from '../helpers/resp.js';
import {
  HAVE_REDIS_SERVER, RawClient, startRealRedis, startTestServer, type RealRedisServer, type TestServer,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping tracking differential tests: redis-server not installed');

let srv: TestServer;
let real: RealRedisServer | undefined;
beforeAll(async () => {
  srv = await startTestServer();
  if (HAVE_REDIS_SERVER) real = await startRealRedis();
});
afterAll(async () => {
  await srv?.close();
  await real?.close();
});

type Arg = string | number;

/** A connection of a scenario, with its id (ids differ between servers: replies show it as <id>). */
interface Conn {
  raw: RawClient;
  id: number;
}

class Session {
  readonly out: string[] = [];
  private readonly conns: Conn[] = [];

  constructor(readonly port: number) {}

  async conn(resp: 2 | 3 = 2): Promise<Conn> {
    const raw = await RawClient.connect(this.port);
    const id = Number(await raw.call('CLIENT', 'ID'));
    if (resp === 3) await raw.call('HELLO', '3');
    const c = { raw, id };
    this.conns.push(c);
    return c;
  }

  /** Ids as <id> (with the name of the connection), so both servers' bytes compare. */
  private norm(s: string): string {
    let r = s;
    for (const [i, c] of this.conns.entries()) r = r.split(`:${c.id}\r\n`).join(`:<id${i}>\r\n`);
    return r;
  }

  /** Send a command and record its reply (client ids in CLIENT replies as <idN>). */
  async call(c: Conn, ...args: Arg[]): Promise<string> {
    const raw = await c.raw.callRaw(...args);
    const r = String(args[0]).toUpperCase() === 'CLIENT' ? this.norm(raw) : raw;
    this.out.push(`${this.names(args)} -> ${r}`);
    return r;
  }

  /** The command as recorded: connection ids as <idN>. */
  private names(args: Arg[]): string {
    return args.map((a, j) => {
      if (j === 0 || String(args[j - 1]).toUpperCase() !== 'REDIRECT') return String(a);
      const i = this.conns.findIndex((c) => String(c.id) === String(a));
      return i >= 0 ? `<id${i}>` : String(a);
    }).join(' ');
  }

  /** Send a command, its reply not recorded (ids, INFO). */
  async run(c: Conn, ...args: Arg[]): Promise<void> {
    await c.raw.callRaw(...args);
  }

  /** Send a command and record its `n` frames (an error and +OK, say). */
  async callFrames(c: Conn, n: number, ...args: Arg[]): Promise<void> {
    c.raw.write(encodeCommand(args));
    let r = '';
    for (let i = 0; i < n; i++) r += await c.raw.readRaw();
    this.out.push(`${this.names(args)} -> ${this.norm(r)}`);
  }

  /** Wait for the next frame on `c` (an invalidation) and record it. */
  async frame(c: Conn, label = 'frame'): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no frame after:\n${this.out.join('\n')}`)), 5000);
    });
    const r = this.norm(await Promise.race([c.raw.readRaw(), late]).finally(() => clearTimeout(timer)));
    this.out.push(`${label}: ${r}`);
    return r;
  }

  /** Record the tracking_* fields of INFO. */
  async trackingInfo(c: Conn): Promise<void> {
    const info = await c.raw.callRaw('INFO');
    this.out.push(info.split('\r\n').filter((l) => l.startsWith('tracking_')).join(' '));
  }

  /** Record that nothing is pending on `c`: its PING is answered first. */
  async quiet(c: Conn): Promise<void> {
    await this.call(c, 'PING');
  }

  close(): void {
    for (const c of this.conns) c.raw.close();
  }
}

type Scenario = (s: Session) => Promise<void>;

async function runOn(port: number, body: Scenario): Promise<string[]> {
  const s = new Session(port);
  try {
    const ctl = await s.conn();
    await ctl.raw.call('FLUSHALL');
    await ctl.raw.call('CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
    await body(s);
    return s.out;
  } finally {
    s.close();
  }
}

function differential(name: string, body: Scenario): void {
  it.skipIf(!HAVE_REDIS_SERVER)(name, async () => {
    const ours = await runOn(srv.port, body);
    const theirs = await runOn(real!.port, body);
    expect(ours).toEqual(theirs);
  });
}

describe('default mode (RESP3 pushes)', () => {
  differential('a read key is invalidated once, by another client', async (s) => {
    const a = await s.conn(3);
    const b = await s.conn();
    await s.call(a, 'CLIENT', 'TRACKING', 'on');
    await s.call(a, 'GET', 'k');
    await s.call(b, 'SET', 'k', '1');
    await s.frame(a);
    // Forgotten: the second write sends nothing.
    await s.call(b, 'SET', 'k', '2');
    await s.quiet(a);
    // Read again: tracked again.
    await s.call(a, 'MGET', 'k', 'other', 'k');
    await s.call(b, 'SET', 'other', 'v');
    await s.frame(a);
    await s.call(b, 'DEL', 'other', 'k');
    await s.frame(a);
    await s.quiet(a);
    // Every kind of read command, every kind of write.
    await s.call(b, 'RPUSH', 'l', 'x');
    await s.call(b, 'HSET', 'h', 'f', 'v');
    await s.call(a, 'LRANGE', 'l', '0', '-1');
    await s.call(a, 'HGET', 'h', 'f');
    await s.call(a, 'SUNION', 's1', 's2');
    await s.call(b, 'LPOP', 'l');
    await s.frame(a);
    await s.call(b, 'RENAME', 'h', 's2');
    await s.frame(a);
    await s.frame(a);
    await s.call(b, 'SADD', 's1', 'm');
    await s.frame(a);
    // Writes by this client itself: after its reply.
    await s.call(a, 'GET', 'mine');
    await s.call(a, 'SET', 'mine', 'v');
    await s.frame(a);
    await s.call(a, 'GET', 'mine');
    await s.call(a, 'SET', 'mine', 'v2', 'GET');
    await s.frame(a);
    await s.trackingInfo(b);
  });

  differential('the table is global to the databases; writes are not read-tracked', async (s) => {
    const a = await s.conn(3);
    const b = await s.conn();
    await s.call(a, 'CLIENT', 'TRACKING', 'on');
    await s.call(a, 'SET', 'w', '1');
    await s.call(a, 'GET', 'k');
    await s.call(b, 'SELECT', '5');
    await s.call(b, 'SET', 'w', '1');
    await s.call(b, 'SET', 'k', '1');
    await s.frame(a);
    await s.quiet(a);
    // SWAPDB invalidates nothing in Redis 7.0.
    await s.call(a, 'GET', 'k');
    await s.call(b, 'SWAPDB', '0', '5');
    await s.quiet(a);
    await s.call(b, 'SET', 'k', '2');
    await s.frame(a);
  });

  differential('FLUSHALL and FLUSHDB send one null invalidation to every tracking client', async (s) => {
    const a = await s.conn(3);
    const c = await s.conn(3);
    const b = await s.conn();
    await s.call(a, 'CLIENT', 'TRACKING', 'on');
    await s.call(c, 'CLIENT', 'TRACKING', 'on', 'BCAST');
    await s.call(a, 'GET', 'k');
    await s.call(b, 'FLUSHALL');
    await s.frame(a);
    await s.frame(c);
    await s.quiet(a);
    await s.quiet(c);
    // The table was emptied: nothing more about k.
    await s.call(b, 'SET', 'k', '1');
    await s.frame(c);
    await s.quiet(a);
    await s.call(b, 'SELECT', '3');
    await s.call(b, 'FLUSHDB');
    await s.frame(a);
    await s.frame(c);
    // The client's own flush: after its reply.
    await s.call(a, 'FLUSHALL', 'ASYNC');
    await s.frame(a);
    await s.frame(c);
    await s.trackingInfo(b);
  });

  differential('expired keys are invalidated', async (s) => {
    const a = await s.conn(3);
    const b = await s.conn();
    await s.call(b, 'SET', 'e', 'v', 'PX', '500');
    await s.call(a, 'CLIENT', 'TRACKING', 'on');
    await s.call(a, 'GET', 'e');
    // Active expiry finds it: the frame arrives without anyone asking.
    await s.frame(a, 'expired');
    await s.call(a, 'GET', 'e');
    await s.call(b, 'SET', 'e', 'v2', 'PX', '500');
    await s.frame(a);
    await s.call(a, 'GET', 'e');
    await s.frame(a, 'expired');
  });

  differential('MULTI/EXEC: keys read inside are tracked, own changes follow the EXEC reply', async (s) => {
    const a = await s.conn(3);
    const b = await s.conn();
    await s.call(a, 'CLIENT', 'TRACKING', 'on');
    await s.call(a, 'MULTI');
    await s.call(a, 'GET', 'x');
    await s.call(a, 'GET', 'y');
    await s.call(a, 'EXEC');
    await s.call(b, 'MSET', 'x', '1', 'y', '2');
    await s.frame(a);
    await s.frame(a);
    await s.call(a, 'GET', 'x');
    await s.call(a, 'MULTI');
    await s.call(a, 'SET', 'x', '2');
    await s.call(a, 'GET', 'x');
    await s.call(a, 'SET', 'z', '1');
    await s.call(a, 'EXEC');
    await s.frame(a);
    await s.quiet(a);
    // x was read again inside the transaction.
    await s.call(b, 'DEL', 'x');
    await s.frame(a);
    // A transaction by another client.
    await s.call(a, 'GET', 'q');
    await s.call(b, 'MULTI');
    await s.call(b, 'INCR', 'q');
    await s.call(b, 'INCR', 'q');
    await s.call(b, 'EXEC');
    await s.frame(a);
    await s.quiet(a);
  });

  differential('NOLOOP: no invalidation for the client\'s own writes', async (s) => {
    const a = await s.conn(3);
    const b = await s.conn();
    await s.call(a, 'CLIENT', 'TRACKING', 'on', 'NOLOOP');
    await s.call(a, 'GET', 'k');
    await s.call(a, 'SET', 'k', '1');
    await s.quiet(a);
    // Forgotten anyway.
    await s.call(b, 'SET', 'k', '2');
    await s.quiet(a);
    await s.call(a, 'GET', 'k');
    await s.call(b, 'SET', 'k', '3');
    await s.frame(a);
    await s.call(a, 'CLIENT', 'TRACKINGINFO');
  });

  differential('OPTIN: only after CLIENT CACHING yes, for the next command or transaction', async (s) => {
    const a = await s.conn(3);
    const b = await s.conn();
    await s.call(a, 'CLIENT', 'TRACKING', 'on', 'OPTIN');
    await s.call(a, 'GET', 'k1');
    await s.call(a, 'CLIENT', 'CACHING', 'yes');
    await s.call(a, 'CLIENT', 'TRACKINGINFO');
    await s.call(a, 'GET', 'k2');
    await s.call(a, 'CLIENT', 'TRACKINGINFO');
    await s.call(a, 'GET', 'k3');
    await s.call(b, 'MSET', 'k1', '1', 'k2', '2', 'k3', '3');
    await s.frame(a);
    await s.quiet(a);
    // CLIENT commands in between keep the flag; MULTI carries it to the whole transaction.
    await s.call(a, 'CLIENT', 'CACHING', 'yes');
    await s.run(a, 'CLIENT', 'ID');
    await s.call(a, 'MULTI');
    await s.call(a, 'GET', 'k1');
    await s.call(a, 'GET', 'k3');
    await s.call(a, 'EXEC');
    await s.call(a, 'CLIENT', 'TRACKINGINFO');
    await s.call(a, 'GET', 'k2');
    await s.call(b, 'MSET', 'k1', '1', 'k2', '2', 'k3', '3');
    await s.frame(a);
    await s.frame(a);
    await s.quiet(a);
  });

  differential('OPTOUT: always, except after CLIENT CACHING no', async (s) => {
    const a = await s.conn(3);
    const b = await s.conn();
    await s.call(a, 'CLIENT', 'TRACKING', 'on', 'OPTOUT');
    await s.call(a, 'GET', 'k1');
    await s.call(a, 'CLIENT', 'CACHING', 'no');
    await s.call(a, 'CLIENT', 'TRACKINGINFO');
    await s.call(a, 'GET', 'k2');
    await s.call(a, 'GET', 'k3');
    await s.call(b, 'MSET', 'k1', '1', 'k2', '2', 'k3', '3');
    await s.frame(a);
    await s.frame(a);
    await s.quiet(a);
  });
});

describe('BCAST', () => {
  differential('without prefix: every change, once per turn, keys sorted', async (s) => {
    const a = await s.conn(3);
    const b = await s.conn();
    await s.call(a, 'CLIENT', 'TRACKING', 'on', 'BCAST');
    await s.call(b, 'MSET', 'z', '1', 'b', '2', 'a', '3', 'b', '4');
    await s.frame(a);
    await s.call(b, 'SET', 'z', '2');
    await s.frame(a);
    // Reads track nothing in BCAST mode.
    await s.call(a, 'GET', 'q');
    await s.call(a, 'SET', 'own', '1');
    await s.frame(a);
    await s.call(b, 'MULTI');
    await s.call(b, 'SET', 't1', '1');
    await s.call(b, 'DEL', 't1');
    await s.call(b, 'SET', 't0', '1');
    await s.call(b, 'EXEC');
    await s.frame(a);
    await s.quiet(a);
  });

  differential('with prefixes: one message per matching prefix, in prefix order', async (s) => {
    const a = await s.conn(3);
    const c = await s.conn(3);
    const b = await s.conn();
    await s.call(a, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'obj:');
    await s.call(c, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:1', 'NOLOOP');
    await s.call(b, 'MSET', 'user:1', 'a', 'obj:7', 'b', 'other', 'c', 'user:2', 'd');
    await s.frame(a);
    await s.frame(a);
    await s.frame(c);
    await s.quiet(a);
    await s.quiet(c);
    await s.call(b, 'SET', 'other', 'x');
    await s.quiet(a);
    // NOLOOP: c's own change is left out, another's is not.
    await s.call(c, 'MSET', 'user:10', 'x', 'user:11', 'y');
    await s.frame(a);
    await s.quiet(c);
    await s.call(c, 'SET', 'user:12', 'x');
    await s.call(b, 'SET', 'user:13', 'x');
    await s.frame(a);
    await s.frame(c);
    await s.call(a, 'CLIENT', 'TRACKINGINFO');
    await s.call(c, 'CLIENT', 'TRACKINGINFO');
    await s.trackingInfo(b);
  });

  differential('an expiry reaches BCAST clients too', async (s) => {
    const a = await s.conn(3);
    const b = await s.conn();
    await s.call(b, 'SET', 'tmp:1', 'v', 'PX', '500');
    await s.call(a, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'tmp:');
    await s.frame(a, 'expired');
  });
});

describe('redirection', () => {
  differential('RESP2: to a subscribed connection as __redis__:invalidate messages', async (s) => {
    const a = await s.conn();
    const sub = await s.conn();
    const idle = await s.conn();
    const b = await s.conn();
    await s.call(sub, 'SUBSCRIBE', 'anything');
    await s.call(a, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', String(sub.id));
    await s.call(a, 'CLIENT', 'GETREDIR');
    await s.call(a, 'CLIENT', 'TRACKINGINFO');
    await s.call(a, 'GET', 'k');
    await s.call(b, 'SET', 'k', '1');
    await s.frame(sub);
    await s.call(b, 'FLUSHALL');
    await s.frame(sub);
    // Not subscribed (RESP2): nothing can be sent.
    await s.call(a, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', String(idle.id));
    await s.call(a, 'GET', 'k');
    await s.call(b, 'SET', 'k', '2');
    await s.quiet(idle);
    // A RESP3 target gets pushes, the null in the tracking client's protocol.
    await s.run(idle, 'HELLO', '3');
    await s.call(a, 'GET', 'k');
    await s.call(b, 'SET', 'k', '3');
    await s.frame(idle);
    await s.call(b, 'FLUSHDB');
    await s.frame(idle);
    // BCAST redirected.
    await s.call(a, 'CLIENT', 'TRACKING', 'off');
    await s.call(a, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'REDIRECT', String(sub.id));
    await s.call(b, 'MSET', 'p', '1', 'q', '2');
    await s.frame(sub);
    await s.quiet(a);
  });

  differential('a redirect target that is gone: tracking-redir-broken and flag R', async (s) => {
    const a = await s.conn(3);
    const t = await s.conn(3);
    const b = await s.conn();
    await s.call(a, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', String(t.id));
    await s.call(a, 'GET', 'k');
    t.raw.close();
    await t.raw.waitClosed();
    // Wait until the server has seen the disconnect.
    for (let i = 0; i < 1000; i++) {
      const list = String(await b.raw.call('CLIENT', 'LIST'));
      if (!list.includes(`id=${t.id} `)) break;
      await new Promise((r) => setImmediate(r));
    }
    await s.call(b, 'SET', 'k', '1');
    await s.frame(a);
    await s.call(a, 'CLIENT', 'TRACKINGINFO');
    await s.call(a, 'CLIENT', 'GETREDIR');
    const info = await a.raw.callRaw('CLIENT', 'INFO');
    s.out.push(/flags=\S+/.exec(info)![0]);
    // Every later invalidation says so again.
    await s.call(a, 'GET', 'k');
    await s.call(b, 'SET', 'k', '2');
    await s.frame(a);
    // RESP2: the flag only.
    await s.run(a, 'HELLO', '2');
    await s.call(a, 'GET', 'k');
    await s.call(b, 'SET', 'k', '3');
    await s.quiet(a);
    await s.call(a, 'CLIENT', 'TRACKINGINFO');
    // Enabling again clears it.
    await s.call(a, 'CLIENT', 'TRACKING', 'on');
    await s.call(a, 'CLIENT', 'TRACKINGINFO');
  });
});

describe('CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO', () => {
  differential('every error, in Redis\'s order', async (s) => {
    const a = await s.conn();
    const b = await s.conn();
    const cmds: Arg[][] = [
      ['CLIENT', 'TRACKING'], ['CLIENT', 'TRACKING', 'maybe'], ['CLIENT', 'TRACKING', 'maybe', 'BCAST'],
      ['CLIENT', 'TRACKING', 'on', 'foo'], ['CLIENT', 'TRACKING', 'on', 'REDIRECT'], ['CLIENT', 'TRACKING', 'on', 'PREFIX'],
      ['CLIENT', 'TRACKING', 'on', 'REDIRECT', 'abc'], ['CLIENT', 'TRACKING', 'on', 'REDIRECT', '0'],
      ['CLIENT', 'TRACKING', 'on', 'REDIRECT', '99999'], ['CLIENT', 'TRACKING', 'off', 'REDIRECT', '99999'],
      ['CLIENT', 'TRACKING', 'on', 'REDIRECT', String(b.id), 'REDIRECT', String(b.id)],
      ['CLIENT', 'TRACKING', 'on', 'PREFIX', 'a'], ['CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTIN'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTOUT'], ['CLIENT', 'TRACKING', 'on', 'OPTIN', 'OPTOUT'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'a'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'x', 'PREFIX', 'xy'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'q', 'PREFIX', 'q'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a\r\nb', 'PREFIX', 'a'],
      ['CLIENT', 'CACHING'], ['CLIENT', 'CACHING', 'yes', 'no'], ['CLIENT', 'CACHING', 'yes'], ['CLIENT', 'CACHING', 'maybe'],
      ['CLIENT', 'GETREDIR'], ['CLIENT', 'TRACKINGINFO'],
      // Default mode on: CACHING in neither OPTIN nor OPTOUT.
      ['CLIENT', 'TRACKING', 'on'], ['CLIENT', 'CACHING', 'yes'], ['CLIENT', 'CACHING', 'no'], ['CLIENT', 'CACHING', 'maybe'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST'], ['CLIENT', 'TRACKING', 'on', 'OPTIN'], ['CLIENT', 'TRACKING', 'on', 'OPTOUT'],
      ['CLIENT', 'CACHING', 'no'], ['CLIENT', 'CACHING', 'yes'], ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'off'], ['CLIENT', 'TRACKING', 'off'], ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'on', 'OPTOUT', 'NOLOOP', 'REDIRECT', String(b.id)], ['CLIENT', 'CACHING', 'no'],
      ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'GETREDIR'], ['CLIENT', 'TRACKING', 'on', 'OPTIN'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST'], ['CLIENT', 'TRACKING', 'OFF'],
      // BCAST prefixes add up; overlaps with the existing ones are refused.
      ['CLIENT', 'TRACKING', 'ON', 'bcast', 'prefix', 'b', 'prefix', 'a'], ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a'], ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'abc'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', ''], ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'c'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'NOLOOP'], ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'zz'], ['CLIENT', 'TRACKING', 'on', 'OPTIN'],
      ['CLIENT', 'TRACKING', 'on'], ['CLIENT', 'GETREDIR'],
      ['CLIENT', 'TRACKING', 'off'], ['CLIENT', 'TRACKING', 'on', 'REDIRECT', String(a.id)], ['CLIENT', 'GETREDIR'],
      ['RESET'], ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'GETREDIR'],
    ];
    for (const cmd of cmds) await s.call(a, ...cmd);
    await s.run(b, 'HELLO', '3');
    await s.call(b, 'CLIENT', 'TRACKINGINFO');
    await s.call(b, 'CLIENT', 'TRACKING', 'on', 'OPTIN', 'NOLOOP');
    await s.call(b, 'CLIENT', 'CACHING', 'YES');
    await s.call(b, 'CLIENT', 'TRACKINGINFO');
  });

  differential('an overlap past the first given prefix: the error, then +OK (Redis 7.0\'s quirk)', async (s) => {
    const a = await s.conn();
    await s.callFrames(a, 2, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'x', 'PREFIX', 'y', 'PREFIX', 'yz');
    await s.call(a, 'CLIENT', 'TRACKINGINFO');
  });

  differential('INFO fields and CLIENT LIST flags', async (s) => {
    const a = await s.conn(3);
    const c = await s.conn(3);
    const b = await s.conn();
    const fields = () => s.trackingInfo(b);
    const flags = async (x: Conn) => {
      const line = await x.raw.callRaw('CLIENT', 'INFO');
      s.out.push(/flags=\S+/.exec(line)![0]);
    };
    await fields();
    await s.call(a, 'CLIENT', 'TRACKING', 'on');
    await s.call(a, 'MGET', 'k1', 'k2', 'k3');
    await s.call(c, 'CLIENT', 'TRACKING', 'on');
    await s.call(c, 'GET', 'k1');
    await fields();
    await flags(a);
    await s.call(b, 'SET', 'k1', 'x');
    await s.frame(a);
    await s.frame(c);
    await fields();
    // Off: the client's ids stay in the table until the keys change.
    await s.call(a, 'CLIENT', 'TRACKING', 'off');
    await fields();
    await flags(a);
    await s.call(b, 'DEL', 'k2');
    await fields();
    await s.call(c, 'CLIENT', 'TRACKING', 'off');
    await s.call(c, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'p', 'PREFIX', 'q');
    await s.call(a, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'q', 'PREFIX', 'r');
    await fields();
    await flags(c);
    c.raw.close();
    await c.raw.waitClosed();
    for (let i = 0; i < 1000; i++) {
      if (!String(await b.raw.call('CLIENT', 'LIST')).includes(`id=${c.id} `)) break;
      await new Promise((r) => setImmediate(r));
    }
    await fields();
    await s.call(b, 'FLUSHALL');
    await s.frame(a);
    await fields();
  });
});

describe('mini-redis only', () => {
  it('tracking-table-max-keys: past it, keys are dropped with an invalidation', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    try {
      await b.call('FLUSHALL');
      expect(await b.call('CONFIG', 'GET', 'tracking-table-max-keys')).toEqual(['tracking-table-max-keys', '1000000']);
      await b.call('CONFIG', 'SET', 'tracking-table-max-keys', '3');
      await a.call('HELLO', '3');
      await a.call('CLIENT', 'TRACKING', 'on');
      expect(await a.call('MGET', 'k1', 'k2', 'k3')).toEqual([null, null, null]);
      // The fourth key: the oldest is dropped, its invalidation follows the reply.
      expect(await a.call('GET', 'k4')).toBeNull();
      expect(await a.read()).toEqual({ push: ['invalidate', ['k1']] });
      const info = String(await b.call('INFO', 'stats'));
      expect(info).toContain('tracking_total_keys:3\r\n');
      // Lowered: the table shrinks at the end of the turn.
      await b.call('CONFIG', 'SET', 'tracking-table-max-keys', '1');
      expect(await a.read()).toEqual({ push: ['invalidate', ['k2']] });
      expect(await a.read()).toEqual({ push: ['invalidate', ['k3']] });
      expect(await a.call('PING')).toBe('PONG');
      await b.call('CONFIG', 'SET', 'tracking-table-max-keys', '0');
      await a.call('MGET', 'x1', 'x2', 'x3');
      expect(String(await b.call('INFO', 'stats'))).toContain('tracking_total_keys:4\r\n');
    } finally {
      await b.call('CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
      a.close();
      b.close();
    }
  });

  it('RESET and disconnects turn tracking off and leave nothing behind', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    try {
      await b.call('FLUSHALL');
      await a.call('HELLO', '3');
      await a.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'x');
      expect(srv.server.tracking.infoFields('stats')).toContainEqual(['tracking_total_prefixes', 1]);
      expect(await a.call('RESET')).toBe('RESET');
      expect(srv.server.tracking.infoFields('stats')).toContainEqual(['tracking_total_prefixes', 0]);
      expect(srv.server.tracking.infoFields('clients')).toEqual([['tracking_clients', 0]]);
      await a.call('HELLO', '3');
      await a.call('CLIENT', 'TRACKING', 'on', 'BCAST');
      await b.call('SET', 'x1', 'v');
      expect(await a.read()).toEqual({ push: ['invalidate', ['x1']] });
      a.close();
      await a.waitClosed();
      for (let i = 0; i < 1000 && srv.server.clients.size > 1; i++) await new Promise((r) => setImmediate(r));
      expect(srv.server.tracking.infoFields('clients')).toEqual([['tracking_clients', 0]]);
      expect(srv.server.tracking.infoFields('stats')).toContainEqual(['tracking_total_prefixes', 0]);
      expect(await b.call('SET', 'x1', 'w')).toBe('OK');
    } finally {
      a.close();
      b.close();
    }
  });

  it('a tracking client pipelining reads and writes gets each invalidation after the reply that caused it', async () => {
    const a = await RawClient.connect(srv.port);
    try {
      await a.call('HELLO', '3');
      await a.call('CLIENT', 'TRACKING', 'on');
      a.write(Buffer.concat([
        encodeCommand(['GET', 'pk']), encodeCommand(['SET', 'pk', '1']), encodeCommand(['PING']),
      ]));
      expect(await a.read()).toBeNull();
      expect(await a.read()).toBe('OK');
      expect(await a.read()).toEqual({ push: ['invalidate', ['pk']] });
      expect(await a.read()).toBe('PONG');
    } finally {
      a.close();
    }
  });
});

describe('node-redis client-side cache', () => {
  it('serves a cached value until another client changes it', async () => {
    const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0 });
    const url = `redis://127.0.0.1:${srv.port}`;
    const cached = createClient({ url, RESP: 3, clientSideCache: cache });
    const writer = createClient({ url });
    await Promise.all([cached.connect(), writer.connect()]);
    try {
      await writer.set('csc:key', 'v1');
      expect(await cached.get('csc:key')).toBe('v1');
      expect(await cached.get('csc:key')).toBe('v1');
      expect(cache.stats().hitCount).toBe(1);
      expect(cache.size()).toBe(1);
      const invalidated = new Promise<unknown>((resolve) => cache.once('invalidate', resolve));
      await writer.set('csc:key', 'v2');
      expect(String(await invalidated)).toBe('csc:key');
      expect(cache.size()).toBe(0);
      expect(await cached.get('csc:key')).toBe('v2');
      expect(cache.stats().missCount).toBe(2);
      // FLUSHALL clears the whole cache.
      expect(await cached.get('csc:key')).toBe('v2');
      const cleared = new Promise<unknown>((resolve) => cache.once('invalidate', resolve));
      await writer.flushAll();
      expect(await cleared).toBeNull();
      expect(await cached.get('csc:key')).toBeNull();
    } finally {
      cached.destroy();
      writer.destroy();
    }
  });
});
