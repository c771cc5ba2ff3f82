// hash commands: filled in by the hash work of the data-types issue.

import type { CommandSpec } from '../engine/table.js';

export const hashCommands: CommandSpec[] = [];
