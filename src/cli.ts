// The mini-redis-server command: `mini-redis-server [redis.conf] [--name value ...]`.
// Loads the configuration (file first, then options), serves, and exits 0
// on SIGINT/SIGTERM or SHUTDOWN, 1 on a configuration or start-up error.

import { mkdirSync, readFileSync } from 'node:fs';
import { Config, parseCommandLine } from './config.js';
import { ConfigError } from './errors.js';
import { Server } from './server.js';
import { LoadError, loadDataFromDisk } from './persistence/load.js';
import { MINI_REDIS_VERSION, VERSION } from './version.js';

function usage(): void {
  process.stdout.write(
    'Usage: mini-redis-server [/path/to/redis.conf] [options]\n' +
    '       mini-redis-server - (read config from stdin)\n' +
    '       mini-redis-server -v or --version\n' +
    '       mini-redis-server -h or --help\n\n' +
    'Examples:\n' +
    '       mini-redis-server (run the server with default config)\n' +
    '       mini-redis-server /etc/redis/6379.conf\n' +
    '       mini-redis-server --port 7777\n' +
    '       mini-redis-server --port 7777 --requirepass secret\n' +
    '       mini-redis-server /etc/myredis.conf --loglevel verbose\n',
  );
}

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === '-v' || argv[0] === '--version') {
    process.stdout.write(`mini-redis server v=${MINI_REDIS_VERSION} redis_version=${VERSION} node=${process.version}\n`);
    return;
  }
  if (argv[0] === '-h' || argv[0] === '--help') {
    usage();
    return;
  }
  const config = new Config();
  let server: Server;
  try {
    const { file, text } = parseCommandLine(argv);
    if (file === '-') config.loadText(readFileSync(0, 'latin1'));
    else if (file !== null) config.loadFile(file);
    config.loadText(text);
    // The data directory is created on demand so `npm start` works on a fresh clone.
    mkdirSync(config.get('dir'), { recursive: true });
    server = new Server(config);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  server.log.notice(`mini-redis ${MINI_REDIS_VERSION} (Redis ${VERSION} compatible), pid=${process.pid}, just started`);
  server.log.notice(
    config.file === null
      ? 'Warning: no config file specified, using the default config. In order to specify a config file use mini-redis-server /path/to/redis.conf'
      : `Configuration loaded from ${config.file}`,
  );
  // Signals are handled before the first client can connect, so a SIGTERM
  // right after "Ready to accept connections" is a clean shutdown too.
  server.onShutdown = (code) => process.exit(code);
  const onSignal = (sig: string) => {
    void server.shutdown(`Received ${sig}`);
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  try {
    loadDataFromDisk(server);
  } catch (e) {
    if (!(e instanceof LoadError)) throw e;
    server.log.warning(e.message);
    process.exit(1);
  }
  try {
    await server.listen();
  } catch (e) {
    server.log.warning((e as Error).message);
    process.exit(1);
  }
  server.log.notice(`Running mode=standalone, port=${server.boundPort}.`);
}
