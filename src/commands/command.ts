// COMMAND and its subcommands, generated from the command table.

import type { CommandSpec } from './table.js';

export const commandCommands: CommandSpec[] = [];
