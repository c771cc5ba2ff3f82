// The versions the server reports. Kept apart from the server so that command
// modules can name them without importing the server (no import cycle).

/** The Redis version whose behaviour this server follows (HELLO, INFO). */
export const VERSION = '7.0.15';
/** This package's own version (INFO server's mini_redis_version). */
export const MINI_REDIS_VERSION = '0.1.0';
