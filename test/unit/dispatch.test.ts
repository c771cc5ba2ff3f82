// The dispatcher's handling of what a handler throws, apart from RedisError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client.js';
import { RawClient, startTestServer, type TestServer } from '../helpers/server.js';

describe('dispatcher', () => {
  let srv: TestServer;
  beforeAll(async () => { srv = await startTestServer(); });
  afterAll(async () => { await srv.close(); });

  it('turns a full Map into an OOM reply and keeps the connection', async () => {
    const d = srv.server.dispatcher;
    const cmd = srv.server.table.lookup('set')!;
    const c = { server: srv.server, w: srv.server.writer, db: srv.server.keyspace.dbs[0]! } as unknown as Client;
    const orig = cmd.handler;
    (cmd as { handler: unknown }).handler = () => { throw new RangeError('Map maximum size exceeded'); };
    try {
      d.call(c, cmd, ['set', 'k', 'v']);
    } finally {
      (cmd as { handler: unknown }).handler = orig;
    }
    expect(srv.server.writer.take().toString()).toBe('-OOM command not allowed: a mini-redis database holds at most 16777216 keys\r\n');
  });

  it('reports an unexpected exception as an error reply, logs it, and keeps serving', async () => {
    const cmd = srv.server.table.lookup('echo')!;
    const orig = cmd.handler;
    const warnings: string[] = [];
    const origWarn = srv.server.log.warning.bind(srv.server.log);
    srv.server.log.warning = (m: string) => { warnings.push(m); };
    (cmd as { handler: unknown }).handler = () => { throw new TypeError('boom'); };
    const r = await RawClient.connect(srv.port);
    try {
      expect(await r.callRaw('ECHO', 'x')).toBe("-ERR internal error in 'echo': boom\r\n");
    } finally {
      (cmd as { handler: unknown }).handler = orig;
      srv.server.log.warning = origWarn;
    }
    expect(await r.call('ECHO', 'y')).toBe('y');
    expect(warnings.some((w) => w.includes('boom'))).toBe(true);
    r.close();
  });
});
