// DEBUG (debug.c debugCommand), for operators and test tooling, gated by
// `enable-debug-command` (no / local / yes, immutable) as Redis 7.0 gates
// its PROTECTED commands.
//
// Implemented: HELP (Redis 7.0's text), DIGEST and DIGEST-VALUE (the exact
// SHA1 digests of src/keyspace/digest.ts), SLEEP (blocks the whole server),
// SET-ACTIVE-EXPIRE, OBJECT (Redis's line: serializedlength is the RDB
// payload's length, the quicklist fields are computed by packing the list as
// quicklist.c would), RELOAD [MERGE] [NOFLUSH] [NOSAVE] (SAVE through the
// snapshot subsystem, empty, load dbfilename back with the RDB codec),
// LOADAOF (flush the AOF, empty, replay the AOF files), POPULATE,
// CHANGE-REPL-ID,
// QUICKLIST-PACKED-THRESHOLD (checked and accepted; lists here have no plain
// nodes), LOG, ERROR. Others (crashes, allocator, cluster, HTSTATS) answer
// Redis's unknown-subcommand error.
//
// Differences from Redis, by necessity: the gate runs in the handler (the
// dispatcher has no hook for protected commands), so inside MULTI a refused
// DEBUG is queued and fails at EXEC rather than aborting the transaction,
// and an unauthenticated client gets NOAUTH first. A failed LOADAOF or
// RELOAD answers an error where Redis exits or panics. OBJECT's lru is the
// current LRU clock (no access times are kept: lru_seconds_idle is 0).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allowProtectedAction, type Client } from '../client.js';
import { parseMemory } from '../config.js';
import { E, RedisError } from '../errors.js';
import { numArg } from '../engine/args.js';
import { NO_KEYS, type CommandSpec } from '../engine/table.js';
import { datasetDigest, valueDigest } from '../keyspace/digest.js';
import { listpackEntrySize } from '../keyspace/memsize.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { ListValue } from '../keyspace/list.js';
import { encodingOf } from '../keyspace/types.js';
import { LoadError, keyspaceRdbSink, loadAppendOnlyFiles, loadManifestFromDisk } from '../persistence/load.js';
import { RdbError, encodeValue, loadRdb } from '../persistence/rdb.js';
import type { Server } from '../server.js';
import { parseInt64 } from '../util/numbers.js';

const DEBUG_HELP = [
  'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'AOF-FLUSH-SLEEP <microsec>',
  '    Server will sleep before flushing the AOF, this is used for testing.',
  'ASSERT',
  '    Crash by assertion failed.',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'CRASH-AND-RECOVER [<milliseconds>]',
  '    Hard crash and restart after a <milliseconds> delay (default 0).',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LEAK <string>',
  '    Create a memory leak of the input string.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'HTSTATS <dbid>',
  '    Return hash table statistics of the specified Redis database.',
  'HTSTATS-KEY <key>',
  '    Like HTSTATS but for the hash table stored at <key>\'s value.',
  'LOADAOF',
  '    Flush the AOF buffers on disk and reload the AOF in memory.',
  'REPLICATE <string>',
  '    Replicates the provided string to replicas, allowing data divergence.',
  'MALLCTL <key> [<val>]',
  '    Get or set a malloc tuning integer.',
  'MALLCTL-STR <key> [<val>]',
  '    Get or set a malloc tuning string.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'DROP-CLUSTER-PACKET-FILTER <packet-type>',
  '    Drop all packets that match the filtered type. Set to -1 allow all packets.',
  'OOM',
  '    Crash the server simulating an out-of-memory error.',
  'PANIC',
  '    Crash the server simulating a panic.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'RESTART [<milliseconds>]',
  '    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).',
  'SDSLEN <key>',
  '    Show low level SDS string info representing `key` and value.',
  'SEGFAULT',
  '    Crash the server with sigsegv.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  '    Enables or disables checksum checks for RDB files and RESTORE\'s payload.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'STRUCTSIZE',
  '    Return the size of different Redis core C structures.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'QUICKLIST <key> [<0|1>]',
  '    Show low level info about the quicklist encoding of <key>.',
  '    The optional argument (0 by default) sets the level of detail',
  'CLIENT-EVICTION',
  '    Show low level client eviction pools info (maxmemory-clients).',
  'PAUSE-CRON <0|1>',
  '    Stop periodic cron job processing.',
  'REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>',
  '    Sets the time (in milliseconds) to wait between client reply buffer peak resets.',
  '    In case NEVER is provided the last observed peak will never be reset',
  '    In case RESET is provided the peak reset time will be restored to the default value',
  'REPLYBUFFER RESIZING <0|1>',
  '    Enable or disable the reply buffer resize cron job',
  'CLUSTERLINK KILL <to|from|all> <node-id>',
  '    Kills the link based on the direction to/from (both) with the provided node.',
  'HELP',
  '    Prints this help.',
];

/** Redis's OBJ_SHARED_REFCOUNT: the refcount of the shared small integers. */
const SHARED_REFCOUNT = 2147483647;
/** OBJ_SHARED_INTEGERS: integers below this are shared objects. */
const SHARED_INTEGERS = 10000;
/** LRU_CLOCK_MAX: the LRU clock is 24 bits of seconds. */
const LRU_CLOCK_MAX = (1 << 24) - 1;
/** quicklist.c: SIZE_SAFETY_LIMIT and optimization_level (for negative fill). */
const QL_SIZE_SAFETY_LIMIT = 8192;
const QL_OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
/** quicklist.c: the largest packed threshold (4 GB minus 1 MB). */
const QL_MAX_PACKED_THRESHOLD = 2 ** 32 - 2 ** 20;

/** allowProtectedAction: whether `c` may run DEBUG under enable-debug-command. */
export function debugAllowed(c: Client): boolean {
  return allowProtectedAction(c.server.config.get('enable-debug-command'), c);
}

/** Redis's atoi: the leading integer of `s`, 0 when there is none. */
function atoi(s: string): number {
  const n = parseInt(s, 10);
  return Number.isNaN(n) ? 0 : n;
}

/** Redis's strtod on a whole argument: the leading number, 0 when there is none. */
function strtod(s: string): number {
  const n = parseFloat(s);
  return Number.isNaN(n) ? 0 : n;
}

/** getPositiveLongFromObjectOrReply: one error for a non-integer and a negative one. */
function positiveLong(s: string): number {
  const n = numArg(s, E.MUST_BE_POSITIVE_RANGE);
  if (n < 0) throw new RedisError(E.MUST_BE_POSITIVE_RANGE);
  return n;
}

function hex(b: Buffer): string {
  return b.toString('hex');
}

/** DEBUG SLEEP: stop the whole server (the event loop) for `seconds`. */
function sleepSeconds(seconds: number): void {
  // As Redis: the microseconds truncated, nanosleep refusing a negative time.
  const ms = Math.trunc(seconds * 1e6) / 1000;
  if (!(ms > 0)) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(ms, 2 ** 31 - 1));
}

/** printf("%.2f", v): round half to even on the exact binary value, as C does. */
function fixed2(v: number): string {
  const s = v * 100;
  const f = Math.floor(s);
  if (s - f === 0.5 && Number.isInteger(v * 400)) return ((f % 2 === 0 ? f : f + 1) / 100).toFixed(2);
  return v.toFixed(2);
}


/**
 * The quicklist fields of DEBUG OBJECT for a list: its nodes packed from
 * the head as RPUSH fills them (_quicklistNodeAllowInsert), each node's
 * size being its listpack's bytes.
 */
function quicklistFields(c: Client, l: ListValue): string {
  const fill = c.server.encodingLimits.listMaxListpackSize;
  let nodes = 0;
  let total = 0;
  let nodeBytes = 0;
  let nodeCount = 0;
  l.forEach(0, l.length - 1, (v) => {
    const sz = v.length;
    let allow = nodeCount > 0;
    if (allow) {
      let overhead = sz < 254 ? 1 : 5;
      overhead += sz < 64 ? 1 : sz < 16384 ? 2 : 5;
      const newSz = nodeBytes + sz + overhead;
      const level = fill < 0 ? QL_OPTIMIZATION_LEVEL[-fill - 1] : undefined;
      if (level !== undefined && newSz <= level) allow = true;
      else if (newSz > QL_SIZE_SAFETY_LIMIT) allow = false;
      else allow = nodeCount < fill;
    }
    if (!allow) {
      if (nodeCount > 0) total += nodeBytes;
      nodes++;
      nodeBytes = 7; // an empty listpack: header (6) and end byte
      nodeCount = 0;
    }
    nodeBytes += listpackEntrySize(v);
    nodeCount++;
  });
  if (nodeCount > 0) total += nodeBytes;
  const compressed = c.server.config.int('list-compress-depth') !== 0 ? 1 : 0;
  const avg = nodes === 0 ? 'nan' : fixed2(l.length / nodes);
  return ` ql_nodes:${nodes} ql_avg_node:${avg} ql_listpack_max:${fill} ql_compressed:${compressed} ql_uncompressed_size:${total}`;
}

/** A stable pseudo address for a value, as %p prints one. */
function fakeAddress(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return '0x7f' + (h * 16).toString(16).padStart(10, '0').slice(-10);
}

function rdbOptions(server: Server): { compress: boolean; checksum: boolean; limits: Server['encodingLimits'] } {
  return { compress: server.config.bool('rdbcompression'), checksum: server.config.bool('rdbchecksum'), limits: server.encodingLimits };
}

/** DEBUG OBJECT key. */
function debugObject(c: Client, key: string): void {
  const v = c.db.dict.get(key);
  if (v === undefined) throw new RedisError(E.NO_SUCH_KEY);
  const enc = encodingOf(v);
  let refcount = 1;
  if (enc === 'int' && sharedIntegers(c.server)) {
    const n = typeof v === 'number' ? v : Number(parseInt64(String(v)));
    if (n >= 0 && n < SHARED_INTEGERS) refcount = SHARED_REFCOUNT;
  }
  const serialized = encodeValue(v, rdbOptions(c.server)).length - 1;
  const lru = Math.floor(Date.now() / 1000) & LRU_CLOCK_MAX;
  const extra = v instanceof ListValue ? quicklistFields(c, v) : '';
  c.w.simple(`Value at:${fakeAddress(key)} refcount:${refcount} encoding:${enc} serializedlength:${serialized} lru:${lru} lru_seconds_idle:0${extra}`);
}

/** Whether small integers are shared objects (not under an LRU/LFU maxmemory policy). */
function sharedIntegers(server: Server): boolean {
  if (server.config.get('maxmemory') === '0') return true;
  return !/lru|lfu/.test(server.config.get('maxmemory-policy'));
}

/** DEBUG POPULATE count [prefix] [size]: string keys not replicated, existing keys left alone. */
function populate(c: Client, argv: string[]): void {
  const count = positiveLong(argv[2]!);
  const valsize = argv.length === 5 ? positiveLong(argv[4]!) : 0;
  const prefix = argv.length === 3 ? 'key' : argv[3]!;
  const db = c.db;
  const server = c.server;
  for (let j = 0; j < count; j++) {
    // snprintf into a 128-byte buffer: a long prefix is cut.
    let key = `${prefix}:${j}`;
    if (key.length > 127) key = key.slice(0, 127);
    if (db.exists(key)) continue;
    let val = `value:${j}`;
    if (valsize !== 0) val = valsize <= val.length ? val.slice(0, valsize) : val + '\0'.repeat(valsize - val.length);
    db.set(key, val);
    // signalModifiedKey: WATCH and client tracking, no dirty, no notification.
    server.transactions.keyChanged(db, key);
    server.tracking.keyChanged(db, key);
  }
  c.w.ok();
}

/** Empty every database (emptyData). */
function emptyData(ks: Keyspace): void {
  for (const db of ks.dbs) if (db.dict.size !== 0) db.clear();
}

/**
 * rdbLoad of <dir>/<dbfilename> into the keyspace as a master loads it
 * (keys already expired are skipped). A key already present is replaced
 * when `merge`, else the load fails (Redis panics there).
 */
function loadRdbFile(server: Server, merge: boolean): void {
  const path = join(server.config.get('dir'), server.config.get('dbfilename'));
  const sink = keyspaceRdbSink(server, server.keyspace.now(), merge, { keys: 0, expired: 0 });
  loadRdb(readFileSync(path), sink, { checksum: server.config.bool('rdbchecksum'), limits: server.encodingLimits });
}

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]. */
function reload(c: Client, argv: string[]): void {
  let flush = true;
  let save = true;
  let merge = false;
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    if (opt === 'MERGE') merge = true;
    else if (opt === 'NOFLUSH') flush = false;
    else if (opt === 'NOSAVE') save = false;
    else throw new RedisError(E.DEBUG_RELOAD_OPTIONS);
  }
  const server = c.server;
  const ks = server.keyspace;
  // Not replicated (Redis's rdbSave zeroes dirty, so call() sees no change).
  server.dispatcher.ctx.preventPropagation();
  // rdbSave, synchronously (the snapshot subsystem's SAVE: temp file, fsync,
  // rename; it logs a failure). Refused while a background save runs.
  if (save && server.snapshot.save() !== true) throw new RedisError('ERR');
  const dirty = ks.dirty;
  if (flush) emptyData(ks);
  ks.dirty = dirty;
  try {
    loadRdbFile(server, merge);
  } catch (e) {
    if (!(e instanceof RdbError) && (e as NodeJS.ErrnoException).code === undefined) throw e;
    server.log.warning(`Error loading the RDB dump by DEBUG RELOAD: ${(e as Error).message}`);
    throw new RedisError(E.DEBUG_RELOAD_LOAD);
  }
  ks.dirty = dirty;
  server.log.warning('DB reloaded by DEBUG RELOAD');
  c.w.ok();
}

/** DEBUG LOADAOF: flush the AOF, empty the dataset, replay the AOF files. */
function loadAof(c: Client): void {
  const server = c.server;
  const ks = server.keyspace;
  const d = server.dispatcher;
  d.ctx.preventPropagation();
  if (server.aof.state !== 'off') server.aof.flush();
  emptyData(ks);
  // The replayed commands are neither logged nor replicated again.
  const listeners = d.propagationListeners.splice(0);
  let loaded;
  try {
    loaded = loadAppendOnlyFiles(server, loadManifestFromDisk(server), {
      startTime: Math.floor(Date.now() / 1000), totalBytes: 0, loadedBytes: 0,
    });
  } catch (e) {
    if (!(e instanceof LoadError)) throw e;
    server.log.warning(e.message);
    throw new RedisError(E.DEBUG_LOADAOF_FAILED(e.message));
  } finally {
    d.propagationListeners.push(...listeners);
    ks.dirty = 0;
  }
  if (loaded === null) throw new RedisError(E.DEBUG_LOADAOF_FAILED('no append only file to load'));
  server.log.warning('Append Only File loaded by DEBUG LOADAOF');
  c.w.ok();
}

/** The active expiry cycle while DEBUG SET-ACTIVE-EXPIRE 0 holds. */
function setActiveExpire(ks: Keyspace, on: boolean): void {
  ks.activeExpireEnabled = on;
}

function debugCommand(c: Client, argv: string[]): void {
  const sub = argv[1]!.toLowerCase();
  const argc = argv.length;
  const server = c.server;
  if (sub === 'help' && argc === 2) {
    c.w.array(DEBUG_HELP.length);
    for (const line of DEBUG_HELP) c.w.simple(line);
  } else if (sub === 'digest' && argc === 2) {
    c.w.simple(hex(datasetDigest(server.keyspace)));
  } else if (sub === 'digest-value') {
    // The dictionary is read directly: logically expired keys count.
    c.w.array(argc - 2);
    for (let j = 2; j < argc; j++) c.w.simple(hex(valueDigest(c.db, argv[j]!)));
  } else if (sub === 'sleep' && argc === 3) {
    sleepSeconds(strtod(argv[2]!));
    c.w.ok();
  } else if (sub === 'set-active-expire' && argc === 3) {
    setActiveExpire(server.keyspace, atoi(argv[2]!) !== 0);
    c.w.ok();
  } else if (sub === 'object' && argc === 3) {
    debugObject(c, argv[2]!);
  } else if (sub === 'reload') {
    reload(c, argv);
  } else if (sub === 'loadaof') {
    loadAof(c);
  } else if (sub === 'populate' && argc >= 3 && argc <= 5) {
    populate(c, argv);
  } else if (sub === 'change-repl-id' && argc === 2) {
    server.log.warning('Changing replication IDs after receiving DEBUG change-repl-id');
    c.w.ok();
  } else if (sub === 'quicklist-packed-threshold' && argc === 3) {
    const sz = parseMemory(argv[2]!);
    if (sz === null || sz < 0 || sz > QL_MAX_PACKED_THRESHOLD) throw new RedisError(E.DEBUG_PACKED_THRESHOLD);
    c.w.ok();
  } else if (sub === 'log' && argc === 3) {
    server.log.warning(`DEBUG LOG: ${argv[2]!}`);
    c.w.ok();
  } else if (sub === 'error' && argc === 3) {
    c.w.error(argv[2]!);
  } else {
    throw new RedisError(E.DEBUG_SUBCOMMAND_SYNTAX(argv[1]!));
  }
}

export const debugCommands: CommandSpec[] = [
  {
    name: 'debug', arity: -2, flags: ['admin', 'noscript', 'loading', 'stale'], keys: NO_KEYS,
    syntax: 'DEBUG subcommand [argument ...]',
    // enable-debug-command, checked by the dispatcher before anything else (rejected, not failed).
    guard: (c) => (debugAllowed(c) ? null : E.DEBUG_NOT_ALLOWED),
    handler: debugCommand,
  },
];
