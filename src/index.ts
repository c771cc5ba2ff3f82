// Public API for embedding: start a real mini-redis server inside a Node
// process (for a test suite, say) and close it again.
//
//   import { startServer } from 'mini-redis';
//   const srv = await startServer({ port: 0 });
//   // ... connect any Redis client to 127.0.0.1:srv.port ...
//   await srv.close();

import { mkdirSync } from 'node:fs';
import { Config, normalizeValue, findParam } from './config.js';
import { ConfigError } from './errors.js';
import type { Clock } from './keyspace/clock.js';
import { Server } from './server.js';
import { loadDataFromDisk } from './persistence/load.js';

export interface StartOptions {
  /** TCP port; 0 picks a free one (see `port` on the handle). Default 6379. */
  port?: number;
  /** Addresses to bind, as the `bind` directive. Default loopback only. */
  bind?: string;
  /** A redis.conf file to load first. */
  configFile?: string;
  /** Any other directive by its redis.conf name, e.g. { requirepass: 's3cret', databases: 4 }. */
  config?: Record<string, string | number | boolean>;
  /** Keep everything in memory: no files are read or written. Default true when embedded. */
  inMemory?: boolean;
  /** Log in Redis's format to stdout (or `logfile`). Default false when embedded. */
  log?: boolean;
  /** A clock for expiry (tests). */
  clock?: Clock;
}

export interface ServerHandle {
  /** The port actually bound. */
  readonly port: number;
  readonly host: string;
  /** The server itself, for advanced use (tests, introspection). */
  readonly server: Server;
  close(): Promise<void>;
}

export function buildConfig(opts: StartOptions): Config {
  const config = new Config();
  if (opts.configFile !== undefined) config.loadFile(opts.configFile);
  const set = (name: string, value: string | number | boolean) => {
    const p = findParam(name);
    if (p === undefined) throw new ConfigError(`Unknown configuration directive '${name}'`);
    const v = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
    const args = p.multiArg ? (v === '' ? [''] : v.split(' ')) : [v];
    try {
      config.setRaw(p.name, normalizeValue(p, args));
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`Bad value for '${name}': ${e.message}`);
      throw e;
    }
  };
  // In-memory mode: no snapshots and no append-only file, whatever a config
  // file says, so an embedded server never reads or writes the disk.
  if (opts.inMemory !== false) {
    set('save', '');
    set('appendonly', 'no');
  }
  for (const [k, v] of Object.entries(opts.config ?? {})) set(k, v);
  if (opts.port !== undefined) set('port', opts.port);
  if (opts.bind !== undefined) set('bind', opts.bind);
  return config;
}

export async function startServer(opts: StartOptions = {}): Promise<ServerHandle> {
  const config = buildConfig(opts);
  const server = new Server(config, opts.clock);
  server.log.silent = opts.log !== true;
  // The dataset on disk (AOF or RDB) is loaded before anyone can connect;
  // a file that cannot be used stops start-up with the reason (LoadError).
  if (opts.inMemory === false) {
    mkdirSync(config.get('dir'), { recursive: true });
    loadDataFromDisk(server);
  }
  try {
    await server.listen();
  } catch (e) {
    await server.close();
    throw e;
  }
  const host = config.get('bind').split(' ').find((b) => !b.startsWith('-')) ?? '127.0.0.1';
  return {
    port: server.boundPort,
    host: host === '*' ? '127.0.0.1' : host,
    server,
    close: () => server.close(),
  };
}

export { Server } from './server.js';
export { Config } from './config.js';
export { ManualClock } from './keyspace/clock.js';
export type { Clock } from './keyspace/clock.js';
