// Bit commands: GETBIT, SETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.

import type { CommandSpec } from './table.js';

export const bitCommands: CommandSpec[] = [];
