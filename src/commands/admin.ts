// Server commands: INFO, CONFIG (GET, SET, RESETSTAT, REWRITE, HELP),
// DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, SHUTDOWN (LASTSAVE is in snapshot.ts).
//
// INFO follows Redis 7.0's section names, order and field names so that
// tools parsing it work; fields that have no meaning here (allocator,
// fork, cluster ...) carry the values an idle standalone Redis shows.
// Subsystems add or override fields of any section (Subsystem.infoFields:
// blocked clients, persistence status, pub/sub counts ...) without touching
// this file.

import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { resolve } from 'node:path';
import { allowProtectedAction, type Client } from '../client.js';
import { findParam, normalizeValue, PARAMS, type ParamDef } from '../config.js';
import { ConfigError, E, RedisError } from '../errors.js';
import { globMatch } from '../keyspace/glob.js';
import type { Server, ShutdownFlags } from '../server.js';
import type { InfoFields } from '../engine/subsystem.js';
import { MINI_REDIS_VERSION, VERSION } from '../version.js';
import { replyHelp } from './connection.js';
import { int32Arg } from '../engine/args.js';
import type { CommandSpec } from '../engine/table.js';
import { NO_KEYS } from '../engine/table.js';

// ---- INFO -----------------------------------------------------------------

/** Per-server identities INFO reports: random at start, as Redis's. */
interface ServerIds {
  runId: string;
  replId: string;
  peakMemory: number;
}
const ids = new WeakMap<Server, ServerIds>();

function idsOf(s: Server): ServerIds {
  let v = ids.get(s);
  if (v === undefined) {
    v = { runId: randomBytes(20).toString('hex'), replId: randomBytes(20).toString('hex'), peakMemory: 0 };
    ids.set(s, v);
  }
  return v;
}

/** Redis's bytesToHuman. */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let d = n / 1024;
  for (const u of units) {
    if (d < 1024 || u === 'P') return `${d.toFixed(2)}${u}`;
    d /= 1024;
  }
  return `${n}B`;
}

function usedMemory(s: Server): { used: number; rss: number; peak: number; startup: number } {
  const m = process.memoryUsage();
  // Live data: the heap in use, less what was just freed and not yet collected.
  const used = s.reclaimer.liveBytes();
  const ids = idsOf(s);
  if (used > ids.peakMemory) ids.peakMemory = used;
  return { used, rss: m.rss, peak: ids.peakMemory, startup: 0 };
}

function serverSection(s: Server): InfoFields {
  const now = Date.now();
  const uptime = Math.floor((now - s.stats.startTime) / 1000);
  const hz = s.config.int('hz');
  const platform = process.platform;
  return [
    ['redis_version', VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.machine()}`],
    ['arch_bits', process.arch.endsWith('64') ? 64 : 32],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', platform === 'linux' ? 'epoll' : platform === 'win32' ? 'iocp' : 'kqueue'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', idsOf(s).runId],
    ['tcp_port', s.boundPort],
    ['server_time_usec', Math.floor((performance.timeOrigin + performance.now()) * 1000)],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', hz],
    ['configured_hz', hz],
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', resolve(process.argv[1] ?? process.execPath)],
    ['config_file', s.config.file === null ? '' : resolve(s.config.file)],
    ['io_threads_active', 0],
    ['mini_redis_version', MINI_REDIS_VERSION],
    ['node_version', process.version],
  ];
}

function clientsSection(s: Server): InfoFields {
  return [
    ['connected_clients', s.clients.size],
    ['cluster_connections', 0],
    ['maxclients', s.config.int('maxclients')],
    ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', 0],
    ['blocked_clients', 0],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', 0],
  ];
}

function memorySection(s: Server): InfoFields {
  const m = usedMemory(s);
  const maxmemory = Number(s.config.get('maxmemory'));
  const total = os.totalmem();
  return [
    ['used_memory', m.used],
    ['used_memory_human', bytesToHuman(m.used)],
    ['used_memory_rss', m.rss],
    ['used_memory_rss_human', bytesToHuman(m.rss)],
    ['used_memory_peak', m.peak],
    ['used_memory_peak_human', bytesToHuman(m.peak)],
    ['used_memory_peak_perc', `${((m.used / m.peak) * 100).toFixed(2)}%`],
    ['used_memory_overhead', 0],
    ['used_memory_startup', m.startup],
    ['used_memory_dataset', m.used],
    ['used_memory_dataset_perc', '100.00%'],
    ['allocator_allocated', m.used],
    ['allocator_active', m.used],
    ['allocator_resident', m.rss],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    ['used_memory_lua', 0],
    ['used_memory_vm_eval', 0],
    ['used_memory_lua_human', '0B'],
    ['used_memory_scripts_eval', 0],
    ['number_of_cached_scripts', 0],
    ['number_of_functions', 0],
    ['number_of_libraries', 0],
    ['used_memory_vm_functions', 0],
    ['used_memory_vm_total', 0],
    ['used_memory_vm_total_human', '0B'],
    ['used_memory_functions', 0],
    ['used_memory_scripts', 0],
    ['used_memory_scripts_human', '0B'],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', s.config.get('maxmemory-policy')],
    ['allocator_frag_ratio', '1.00'],
    ['allocator_frag_bytes', 0],
    ['allocator_rss_ratio', (m.rss / Math.max(1, m.used)).toFixed(2)],
    ['allocator_rss_bytes', m.rss - m.used],
    ['rss_overhead_ratio', '1.00'],
    ['rss_overhead_bytes', 0],
    ['mem_fragmentation_ratio', (m.rss / Math.max(1, m.used)).toFixed(2)],
    ['mem_fragmentation_bytes', m.rss - m.used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', 0],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', `node-${process.version}`],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

function persistenceSection(s: Server): InfoFields {
  return [
    ['loading', 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', 0],
    ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', s.keyspace.dirty],
    ['rdb_bgsave_in_progress', 0],
    ['rdb_last_save_time', s.stats.lastSave],
    ['rdb_last_bgsave_status', 'ok'],
    ['rdb_last_bgsave_time_sec', -1],
    ['rdb_current_bgsave_time_sec', -1],
    ['rdb_saves', 0],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', 0],
    ['rdb_last_load_keys_loaded', 0],
    ['aof_enabled', s.config.bool('appendonly') ? 1 : 0],
    ['aof_rewrite_in_progress', 0],
    ['aof_rewrite_scheduled', 0],
    ['aof_last_rewrite_time_sec', -1],
    ['aof_current_rewrite_time_sec', -1],
    ['aof_last_bgrewrite_status', 'ok'],
    ['aof_rewrites', 0],
    ['aof_rewrites_consecutive_failures', 0],
    ['aof_last_write_status', 'ok'],
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  ];
}

function statsSection(s: Server): InfoFields {
  const st = s.stats;
  const ks = s.keyspace.stats;
  const samples = st.opsSamples;
  let ops = 0;
  for (const v of samples) ops += v;
  ops = samples.length === 0 ? 0 : Math.round(ops / samples.length);
  return [
    ['total_connections_received', st.totalConnections],
    ['total_commands_processed', s.dispatcher.totalCommands],
    ['instantaneous_ops_per_sec', ops],
    ['total_net_input_bytes', st.netInputBytes],
    ['total_net_output_bytes', st.netOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', '0.00'],
    ['instantaneous_output_kbps', '0.00'],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', st.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', ks.expiredKeys],
    ['expired_stale_perc', ks.expiredStalePerc.toFixed(2)],
    ['expired_time_cap_reached_count', ks.expiredTimeCapReachedCount],
    ['expire_cycle_cpu_milliseconds', Math.round(ks.expireCycleCpuMs)],
    ['evicted_keys', 0],
    ['evicted_clients', 0],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', ks.keyspaceHits],
    ['keyspace_misses', ks.keyspaceMisses],
    ['pubsub_channels', 0],
    ['pubsub_patterns', 0],
    ['pubsubshard_channels', 0],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', 0],
    ['tracking_total_items', 0],
    ['tracking_total_prefixes', 0],
    ['unexpected_error_replies', 0],
    ['total_error_replies', s.dispatcher.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', 0],
    ['total_writes_processed', 0],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ];
}

function replicationSection(s: Server): InfoFields {
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', idsOf(s).replId],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

function cpuSection(): InfoFields {
  const u = process.cpuUsage();
  const sys = (u.system / 1e6).toFixed(6);
  const user = (u.user / 1e6).toFixed(6);
  return [
    ['used_cpu_sys', sys],
    ['used_cpu_user', user],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', sys],
    ['used_cpu_user_main_thread', user],
  ];
}

function commandstatsSection(s: Server): InfoFields {
  const out: InfoFields = [];
  for (const cmd of s.table.all()) {
    const st = cmd.stats;
    if (st.calls === 0 && st.failedCalls === 0 && st.rejectedCalls === 0) continue;
    const usec = Math.floor(st.usec);
    const perCall = st.calls === 0 ? 0 : st.usec / st.calls;
    out.push([`cmdstat_${cmd.fullName}`,
      `calls=${st.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},` +
      `rejected_calls=${st.rejectedCalls},failed_calls=${st.failedCalls}`]);
  }
  return out;
}

function errorstatsSection(s: Server): InfoFields {
  // Redis keeps them in a radix tree: sorted by code.
  const codes = [...s.dispatcher.errorStats.keys()].sort();
  return codes.map((code) => [`errorstat_${code}`, `count=${s.dispatcher.errorStats.get(code)!}`]);
}

function keyspaceSection(s: Server): InfoFields {
  const out: InfoFields = [];
  for (const db of s.keyspace.dbs) {
    const keys = db.dict.size;
    const expires = db.expires.size;
    if (keys === 0 && expires === 0) continue;
    out.push([`db${db.id}`, `keys=${keys},expires=${expires},avg_ttl=${Math.round(db.avgTtl)}`]);
  }
  return out;
}

interface Section {
  name: string;
  title: string;
  /** Sections that also answer to another name (INFO module_list). */
  alias?: string;
  inDefault: boolean;
  fields: (s: Server) => InfoFields;
}

const SECTIONS: readonly Section[] = [
  { name: 'server', title: 'Server', inDefault: true, fields: serverSection },
  { name: 'clients', title: 'Clients', inDefault: true, fields: clientsSection },
  { name: 'memory', title: 'Memory', inDefault: true, fields: memorySection },
  { name: 'persistence', title: 'Persistence', inDefault: true, fields: persistenceSection },
  { name: 'stats', title: 'Stats', inDefault: true, fields: statsSection },
  { name: 'replication', title: 'Replication', inDefault: true, fields: replicationSection },
  { name: 'cpu', title: 'CPU', inDefault: true, fields: cpuSection },
  { name: 'module_list', alias: 'modules', title: 'Modules', inDefault: true, fields: () => [] },
  { name: 'commandstats', title: 'Commandstats', inDefault: false, fields: commandstatsSection },
  { name: 'errorstats', title: 'Errorstats', inDefault: true, fields: errorstatsSection },
  { name: 'latencystats', title: 'Latencystats', inDefault: false, fields: () => [] },
  { name: 'cluster', title: 'Cluster', inDefault: true, fields: () => [['cluster_enabled', 0]] },
  { name: 'keyspace', title: 'Keyspace', inDefault: true, fields: keyspaceSection },
];

function sectionFields(s: Server, sec: Section): InfoFields {
  const fields = sec.fields(s);
  for (const sub of s.subsystems) {
    const extra = sub.infoFields?.(sec.name);
    if (extra === undefined) continue;
    for (const [k, v] of extra) {
      const i = fields.findIndex((f) => f[0] === k);
      if (i >= 0) fields[i] = [k, v];
      else fields.push([k, v]);
    }
  }
  return fields;
}

/**
 * genRedisInfoString: no argument means the default sections; "default",
 * "all" (every section) and "everything" (all, plus module sections) may be
 * mixed with section names; unknown names add nothing.
 */
export function infoString(s: Server, args: readonly string[]): string {
  let all = false;
  const wanted = new Set<string>();
  if (args.length === 0) {
    for (const sec of SECTIONS) if (sec.inDefault) wanted.add(sec.name);
  }
  for (const a of args) {
    const l = a.toLowerCase();
    if (l === 'default') {
      for (const sec of SECTIONS) if (sec.inDefault) wanted.add(sec.name);
    } else if (l === 'all' || l === 'everything') {
      all = true;
    } else {
      wanted.add(l);
    }
  }
  let out = '';
  let n = 0;
  for (const sec of SECTIONS) {
    if (!all && !wanted.has(sec.name) && !(sec.alias !== undefined && wanted.has(sec.alias))) continue;
    if (n++ > 0) out += '\r\n';
    out += `# ${sec.title}\r\n`;
    for (const [k, v] of sectionFields(s, sec)) out += `${k}:${v}\r\n`;
  }
  return out;
}

// ---- CONFIG ---------------------------------------------------------------

/** Every name CONFIG knows (canonical and alias), aliases first, with its parameter. */
const CONFIG_NAMES: [string, ParamDef][] = [];
for (const p of PARAMS) for (const a of p.aliases ?? []) CONFIG_NAMES.push([a, p]);
for (const p of PARAMS) CONFIG_NAMES.push([p.name, p]);

function hasGlob(s: string): boolean {
  return s.includes('*') || s.includes('?') || s.includes('[');
}

/**
 * CONFIG GET's matching, as Redis 7.0, where an alias is a name of its own:
 * an exact name answers under the spelling asked; a pattern matches
 * canonical names and aliases (case insensitive); each name answers once.
 */
function configGet(s: Server, patterns: readonly string[]): [string, string][] {
  const out = new Map<string, [string, ParamDef]>();
  for (const pat of patterns) {
    if (!hasGlob(pat)) {
      const key = pat.toLowerCase();
      if (out.has(key)) continue;
      const p = findParam(pat);
      if (p !== undefined) out.set(key, [pat, p]);
      continue;
    }
    for (const [name, p] of CONFIG_NAMES) {
      if (!out.has(name) && globMatch(pat, name, true)) out.set(name, [name, p]);
    }
  }
  return [...out.values()].map(([name, p]) => [name, s.config.get(p.name)]);
}

/** The value's arguments for a parameter: multi-word ones (save, bind) split on spaces. */
function configArgs(p: ParamDef, value: string): string[] {
  return p.multiArg ? value.split(' ') : [value];
}

/**
 * CONFIG SET: check every pair, then apply them all, or none. The first
 * problem found is reported, as Redis does. An alias counts as a name of its
 * own (setting a parameter under both names is no duplicate: the last wins)
 * and value errors name the parameter as looked up, in lower case.
 */
function configSet(c: Client, argv: readonly string[]): void {
  if (argv.length % 2 !== 0) throw new RedisError(E.SYNTAX);
  const params: ParamDef[] = [];
  const names: string[] = [];
  const values: string[] = [];
  let unknown: string | null = null;
  let failed: string | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i]!;
    const p = findParam(name);
    if (p === undefined) {
      if (unknown === null && failed === null) unknown = name;
      continue;
    }
    if (unknown !== null || failed !== null) continue;
    if (p.immutable) {
      failed = E.INVALID_CONFIG(name, "can't set immutable config");
      continue;
    }
    if (p.protected === true && !allowProtectedAction(c.server.config.get('enable-protected-configs'), c)) {
      failed = E.INVALID_CONFIG(name, "can't set protected config");
      continue;
    }
    const lname = name.toLowerCase();
    if (names.includes(lname)) {
      failed = E.INVALID_CONFIG(name, 'duplicate parameter');
      continue;
    }
    params.push(p);
    names.push(lname);
    values.push(argv[i + 1]!);
  }
  if (unknown !== null) throw new RedisError(E.UNSUPPORTED_CONFIG(unknown));
  if (failed !== null) throw new RedisError(failed);
  const normalized: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    try {
      normalized.push(normalizeValue(p, configArgs(p, values[i]!)));
    } catch (e) {
      if (e instanceof ConfigError) throw new RedisError(E.INVALID_CONFIG(names[i]!, e.message));
      throw e;
    }
  }
  const s = c.server;
  for (let i = 0; i < params.length; i++) s.config.setRaw(params[i]!.name, normalized[i]!);
  // A default user without a password lets every connection in, as Redis's nopass.
  if (params.some((p) => p.name === 'requirepass') && s.config.get('requirepass') === '') {
    for (const cl of s.clients.values()) cl.authenticated = true;
  }
  c.w.ok();
}

/** CONFIG RESETSTAT: command, error and server statistics back to zero. */
export function resetStats(s: Server): void {
  for (const cmd of s.table.all()) cmd.stats.reset();
  const d = s.dispatcher;
  d.errorStats.clear();
  d.totalErrorReplies = 0;
  d.totalCommands = 0;
  const st = s.stats;
  st.totalConnections = 0;
  st.rejectedConnections = 0;
  st.netInputBytes = 0;
  st.netOutputBytes = 0;
  st.opsSamples.length = 0;
  st.lastOpsSampleCount = 0;
  st.lastOpsSampleTime = Date.now();
  const ks = s.keyspace.stats;
  ks.expiredKeys = 0;
  ks.expiredStalePerc = 0;
  ks.expiredTimeCapReachedCount = 0;
  ks.expireCycleCpuMs = 0;
  ks.keyspaceHits = 0;
  ks.keyspaceMisses = 0;
  st.outputLimitDisconnections = 0;
  for (const sub of s.subsystems) sub.resetStats?.();
}

const CONFIG_HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

const CONFIG_FLAGS = ['admin', 'noscript', 'loading', 'stale'] as const;

const configSubcommands: CommandSpec[] = [
  {
    name: 'config|get', arity: -3, flags: CONFIG_FLAGS, keys: NO_KEYS,
    syntax: 'CONFIG GET parameter [parameter ...]',
    handler(c, argv) {
      const pairs = configGet(c.server, argv.slice(2));
      c.w.map(pairs.length);
      for (const [k, v] of pairs) {
        c.w.bulk(k);
        c.w.bulk(v);
      }
    },
  },
  {
    name: 'config|set', arity: -4, flags: CONFIG_FLAGS, keys: NO_KEYS,
    syntax: 'CONFIG SET parameter value [parameter value ...]',
    handler: configSet,
  },
  {
    name: 'config|resetstat', arity: 2, flags: CONFIG_FLAGS, keys: NO_KEYS,
    syntax: 'CONFIG RESETSTAT',
    handler(c) {
      resetStats(c.server);
      c.w.ok();
    },
  },
  {
    name: 'config|rewrite', arity: 2, flags: CONFIG_FLAGS, keys: NO_KEYS,
    syntax: 'CONFIG REWRITE',
    handler(c) {
      const cfg = c.server.config;
      if (cfg.file === null) throw new RedisError(E.NO_CONFIG_FILE);
      try {
        cfg.rewrite();
      } catch (e) {
        c.server.log.warning(`CONFIG REWRITE failed: ${(e as Error).message}`);
        throw new RedisError(E.CONFIG_REWRITE_FAILED((e as Error).message));
      }
      c.server.log.notice('CONFIG REWRITE executed with success.');
      c.w.ok();
    },
  },
  {
    name: 'config|help', arity: 2, flags: ['loading', 'stale'], keys: NO_KEYS,
    syntax: 'CONFIG HELP',
    handler(c) {
      replyHelp(c, CONFIG_HELP);
    },
  },
];

// ---- the rest -------------------------------------------------------------

/** FLUSHDB / FLUSHALL's optional ASYNC|SYNC (both free memory at once here). */
function checkFlushArgs(argv: readonly string[]): void {
  if (argv.length === 1) return;
  const mode = argv[1]!.toLowerCase();
  if (argv.length === 2 && (mode === 'async' || mode === 'sync')) return;
  throw new RedisError(E.SYNTAX);
}

/** A DB index for SWAPDB: an int32, else Redis's error naming which one. */
function dbIndexArg(s: string, which: 'first' | 'second'): number {
  return int32Arg(s, E.INVALID_DB_INDEX(which));
}

export const serverCommands: CommandSpec[] = [
  {
    name: 'info', arity: -1, flags: ['loading', 'stale'], keys: NO_KEYS,
    syntax: 'INFO [section [section ...]]',
    handler(c, argv) {
      c.w.verbatim(infoString(c.server, argv.slice(1)));
    },
  },
  {
    name: 'config', arity: -2, flags: [], keys: NO_KEYS,
    syntax: 'CONFIG <subcommand> [<arg> ...]',
    subcommands: configSubcommands,
  },
  {
    name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], keys: NO_KEYS,
    syntax: 'DBSIZE',
    handler(c) {
      c.w.integer(c.db.size);
    },
  },
  {
    name: 'flushdb', arity: -1, flags: ['write'], keys: NO_KEYS,
    syntax: 'FLUSHDB [ASYNC | SYNC]',
    handler(c, argv) {
      checkFlushArgs(argv);
      c.db.clear();
      // Replayed even when the database was empty already, as Redis forces it.
      c.ctx.forcePropagation();
      c.w.ok();
    },
  },
  {
    name: 'flushall', arity: -1, flags: ['write'], keys: NO_KEYS,
    syntax: 'FLUSHALL [ASYNC | SYNC]',
    handler(c, argv) {
      checkFlushArgs(argv);
      for (const db of c.server.keyspace.dbs) db.clear();
      // Ends a background save in progress; saves the empty dataset with save points.
      c.server.snapshot.flushedAll();
      c.ctx.forcePropagation();
      c.w.ok();
    },
  },
  {
    name: 'swapdb', arity: 3, flags: ['write', 'fast'], keys: NO_KEYS,
    syntax: 'SWAPDB index1 index2',
    handler(c, argv) {
      const a = dbIndexArg(argv[1]!, 'first');
      const b = dbIndexArg(argv[2]!, 'second');
      const ks = c.server.keyspace;
      if (a < 0 || b < 0 || a >= ks.dbs.length || b >= ks.dbs.length) throw new RedisError(E.INVALID_DB);
      ks.swap(a, b);
      c.w.ok();
    },
  },
  {
    name: 'time', arity: 1, flags: ['loading', 'stale', 'fast'], keys: NO_KEYS,
    syntax: 'TIME',
    handler(c) {
      const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
      const sec = Math.floor(us / 1e6);
      c.w.array(2);
      c.w.bulk(String(sec));
      c.w.bulk(String(us - sec * 1e6));
    },
  },
  {
    name: 'shutdown', arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'], keys: NO_KEYS,
    syntax: 'SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]',
    handler(c, argv) {
      const flags: ShutdownFlags = {};
      let abort = false;
      for (let i = 1; i < argv.length; i++) {
        const opt = argv[i]!.toLowerCase();
        if (opt === 'nosave') flags.nosave = true;
        else if (opt === 'save') flags.save = true;
        else if (opt === 'now') flags.now = true;
        else if (opt === 'force') flags.force = true;
        else if (opt === 'abort') abort = true;
        else throw new RedisError(E.SYNTAX);
      }
      const any = flags.nosave === true || flags.save === true || flags.now === true || flags.force === true;
      if ((abort && any) || (flags.nosave === true && flags.save === true)) throw new RedisError(E.SYNTAX);
      // Shutdown here is immediate, so there is never one to abort.
      if (abort) throw new RedisError(E.NO_SHUTDOWN);
      // The final save (prepareForShutdown): its failure is this command's error.
      if (!c.server.snapshot.prepareShutdown(flags)) throw new RedisError(E.SHUTDOWN_FAILED);
      // No reply: the connection closes with the server, and requests
      // pipelined after this one are not run. The replies to the requests
      // before it are written first, at the end of this turn.
      c.closeAfterReply = true;
      c.server.requestShutdown('User requested shutdown', flags);
    },
  },
];
