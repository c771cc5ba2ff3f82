// MEMORY and its subcommands (object.c memoryCommand): USAGE, backed by the
// estimates of src/keyspace/memsize.ts; DOCTOR, MALLOC-STATS, PURGE and HELP
// answer as Redis 7.0 does on a quiet server (there is no jemalloc here to
// report on or purge).

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import { intArg } from '../engine/args.js';
import { NO_KEYS, type CommandSpec } from '../engine/table.js';
import { DEFAULT_SAMPLES, keyMemoryUsage } from '../keyspace/memsize.js';

const MEMORY_HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
];

const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these " +
  'conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be ' +
  'back to our programming as soon as I finished rebooting.\n';
const DOCTOR_FINE =
  "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";

/** Redis calls an instance "empty" under 5 MB used; an empty Redis 7.0 uses about 1 MB. */
const DOCTOR_EMPTY_BYTES = 4 * 1024 * 1024;
/** Past this many keys the dataset is not summed: it is taken as large enough. */
const DOCTOR_MAX_KEYS = 10000;

/** MEMORY USAGE key [SAMPLES count]. */
function memoryUsage(c: Client, argv: string[]): void {
  let samples = DEFAULT_SAMPLES;
  for (let j = 3; j < argv.length; j++) {
    if (argv[j]!.toUpperCase() === 'SAMPLES' && j + 1 < argv.length) {
      const n = intArg(argv[j + 1]!);
      if (n < 0) throw new RedisError(E.SYNTAX);
      samples = n === 0 ? Infinity : Number(n);
      j++;
    } else {
      throw new RedisError(E.SYNTAX);
    }
  }
  // Redis looks the key up in the dictionary directly: no expiry, no
  // keyspace hit or miss.
  const v = c.db.dict.get(argv[2]!);
  if (v === undefined) {
    c.w.nullBulk();
    return;
  }
  c.w.integer(keyMemoryUsage(argv[2]!, v, samples, c.server.encodingLimits));
}

/** Whether Redis would call the dataset "very little memory" (under 5 MB used). */
function littleMemory(c: Client): boolean {
  let keys = 0;
  for (const db of c.server.keyspace.dbs) keys += db.size;
  if (keys > DOCTOR_MAX_KEYS) return false;
  let bytes = 0;
  for (const db of c.server.keyspace.dbs) {
    for (const [k, v] of db.dict) bytes += keyMemoryUsage(k, v, DEFAULT_SAMPLES, c.server.encodingLimits);
  }
  return bytes < DOCTOR_EMPTY_BYTES;
}

export const memoryCommands: CommandSpec[] = [
  {
    name: 'memory', arity: -2, flags: [], keys: NO_KEYS,
    syntax: 'MEMORY <subcommand> [<arg> [value] [opt] ...]',
    subcommands: [
      {
        name: 'memory|usage', arity: -3, flags: ['readonly'], keys: { first: 2, last: 2, step: 1 },
        syntax: 'MEMORY USAGE key [SAMPLES count]',
        handler: memoryUsage,
      },
      {
        name: 'memory|doctor', arity: 2, flags: [], keys: NO_KEYS,
        syntax: 'MEMORY DOCTOR',
        handler(c) {
          c.w.verbatim(littleMemory(c) ? DOCTOR_EMPTY : DOCTOR_FINE);
        },
      },
      {
        name: 'memory|malloc-stats', arity: 2, flags: [], keys: NO_KEYS,
        syntax: 'MEMORY MALLOC-STATS',
        handler(c) {
          // What Redis answers when built without jemalloc.
          c.w.verbatim('Stats not supported for the current allocator');
        },
      },
      {
        name: 'memory|purge', arity: 2, flags: [], keys: NO_KEYS,
        syntax: 'MEMORY PURGE',
        handler(c) {
          c.w.ok();
        },
      },
      {
        name: 'memory|help', arity: 2, flags: ['loading', 'stale'], keys: NO_KEYS,
        syntax: 'MEMORY HELP',
        handler(c) {
          c.w.array(MEMORY_HELP.length);
          for (const line of MEMORY_HELP) c.w.simple(line);
        },
      },
    ],
  },
];
