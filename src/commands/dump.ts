// DUMP and RESTORE (Redis 7.0 cluster.c): a value serialized in the RDB
// format (src/persistence/rdb.ts) with a footer of the RDB version (2 bytes,
// little endian) and a CRC-64 (8 bytes, little endian), and its re-creation.
//
// RESTORE checks in Redis's order: options (syntax, IDLETIME/FREQ values),
// an existing key without REPLACE (BUSYKEY), the TTL, the payload's footer,
// then its data ("Bad data format"). A relative TTL is replayed as the
// absolute time with ABSTTL appended, as restoreCommand rewrites its argv; a
// TTL already past creates nothing and, when REPLACE deleted a key, is
// replayed as DEL. IDLETIME and FREQ are validated and then ignored: keys
// carry no LRU/LFU data here. A payload of a type this server cannot hold
// (a stream, a module value) is refused as "Bad data format", where Redis
// would restore it.

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import type { CommandSpec } from '../engine/table.js';
import { intArg } from '../engine/args.js';
import { createDumpPayload, decodeDumpPayload, verifyDumpPayload } from '../persistence/rdb.js';
import type { Stored } from '../keyspace/types.js';

const ONE_KEY = { first: 1, last: 1, step: 1 };

function dumpOptions(c: Client): { compress: boolean; checksum: boolean; limits: Client['server']['encodingLimits'] } {
  return { compress: c.server.config.bool('rdbcompression'), checksum: true, limits: c.server.encodingLimits };
}

function restore(c: Client, argv: string[]): void {
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    const more = argv.length - j - 1;
    if (opt === 'REPLACE') {
      replace = true;
    } else if (opt === 'ABSTTL') {
      absttl = true;
    } else if (opt === 'IDLETIME' && more >= 1 && freq === -1) {
      const v = intArg(argv[++j]!);
      if (v < 0) throw new RedisError(E.INVALID_IDLETIME);
      idle = Number(v);
    } else if (opt === 'FREQ' && more >= 1 && idle === -1) {
      const v = intArg(argv[++j]!);
      if (v < 0 || v > 255) throw new RedisError(E.INVALID_FREQ);
      freq = Number(v);
    } else {
      throw new RedisError(E.SYNTAX);
    }
  }
  const db = c.db;
  const key = argv[1]!;
  if (!replace && db.exists(key)) throw new RedisError(E.BUSYKEY);
  const rawTtl = intArg(argv[2]!);
  if (rawTtl < 0) throw new RedisError(E.INVALID_TTL);
  const payload = Buffer.from(argv[3]!, 'latin1');
  if (!verifyDumpPayload(payload)) throw new RedisError(E.DUMP_PAYLOAD_INVALID);
  let value: Stored;
  try {
    value = decodeDumpPayload(payload, c.server.encodingLimits);
  } catch {
    throw new RedisError(E.BAD_DATA_FORMAT);
  }
  const deleted = replace && db.delete(key);
  let ttl = Number(rawTtl);
  const now = c.server.keyspace.now();
  if (ttl !== 0 && !absttl) ttl += now;
  if (ttl !== 0 && ttl <= now) {
    // Already expired: nothing is created; a key REPLACE removed is a DEL.
    if (deleted) {
      db.changed(key, 'del');
      c.ctx.propagateAs(['DEL', key]);
    }
    c.w.ok();
    return;
  }
  db.set(key, value);
  if (ttl !== 0) {
    db.setExpire(key, ttl);
    if (!absttl) {
      const as = argv.slice();
      as[2] = String(ttl);
      as.push('ABSTTL');
      c.ctx.propagateAs(as);
    }
  }
  db.changed(key, 'restore');
  c.w.ok();
}

export const dumpCommands: CommandSpec[] = [
  {
    name: 'dump', arity: 2, flags: ['readonly'], keys: ONE_KEY,
    syntax: 'DUMP key',
    handler(c, argv) {
      const v = c.db.readStored(argv[1]!);
      if (v === undefined) {
        c.w.nullBulk();
        return;
      }
      c.w.bulk(createDumpPayload(v, dumpOptions(c)).latin1Slice());
    },
  },
  {
    name: 'restore', arity: -4, flags: ['write', 'denyoom'], keys: ONE_KEY,
    syntax: 'RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]',
    handler: restore,
  },
];
