// zset commands: filled in by the zset work of the data-types issue.

import type { CommandSpec } from '../engine/table.js';

export const zsetCommands: CommandSpec[] = [];
