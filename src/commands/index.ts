// Collects every command module's specs into the command table.

import { aofCommands } from './aof.js';
import { bitCommands } from './bitops.js';
import { commandCommands } from './command.js';
import { connectionCommands } from './connection.js';
import { debugCommands } from './debug.js';
import { dumpCommands } from './dump.js';
import { hashCommands } from './hash.js';
import { keyCommands } from './keys.js';
import { listCommands } from './list.js';
import { pubsubCommands } from './pubsub.js';
import { transactionCommands } from './transactions.js';
import { memoryCommands } from './memory.js';
import { serverCommands } from './admin.js';
import { setCommands } from './set.js';
import { snapshotCommands } from './snapshot.js';
import { sortCommands } from './sort.js';
import { stringCommands } from './string.js';
import { zsetCommands } from './zset.js';
import { CommandTable } from '../engine/table.js';

export function buildCommandTable(): CommandTable {
  const t = new CommandTable();
  t.add(connectionCommands);
  t.add(serverCommands);
  t.add(commandCommands);
  t.add(keyCommands);
  t.add(dumpCommands);
  t.add(stringCommands);
  t.add(bitCommands);
  t.add(listCommands);
  t.add(hashCommands);
  t.add(setCommands);
  t.add(zsetCommands);
  t.add(sortCommands);
  t.add(memoryCommands);
  t.add(pubsubCommands);
  t.add(transactionCommands);
  t.add(aofCommands);
  t.add(snapshotCommands);
  t.add(debugCommands);
  return t;
}
