// Every error text the server can send lives here, so that the wording matches
// Redis 7.0 in one place and tests can refer to the same constants.
//
// The storage layer throws `RedisError`; the dispatcher turns it into a `-ERR`
// reply. Texts are given without the leading '-' and must start with an error
// code word (ERR, WRONGTYPE, NOAUTH, ...), as Redis's do.

export class RedisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisError';
  }
}

/** A request that cannot be parsed: the reply is sent, then the client is closed. */
export class ProtocolError extends Error {
  constructor(detail: string) {
    super(`ERR Protocol error: ${detail}`);
    this.name = 'ProtocolError';
  }
}

/** A bad configuration file or option: start-up stops with exit code 1. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const E = {
  WRONGTYPE: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  SYNTAX: 'ERR syntax error',
  NOT_INTEGER: 'ERR value is not an integer or out of range',
  NOT_FLOAT: 'ERR value is not a valid float',
  OVERFLOW: 'ERR increment or decrement would overflow',
  NAN_OR_INF: 'ERR increment would produce NaN or Infinity',
  NO_SUCH_KEY: 'ERR no such key',
  INVALID_DB: 'ERR DB index is out of range',
  INVALID_EXPIRE: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  STRING_TOO_LONG: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  OFFSET_OUT_OF_RANGE: 'ERR offset is out of range',
  BIT_OFFSET: 'ERR bit offset is not an integer or out of range',
  BIT_VALUE: 'ERR bit is not an integer or out of range',
  DECREMENT_OVERFLOW: 'ERR decrement would overflow',
  LCS_NOT_STRING: 'ERR The specified keys must contain string values',
  LCS_IDX_AND_LEN: 'ERR If you want both the length and indexes, please just use IDX.',
  LCS_TOO_LONG: 'ERR String too long for LCS',
  LCS_MEMORY: 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
  BITPOS_BIT: 'ERR The bit argument must be 1 or 0.',
  BITOP_NOT_ONE_KEY: 'ERR BITOP NOT must be called with a single source key.',
  BITFIELD_TYPE: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  BITFIELD_OVERFLOW_TYPE: 'ERR Invalid OVERFLOW type specified',
  BITFIELD_RO_GET_ONLY: 'ERR BITFIELD_RO only supports the GET subcommand',
  NOAUTH: 'NOAUTH Authentication required.',
  WRONGPASS: 'WRONGPASS invalid username-password pair or user is disabled.',
  AUTH_NOT_CONFIGURED:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  NOPROTO: 'NOPROTO unsupported protocol version',
  INVALID_CURSOR: 'ERR invalid cursor',
  SAME_OBJECT: 'ERR source and destination objects are the same',
  EXPIRE_UNSUPPORTED_OPTION: (opt: string) => `ERR Unsupported option ${opt}`,
  EXPIRE_NX_AND_XX_GT_LT: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  EXPIRE_GT_AND_LT: 'ERR GT and LT options at the same time are not compatible',
  VALUE_NOT_BETWEEN: (min: number | bigint, max: number | bigint) =>
    `ERR value is out of range, value must between ${min} and ${max}`,
  LFU_NOT_SELECTED:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  LFU_SELECTED:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  HELLO_NOAUTH:
    'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
  HELLO_PROTOVER: 'ERR Protocol version is not an integer or out of range',
  HELLO_SYNTAX: (opt: string) => `ERR Syntax error in HELLO option '${opt}'`,
  CLIENT_NAME_CHARS: 'ERR Client names cannot contain spaces, newlines or special characters.',
  CLIENT_ATTR_CHARS: (attr: string) => `ERR ${attr} cannot contain spaces, newlines or special characters.`,
  UNRECOGNIZED_OPTION: (opt: string) => `ERR Unrecognized option '${opt}'`,
  UNKNOWN_CLIENT_TYPE: (t: string) => `ERR Unknown client type '${t}'`,
  INVALID_CLIENT_ID: 'ERR Invalid client ID',
  CLIENT_ID_POSITIVE: 'ERR client-id should be greater than 0',
  MAXAGE_NOT_INTEGER: 'ERR maxage is not an integer or out of range',
  NO_SUCH_USER: (u: string) => `ERR No such user '${u}'`,
  NO_SUCH_CLIENT: 'ERR No such client',
  INVALID_DB_INDEX: (which: 'first' | 'second') => `ERR invalid ${which} DB index`,
  NO_SHUTDOWN: 'ERR No shutdown in progress.',
  SHUTDOWN_FAILED: 'ERR Errors trying to SHUTDOWN. Check logs.',
  CONFIG_REWRITE_FAILED: (why: string) => `ERR Rewriting config file: ${why}`,
  MAX_CLIENTS: 'ERR max number of clients reached',
  TOO_MANY_KEYS: 'OOM command not allowed: a mini-redis database holds at most 16777216 keys',
  UNKNOWN_COMMAND: (name: string, args: readonly string[]) => {
    // Same budget as Redis: echo arguments while fewer than 128 bytes are echoed.
    let echoed = '';
    for (const a of args) {
      if (echoed.length >= 128) break;
      echoed += `'${truncate(a, 128 - echoed.length)}' `;
    }
    return `ERR unknown command '${truncate(name)}', with args beginning with: ${echoed}`;
  },
  UNKNOWN_SUBCOMMAND: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${truncate(sub)}'. Try ${cmd.toUpperCase()} HELP.`,
  WRONG_ARITY: (fullName: string) => `ERR wrong number of arguments for '${fullName}' command`,
  MUST_BE_POSITIVE_RANGE: 'ERR value is out of range, must be positive',
  MUST_BE_POSITIVE: (what: string) => `ERR ${what} must be positive`,
  OUT_OF_RANGE: (what: string) => `ERR ${what} is out of range`,
  NOT_INT_OR_OUT_OF_RANGE: (what: string) => `ERR ${what} value is not an integer or out of range`,
  UNSUPPORTED_CONFIG: (name: string) => `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`,
  INVALID_CONFIG: (name: string, detail: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${detail}`,
  NO_CONFIG_FILE: 'ERR The server is running without a config file',
  GETKEYS_INVALID_COMMAND: 'ERR Invalid command specified',
  GETKEYS_NO_KEYS: 'ERR The command has no key arguments',
  GETKEYS_INVALID_ARITY: 'ERR Invalid number of arguments specified for command',
  GETKEYS_INVALID_ARGS: 'ERR Invalid arguments specified for command',
  // hashes (t_hash.c)
  HASH_NOT_INTEGER: 'ERR hash value is not an integer',
  HASH_NOT_FLOAT: 'ERR hash value is not a float',
  VALUE_NAN_OR_INF: 'ERR value is NaN or Infinity',
  VALUE_OUT_OF_RANGE: 'ERR value is out of range',
  // sets (t_set.c)
  SET_NUMKEYS_POSITIVE: 'ERR numkeys should be greater than 0',
  SET_NUMKEYS_TOO_MANY: "ERR Number of keys can't be greater than number of args",
  SET_LIMIT_NEGATIVE: "ERR LIMIT can't be negative",
  // lists and blocking (t_list.c, blocked.c, timeout.c, CLIENT UNBLOCK)
  LIST_INDEX_OUT_OF_RANGE: 'ERR index out of range',
  LPOS_RANK_ZERO:
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  LPOS_COUNT_NEGATIVE: "ERR COUNT can't be negative",
  LPOS_MAXLEN_NEGATIVE: "ERR MAXLEN can't be negative",
  MPOP_NUMKEYS_POSITIVE: 'ERR numkeys should be greater than 0',
  MPOP_COUNT_POSITIVE: 'ERR count should be greater than 0',
  TIMEOUT_NOT_FLOAT: 'ERR timeout is not a float or out of range',
  TIMEOUT_NEGATIVE: 'ERR timeout is negative',
  UNBLOCK_REASON: 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR',
  UNBLOCK_SYNTAX: (sub: string) => `ERR unknown subcommand or wrong number of arguments for '${truncate(sub)}'. Try CLIENT HELP.`,
  UNBLOCKED: 'UNBLOCKED client unblocked via CLIENT UNBLOCK',
  // sorted sets (t_zset.c)
  ZSET_XX_AND_NX: 'ERR XX and NX options at the same time are not compatible',
  ZSET_GT_LT_NX: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  ZSET_INCR_PAIR: 'ERR INCR option supports a single increment-element pair',
  ZSET_NAN: 'ERR resulting score is not a number (NaN)',
  ZSET_MINMAX_FLOAT: 'ERR min or max is not a float',
  ZSET_MINMAX_LEX: 'ERR min or max not valid string range item',
  ZSET_LIMIT_RANK: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  ZSET_WITHSCORES_BYLEX: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  ZSET_NEED_KEY: (cmd: string) => `ERR at least 1 input key is needed for '${cmd}' command`,
  ZSET_WEIGHT_FLOAT: 'ERR weight value is not a float',
  ZSET_LIMIT_NEGATIVE: "ERR LIMIT can't be negative",
  ZSET_VALUE_OUT_OF_RANGE: 'ERR value is out of range',
  // sort (sort.c)
  SORT_SCORE_NOT_DOUBLE: "ERR One or more scores can't be converted into double",
  // pub/sub (pubsub.c, server.c)
  SUBSCRIBE_DENIED: (cmd: string) => `ERR ${cmd} isn't allowed for a DENY BLOCKING client`,
  PUBSUB_SUBCOMMAND_SYNTAX: (sub: string) =>
    `ERR unknown subcommand or wrong number of arguments for '${truncate(sub)}'. Try PUBSUB HELP.`,
  PUBSUB_CONTEXT: (fullName: string) =>
    `ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  // transactions (multi.c, server.c)
  MULTI_NESTED: 'ERR MULTI calls can not be nested',
  WATCH_IN_MULTI: 'ERR WATCH inside MULTI is not allowed',
  NOT_IN_MULTI: 'ERR Command not allowed inside a transaction',
  EXEC_WITHOUT_MULTI: 'ERR EXEC without MULTI',
  DISCARD_WITHOUT_MULTI: 'ERR DISCARD without MULTI',
  EXECABORT: 'EXECABORT Transaction discarded because of previous errors.',
  /** EXEC itself rejected (Redis's execCommandAbort): the reason without its ERR code. */
  EXECABORT_BECAUSE: (msg: string) =>
    `EXECABORT Transaction discarded because of: ${msg.startsWith('ERR ') ? msg.slice(4) : msg}`,
  // client tracking (networking.c CLIENT TRACKING/CACHING, tracking.c)
  TRACKING_ONE_REDIRECT: 'ERR A client can only redirect to a single other client',
  TRACKING_NO_REDIRECT_CLIENT: 'ERR The client ID you want redirect to does not exist',
  TRACKING_PREFIX_NEEDS_BCAST: 'ERR PREFIX option requires BCAST mode to be enabled',
  TRACKING_SWITCH_BCAST: "ERR You can't switch BCAST mode on/off before disabling tracking for this client, " +
    'and then re-enabling it with a different mode.',
  TRACKING_BCAST_OPTIN: 'ERR OPTIN and OPTOUT are not compatible with BCAST',
  TRACKING_OPTIN_AND_OPTOUT: "ERR You can't specify both OPTIN mode and OPTOUT mode",
  TRACKING_SWITCH_OPTIN: "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, " +
    'and then re-enabling it with a different mode.',
  /** The prefixes as Redis's %s prints them (up to a NUL, newlines as spaces). */
  TRACKING_PREFIX_OVERLAPS_EXISTING: (p: string, existing: string) =>
    `ERR Prefix '${oneLine(p)}' overlaps with an existing prefix '${oneLine(existing)}'. ` +
    'Prefixes for a single client must not overlap.',
  TRACKING_PREFIX_OVERLAPS_PROVIDED: (p: string, other: string) =>
    `ERR Prefix '${oneLine(p)}' overlaps with another provided prefix '${oneLine(other)}'. ` +
    'Prefixes for a single client must not overlap.',
  CACHING_NOT_TRACKING: 'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or ' +
    'OPTOUT mode enabled',
  CACHING_YES_NOT_OPTIN: 'ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.',
  CACHING_NO_NOT_OPTOUT: 'ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.',
  // append-only file (src/persistence/aof.ts, src/commands/aof.ts)
  AOF_REWRITE_IN_PROGRESS: 'ERR Background append only file rewriting already in progress',
  AOF_REWRITE_FAILED: "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
  MISCONF_AOF: (reason: string) => `MISCONF Errors writing to the AOF file: ${reason}`,
  // RDB snapshots (src/persistence/snapshot.ts, src/commands/snapshot.ts)
  BGSAVE_IN_PROGRESS: 'ERR Background save already in progress',
  BGSAVE_CHILD_ACTIVE: "ERR Another child process is active (AOF?): can't BGSAVE right now. " +
    'Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.',
  /** SAVE that failed: Redis's shared.err, a bare "-ERR". */
  SAVE_FAILED: 'ERR',
  MISCONF_RDB: "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
    'Commands that may modify the data set are disabled, because this instance is configured to report errors ' +
    'during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs ' +
    'for details about the RDB error.',
  // DUMP / RESTORE (src/commands/dump.ts)
  BUSYKEY: 'BUSYKEY Target key name already exists.',
  DUMP_PAYLOAD_INVALID: 'ERR DUMP payload version or checksum are wrong',
  BAD_DATA_FORMAT: 'ERR Bad data format',
  INVALID_TTL: 'ERR Invalid TTL value, must be >= 0',
  INVALID_IDLETIME: 'ERR Invalid IDLETIME value, must be >= 0',
  INVALID_FREQ: 'ERR Invalid FREQ value, must be >= 0 and <= 255',
  // DEBUG (src/commands/debug.ts, debug.c; the gate is processCommand's for PROTECTED commands)
  DEBUG_NOT_ALLOWED: 'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", ' +
    'you can run it from a local connection, otherwise you need to set this option in the configuration file, ' +
    'and then restart the server.',
  DEBUG_SUBCOMMAND_SYNTAX: (sub: string) =>
    `ERR unknown subcommand or wrong number of arguments for '${truncate(sub)}'. Try DEBUG HELP.`,
  DEBUG_RELOAD_OPTIONS: 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.',
  DEBUG_RELOAD_LOAD: 'ERR Error trying to load the RDB dump',
  DEBUG_PACKED_THRESHOLD: 'ERR argument must be a memory value bigger than 1 and smaller than 4gb',
  /** Where Redis exits (a missing or unreadable AOF), this server answers this. */
  DEBUG_LOADAOF_FAILED: (why: string) => `ERR DEBUG LOADAOF failed: ${oneLine(why)}`,
} as const;

/** A %s argument of addReplyErrorFormat: cut at a NUL, newlines made spaces. */
function oneLine(s: string): string {
  const nul = s.indexOf('\0');
  return (nul >= 0 ? s.slice(0, nul) : s).replace(/[\r\n]/g, ' ');
}

function truncate(s: string, max = 128): string {
  // Redis cuts the echoed name to 128 bytes and replaces newlines so the
  // error stays on one line.
  // Its %.*s also stops at a NUL byte.
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  const cut = s.length > max ? s.slice(0, max) : s;
  return cut.replace(/[\r\n]/g, ' ');
}
