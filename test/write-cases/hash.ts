// Write-command cases for hashes: see types.ts.
import type { WriteCase } from './types.js';

export const hashCases: Record<string, WriteCase[]> = {};
