// Collects every command module's specs into the command table.

import { CommandTable } from './table.js';
import { connectionCommands } from './connection.js';

export function buildCommandTable(): CommandTable {
  const t = new CommandTable();
  t.add(connectionCommands);
  return t;
}
