// memory commands: filled in by the data-types issue.

import type { CommandSpec } from '../engine/table.js';

export const memoryCommands: CommandSpec[] = [];
