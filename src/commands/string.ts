// String commands: SET, GET, INCR family, APPEND, GETRANGE, SETRANGE, LCS and the rest of t_string.

import type { CommandSpec } from './table.js';

export const stringCommands: CommandSpec[] = [];
