// Configuration: the directives the server understands, their types,
// defaults and checks, and the redis.conf / command-line syntax.
//
// One table (PARAMS) serves the config file, `--name value` arguments,
// CONFIG GET/SET/REWRITE and the embedding API, so a directive is declared
// once. Values are kept as the strings CONFIG GET returns, with typed
// accessors; `onChange` listeners let the server react to CONFIG SET.
//
// Persistence directives (save, appendonly, dbfilename ...) are accepted and
// reported now so existing redis.conf files load; they take effect with the
// persistence work.

import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from './errors.js';
import { globMatch } from './keyspace/glob.js';
import { splitArgs } from './protocol/inline.js';

type Kind =
  | { t: 'bool' }
  | { t: 'int'; min: bigint; max: bigint; clamp?: [number, number] }
  | { t: 'memory'; min: bigint; max: bigint }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'string' }
  | { t: 'special'; parse: (args: string[]) => string };

export interface ParamDef {
  name: string;
  kind: Kind;
  default: string;
  /** Cannot be changed with CONFIG SET. */
  immutable?: boolean;
  /** CONFIG SET only where enable-protected-configs allows it (Redis's PROTECTED_CONFIG). */
  protected?: boolean;
  /** Older names still accepted (e.g. the ziplist spellings). */
  aliases?: readonly string[];
  /** More than one argument on a config file line (e.g. `save 900 1 300 10`). */
  multiArg?: boolean;
  /** Combine a new value with the current one (a value that sets only some of its parts). */
  merge?: (current: string, value: string) => string;
  /**
   * How CONFIG GET (and REWRITE) show a value that holds more than Redis
   * prints (notify-keyspace-events); `Config.fullValue` has the whole value.
   */
  show?: (value: string) => string;
}

// Bounds are bigints so that errors print Redis's exact limits (LLONG_MAX).
const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LLONG_MAX = 9223372036854775807n;

const bool = (name: string, def: 'yes' | 'no', extra: Partial<ParamDef> = {}): ParamDef => ({
  name, kind: { t: 'bool' }, default: def, ...extra,
});
const int = (name: string, def: number, min: bigint, max: bigint, extra: Partial<ParamDef> = {}): ParamDef => ({
  name, kind: { t: 'int', min, max }, default: String(def), ...extra,
});
const mem = (name: string, def: number, min = 0n, max = LLONG_MAX, extra: Partial<ParamDef> = {}): ParamDef => ({
  name, kind: { t: 'memory', min, max }, default: String(def), ...extra,
});
const str = (name: string, def: string, extra: Partial<ParamDef> = {}): ParamDef => ({
  name, kind: { t: 'string' }, default: def, ...extra,
});
const enm = (name: string, def: string, values: readonly string[], extra: Partial<ParamDef> = {}): ParamDef => ({
  name, kind: { t: 'enum', values }, default: def, ...extra,
});

export const PARAMS: readonly ParamDef[] = [
  // network
  int('port', 6379, 0n, 65535n, { immutable: true }),
  {
    name: 'bind', kind: { t: 'special', parse: (a) => a.join(' ') }, default: '127.0.0.1 -::1',
    immutable: true, multiArg: true,
  },
  bool('protected-mode', 'yes'),
  int('timeout', 0, 0n, INT_MAX),
  int('tcp-keepalive', 300, 0n, INT_MAX),
  int('tcp-backlog', 511, 0n, INT_MAX, { immutable: true }),
  int('maxclients', 10000, 1n, UINT_MAX),
  str('requirepass', ''),
  // general
  bool('daemonize', 'no', { immutable: true }),
  str('pidfile', '', { immutable: true }),
  enm('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning']),
  str('logfile', '', { immutable: true }),
  int('databases', 16, 1n, INT_MAX, { immutable: true }),
  { name: 'hz', kind: { t: 'int', min: 0n, max: INT_MAX, clamp: [1, 500] }, default: '10' },
  bool('dynamic-hz', 'yes'),
  bool('always-show-logo', 'no', { immutable: true }),
  bool('set-proc-title', 'yes', { immutable: true }),
  enm('supervised', 'no', ['upstart', 'systemd', 'auto', 'no'], { immutable: true }),
  int('io-threads', 1, 1n, 128n, { immutable: true }),
  enm('enable-debug-command', 'no', ['no', 'yes', 'local'], { immutable: true }),
  enm('enable-protected-configs', 'no', ['no', 'yes', 'local'], { immutable: true }),
  // limits
  mem('proto-max-bulk-len', 512 * 1024 * 1024, 1024n * 1024n, LLONG_MAX),
  mem('client-query-buffer-limit', 1024 * 1024 * 1024, 1024n * 1024n, LLONG_MAX),
  mem('maxmemory', 0),
  enm('maxmemory-policy', 'noeviction', [
    'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
    'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction',
  ]),
  int('maxmemory-samples', 5, 1n, INT_MAX),
  int('lfu-log-factor', 10, 0n, INT_MAX),
  int('lfu-decay-time', 1, 0n, INT_MAX),
  int('active-expire-effort', 1, 1n, 10n),
  // client-side caching (src/tracking.ts)
  int('tracking-table-max-keys', 1000000, 0n, LLONG_MAX),
  bool('lazyfree-lazy-eviction', 'no'),
  bool('lazyfree-lazy-expire', 'no'),
  bool('lazyfree-lazy-server-del', 'no'),
  bool('lazyfree-lazy-user-del', 'no'),
  bool('lazyfree-lazy-user-flush', 'no'),
  { name: 'notify-keyspace-events', kind: { t: 'special', parse: parseKeyspaceEvents }, default: '', show: showKeyspaceEvents },
  int('slowlog-log-slower-than', 10000, -1n, LLONG_MAX),
  int('slowlog-max-len', 128, 0n, LLONG_MAX),
  int('latency-monitor-threshold', 0, 0n, LLONG_MAX),
  bool('activerehashing', 'yes'),
  // encodings reported by OBJECT ENCODING for collections
  int('list-max-listpack-size', -2, INT_MIN, INT_MAX, { aliases: ['list-max-ziplist-size'] }),
  int('list-compress-depth', 0, 0n, INT_MAX),
  int('hash-max-listpack-entries', 512, 0n, LLONG_MAX, { aliases: ['hash-max-ziplist-entries'] }),
  mem('hash-max-listpack-value', 64, 0n, LLONG_MAX, { aliases: ['hash-max-ziplist-value'] }),
  int('set-max-intset-entries', 512, 0n, LLONG_MAX),
  int('zset-max-listpack-entries', 128, 0n, LLONG_MAX, { aliases: ['zset-max-ziplist-entries'] }),
  mem('zset-max-listpack-value', 64, 0n, LLONG_MAX, { aliases: ['zset-max-ziplist-value'] }),
  // persistence (accepted now; used by the persistence layer)
  str('dir', './data', { protected: true }),
  str('dbfilename', 'dump.rdb', { protected: true }),
  {
    name: 'save', kind: { t: 'special', parse: parseSave }, default: '3600 1 300 100 60 10000', multiArg: true,
  },
  bool('rdbcompression', 'yes'),
  bool('rdbchecksum', 'yes'),
  bool('stop-writes-on-bgsave-error', 'yes'),
  bool('appendonly', 'no'),
  str('appendfilename', 'appendonly.aof', { immutable: true }),
  str('appenddirname', 'appendonlydir', { immutable: true }),
  enm('appendfsync', 'everysec', ['everysec', 'always', 'no']),
  bool('no-appendfsync-on-rewrite', 'no'),
  int('auto-aof-rewrite-percentage', 100, 0n, INT_MAX),
  mem('auto-aof-rewrite-min-size', 64 * 1024 * 1024, 0n, LLONG_MAX),
  bool('aof-load-truncated', 'yes'),
  bool('aof-use-rdb-preamble', 'yes'),
  bool('aof-timestamp-enabled', 'no'),
  // clients
  {
    name: 'client-output-buffer-limit', kind: { t: 'special', parse: parseOutputLimits },
    default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    multiArg: true, merge: mergeOutputLimits,
  },
];

const OUTPUT_CLASSES = ['normal', 'slave', 'pubsub'] as const;

/**
 * client-output-buffer-limit: groups of <class> <hard> <soft> <soft seconds>,
 * class normal, replica (slave) or pubsub, sizes in memory units. Normalised
 * to bytes, with the class spelled as Redis 7.0 prints it.
 */
function parseOutputLimits(args: string[]): string {
  // An empty value sets no class (and so changes nothing), as in Redis.
  if (args.length === 1 && args[0] === '') return '';
  if (args.length % 4 !== 0 || args.length === 0) {
    throw new ConfigError('Wrong number of arguments in buffer limit configuration.');
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 4) {
    const name = args[i]!.toLowerCase();
    const cls = name === 'replica' ? 'slave' : name;
    if (!(OUTPUT_CLASSES as readonly string[]).includes(cls)) {
      throw new ConfigError('Invalid client class specified in buffer limit configuration.');
    }
    const hard = parseMemory(args[i + 1]!);
    const soft = parseMemory(args[i + 2]!);
    const secs = /^-?\d+$/.test(args[i + 3]!) ? parseInt(args[i + 3]!, 10) : NaN;
    if (hard === null || soft === null || hard < 0 || soft < 0 || Number.isNaN(secs) || secs < 0) {
      throw new ConfigError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    out.push(cls, String(hard), String(soft), String(secs));
  }
  return out.join(' ');
}

/** Classes not named keep their limits; the value always lists all three, in Redis's order. */
function mergeOutputLimits(current: string, value: string): string {
  const byClass = new Map<string, string>();
  for (const v of [current, value]) {
    const p = v.split(' ');
    for (let i = 0; i + 3 < p.length; i += 4) byClass.set(p[i]!, p.slice(i, i + 4).join(' '));
  }
  return OUTPUT_CLASSES.map((c) => byClass.get(c)).filter((x) => x !== undefined).join(' ');
}

/**
 * notify-keyspace-events: validate the class characters and normalise them
 * the way Redis prints them back ("KEA" reads back as "AKE").
 */
function parseKeyspaceEvents(args: string[]): string {
  if (args.length !== 1) throw new ConfigError('wrong number of arguments');
  const classes = 'g$lshzxetd'; // what 'A' stands for
  const seen = new Set<string>();
  for (const ch of args[0]!) {
    if (ch === 'A') for (const x of classes) seen.add(x);
    else if ((classes + 'KEmn').includes(ch)) seen.add(ch);
    else throw new ConfigError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  }
  // Redis 7.0's keyspaceEventsFlagsToString prints 'n' after the classes,
  // and not at all after 'A' ("KEAnm" reads back as "AKEm", 'n' still on):
  // the value kept here ends with 'n' then, and showKeyspaceEvents drops it.
  const all = [...classes].every((x) => seen.has(x));
  let out = all ? 'A' : [...classes].filter((x) => seen.has(x)).join('');
  if (!all && seen.has('n')) out += 'n';
  for (const x of 'KEm') if (seen.has(x)) out += x;
  if (all && seen.has('n')) out += 'n';
  return out;
}

/** CONFIG GET's form of a notify-keyspace-events value: Redis does not print 'n' after 'A'. */
function showKeyspaceEvents(v: string): string {
  return v.startsWith('A') && v.endsWith('n') ? v.slice(0, -1) : v;
}

function parseSave(args: string[]): string {
  // `save ""` disables snapshots; otherwise pairs of <seconds> <changes>.
  if (args.length === 1 && args[0] === '') return '';
  if (args.length % 2 !== 0) throw new ConfigError('Invalid save parameters');
  for (const a of args) {
    if (!/^\d+$/.test(a)) throw new ConfigError('Invalid save parameters');
  }
  return args.map((a) => String(parseInt(a, 10))).join(' ');
}

const BY_NAME = new Map<string, ParamDef>();
for (const p of PARAMS) {
  BY_NAME.set(p.name, p);
  for (const a of p.aliases ?? []) BY_NAME.set(a, p);
}

export function findParam(name: string): ParamDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Parse "1gb", "100mb", "10k", "512" into bytes; null when not a memory value. */
export function parseMemory(s: string): number | null {
  const m = /^(-?\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(s);
  if (!m) return null;
  const n = parseInt(m[1]!, 10);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mul: Record<string, number> = {
    b: 1, k: 1000, kb: 1024, m: 1000 * 1000, mb: 1024 * 1024, g: 1000 * 1000 * 1000, gb: 1024 * 1024 * 1024,
  };
  return n * mul[unit]!;
}

/** Check and normalise a value; throws ConfigError with Redis's wording. */
export function normalizeValue(p: ParamDef, args: string[]): string {
  const k = p.kind;
  if (k.t === 'special') return k.parse(args);
  if (args.length !== 1) throw new ConfigError('wrong number of arguments');
  const v = args[0]!;
  switch (k.t) {
    case 'bool': {
      const l = v.toLowerCase();
      if (l !== 'yes' && l !== 'no') throw new ConfigError("argument must be 'yes' or 'no'");
      return l;
    }
    case 'int': {
      if (!/^-?\d+$/.test(v)) throw new ConfigError("argument couldn't be parsed into an integer");
      const n = BigInt(v);
      if (n < k.min || n > k.max) throw new ConfigError(`argument must be between ${k.min} and ${k.max} inclusive`);
      // Some settings accept a wide range and clamp it, as Redis's hz does.
      if (k.clamp !== undefined) return String(Math.min(Math.max(Number(n), k.clamp[0]), k.clamp[1]));
      return String(n);
    }
    case 'memory': {
      const n = parseMemory(v);
      if (n === null || n < 0) throw new ConfigError('argument must be a memory value');
      if (BigInt(n) < k.min || BigInt(n) > k.max) throw new ConfigError(`argument must be between ${k.min} and ${k.max} inclusive`);
      return String(n);
    }
    case 'enum': {
      const l = v.toLowerCase();
      if (!k.values.includes(l)) {
        throw new ConfigError(`argument(s) must be one of the following: ${k.values.join(', ')}`);
      }
      return l;
    }
    case 'string':
      return v;
  }
}

export type ConfigListener = (name: string, value: string) => void;

export class Config {
  private readonly values = new Map<string, string>();
  /** The config file given at start-up, for CONFIG REWRITE. */
  file: string | null = null;
  private readonly listeners: ConfigListener[] = [];
  /** The whole values of parameters shown otherwise (ParamDef.show). */
  private readonly full = new Map<string, string>();

  constructor() {
    for (const p of PARAMS) this.values.set(p.name, p.default);
  }

  get(name: string): string {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`unknown config ${name}`);
    return v;
  }

  int(name: string): number {
    return parseInt(this.get(name), 10);
  }

  bool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /** The whole value of a parameter whose shown value (get) may drop a part (ParamDef.show). */
  fullValue(name: string): string {
    return this.full.get(name) ?? this.get(name);
  }

  /** Listeners receive the whole value (see fullValue). */
  onChange(l: ConfigListener): void {
    this.listeners.push(l);
  }

  /** Set a value already normalised (no immutability check). */
  setRaw(name: string, value: string): void {
    const p = BY_NAME.get(name);
    const old = this.full.get(name) ?? this.values.get(name);
    const merge = p?.merge;
    if (merge !== undefined && old !== undefined) value = merge(old, value);
    if (p?.show !== undefined) {
      this.full.set(name, value);
      this.values.set(name, p.show(value));
    } else {
      this.values.set(name, value);
    }
    if (old !== value) for (const l of this.listeners) l(name, value);
  }

  /** Set from directive arguments; throws ConfigError. */
  set(name: string, args: string[]): void {
    const p = findParam(name);
    if (p === undefined) throw new ConfigError('Bad directive or wrong number of arguments');
    this.setRaw(p.name, normalizeValue(p, args));
  }

  /** Parameters matching a glob pattern, as [name, value] pairs (CONFIG GET). */
  match(pattern: string): [string, string][] {
    const out: [string, string][] = [];
    const exact = findParam(pattern);
    if (exact !== undefined && !/[*?[]/.test(pattern)) {
      return [[pattern.toLowerCase(), this.get(exact.name)]];
    }
    for (const p of PARAMS) {
      if (globMatch(pattern, p.name, true)) out.push([p.name, this.get(p.name)]);
    }
    return out;
  }

  /**
   * Load redis.conf text. `save` lines accumulate like Redis's; `include`
   * reads another file. Errors name the line, as redis-server does.
   */
  loadText(text: string): void {
    const lines = text.split('\n');
    let saveSeen = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '' || line.startsWith('#')) continue;
      const args = splitArgs(line);
      const fail = (why: string): never => {
        throw new ConfigError(
          `\n*** FATAL CONFIG FILE ERROR (mini-redis) ***\n` +
          `Reading the configuration file, at line ${i + 1}\n>>> '${line}'\n${why}`,
        );
      };
      if (args === null) fail('Unbalanced quotes in configuration line');
      const [name, ...rest] = args!;
      const lname = name!.toLowerCase();
      if (lname === 'include') {
        if (rest.length !== 1) fail('Bad directive or wrong number of arguments');
        let inc: string;
        try {
          inc = readFileSync(rest[0]!, 'latin1');
        } catch (e) {
          fail(`Fatal error, can't open config file '${rest[0]}': ${(e as Error).message}`);
        }
        this.loadText(inc!);
        continue;
      }
      const p = findParam(lname);
      if (p === undefined || (!p.multiArg && rest.length !== 1) || rest.length === 0) {
        fail('Bad directive or wrong number of arguments');
      }
      if (p!.name === 'daemonize' && rest[0]!.toLowerCase() === 'yes') {
        fail('daemonize yes is not supported: run the server under a process supervisor instead');
      }
      try {
        let value = normalizeValue(p!, rest);
        if (p!.name === 'save' && saveSeen && value !== '') {
          const prev = this.get('save');
          value = prev === '' ? value : `${prev} ${value}`;
        }
        if (p!.name === 'save') saveSeen = true;
        this.setRaw(p!.name, value);
      } catch (e) {
        if (e instanceof ConfigError) fail(e.message);
        throw e;
      }
    }
  }

  loadFile(path: string): void {
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (e) {
      throw new ConfigError(`Fatal error, can't open config file '${path}': ${(e as Error).message}`);
    }
    this.file = path;
    this.loadText(text);
  }

  /**
   * CONFIG REWRITE: keep the file's comments and order, replace the lines of
   * directives whose value differs from the file, append new ones.
   */
  rewrite(): void {
    if (this.file === null) throw new ConfigError('The server is running without a config file');
    let text = '';
    try {
      text = readFileSync(this.file, 'latin1');
    } catch {
      text = '';
    }
    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    const done = new Set<string>();
    const out: string[] = [];
    for (const line of lines) {
      const t = line.trim();
      const args = t === '' || t.startsWith('#') ? null : splitArgs(t);
      const p = args && args.length > 0 ? findParam(args[0]!) : undefined;
      if (p === undefined) {
        out.push(line);
        continue;
      }
      if (done.has(p.name)) continue; // later duplicates are folded into the first
      done.add(p.name);
      out.push(formatDirective(p, this.get(p.name)));
    }
    const changed = PARAMS.filter((p) => !done.has(p.name) && this.get(p.name) !== p.default);
    if (changed.length > 0) {
      out.push('# Generated by CONFIG REWRITE');
      for (const p of changed) out.push(formatDirective(p, this.get(p.name)));
    }
    writeFileSync(this.file, out.join('\n') + '\n', 'latin1');
  }
}

function quote(v: string): string {
  if (v !== '' && /^[\x21-\x7e]+$/.test(v) && !/["'\\]/.test(v)) return v;
  let s = '"';
  for (const ch of v) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') s += '\\' + ch;
    else if (ch === '\n') s += '\\n';
    else if (ch === '\r') s += '\\r';
    else if (ch === '\t') s += '\\t';
    else if (c < 32 || c > 126) s += '\\x' + c.toString(16).padStart(2, '0');
    else s += ch;
  }
  return s + '"';
}

function formatDirective(p: ParamDef, v: string): string {
  if (p.name === 'save') {
    if (v === '') return 'save ""';
    return `save ${v}`;
  }
  if (p.multiArg) return `${p.name} ${v.split(' ').map(quote).join(' ')}`;
  return `${p.name} ${quote(v)}`;
}

/**
 * Command-line arguments as redis-server takes them: an optional config file
 * first (or '-' for standard input), then `--name value ...` pairs, which
 * override the file. Returns the config file path (or null) and the options
 * as config-file text.
 */
export function parseCommandLine(argv: readonly string[]): { file: string | null; text: string } {
  let i = 0;
  let file: string | null = null;
  if (argv.length > 0 && !argv[0]!.startsWith('--')) {
    file = argv[0]!;
    i = 1;
  }
  const lines: string[] = [];
  let cur: string[] | null = null;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--') && a.length > 2) {
      if (cur !== null) lines.push(cur.join(' '));
      cur = [a.slice(2)];
    } else {
      if (cur === null) throw new ConfigError(`Invalid argument '${a}': options are given as --name value`);
      cur.push(quote(a));
    }
  }
  if (cur !== null) lines.push(cur.join(' '));
  return { file, text: lines.join('\n') };
}
