// Small file-system helpers shared by the persistence modules: Redis's
// strerror texts for the errors a write, fsync or rename can meet (they are
// what INFO, MISCONF errors and the log show), and closes/unlinks/directory
// fsyncs whose failure changes nothing for the caller.

import { closeSync, unlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';

const STRERROR: Record<string, string> = {
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
  EDQUOT: 'Disk quota exceeded',
  EBADF: 'Bad file descriptor',
  EROFS: 'Read-only file system',
  EFBIG: 'File too large',
  EACCES: 'Permission denied',
  ENOENT: 'No such file or directory',
  EPERM: 'Operation not permitted',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
};

/** The C library's text for a Node error (ENOSPC -> 'No space left on device'). */
export function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== undefined && STRERROR[code] !== undefined) return STRERROR[code];
  return (e as Error).message;
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** fsync a directory (a rename in it made durable), off the event loop. */
export async function fsyncDirAsync(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
