// Write-command cases for sets: see types.ts.
import type { WriteCase } from './types.js';

export const setCases: Record<string, WriteCase[]> = {};
