// COMMAND and its subcommands (COUNT, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS,
// LIST, HELP), generated from the live command table joined with docs.json.
//
// The table says what we implement (name, arity, flags, key range, handler);
// docs.json, copied from a real Redis 7.0 by scripts/gen-command-docs.mjs,
// says what Redis documents about it (summary, argument tree, ACL categories,
// tips, key specs). Replies are written field by field in the order Redis
// 7.0.15 writes them (server.c addReplyCommandInfo / addReplyCommandDocs), so
// clients that render them (redis-cli builds its hints from COMMAND DOCS at
// start-up) see exactly what real Redis sends. Key extraction follows db.c:
// key specs first, the command's own key finder as the fallback.

import type { Client } from '../client.js';
import { E, RedisError } from '../errors.js';
import { globMatch } from '../keyspace/glob.js';
import type { ReplyWriter } from '../protocol/reply.js';
import { parseInt64 } from '../util/numbers.js';
import docsJson from './docs.json' with { type: 'json' };
import laterDocsJson from './docs-later.json' with { type: 'json' };
import type { Command, CommandFlag, CommandSpec, CommandTable } from '../engine/table.js';
import { NO_KEYS } from '../engine/table.js';

// ---- docs.json -------------------------------------------------------------

export interface ArgDoc {
  name: string;
  type: string;
  key_spec_index?: number;
  token?: string;
  summary?: string;
  since?: string;
  deprecated_since?: string;
  flags?: string[];
  arguments?: ArgDoc[];
}

export interface KeySpecDoc {
  notes?: string;
  flags: string[];
  begin_search: { type: string; spec: Record<string, number | string> };
  find_keys: { type: string; spec: Record<string, number | string> };
}

export interface CommandDoc {
  summary: string;
  since: string;
  group: string;
  complexity?: string;
  doc_flags?: string[];
  deprecated_since?: string;
  replaced_by?: string;
  history?: [string, string][];
  arguments?: ArgDoc[];
  /** COMMAND INFO fields of Redis itself, for the table tests. */
  arity: number;
  flags: string[];
  key_range: [number, number, number];
  acl_categories: string[];
  tips: string[];
  key_specs: KeySpecDoc[];
}

/**
 * Commands documented from a Redis later than 7.0, by hand in docs-later.json
 * from that Redis's own docs: commands added later that we serve (CLIENT
 * SETINFO and NO-TOUCH, which clients send), and 7.0 commands whose later
 * form we serve (ZRANK and ZREVRANK with 7.2's WITHSCORE).
 */
export const LATER_COMMANDS: ReadonlySet<string> = new Set(Object.keys(laterDocsJson));

/** Redis 7.0's documentation of every command and subcommand, by lower-case full name. */
export const COMMAND_DOCS: Readonly<Record<string, CommandDoc>> = {
  ...(docsJson as unknown as Record<string, CommandDoc>),
  ...(laterDocsJson as unknown as Record<string, CommandDoc>),
};

function docOf(cmd: Command): CommandDoc | undefined {
  return Object.hasOwn(COMMAND_DOCS, cmd.fullName) ? COMMAND_DOCS[cmd.fullName] : undefined;
}

// ---- flags and ACL categories -------------------------------------------------

/** The order in which Redis lists command flags (addReplyFlagsForCommand). */
const FLAG_ORDER: readonly string[] = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'may_replicate', 'no_mandatory_keys',
  'no_async_loading', 'no_multi', 'movablekeys', 'allow_busy',
];

/** COMMAND INFO's flags: the spec's, plus movablekeys for a command with a key finder. */
export function commandFlags(cmd: Command): string[] {
  return FLAG_ORDER.filter((f) =>
    f === 'movablekeys' ? cmd.movableKeys : cmd.flags.has(f as CommandFlag));
}

/** ACL categories in Redis's order (ACLCommandCategories). */
const CATEGORY_ORDER = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog',
  'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection',
  'transaction', 'scripting',
];

/**
 * The command's ACL categories: Redis's own list where Redis has the command;
 * otherwise derived from the flags the way setImplicitACLCategories does.
 */
export function aclCategories(cmd: Command): string[] {
  const doc = docOf(cmd);
  if (doc !== undefined) return doc.acl_categories;
  const cats = new Set<string>();
  const f = cmd.flags;
  if (f.has('write')) cats.add('write');
  if (f.has('readonly')) cats.add('read');
  if (f.has('admin')) cats.add('admin').add('dangerous');
  if (f.has('pubsub')) cats.add('pubsub');
  if (f.has('blocking')) cats.add('blocking');
  cats.add(f.has('fast') ? 'fast' : 'slow');
  return CATEGORY_ORDER.filter((c) => cats.has(c)).map((c) => `@${c}`);
}

// ---- lookups --------------------------------------------------------------------

/** lookupCommandBySds: 'get', 'CONFIG|GET'; anything else is unknown. */
export function lookupByFullName(table: CommandTable, name: string): Command | undefined {
  const bar = name.indexOf('|');
  if (bar < 0) return table.lookup(name);
  if (name.indexOf('|', bar + 1) >= 0) return undefined;
  const base = table.lookup(name.slice(0, bar));
  if (base === undefined || base.subcommands === null) return undefined;
  return base.subcommands.get(name.slice(bar + 1).toLowerCase());
}

/** lookupCommand for a full argv: the subcommand when there is one. */
function lookupArgv(table: CommandTable, argv: readonly string[]): Command | undefined {
  const base = table.lookup(argv[0]!);
  if (base === undefined || argv.length === 1 || base.subcommands === null) return base;
  return base.subcommands.get(argv[1]!.toLowerCase());
}

// ---- key extraction (db.c) ------------------------------------------------------

export interface KeyRef {
  pos: number;
  flags: readonly string[];
}

/** Key-spec flags in the order Redis lists them (addReplyFlagsForKeyArgs). */
const RO_ACCESS = ['RO', 'access'];
const RW_ACCESS_UPDATE = ['RW', 'access', 'update'];
const OW_UPDATE = ['OW', 'update'];

/**
 * Key-spec flags that depend on the arguments: Redis computes them in the
 * command's getkeys_proc (setGetKeys, bitfieldGetKeys).
 */
const VARIABLE_KEY_FLAGS = new Map<string, (argv: readonly string[]) => readonly string[]>([
  ['set', (argv) => {
    for (let i = 3; i < argv.length; i++) if (argv[i]!.toLowerCase() === 'get') return RW_ACCESS_UPDATE;
    return OW_UPDATE;
  }],
  ['bitfield', (argv) => {
    for (let i = 2; i < argv.length; i++) {
      const rem = argv.length - i - 1;
      const op = argv[i]!.toLowerCase();
      if (op === 'get' && rem >= 2) i += 2;
      else if (op === 'overflow' && rem >= 1) i += 1;
      else return RW_ACCESS_UPDATE; // SET/INCRBY, or a syntax error: assume a write
    }
    return RO_ACCESS;
  }],
]);

/**
 * getKeysUsingKeySpecs: the keys the specs find, or null when a spec cannot
 * be applied (Redis's -1). With `partial`, such specs are skipped instead
 * (GET_KEYSPEC_RETURN_PARTIAL).
 */
export function keysFromSpecs(specs: readonly KeySpecDoc[], argv: readonly string[], partial = false): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const spec of specs) {
    if (spec.flags.includes('not_key')) continue;
    let first = 0;
    const bs = spec.begin_search;
    if (bs.type === 'index') {
      first = bs.spec['index'] as number;
    } else if (bs.type === 'keyword') {
      const keyword = (bs.spec['keyword'] as string).toLowerCase();
      const startfrom = bs.spec['startfrom'] as number;
      const start = startfrom > 0 ? startfrom : argc + startfrom;
      const end = startfrom > 0 ? argc - 1 : 1;
      // As in Redis, the end index itself is not examined.
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i]!.toLowerCase() === keyword) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    } else {
      if (partial) continue;
      return null;
    }

    let last: number;
    let step: number;
    const fk = spec.find_keys;
    if (fk.type === 'range') {
      const lastkey = fk.spec['lastkey'] as number;
      const limit = fk.spec['limit'] as number;
      step = fk.spec['keystep'] as number;
      if (lastkey >= 0) last = first + lastkey;
      else if (limit === 0) last = argc + lastkey;
      else last = first + (Math.trunc((argc - first) / limit) + lastkey);
    } else if (fk.type === 'keynum') {
      const idx = first + (fk.spec['keynumidx'] as number);
      const n = idx < argc ? parseInt64(argv[idx]!) : null;
      if (n === null || n < 0 || n > argc) {
        if (partial) continue;
        return null;
      }
      step = fk.spec['keystep'] as number;
      first += fk.spec['firstkey'] as number;
      last = first + Number(n) - 1;
    } else {
      if (partial) continue;
      return null;
    }

    if (last >= argc || last < first || first >= argc) {
      if (partial) continue;
      return null;
    }
    for (let i = first; i <= last; i += Math.max(step, 1)) out.push({ pos: i, flags: spec.flags });
    if (spec.flags.includes('incomplete') && !partial) return null;
  }
  return out;
}

/** doesCommandHaveKeys. */
function hasKeys(cmd: Command, doc: CommandDoc | undefined): boolean {
  if (cmd.spec.getKeys !== undefined || VARIABLE_KEY_FLAGS.has(cmd.fullName)) return true;
  if (doc === undefined) return cmd.spec.keys.first > 0;
  return doc.key_specs.some((s) => !s.flags.includes('not_key'));
}

/** getKeysFromCommandWithSpecs: the keys of a full command line, with their flags. */
export function findKeys(cmd: Command, argv: readonly string[]): KeyRef[] {
  const doc = docOf(cmd);
  const specs = doc?.key_specs ?? [];
  const variable = specs.some((s) => s.flags.includes('variable_flags'));
  if (!variable && specs.some((s) => !s.flags.includes('not_key'))) {
    const r = keysFromSpecs(specs, argv);
    if (r !== null) return r;
  }
  const varFlags = VARIABLE_KEY_FLAGS.get(cmd.fullName);
  // Without specs (a command Redis lacks) the legacy range is all there is;
  // with specs that failed, only a key finder of its own can help, as in Redis.
  if (cmd.spec.getKeys === undefined && varFlags === undefined && doc !== undefined) return [];
  let positions: number[];
  try {
    positions = cmd.keyIndexes(argv);
  } catch {
    return [];
  }
  positions = positions.filter((p) => p > 0 && p < argv.length);
  if (varFlags !== undefined) {
    const flags = varFlags(argv);
    return positions.map((pos) => ({ pos, flags }));
  }
  // The flags of a key found by the command's own finder: those of the spec
  // that covers its position, else those of the last spec Redis cannot
  // evaluate. That reproduces the only two finders that return keys there:
  // SORT (its STORE key is the last 'unknown' spec, after BY/GET's) and
  // MIGRATE (KEYS, an 'incomplete' spec). 'incomplete' describes a spec, not
  // a key, so a finder never reports it.
  const complete = (flags: readonly string[]) => flags.filter((f) => f !== 'incomplete');
  const covered = new Map<number, readonly string[]>();
  for (const k of keysFromSpecs(specs, argv, true) ?? []) {
    if (!covered.has(k.pos)) covered.set(k.pos, complete(k.flags));
  }
  const opaque = specs.filter((s) => s.begin_search.type === 'unknown' || s.flags.includes('incomplete')).pop();
  const rest = complete(opaque?.flags ?? []);
  return positions.map((pos) => ({ pos, flags: covered.get(pos) ?? rest }));
}

// ---- reply writers --------------------------------------------------------------

function writeScalar(w: ReplyWriter, v: number | string): void {
  if (typeof v === 'number') w.integer(v);
  else w.bulk(v);
}

function writeSimpleSet(w: ReplyWriter, items: readonly string[]): void {
  w.set(items.length);
  for (const s of items) w.simple(s);
}

const BEGIN_SEARCH_FIELDS: Record<string, readonly string[]> = {
  index: ['index'], keyword: ['keyword', 'startfrom'], unknown: [],
};
const FIND_KEYS_FIELDS: Record<string, readonly string[]> = {
  range: ['lastkey', 'keystep', 'limit'], keynum: ['keynumidx', 'firstkey', 'keystep'], unknown: [],
};

function writeSearch(w: ReplyWriter, part: KeySpecDoc['begin_search'], fields: readonly string[]): void {
  w.map(2);
  w.bulk('type');
  w.bulk(part.type);
  w.bulk('spec');
  w.map(fields.length);
  for (const f of fields) {
    w.bulk(f);
    writeScalar(w, part.spec[f]!);
  }
}

function writeKeySpecs(w: ReplyWriter, specs: readonly KeySpecDoc[]): void {
  w.set(specs.length);
  for (const ks of specs) {
    w.map(ks.notes !== undefined ? 4 : 3);
    if (ks.notes !== undefined) {
      w.bulk('notes');
      w.bulk(ks.notes);
    }
    w.bulk('flags');
    writeSimpleSet(w, ks.flags);
    w.bulk('begin_search');
    writeSearch(w, ks.begin_search, BEGIN_SEARCH_FIELDS[ks.begin_search.type] ?? []);
    w.bulk('find_keys');
    writeSearch(w, ks.find_keys, FIND_KEYS_FIELDS[ks.find_keys.type] ?? []);
  }
}

/** The 10-element entry of COMMAND / COMMAND INFO (addReplyCommandInfo). */
export function writeCommandInfo(w: ReplyWriter, cmd: Command): void {
  const doc = docOf(cmd);
  const { first, last, step } = cmd.spec.keys;
  w.array(10);
  w.bulk(cmd.fullName);
  w.integer(cmd.arity);
  writeSimpleSet(w, commandFlags(cmd));
  w.integer(first);
  w.integer(last);
  w.integer(step);
  writeSimpleSet(w, aclCategories(cmd));
  const tips = doc?.tips ?? [];
  w.set(tips.length);
  for (const t of tips) w.bulk(t);
  writeKeySpecs(w, doc?.key_specs ?? []);
  if (cmd.subcommands === null) {
    w.set(0);
  } else {
    w.array(cmd.subcommands.size);
    for (const sub of cmd.subcommands.values()) writeCommandInfo(w, sub);
  }
}

function writeArgs(w: ReplyWriter, args: readonly ArgDoc[]): void {
  w.array(args.length);
  for (const a of args) {
    const nested = a.type === 'oneof' || a.type === 'block';
    let n = 2;
    if (a.key_spec_index !== undefined) n++;
    if (a.token !== undefined) n++;
    if (a.summary !== undefined) n++;
    if (a.since !== undefined) n++;
    if (a.deprecated_since !== undefined) n++;
    if (a.flags !== undefined) n++;
    if (nested) n++;
    w.map(n);
    w.bulk('name');
    w.bulk(a.name);
    w.bulk('type');
    w.bulk(a.type);
    if (a.key_spec_index !== undefined) {
      w.bulk('key_spec_index');
      w.integer(a.key_spec_index);
    }
    if (a.token !== undefined) {
      w.bulk('token');
      w.bulk(a.token);
    }
    if (a.summary !== undefined) {
      w.bulk('summary');
      w.bulk(a.summary);
    }
    if (a.since !== undefined) {
      w.bulk('since');
      w.bulk(a.since);
    }
    if (a.deprecated_since !== undefined) {
      w.bulk('deprecated_since');
      w.bulk(a.deprecated_since);
    }
    if (a.flags !== undefined) {
      w.bulk('flags');
      writeSimpleSet(w, a.flags);
    }
    if (nested) {
      w.bulk('arguments');
      writeArgs(w, a.arguments ?? []);
    }
  }
}

/** One command's documentation map (addReplyCommandDocs). */
export function writeCommandDocs(w: ReplyWriter, cmd: Command): void {
  // A command Redis does not document still gets the three mandatory fields.
  const doc: Partial<CommandDoc> = docOf(cmd) ?? {};
  const subs = cmd.subcommands;
  let n = 3;
  if (doc.complexity !== undefined) n++;
  if (doc.doc_flags !== undefined) n++;
  if (doc.deprecated_since !== undefined) n++;
  if (doc.replaced_by !== undefined) n++;
  if (doc.history !== undefined) n++;
  if (doc.arguments !== undefined) n++;
  if (subs !== null) n++;
  w.map(n);
  w.bulk('summary');
  w.bulk(doc.summary ?? '');
  w.bulk('since');
  w.bulk(doc.since ?? '');
  w.bulk('group');
  w.bulk(doc.group ?? 'generic');
  if (doc.complexity !== undefined) {
    w.bulk('complexity');
    w.bulk(doc.complexity);
  }
  if (doc.doc_flags !== undefined) {
    w.bulk('doc_flags');
    writeSimpleSet(w, doc.doc_flags);
  }
  if (doc.deprecated_since !== undefined) {
    w.bulk('deprecated_since');
    w.bulk(doc.deprecated_since);
  }
  if (doc.replaced_by !== undefined) {
    w.bulk('replaced_by');
    w.bulk(doc.replaced_by);
  }
  if (doc.history !== undefined) {
    w.bulk('history');
    w.set(doc.history.length);
    for (const [since, changes] of doc.history) {
      w.array(2);
      w.bulk(since);
      w.bulk(changes);
    }
  }
  if (doc.arguments !== undefined) {
    w.bulk('arguments');
    writeArgs(w, doc.arguments);
  }
  if (subs !== null) {
    w.bulk('subcommands');
    w.map(subs.size);
    for (const sub of subs.values()) {
      w.bulk(sub.fullName);
      writeCommandDocs(w, sub);
    }
  }
}

// ---- handlers ---------------------------------------------------------------------

function commandAll(c: Client): void {
  const table = c.server.table;
  c.w.array(table.commands.length);
  for (const cmd of table.commands) writeCommandInfo(c.w, cmd);
}

function getKeys(c: Client, argv: string[], withFlags: boolean): void {
  const target = argv.slice(2);
  const cmd = lookupArgv(c.server.table, target);
  if (cmd === undefined) throw new RedisError(E.GETKEYS_INVALID_COMMAND);
  if (!hasKeys(cmd, docOf(cmd))) throw new RedisError(E.GETKEYS_NO_KEYS);
  if (!cmd.arityOk(target.length)) throw new RedisError(E.GETKEYS_INVALID_ARITY);
  const keys = findKeys(cmd, target);
  if (keys.length === 0 && !cmd.flags.has('no_mandatory_keys')) throw new RedisError(E.GETKEYS_INVALID_ARGS);
  const w = c.w;
  w.array(keys.length);
  for (const k of keys) {
    if (withFlags) {
      w.array(2);
      w.bulk(target[k.pos]!);
      writeSimpleSet(w, k.flags);
    } else {
      w.bulk(target[k.pos]!);
    }
  }
}

const HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

const SUBCOMMANDS: CommandSpec[] = [
  {
    name: 'command|count', arity: 2, flags: ['loading', 'stale'], keys: NO_KEYS,
    syntax: 'COMMAND COUNT',
    handler(c) {
      c.w.integer(c.server.table.commands.length);
    },
  },
  {
    name: 'command|info', arity: -2, flags: ['loading', 'stale'], keys: NO_KEYS,
    syntax: 'COMMAND INFO [command-name [command-name ...]]',
    handler(c, argv) {
      if (argv.length === 2) {
        commandAll(c);
        return;
      }
      const table = c.server.table;
      c.w.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) {
        const cmd = lookupByFullName(table, argv[i]!);
        if (cmd === undefined) c.w.nullBulk();
        else writeCommandInfo(c.w, cmd);
      }
    },
  },
  {
    name: 'command|docs', arity: -2, flags: ['loading', 'stale'], keys: NO_KEYS,
    syntax: 'COMMAND DOCS [command-name [command-name ...]]',
    handler(c, argv) {
      const table = c.server.table;
      let found: Command[];
      if (argv.length === 2) {
        found = table.commands;
      } else {
        found = [];
        for (let i = 2; i < argv.length; i++) {
          const cmd = lookupByFullName(table, argv[i]!);
          if (cmd !== undefined) found.push(cmd);
        }
      }
      c.w.map(found.length);
      for (const cmd of found) {
        c.w.bulk(cmd.fullName);
        writeCommandDocs(c.w, cmd);
      }
    },
  },
  {
    name: 'command|getkeys', arity: -4, flags: ['loading', 'stale'], keys: NO_KEYS,
    syntax: 'COMMAND GETKEYS command [arg [arg ...]]',
    handler(c, argv) {
      getKeys(c, argv, false);
    },
  },
  {
    name: 'command|getkeysandflags', arity: -4, flags: ['loading', 'stale'], keys: NO_KEYS,
    syntax: 'COMMAND GETKEYSANDFLAGS command [arg [arg ...]]',
    handler(c, argv) {
      getKeys(c, argv, true);
    },
  },
  {
    name: 'command|list', arity: -2, flags: ['loading', 'stale'], keys: NO_KEYS,
    syntax: 'COMMAND LIST [FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]',
    handler(c, argv) {
      let filter: ((cmd: Command) => boolean) | null = null;
      for (let i = 2; i < argv.length; i++) {
        // As in Redis, a FILTERBY must be exactly the last three arguments.
        if (argv[i]!.toLowerCase() !== 'filterby' || argv.length - 1 - i !== 2) throw new RedisError(E.SYNTAX);
        const type = argv[i + 1]!.toLowerCase();
        const arg = argv[i + 2]!;
        if (type === 'module') {
          filter = () => false; // no modules here
        } else if (type === 'aclcat') {
          const cat = `@${arg.toLowerCase()}`;
          filter = (cmd) => aclCategories(cmd).includes(cat);
        } else if (type === 'pattern') {
          filter = (cmd) => globMatch(arg, cmd.fullName, true);
        } else {
          throw new RedisError(E.SYNTAX);
        }
        i += 2;
      }
      const names: string[] = [];
      for (const cmd of c.server.table.all()) if (filter === null || filter(cmd)) names.push(cmd.fullName);
      c.w.bulkArray(names);
    },
  },
  {
    name: 'command|help', arity: 2, flags: ['loading', 'stale'], keys: NO_KEYS,
    syntax: 'COMMAND HELP',
    handler(c, argv) {
      c.w.array(HELP.length + 1);
      c.w.simple(`${argv[0]!.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
      for (const line of HELP) c.w.simple(line);
    },
  },
];

export const commandCommands: CommandSpec[] = [
  {
    name: 'command', arity: -1, flags: ['loading', 'stale'], keys: NO_KEYS,
    syntax: 'COMMAND',
    handler(c) {
      commandAll(c);
    },
    subcommands: SUBCOMMANDS,
  },
];
