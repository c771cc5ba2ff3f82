// set commands: filled in by the set work of the data-types issue.

import type { CommandSpec } from '../engine/table.js';

export const setCommands: CommandSpec[] = [];
