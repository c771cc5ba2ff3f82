// requirepass: NOAUTH before AUTH, commands flagged no_auth, AUTH and HELLO
// AUTH, RESET dropping the authentication, CONFIG SET requirepass, against
// real Redis started with the same password, and through client libraries.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { Redis as IORedis } from 'ioredis';
import {
  HAVE_REDIS_SERVER, RawClient, differential, startRealRedis, startTestServer, type TestServer,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping auth differential tests: redis-server not installed');

const PASS = 's3cret';

function normalize(raw: string): string {
  return raw.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n');
}

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ config: { requirepass: PASS } });
});
afterAll(async () => {
  await srv.close();
});

describe.skipIf(!HAVE_REDIS_SERVER)('requirepass vs real Redis', () => {
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => {
    // startRealRedis waits for PING to answer PONG: set the password after.
    real = await startRealRedis();
    const admin = await RawClient.connect(real.port);
    await admin.call('CONFIG', 'SET', 'requirepass', PASS);
    admin.close();
  });
  afterAll(async () => {
    await real.close();
  });

  it('gives the same replies before and after authentication', async () => {
    const { ours, theirs } = await differential(srv.port, real.port, [
      ['GET', 'a'], ['PING'], ['ECHO', 'x'], ['SELECT', '1'], ['CLIENT', 'ID'], ['CONFIG', 'GET', 'hz'],
      ['foo'], ['GET'],
      ['HELLO'], ['HELLO', '3'], ['HELLO', '3', 'AUTH', 'default', 'bad'], ['HELLO', '3', 'AUTH', 'nobody', PASS],
      ['HELLO', '9'], ['HELLO', 'x'],
      ['AUTH'], ['AUTH', 'bad'], ['AUTH', 'default', 'bad'], ['AUTH', 'nobody', PASS], ['AUTH', 'a', 'b', 'c'],
      ['GET', 'a'],
      ['AUTH', PASS], ['GET', 'a'], ['PING'],
      ['RESET'], ['PING'],
      ['AUTH', 'default', PASS], ['PING'], ['RESET'],
      ['HELLO', '3', 'AUTH', 'default', PASS, 'SETNAME', 'bad name'], ['PING'], ['CLIENT', 'GETNAME'],
      ['RESET'],
      ['HELLO', '2', 'AUTH', 'default', PASS, 'SETNAME', 'n'], ['CLIENT', 'GETNAME'],
      ['RESET'], ['QUIT'],
    ]);
    expect(ours.map(normalize)).toEqual(theirs.map(normalize));
  });

  it('counts NOAUTH as rejected calls and in errorstats', async () => {
    const run = async (port: number) => {
      const c = await RawClient.connect(port);
      await c.call('AUTH', PASS);
      await c.call('CONFIG', 'RESETSTAT');
      const u = await RawClient.connect(port);
      await u.call('GET', 'x');
      await u.call('GET', 'x');
      await u.call('AUTH', 'wrong');
      u.close();
      const stats = (await c.call('INFO', 'errorstats')) as string;
      const cmd = (await c.call('INFO', 'commandstats')) as string;
      c.close();
      return {
        stats,
        get: /cmdstat_get:calls=0,usec=0,usec_per_call=0\.00,rejected_calls=2,failed_calls=0/.test(cmd),
        auth: /cmdstat_auth:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=1/.test(cmd),
      };
    };
    const ours = await run(srv.port);
    const theirs = await run(real.port);
    expect(ours).toEqual(theirs);
    expect(ours.stats).toBe('# Errorstats\r\nerrorstat_NOAUTH:count=2\r\nerrorstat_WRONGPASS:count=1\r\n');
    expect(ours.get && ours.auth).toBe(true);
  });
});

describe('requirepass', () => {
  it('refuses commands until AUTH, except those flagged no_auth', async () => {
    const c = await RawClient.connect(srv.port);
    expect(await c.call('SET', 'k', 'v')).toEqual(new Error('NOAUTH Authentication required.'));
    expect(await c.call('PING')).toEqual(new Error('NOAUTH Authentication required.'));
    expect(await c.call('AUTH', 'nope')).toEqual(
      new Error('WRONGPASS invalid username-password pair or user is disabled.'));
    expect(await c.call('RESET')).toBe('RESET');
    expect(await c.call('AUTH', PASS)).toBe('OK');
    expect(await c.call('SET', 'k', 'v')).toBe('OK');
    expect(await c.call('GET', 'k')).toBe('v');
    // RESET drops the authentication again.
    expect(await c.call('RESET')).toBe('RESET');
    expect(await c.call('GET', 'k')).toEqual(new Error('NOAUTH Authentication required.'));
    expect(await c.callRaw('QUIT')).toBe('+OK\r\n');
    await c.waitClosed();
  });

  it('HELLO AUTH authenticates and switches protocol in one step', async () => {
    const c = await RawClient.connect(srv.port);
    const raw = await c.callRaw('HELLO', '3', 'AUTH', 'default', PASS, 'SETNAME', 'h');
    expect(raw.startsWith('%7\r\n')).toBe(true);
    expect(await c.callRaw('CLIENT', 'GETNAME')).toBe('$1\r\nh\r\n');
    expect(await c.callRaw('GET', 'missing-key')).toBe('_\r\n');
    c.close();
  });

  it('CONFIG SET requirepass applies to new connections; "" lets everyone in', async () => {
    const admin = await RawClient.connect(srv.port);
    await admin.call('AUTH', PASS);
    const waiting = await RawClient.connect(srv.port);
    expect(await admin.call('CONFIG', 'SET', 'requirepass', 'other')).toBe('OK');
    // The admin stays authenticated.
    expect(await admin.call('PING')).toBe('PONG');
    const c = await RawClient.connect(srv.port);
    expect(await c.call('AUTH', PASS)).toEqual(
      new Error('WRONGPASS invalid username-password pair or user is disabled.'));
    expect(await c.call('AUTH', 'other')).toBe('OK');
    expect(await admin.call('CONFIG', 'SET', 'requirepass', '')).toBe('OK');
    expect(await waiting.call('PING')).toBe('PONG');
    const fresh = await RawClient.connect(srv.port);
    expect(await fresh.call('PING')).toBe('PONG');
    expect(await fresh.call('AUTH', 'x')).toEqual(new Error(
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?'));
    expect(await admin.call('CONFIG', 'SET', 'requirepass', PASS)).toBe('OK');
    for (const x of [admin, waiting, c, fresh]) x.close();
  });

  it('node-redis (RESP2 and RESP3) and ioredis log in with the password', async () => {
    for (const RESP of [2, 3] as const) {
      const client = createClient({ url: `redis://:${PASS}@127.0.0.1:${srv.port}`, RESP });
      client.on('error', () => {});
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      expect(await client.set('lib-key', String(RESP))).toBe('OK');
      expect(await client.get('lib-key')).toBe(String(RESP));
      await client.close();
    }
    const bad = createClient({ url: `redis://:wrong@127.0.0.1:${srv.port}`, RESP: 3, socket: { reconnectStrategy: false } });
    bad.on('error', () => {});
    await expect(bad.connect()).rejects.toThrow(/WRONGPASS/);

    const r = new IORedis({ port: srv.port, host: '127.0.0.1', password: PASS, lazyConnect: true });
    await r.connect();
    expect(await r.ping()).toBe('PONG');
    expect(await r.get('lib-key')).toBe('3');
    await r.quit();
  });
});
