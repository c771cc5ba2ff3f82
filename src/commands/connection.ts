// Connection commands: PING, ECHO, SELECT, QUIT, RESET, HELLO, AUTH and
// CLIENT (ID, GETNAME, SETNAME, SETINFO, LIST, INFO, KILL, NO-EVICT,
// NO-TOUCH, REPLY, HELP; TRACKING, CACHING, GETREDIR and TRACKINGINFO are
// commands/tracking.ts's).
//
// Authentication knows a single user, "default", whose password is
// `requirepass` ("" = nopass). The CLIENT LIST line is built here from the
// Client object, with what subsystems own (subscriptions, MULTI, blocked)
// collected through Subsystem.clientInfo.

import type { Client } from '../client.js';
import { emptyInfoFields, type ClientInfoFields } from '../engine/subsystem.js';
import { REPLY_OFF, REPLY_SKIP_NEXT } from '../client.js';
import { E, RedisError } from '../errors.js';
import { VERSION } from '../version.js';
import { parseInt64 } from '../util/numbers.js';
import { int32Arg, numArg } from '../engine/args.js';
import type { CommandSpec } from '../engine/table.js';
import { NO_KEYS } from '../engine/table.js';
import { trackingClientSubcommands } from './tracking.js';

/** Names and library attributes must split cleanly on spaces in CLIENT LIST: printable ASCII only. */
function validAttr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

function setClientName(c: Client, name: string): void {
  if (!validAttr(name)) throw new RedisError(E.CLIENT_NAME_CHARS);
  c.name = name;
}

/** ACLAuthenticateUser for the one user there is. */
function checkPassword(c: Client, user: string, pass: string): boolean {
  if (user !== 'default') return false;
  const required = c.server.config.get('requirepass');
  return required === '' || pass === required;
}

/** RESET: back to a fresh connection's state (the id, address and NO-EVICT stay). */
export function resetClient(c: Client): void {
  for (const sub of c.server.subsystems) sub.resetClient?.(c);
  c.db = c.server.keyspace.dbs[0]!;
  c.resp = 2;
  c.authenticated = c.server.config.get('requirepass') === '';
  c.name = '';
  c.replyFlags = 0;
}

// ---- CLIENT LIST ----------------------------------------------------------

type ClientType = 'normal' | 'replica' | 'pubsub' | 'master';

function clientTypeByName(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case 'normal': return 'normal';
    case 'slave': case 'replica': return 'replica';
    case 'pubsub': return 'pubsub';
    case 'master': return 'master';
    default: return null;
  }
}

function infoFields(c: Client): ClientInfoFields {
  const f = emptyInfoFields();
  for (const sub of c.server.subsystems) sub.clientInfo?.(c, f);
  return f;
}

/** Redis's order of CLIENT LIST flag letters (networking.c getClientInfoString). */
const FLAG_ORDER = 'OSMPxbtRBdcuAUreT';

function canonicalFlags(flags: string): string {
  if (flags.length < 2) return flags;
  return [...flags].sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b)).join('');
}

function clientType(f: ClientInfoFields): ClientType {
  if (f.flags.includes('M')) return 'master';
  if (f.flags.includes('S')) return 'replica';
  if (f.flags.includes('P')) return 'pubsub';
  return 'normal';
}

interface SocketWithFd {
  _handle?: { fd?: number } | null;
}

/**
 * One CLIENT LIST line, Redis 7.0's fields in Redis's order. `current` is the
 * command running for `self` (Redis sets lastcmd before calling it); `self`
 * is null outside a command (the output-limit log line).
 */
export function clientInfoLine(cl: Client, self: Client | null, current: string, argv: readonly string[]): string {
  const f = infoFields(cl);
  let flags = canonicalFlags(f.flags);
  if (cl.closeAfterReply) flags += 'c';
  if (cl.noEvict) flags += 'e';
  if (cl.noTouch) flags += 'T';
  if (flags === '') flags = 'N';
  const nowSec = Math.floor(cl.server.cachedNow / 1000);
  const s = cl.socket;
  const fd = s === null ? -1 : ((s as unknown as SocketWithFd)._handle?.fd ?? -1);
  let argvMem = 0;
  if (cl === self) for (const a of argv) argvMem += a.length;
  // Unsent output: queued for this turn's write, or held by the socket.
  const omem = cl.outputBytes;
  const oll = cl.outQueue.length + (s !== null && s.writableLength > 0 ? 1 : 0);
  const events = (cl.paused || cl.blocked ? '' : 'r') + (omem > 0 ? 'w' : '');
  return `id=${cl.id} addr=${cl.addr} laddr=${cl.laddr} fd=${fd} name=${cl.name}` +
    ` age=${nowSec - Math.floor(cl.createdAt / 1000)}` +
    ` idle=${cl === self ? 0 : nowSec - Math.floor(cl.lastInteraction / 1000)}` +
    ` flags=${flags} db=${cl.db.id} sub=${f.sub} psub=${f.psub} ssub=${f.ssub} multi=${f.multi}` +
    ` qbuf=0 qbuf-free=0 argv-mem=${argvMem} multi-mem=0 rbs=16384 rbp=0 obl=0 oll=${oll} omem=${omem}` +
    ` tot-mem=${argvMem + omem} events=${events} cmd=${cl === self ? current : cl.lastCommand}` +
    ` user=default redir=${cl.tracking === null ? -1 : cl.tracking.redirect} resp=${cl.resp}`;
}

// ---- CLIENT KILL ----------------------------------------------------------

interface KillFilter {
  addr: string | null;
  laddr: string | null;
  type: ClientType | null;
  id: number;
  maxAge: number;
  skipMe: boolean;
}

function parseKillFilter(argv: readonly string[]): KillFilter {
  const f: KillFilter = { addr: null, laddr: null, type: null, id: 0, maxAge: 0, skipMe: true };
  if (argv.length === 3) {
    // The old form CLIENT KILL addr, which may kill the caller.
    f.addr = argv[2]!;
    f.skipMe = false;
    return f;
  }
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i]!.toLowerCase();
    const val = argv[i + 1];
    if (val === undefined) throw new RedisError(E.SYNTAX);
    if (opt === 'id') {
      const v = parseInt64(val);
      if (v === null || v < 1) throw new RedisError(E.CLIENT_ID_POSITIVE);
      f.id = Number(v);
    } else if (opt === 'type') {
      f.type = clientTypeByName(val);
      if (f.type === null) throw new RedisError(E.UNKNOWN_CLIENT_TYPE(val));
    } else if (opt === 'addr') {
      f.addr = val;
    } else if (opt === 'laddr') {
      f.laddr = val;
    } else if (opt === 'user') {
      if (val !== 'default') throw new RedisError(E.NO_SUCH_USER(val));
    } else if (opt === 'skipme') {
      const yn = val.toLowerCase();
      if (yn === 'yes') f.skipMe = true;
      else if (yn === 'no') f.skipMe = false;
      else throw new RedisError(E.SYNTAX);
    } else if (opt === 'maxage') {
      // Redis 7.4's filter: connections older than this many seconds.
      f.maxAge = numArg(val, E.MAXAGE_NOT_INTEGER);
    } else {
      throw new RedisError(E.SYNTAX);
    }
  }
  return f;
}

function killClients(c: Client, f: KillFilter): number {
  const nowSec = Math.floor(c.server.cachedNow / 1000);
  let killed = 0;
  for (const cl of [...c.server.clients.values()]) {
    if (f.addr !== null && cl.addr !== f.addr) continue;
    if (f.laddr !== null && cl.laddr !== f.laddr) continue;
    if (f.type !== null && clientType(infoFields(cl)) !== f.type) continue;
    if (f.id !== 0 && cl.id !== f.id) continue;
    if (f.maxAge !== 0 && nowSec - Math.floor(cl.createdAt / 1000) <= f.maxAge) continue;
    if (cl === c && f.skipMe) continue;
    // The caller still gets its reply, then is closed.
    if (cl === c) c.closeAfterReply = true;
    else c.server.closeClient(cl);
    killed++;
  }
  return killed;
}

function onOff(v: string): boolean {
  const l = v.toLowerCase();
  if (l === 'on') return true;
  if (l === 'off') return false;
  throw new RedisError(E.SYNTAX);
}

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Prints this help.',
];

/** addReplyHelp: the lines as status replies. */
export function replyHelp(c: Client, lines: readonly string[]): void {
  c.w.array(lines.length);
  for (const l of lines) c.w.simple(l);
}

const CLIENT_FLAGS = ['noscript', 'loading', 'stale'] as const;
const CLIENT_ADMIN_FLAGS = ['admin', 'noscript', 'loading', 'stale'] as const;

const clientSubcommands: CommandSpec[] = [
  {
    name: 'client|id', arity: 2, flags: CLIENT_FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT ID',
    handler(c) {
      c.w.integer(c.id);
    },
  },
  {
    name: 'client|getname', arity: 2, flags: CLIENT_FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT GETNAME',
    handler(c) {
      c.w.bulk(c.name === '' ? null : c.name);
    },
  },
  {
    name: 'client|setname', arity: 3, flags: CLIENT_FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT SETNAME connection-name',
    handler(c, argv) {
      setClientName(c, argv[2]!);
      c.w.ok();
    },
  },
  {
    // Redis 7.2's; client libraries send it on connect (and ignore errors).
    name: 'client|setinfo', arity: 4, flags: CLIENT_FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>',
    handler(c, argv) {
      const attr = argv[2]!;
      const val = argv[3]!;
      const which = attr.toLowerCase();
      if (which !== 'lib-name' && which !== 'lib-ver') throw new RedisError(E.UNRECOGNIZED_OPTION(attr));
      if (!validAttr(val)) throw new RedisError(E.CLIENT_ATTR_CHARS(attr));
      if (which === 'lib-name') c.libName = val;
      else c.libVer = val;
      c.w.ok();
    },
  },
  {
    name: 'client|list', arity: -2, flags: CLIENT_ADMIN_FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT LIST [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]',
    handler(c, argv) {
      let out = '';
      if (argv.length === 4 && argv[2]!.toLowerCase() === 'type') {
        const type = clientTypeByName(argv[3]!);
        if (type === null) throw new RedisError(E.UNKNOWN_CLIENT_TYPE(argv[3]!));
        for (const cl of c.server.clients.values()) {
          if (clientType(infoFields(cl)) === type) out += clientInfoLine(cl, c, 'client|list', argv) + '\n';
        }
      } else if (argv.length > 3 && argv[2]!.toLowerCase() === 'id') {
        const ids: number[] = [];
        for (let i = 3; i < argv.length; i++) {
          ids.push(numArg(argv[i]!, E.INVALID_CLIENT_ID));
        }
        for (const id of ids) {
          const cl = c.server.clients.get(id);
          if (cl !== undefined) out += clientInfoLine(cl, c, 'client|list', argv) + '\n';
        }
      } else if (argv.length !== 2) {
        throw new RedisError(E.SYNTAX);
      } else {
        for (const cl of c.server.clients.values()) out += clientInfoLine(cl, c, 'client|list', argv) + '\n';
      }
      c.w.verbatim(out);
    },
  },
  {
    name: 'client|info', arity: 2, flags: CLIENT_FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT INFO',
    handler(c, argv) {
      c.w.verbatim(clientInfoLine(c, c, 'client|info', argv) + '\n');
    },
  },
  {
    name: 'client|kill', arity: -3, flags: CLIENT_ADMIN_FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT KILL <ip:port | <[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | ' +
      '[USER username] | [ADDR ip:port] | [LADDR ip:port] | [SKIPME <YES | NO>] | [MAXAGE maxage] ' +
      '[[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | [USER username] | [ADDR ip:port] | ' +
      '[LADDR ip:port] | [SKIPME <YES | NO>] | [MAXAGE maxage] ...]>>',
    handler(c, argv) {
      const filter = parseKillFilter(argv);
      const killed = killClients(c, filter);
      if (argv.length === 3) {
        if (killed === 0) throw new RedisError(E.NO_SUCH_CLIENT);
        c.w.ok();
      } else {
        c.w.integer(killed);
      }
    },
  },
  {
    name: 'client|unblock', arity: -3, flags: CLIENT_ADMIN_FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT UNBLOCK client-id [TIMEOUT | ERROR]',
    handler(c, argv) {
      // Redis's clientCommand matches only 3 or 4 arguments here.
      if (argv.length > 4) throw new RedisError(E.UNBLOCK_SYNTAX(argv[1]!));
      let asError = false;
      if (argv.length === 4) {
        const why = argv[3]!.toUpperCase();
        if (why === 'ERROR') asError = true;
        else if (why !== 'TIMEOUT') throw new RedisError(E.UNBLOCK_REASON);
      }
      const id = numArg(argv[2]!);
      const target = c.server.clients.get(id);
      const blocking = c.server.blocking;
      let done = false;
      if (target !== undefined) {
        done = asError ? blocking.unblockWithError(target, E.UNBLOCKED) : blocking.unblockAsTimeout(target);
      }
      c.w.integer(done ? 1 : 0);
    },
  },
  {
    name: 'client|no-evict', arity: 3, flags: CLIENT_ADMIN_FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT NO-EVICT <ON | OFF>',
    handler(c, argv) {
      c.noEvict = onOff(argv[2]!);
      c.w.ok();
    },
  },
  {
    // Redis 7.2's: reads by this client leave LRU/LFU data alone.
    name: 'client|no-touch', arity: 3, flags: CLIENT_FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT NO-TOUCH <ON | OFF>',
    handler(c, argv) {
      c.noTouch = onOff(argv[2]!);
      c.w.ok();
    },
  },
  {
    name: 'client|reply', arity: 3, flags: CLIENT_FLAGS, keys: NO_KEYS,
    syntax: 'CLIENT REPLY <ON | OFF | SKIP>',
    handler(c, argv) {
      // The server drops a command's output while REPLY_OFF or REPLY_SKIP is
      // set once it has run (Client.applyReplyFlags).
      const mode = argv[2]!.toLowerCase();
      if (mode === 'on') {
        c.replyFlags = 0;
        c.w.ok();
      } else if (mode === 'off') {
        c.replyFlags |= REPLY_OFF;
      } else if (mode === 'skip') {
        if ((c.replyFlags & REPLY_OFF) === 0) c.replyFlags |= REPLY_SKIP_NEXT;
      } else {
        throw new RedisError(E.SYNTAX);
      }
    },
  },
  // TRACKING, CACHING, GETREDIR, TRACKINGINFO (client-side caching).
  ...trackingClientSubcommands,
  {
    name: 'client|help', arity: 2, flags: ['loading', 'stale'], keys: NO_KEYS,
    syntax: 'CLIENT HELP',
    handler(c) {
      replyHelp(c, CLIENT_HELP);
    },
  },
];

export const connectionCommands: CommandSpec[] = [
  {
    name: 'ping', arity: -1, flags: ['fast'], keys: NO_KEYS,
    syntax: 'PING [message]',
    handler(c, argv) {
      if (argv.length > 2) throw new RedisError(E.WRONG_ARITY('ping'));
      if (c.pubsub !== null && c.resp === 2) {
        // A subscribed RESP2 connection only carries pushes: PONG is one.
        c.w.array(2);
        c.w.bulk('pong');
        c.w.bulk(argv.length === 2 ? argv[1]! : '');
      } else if (argv.length === 2) {
        c.w.bulk(argv[1]!);
      } else {
        c.w.simple('PONG');
      }
    },
  },
  {
    name: 'echo', arity: 2, flags: ['loading', 'stale', 'fast'], keys: NO_KEYS,
    syntax: 'ECHO message',
    handler(c, argv) {
      c.w.bulk(argv[1]!);
    },
  },
  {
    name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], keys: NO_KEYS,
    syntax: 'SELECT index',
    handler(c, argv) {
      const db = c.server.keyspace.dbs[int32Arg(argv[1]!)];
      if (db === undefined) throw new RedisError(E.INVALID_DB);
      c.db = db;
      c.w.ok();
    },
  },
  {
    name: 'quit', arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], keys: NO_KEYS,
    syntax: 'QUIT',
    handler(c) {
      c.w.ok();
      c.closeAfterReply = true;
    },
  },
  {
    name: 'reset', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], keys: NO_KEYS,
    syntax: 'RESET',
    handler(c) {
      resetClient(c);
      c.w.simple('RESET');
    },
  },
  {
    name: 'hello', arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], keys: NO_KEYS,
    syntax: 'HELLO [protover [AUTH username password] [SETNAME clientname]]',
    handler(c, argv) {
      let ver = 0;
      if (argv.length >= 2) {
        ver = numArg(argv[1]!, E.HELLO_PROTOVER);
        if (ver < 2 || ver > 3) throw new RedisError(E.NOPROTO);
      }
      let user: string | null = null;
      let pass = '';
      let name: string | null = null;
      for (let j = 2; j < argv.length; j++) {
        const more = argv.length - 1 - j;
        const opt = argv[j]!.toLowerCase();
        if (opt === 'auth' && more >= 2) {
          user = argv[j + 1]!;
          pass = argv[j + 2]!;
          j += 2;
        } else if (opt === 'setname' && more >= 1) {
          name = argv[j + 1]!;
          j++;
        } else {
          throw new RedisError(E.HELLO_SYNTAX(argv[j]!));
        }
      }
      if (user !== null) {
        if (!checkPassword(c, user, pass)) throw new RedisError(E.WRONGPASS);
        c.authenticated = true;
      }
      if (!c.authenticated) throw new RedisError(E.HELLO_NOAUTH);
      if (name !== null) setClientName(c, name);
      if (ver !== 0) {
        // The reply itself is already in the new protocol.
        c.resp = ver as 2 | 3;
      }
      const w = c.w;
      w.map(7);
      w.bulk('server');
      w.bulk('redis');
      w.bulk('version');
      w.bulk(VERSION);
      w.bulk('proto');
      w.integer(c.resp);
      w.bulk('id');
      w.integer(c.id);
      w.bulk('mode');
      w.bulk('standalone');
      w.bulk('role');
      w.bulk('master');
      w.bulk('modules');
      w.array(0);
    },
  },
  {
    name: 'auth', arity: -2, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], keys: NO_KEYS,
    syntax: 'AUTH [username] password',
    handler(c, argv) {
      if (argv.length > 3) throw new RedisError(E.SYNTAX);
      let user = 'default';
      let pass: string;
      if (argv.length === 2) {
        // The old one-argument form is an error while the default user has no password.
        if (c.server.config.get('requirepass') === '') throw new RedisError(E.AUTH_NOT_CONFIGURED);
        pass = argv[1]!;
      } else {
        user = argv[1]!;
        pass = argv[2]!;
      }
      if (!checkPassword(c, user, pass)) throw new RedisError(E.WRONGPASS);
      c.authenticated = true;
      c.w.ok();
    },
  },
  {
    name: 'client', arity: -2, flags: [], keys: NO_KEYS,
    syntax: 'CLIENT <subcommand> [<arg> ...]',
    subcommands: clientSubcommands,
  },
];
