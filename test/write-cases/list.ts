// Write-command cases for lists (beyond the first commands, whose cases are in mutation.test.ts): see types.ts.
import type { WriteCase } from './types.js';

export const listCases: Record<string, WriteCase[]> = {};
