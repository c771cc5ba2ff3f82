// Server commands: INFO, CONFIG, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, SHUTDOWN, LASTSAVE.

import type { CommandSpec } from './table.js';

export const serverCommands: CommandSpec[] = [];
