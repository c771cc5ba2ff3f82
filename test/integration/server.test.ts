// Server commands: INFO, CONFIG, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME,
// LASTSAVE, SHUTDOWN, and the server limits they control (maxclients,
// timeout, proto-max-bulk-len, hz), against real Redis where deterministic.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { Redis as IORedis } from 'ioredis';
import {
  HAVE_REDIS_SERVER, RawClient, differential, startRealRedis, startTestServer, type TestServer,
} from '../helpers/server.js';
import type { Reply } from '../helpers/resp.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping server differential tests: redis-server not installed');

/** INFO text as { field: value }, and its section titles in order. */
function parseInfo(text: string): { fields: Record<string, string>; sections: string[] } {
  const fields: Record<string, string> = {};
  const sections: string[] = [];
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) sections.push(line.slice(2));
    else if (line !== '') {
      const i = line.indexOf(':');
      fields[line.slice(0, i)] = line.slice(i + 1);
    }
  }
  return { fields, sections };
}

/** A CONFIG GET reply (flat array in RESP2) as a map. */
function pairs(r: Reply): Record<string, string> {
  const a = r as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i < a.length; i += 2) out[a[i]!] = a[i + 1]!;
  return out;
}

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ config: { save: '' } });
});
afterAll(async () => {
  await srv.close();
});

describe.skipIf(!HAVE_REDIS_SERVER)('server commands vs real Redis', () => {
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => {
    real = await startRealRedis();
  });
  afterAll(async () => {
    await real.close();
  });

  async function same(commands: (string | number)[][]): Promise<void> {
    const { ours, theirs } = await differential(srv.port, real.port, commands);
    expect(ours).toEqual(theirs);
  }

  it('CONFIG GET of single parameters, aliases and spellings', async () => {
    await same([
      ['CONFIG', 'GET'], ['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'GET', 'maxmemory-policy'], ['CONFIG', 'GET', 'timeout'],
      ['CONFIG', 'GET', 'databases'], ['CONFIG', 'GET', 'appendonly'], ['CONFIG', 'GET', 'requirepass'],
      ['CONFIG', 'GET', 'save'], ['CONFIG', 'GET', 'lazyfree-lazy-user-flush'], ['CONFIG', 'GET', 'set-max-intset-entries'],
      ['CONFIG', 'GET', 'maxclients'], ['CONFIG', 'GET', 'proto-max-bulk-len'], ['CONFIG', 'GET', 'tcp-keepalive'],
      ['CONFIG', 'GET', 'dbfilename'], ['CONFIG', 'GET', 'appendfsync'], ['CONFIG', 'GET', 'list-max-ziplist-size'],
      ['CONFIG', 'GET', 'HZ'], ['CONFIG', 'GET', 'Zset-Max-Ziplist-Entries'], ['CONFIG', 'GET', 'unknown-param'],
      ['CONFIG', 'GET', 'tcp-backlog'], ['CONFIG', 'GET', 'client-query-buffer-limit'], ['CONFIG', 'GET', 'slowlog-max-len'],
      ['CONFIG', 'GET', 'hz', 'hz'], ['CONFIG', 'GET', 'hz', 'HZ'], ['CONFIG', 'GET', 'H?'], ['CONFIG', 'GET', 'maxmemory-polic[xy]'],
      ['CONFIG', 'GET', 'no-such-*'],
    ]);
  });

  it('protected configs (dir, dbfilename) are refused while enable-protected-configs is no', async () => {
    await same([
      ['CONFIG', 'GET', 'enable-protected-configs'],
      ['CONFIG', 'SET', 'dir', '/tmp'],
      ['CONFIG', 'SET', 'dbfilename', 'other.rdb'],
      ['CONFIG', 'SET', 'hz', '10', 'dir', '/tmp'],
      ['CONFIG', 'SET', 'enable-protected-configs', 'yes'],
      ['CONFIG', 'GET', 'dbfilename'],
    ]);
  });

  it('CONFIG GET with several names and patterns returns the same pairs', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    for (const args of [
      ['timeout', 'databases', 'appendonly', 'maxmemory'],
      ['zset-max-*'],
      ['zset-max-ziplist-*', 'zset-max-listpack-*', 'zset-max-ziplist-value'],
      ['timeout', 'TIMEOUT', 'time*'],
    ]) {
      expect(pairs(await a.call('CONFIG', 'GET', ...args))).toEqual(pairs(await b.call('CONFIG', 'GET', ...args)));
    }
    // RESP3: a map.
    await a.call('HELLO', '3');
    expect(await a.callRaw('CONFIG', 'GET', 'timeout')).toBe('%1\r\n$7\r\ntimeout\r\n$1\r\n0\r\n');
    a.close();
    b.close();
  });

  it('CONFIG SET errors, and atomic success', async () => {
    await same([
      ['CONFIG', 'SET'], ['CONFIG', 'SET', 'a'], ['CONFIG', 'SET', 'a', 'b', 'c'], ['CONFIG', 'SET', 'foo', 'bar'],
      ['CONFIG', 'SET', 'hz', 'x'], ['CONFIG', 'SET', 'hz', '1', 'hz', '2'], ['CONFIG', 'SET', 'hz', '1', 'HZ', '2'],
      ['CONFIG', 'SET', 'hz', '5', 'zset-max-ziplist-entries', '5', 'zset-max-listpack-entries', '6'],
      ['CONFIG', 'GET', 'zset-max-ziplist-entries'], ['CONFIG', 'SET', 'zset-max-listpack-entries', '7', 'LIST-max-ziplist-size', 'x'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
      ['CONFIG', 'SET', 'maxmemory', '1x'], ['CONFIG', 'SET', 'maxmemory', '1gb'], ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '0'], ['CONFIG', 'SET', 'maxmemory-policy', 'foo'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'ALLKEYS-LRU'], ['CONFIG', 'GET', 'maxmemory-policy'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
      ['CONFIG', 'SET', 'protected-mode', 'maybe'], ['CONFIG', 'SET', 'save', '1'], ['CONFIG', 'SET', 'save', 'x'],
      ['CONFIG', 'SET', 'save', '100 10 50 5'], ['CONFIG', 'GET', 'save'], ['CONFIG', 'SET', 'save', ''], ['CONFIG', 'GET', 'save'],
      ['CONFIG', 'SET', 'foo', '1', 'port', '2'], ['CONFIG', 'SET', 'daemonize', 'no', 'foo', '1'],
      ['CONFIG', 'SET', 'hz', 'x', 'daemonize', 'no'], ['CONFIG', 'SET', 'databases', '4'],
      ['CONFIG', 'SET', 'timeout', '-1'], ['CONFIG', 'SET', 'timeout', '99999999999'], ['CONFIG', 'SET', 'timeout', '1.5'],
      ['CONFIG', 'SET', 'active-expire-effort', '11'], ['CONFIG', 'SET', 'tcp-keepalive', 'abc'],
      ['CONFIG', 'SET', 'timeout', '7', 'maxmemory', 'bad'], ['CONFIG', 'GET', 'timeout'],
      ['CONFIG', 'SET', 'timeout', '7', 'tcp-keepalive', '60'], ['CONFIG', 'GET', 'timeout'], ['CONFIG', 'GET', 'tcp-keepalive'],
      ['CONFIG', 'SET', 'timeout', '0', 'tcp-keepalive', '300'],
      ['CONFIG', 'SET', 'zset-max-ziplist-value', '100'], ['CONFIG', 'GET', 'zset-max-listpack-value'],
      ['CONFIG', 'SET', 'zset-max-listpack-value', '64'], ['CONFIG', 'SET', 'hz', '10'],
      ['CONFIG', 'RESETSTAT', 'x'], ['CONFIG', 'REWRITE'], ['CONFIG', 'REWRITE', 'x'], ['CONFIG', 'foo'], ['CONFIG'],
      ['CONFIG', 'HELP'],
    ]);
  });

  it('SELECT, SWAPDB, FLUSHDB, FLUSHALL, DBSIZE and argument errors', async () => {
    await same([
      ['FLUSHALL'], ['SET', 'a', '1'], ['SET', 'b', '2'], ['DBSIZE'], ['DBSIZE', 'x'],
      ['SWAPDB'], ['SWAPDB', '0'], ['SWAPDB', 'x', '1'], ['SWAPDB', '1', 'x'], ['SWAPDB', '99999999999', '1'],
      ['SWAPDB', '0', '99999999999'], ['SWAPDB', '0', '16'], ['SWAPDB', '-1', '0'], ['SWAPDB', '0', '0'], ['DBSIZE'],
      ['SWAPDB', '0', '1'], ['DBSIZE'], ['SELECT', '1'], ['DBSIZE'], ['GET', 'a'], ['SWAPDB', '1', '0'], ['DBSIZE'],
      ['FLUSHDB', 'foo'], ['FLUSHDB', 'async', 'x'], ['FLUSHDB', 'SYNC', 'ASYNC'], ['FLUSHALL', 'foo'], ['FLUSHALL', 'ASYNC', 'x'],
      ['SELECT', '0'], ['FLUSHDB', 'async'], ['DBSIZE'], ['SET', 'c', '3'], ['SELECT', '2'], ['SET', 'd', '4'],
      ['FLUSHDB', 'SYNC'], ['DBSIZE'], ['SELECT', '0'], ['DBSIZE'], ['FLUSHALL', 'sync'], ['DBSIZE'], ['FLUSHALL', 'ASYNC'],
      ['TIME', 'x'], ['LASTSAVE', 'x'], ['INFO', 'foo'], ['INFO', 'foo', 'bar'],
      ['SHUTDOWN', 'foo'], ['SHUTDOWN', 'save', 'nosave'], ['SHUTDOWN', 'abort', 'now'], ['SHUTDOWN', 'NOSAVE', 'abort'],
      ['SHUTDOWN', 'abort'],
    ]);
  });

  it('INFO has the same sections for no argument, default, all, everything and names', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    for (const args of [[], ['default'], ['all'], ['everything'], ['server', 'CLIENTS'], ['modules'], ['module_list'],
      ['commandstats', 'keyspace'], ['default', 'commandstats'], ['all', 'foo'], ['latencystats'], ['cluster']]) {
      const ours = parseInfo((await a.call('INFO', ...args)) as string).sections;
      const theirs = parseInfo((await b.call('INFO', ...args)) as string).sections;
      expect(ours, `INFO ${args.join(' ')}`).toEqual(theirs);
    }
    // Every field of an idle Redis's default sections is there.
    const ours = parseInfo((await a.call('INFO', 'everything')) as string).fields;
    const theirs = parseInfo((await b.call('INFO', 'everything')) as string).fields;
    const ignore = /^(cmdstat_|errorstat_|latency_percentiles_usec_|db\d+)/;
    const missing = Object.keys(theirs).filter((k) => !ignore.test(k) && !(k in ours));
    expect(missing).toEqual([]);
    a.close();
    b.close();
  });

  it('INFO is a verbatim string in RESP3 (as Redis 7.0)', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    await a.call('HELLO', '3');
    await b.call('HELLO', '3');
    expect(await a.callRaw('INFO', 'cluster')).toBe(await b.callRaw('INFO', 'cluster'));
    expect(await a.callRaw('INFO', 'foo')).toBe(await b.callRaw('INFO', 'foo'));
    a.close();
    b.close();
  });
});

describe('INFO', () => {
  it('has the fields tools parse, with live values', async () => {
    const c = await RawClient.connect(srv.port);
    await c.call('FLUSHALL');
    await c.call('SET', 'x', '1');
    await c.call('SET', 'y', '2', 'EX', '100');
    await c.call('GET', 'x');
    await c.call('GET', 'nope');
    const raw = (await c.call('INFO')) as string;
    expect(raw.endsWith('\r\n')).toBe(true);
    const { fields, sections } = parseInfo(raw);
    expect(sections).toEqual(['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules',
      'Errorstats', 'Cluster', 'Keyspace']);
    expect(fields.redis_version).toBe('7.0.15');
    expect(fields.redis_mode).toBe('standalone');
    expect(fields.arch_bits).toMatch(/^(32|64)$/);
    expect(fields.process_id).toBe(String(process.pid));
    expect(fields.tcp_port).toBe(String(srv.port));
    expect(Number(fields.uptime_in_seconds)).toBeGreaterThanOrEqual(0);
    expect(fields.uptime_in_days).toBe('0');
    expect(fields.hz).toBe('10');
    expect(fields.executable).toBeDefined();
    expect(fields.config_file).toBe('');
    expect(Number(fields.connected_clients)).toBeGreaterThanOrEqual(1);
    expect(fields.maxclients).toBe('10000');
    expect(Number(fields.used_memory)).toBeGreaterThan(0);
    expect(fields.used_memory_human).toMatch(/^\d+(\.\d\d[KMGTP])?B?$/);
    expect(fields.maxmemory).toBe('0');
    expect(fields.maxmemory_policy).toBe('noeviction');
    expect(fields.loading).toBe('0');
    expect(Number(fields.rdb_changes_since_last_save)).toBeGreaterThanOrEqual(2);
    expect(Number(fields.rdb_last_save_time)).toBeGreaterThan(1e9);
    expect(fields.aof_enabled).toBe('0');
    expect(Number(fields.total_connections_received)).toBeGreaterThanOrEqual(1);
    expect(Number(fields.total_commands_processed)).toBeGreaterThanOrEqual(5);
    expect(fields.instantaneous_ops_per_sec).toMatch(/^\d+$/);
    expect(Number(fields.total_net_input_bytes)).toBeGreaterThan(0);
    expect(Number(fields.total_net_output_bytes)).toBeGreaterThan(0);
    for (const k of ['rejected_connections', 'expired_keys', 'evicted_keys', 'total_error_replies']) {
      expect(fields[k], k).toMatch(/^\d+$/);
    }
    expect(Number(fields.keyspace_hits)).toBeGreaterThanOrEqual(1);
    expect(Number(fields.keyspace_misses)).toBeGreaterThanOrEqual(1);
    expect(fields.role).toBe('master');
    expect(fields.connected_slaves).toBe('0');
    expect(fields.master_replid).toMatch(/^[0-9a-f]{40}$/);
    expect(fields.used_cpu_user).toMatch(/^\d+\.\d{6}$/);
    expect(fields.used_cpu_sys).toMatch(/^\d+\.\d{6}$/);
    expect(fields.cluster_enabled).toBe('0');
    expect(fields.db0).toMatch(/^keys=2,expires=1,avg_ttl=\d+$/);
    c.close();
  });

  it('commandstats counts calls, subcommands, rejected and failed calls', async () => {
    const c = await RawClient.connect(srv.port);
    expect(await c.call('CONFIG', 'RESETSTAT')).toBe('OK');
    for (let i = 0; i < 3; i++) await c.call('PING');
    // PING checks its own arity: a failed call, not a rejected one (as Redis).
    await c.call('PING', 'a', 'b');
    await c.call('ECHO');
    await c.call('CONFIG', 'GET', 'hz');
    await c.call('CONFIG', 'SET', 'hz', 'bad');
    await c.call('NOSUCHCOMMAND');
    const { fields } = parseInfo((await c.call('INFO', 'commandstats', 'errorstats', 'stats')) as string);
    expect(fields.cmdstat_ping).toMatch(/^calls=4,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1$/);
    expect(fields.cmdstat_echo).toBe('calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0');
    expect(fields['cmdstat_config|get']).toMatch(/^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/);
    expect(fields['cmdstat_config|set']).toMatch(/^calls=1,.*,rejected_calls=0,failed_calls=1$/);
    // RESETSTAT itself is counted once it has run.
    expect(fields['cmdstat_config|resetstat']).toMatch(/^calls=1,/);
    expect(fields.errorstat_ERR).toBe('count=4');
    expect(fields.total_error_replies).toBe('4');
    // RESETSTAT, 4 PINGs and 2 CONFIGs; not the rejected calls, nor INFO (counted after it ran).
    expect(fields.total_commands_processed).toBe('7');
    await c.call('CONFIG', 'RESETSTAT');
    const after = parseInfo((await c.call('INFO', 'commandstats', 'errorstats', 'stats')) as string).fields;
    expect(after.cmdstat_ping).toBeUndefined();
    expect(after.errorstat_ERR).toBeUndefined();
    expect(after.total_error_replies).toBe('0');
    expect(after.keyspace_hits).toBe('0');
    expect(after.cmdstat_info).toBeUndefined();
    expect(after['cmdstat_config|resetstat']).toMatch(/^calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0$/);
    c.close();
  });

  it('is a verbatim string in RESP3', async () => {
    const c = await RawClient.connect(srv.port);
    await c.call('HELLO', '3');
    const raw = await c.callRaw('INFO', 'server');
    expect(raw).toMatch(/^=\d+\r\ntxt:# Server\r\nredis_version:7\.0\.15\r\n/);
    c.close();
  });
});

describe('CONFIG', () => {
  it('SET applies every pair or none', async () => {
    const c = await RawClient.connect(srv.port);
    expect(await c.call('CONFIG', 'SET', 'timeout', '50', 'maxmemory', 'nope')).toBeInstanceOf(Error);
    expect(pairs(await c.call('CONFIG', 'GET', 'timeout'))).toEqual({ timeout: '0' });
    expect(await c.call('CONFIG', 'SET', 'maxmemory', '10mb', 'maxmemory-policy', 'allkeys-lru')).toBe('OK');
    expect(pairs(await c.call('CONFIG', 'GET', 'maxmemory*'))).toMatchObject({
      maxmemory: '10485760', 'maxmemory-policy': 'allkeys-lru',
    });
    expect(await c.call('CONFIG', 'SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction')).toBe('OK');
    expect(await c.call('CONFIG', 'SET', 'port', '1')).toEqual(
      new Error("ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config"));
    c.close();
  });

  it('the server keeps working after changing hz, loglevel, maxclients, timeout, proto-max-bulk-len', async () => {
    const s = await startTestServer();
    try {
      const c = await RawClient.connect(s.port);
      expect(await c.call('CONFIG', 'SET', 'hz', '100', 'loglevel', 'warning', 'maxclients', '50', 'timeout', '300')).toBe('OK');
      expect(await c.call('SET', 'k', 'v', 'PX', '30')).toBe('OK');
      expect(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb')).toBe('OK');
      // A 2 MB bulk is now over the limit on this open connection.
      const big = Buffer.alloc(2 * 1024 * 1024, 'a');
      const r = await c.call('SET', 'big', big);
      expect(r).toEqual(new Error('ERR Protocol error: invalid bulk length'));
      await c.waitClosed();
      const d = await RawClient.connect(s.port);
      expect(await d.call('CONFIG', 'SET', 'proto-max-bulk-len', '4mb')).toBe('OK');
      expect(await d.call('SET', 'big', big)).toBe('OK');
      expect(await d.call('STRLEN', 'big')).toBe(big.length);
      const { fields } = parseInfo((await d.call('INFO', 'server', 'clients')) as string);
      expect(fields.hz).toBe('100');
      expect(fields.maxclients).toBe('50');
      expect(pairs(await d.call('CONFIG', 'GET', 'loglevel'))).toEqual({ loglevel: 'warning' });
      expect(await d.call('PING')).toBe('PONG');
      d.close();
    } finally {
      await s.close();
    }
  });

  it('REWRITE writes the config file the server was started with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mini-redis-conf-'));
    const file = join(dir, 'redis.conf');
    writeFileSync(file, '# my settings\nhz 15\ntimeout 0\n');
    const s = await startTestServer({ configFile: file });
    try {
      const c = await RawClient.connect(s.port);
      const { fields } = parseInfo((await c.call('INFO', 'server')) as string);
      expect(fields.config_file).toBe(file);
      expect(await c.call('CONFIG', 'SET', 'hz', '20', 'maxmemory', '1mb')).toBe('OK');
      expect(await c.call('CONFIG', 'REWRITE')).toBe('OK');
      const text = readFileSync(file, 'latin1');
      expect(text).toContain('# my settings\nhz 20\ntimeout 0\n');
      expect(text).toMatch(/\nmaxmemory 1048576\n/);
      c.close();
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('REWRITE without a config file is an error', async () => {
    const c = await RawClient.connect(srv.port);
    expect(await c.call('CONFIG', 'REWRITE')).toEqual(new Error('ERR The server is running without a config file'));
    c.close();
  });
});

describe('keyspace commands', () => {
  it('FLUSHALL empties every database; SWAPDB swaps contents under open connections', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    await a.call('FLUSHALL');
    await a.call('SET', 'in0', 'x');
    await b.call('SELECT', '1');
    await b.call('SET', 'in1', 'y');
    await b.call('SET', 'in1b', 'z');
    expect(await a.call('SWAPDB', '0', '1')).toBe('OK');
    // Clients keep their database number and see the swapped contents.
    expect(await a.call('DBSIZE')).toBe(2);
    expect(await a.call('GET', 'in1')).toBe('y');
    expect(await b.call('GET', 'in0')).toBe('x');
    expect(await a.call('FLUSHDB')).toBe('OK');
    expect(await a.call('DBSIZE')).toBe(0);
    expect(await b.call('DBSIZE')).toBe(1);
    expect(await a.call('FLUSHALL')).toBe('OK');
    expect(await b.call('DBSIZE')).toBe(0);
    a.close();
    b.close();
  });

  it('TIME and LASTSAVE', async () => {
    const c = await RawClient.connect(srv.port);
    const before = Date.now();
    const t = (await c.call('TIME')) as string[];
    expect(t).toHaveLength(2);
    expect(t[0]).toMatch(/^\d+$/);
    expect(t[1]).toMatch(/^\d{1,6}$/);
    const ms = Number(t[0]) * 1000 + Number(t[1]) / 1000;
    expect(Math.abs(ms - before)).toBeLessThan(2000);
    const last = (await c.call('LASTSAVE')) as number;
    expect(Math.abs(last - before / 1000)).toBeLessThan(3600);
    c.close();
  });
});

describe('limits', () => {
  it('maxclients refuses the connection after the limit', async () => {
    const s = await startTestServer({ config: { maxclients: 2 } });
    try {
      const a = await RawClient.connect(s.port);
      const b = await RawClient.connect(s.port);
      expect(await a.call('PING')).toBe('PONG');
      expect(await b.call('PING')).toBe('PONG');
      const c = await RawClient.connect(s.port);
      expect(await c.readRaw()).toBe('-ERR max number of clients reached\r\n');
      await c.waitClosed();
      const { fields } = parseInfo((await a.call('INFO', 'stats', 'clients')) as string);
      expect(fields.rejected_connections).toBe('1');
      expect(fields.total_connections_received).toBe('2');
      expect(fields.connected_clients).toBe('2');
      // Raising the limit at run time lets the next one in.
      expect(await a.call('CONFIG', 'SET', 'maxclients', '3')).toBe('OK');
      const d = await RawClient.connect(s.port);
      expect(await d.call('PING')).toBe('PONG');
      for (const x of [a, b, d]) x.close();
    } finally {
      await s.close();
    }
  });

  it('timeout closes idle clients', async () => {
    const s = await startTestServer({ config: { timeout: 1 } });
    try {
      const idle = await RawClient.connect(s.port);
      expect(await idle.call('PING')).toBe('PONG');
      const start = Date.now();
      await idle.waitClosed();
      const waited = Date.now() - start;
      expect(waited).toBeGreaterThanOrEqual(900);
      expect(waited).toBeLessThan(5000);
    } finally {
      await s.close();
    }
  });
});

describe('SHUTDOWN', () => {
  it('closes the connection without a reply and stops the server', async () => {
    const s = await startTestServer();
    try {
      const c = await RawClient.connect(s.port);
      expect(await c.call('SHUTDOWN', 'ABORT')).toEqual(new Error('ERR No shutdown in progress.'));
      c.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n*1\r\n$4\r\nPING\r\n');
      await c.waitClosed();
      expect(c.pending()).toBe('');
      await expect(new Promise((resolve, reject) => {
        const sock = net.connect({ port: s.port, host: '127.0.0.1' }, () => {
          sock.destroy();
          resolve('connected');
        });
        sock.once('error', reject);
      })).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await s.close();
    }
  });
});

describe('client libraries', () => {
  it('node-redis RESP2 and RESP3: INFO and CONFIG GET', async () => {
    for (const RESP of [2, 3] as const) {
      const client = createClient({ url: `redis://127.0.0.1:${srv.port}`, RESP });
      client.on('error', () => {});
      await client.connect();
      const info = await client.info('server');
      expect(String(info)).toContain('redis_version:7.0.15');
      expect(await client.configGet('maxmemory-policy')).toEqual({ 'maxmemory-policy': 'noeviction' });
      expect(await client.configGet(['timeout', 'databases'])).toEqual({ timeout: '0', databases: '16' });
      expect(await client.dbSize()).toBeTypeOf('number');
      const time = await client.time();
      expect(time).toBeDefined();
      await client.close();
    }
  });

  it('ioredis: INFO and CONFIG', async () => {
    const r = new IORedis({ port: srv.port, host: '127.0.0.1', lazyConnect: true });
    await r.connect();
    expect(await r.info('keyspace')).toMatch(/^# Keyspace\r\n/);
    expect(await r.config('GET', 'databases')).toEqual(['databases', '16']);
    expect(await r.config('SET', 'timeout', '0')).toBe('OK');
    expect(await r.dbsize()).toBeTypeOf('number');
    await r.quit();
  });
});
