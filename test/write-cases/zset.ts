// Write-command cases for sorted sets: see types.ts.
import type { WriteCase } from './types.js';

export const zsetCases: Record<string, WriteCase[]> = {};
