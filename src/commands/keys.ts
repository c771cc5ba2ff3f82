// Generic key commands: DEL, EXISTS, TYPE, KEYS, SCAN, RENAME, COPY, MOVE, the EXPIRE family, OBJECT.

import type { CommandSpec } from './table.js';

export const keyCommands: CommandSpec[] = [];
