// The embedding API: startServer on port 0, a handle with the port, close().
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/index.js';
import { ManualClock } from '../../src/keyspace/clock.js';
import { RawClient } from '../helpers/server.js';

describe('startServer', () => {
  it('serves on a free port and closes cleanly', async () => {
    const srv = await startServer({ port: 0 });
    expect(srv.port).toBeGreaterThan(0);
    const client = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    const closed = new Promise((r) => client.once('end', r));
    await srv.close();
    await closed;
    client.disconnect();
  });

  it('runs two servers side by side, each with its own keyspace', async () => {
    const a = await startServer({ port: 0 });
    const b = await startServer({ port: 0 });
    expect(a.port).not.toBe(b.port);
    a.server.keyspace.dbs[0]!.set('k', 'a');
    expect(b.server.keyspace.dbs[0]!.lookupWrite('k')).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });

  it('is in-memory by default and takes directives by name', async () => {
    const srv = await startServer({ port: 0, config: { databases: 3, requirepass: 'pw' } });
    expect(srv.server.config.get('save')).toBe('');
    expect(srv.server.config.get('appendonly')).toBe('no');
    expect(srv.server.keyspace.dbs.length).toBe(3);
    const c = await RawClient.connect(srv.port);
    expect(String(await c.call('ECHO', 'x'))).toContain('NOAUTH');
    c.close();
    await srv.close();
  });

  it('refuses unknown directives and bad values', async () => {
    await expect(startServer({ port: 0, config: { nope: 1 } })).rejects.toThrow(/Unknown configuration directive 'nope'/);
    await expect(startServer({ port: 0, config: { hz: 'fast' } })).rejects.toThrow(/Bad value for 'hz'/);
  });

  it('uses an injected clock for expiry', async () => {
    const clock = new ManualClock(1_000_000);
    const srv = await startServer({ port: 0, clock });
    const db = srv.server.keyspace.dbs[0]!;
    db.set('k', 'v');
    db.setExpire('k', 1_000_500);
    expect(db.lookupWrite('k')).toBe('v');
    clock.advance(500);
    expect(db.lookupWrite('k')).toBeUndefined();
    await srv.close();
  });

  it('close() is idempotent', async () => {
    const srv = await startServer({ port: 0 });
    await Promise.all([srv.close(), srv.close()]);
    await srv.close();
  });
});
