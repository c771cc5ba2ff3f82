// Write-command cases for SORT ... STORE: see types.ts.
import type { WriteCase } from './types.js';

export const sortCases: Record<string, WriteCase[]> = {};
