// Metadata tests over the whole command table: every entry is well formed,
// documented in docs.json, and declares the arity, flags and key positions
// Redis 7.0 declares (from docs.json always; from a live redis-server where
// one is installed). A failure lists each differing command and field.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_DOCS, commandFlags, findKeys, keysFromSpecs, LATER_COMMANDS } from '../../src/commands/command.js';
import { buildCommandTable } from '../../src/commands/index.js';
import { Command, type CommandTable } from '../../src/engine/table.js';
import { HAVE_REDIS_SERVER, RawClient, startRealRedis } from '../helpers/server.js';
import type { Reply } from '../helpers/resp.js';

const table: CommandTable = buildCommandTable();
const all: Command[] = [...table.all()];

/**
 * The one documented post-7.0 change to a Redis 7.0 command: Redis 7.2 added
 * ZRANK/ZREVRANK ... WITHSCORE, so their arity is -3 where 7.0's is 3.
 * docs-later.json holds their 7.2 docs (so they are in LATER_COMMANDS
 * although Redis 7.0 has them). Each entry is the exact accepted diff line.
 */
const CHANGED_IN_7_2: ReadonlySet<string> = new Set(['zrank', 'zrevrank']);
const ALLOWED_7_2_DIFFS: ReadonlySet<string> = new Set(['zrank: arity -3, Redis 3', 'zrevrank: arity -3, Redis 3']);

interface Info {
  arity: number;
  flags: string[];
  first: number;
  last: number;
  step: number;
}

function ours(cmd: Command): Info {
  const { first, last, step } = cmd.spec.keys;
  return { arity: cmd.arity, flags: commandFlags(cmd), first, last, step };
}

/** Every field of `ours` that differs from `theirs`, one line each. */
function diff(name: string, a: Info, b: Info): string[] {
  const out: string[] = [];
  if (a.arity !== b.arity) out.push(`${name}: arity ${a.arity}, Redis ${b.arity}`);
  const fa = [...a.flags].sort().join(' ');
  const fb = [...b.flags].sort().join(' ');
  if (fa !== fb) out.push(`${name}: flags [${fa}], Redis [${fb}]`);
  for (const k of ['first', 'last', 'step'] as const) {
    if (a[k] !== b[k]) out.push(`${name}: keys.${k} ${a[k]}, Redis ${b[k]}`);
  }
  return out;
}

describe('command table entries', () => {
  it('has the COMMAND family itself', () => {
    expect(table.lookup('command')?.subcommands?.has('docs')).toBe(true);
  });

  it('every entry is well formed', () => {
    const bad: string[] = [];
    for (const cmd of all) {
      const s = cmd.spec;
      const n = s.name;
      if (!/^[a-z][a-z0-9_-]*(\|[a-z][a-z0-9_-]*)?$/.test(n)) bad.push(`${n}: bad name`);
      if (!Number.isInteger(s.arity) || s.arity === 0) bad.push(`${n}: arity ${s.arity}`);
      if (!Array.isArray(s.flags)) bad.push(`${n}: flags not an array`);
      if (new Set(s.flags).size !== s.flags.length) bad.push(`${n}: duplicate flags`);
      if (s.flags.includes('write') && s.flags.includes('readonly')) bad.push(`${n}: both write and readonly`);
      if (typeof s.syntax !== 'string' || s.syntax.trim() === '') bad.push(`${n}: no syntax line`);
      else if (!s.syntax.toLowerCase().startsWith(n.replace('|', ' '))) bad.push(`${n}: syntax '${s.syntax}' does not start with the name`);
      if (s.subcommands !== undefined) {
        if (s.subcommands.length === 0) bad.push(`${n}: empty subcommand list`);
        if (cmd.parent !== null) bad.push(`${n}: nested subcommands`);
        // The dispatcher runs a container called alone (COMMAND) with its own handler.
        if (cmd.arityOk(1) && typeof s.handler !== 'function') bad.push(`${n}: callable without a subcommand but has no handler`);
      } else if (typeof s.handler !== 'function') {
        bad.push(`${n}: no handler and no subcommands`);
      }
      if (cmd.parent !== null) {
        if (!n.startsWith(`${cmd.parent.fullName}|`) || n.split('|').length !== 2) bad.push(`${n}: subcommand of ${cmd.parent.fullName} not named 'parent|sub'`);
        if (s.arity > 0 ? s.arity < 2 : s.arity > -2) bad.push(`${n}: subcommand arity ${s.arity} does not count the subcommand`);
      } else if (n.includes('|')) {
        bad.push(`${n}: '|' in a top-level name`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('key positions are consistent with flags and docs', () => {
    const bad: string[] = [];
    for (const cmd of all) {
      const s = cmd.spec;
      const n = s.name;
      const { first, last, step } = s.keys;
      if (first === 0) {
        if (last !== 0 || step !== 0) bad.push(`${n}: keys.first 0 but last/step ${last}/${step} (use NO_KEYS)`);
      } else {
        if (first < 0 || step <= 0) bad.push(`${n}: keys ${first}/${last}/${step}`);
        if (last >= 0 && last < first) bad.push(`${n}: keys.last ${last} before keys.first ${first}`);
        if (s.arity > 0 && (first >= s.arity || last >= s.arity)) bad.push(`${n}: key positions beyond arity ${s.arity}`);
      }
      // A data command whose Redis docs have key arguments must say where they are.
      const doc = COMMAND_DOCS[n];
      const documentedKeys = doc !== undefined && doc.key_specs.some((k) => !k.flags.includes('not_key'));
      const data = s.flags.includes('write') || s.flags.includes('readonly');
      if (data && documentedKeys && first === 0 && s.getKeys === undefined) bad.push(`${n}: has key arguments but keys.first is 0 and no getKeys`);
      if (!documentedKeys && doc !== undefined && (first !== 0 || s.getKeys !== undefined) && doc.key_specs.length === 0) {
        bad.push(`${n}: declares keys, Redis documents none`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('every command and subcommand is documented in docs.json', () => {
    const missing = all.map((c) => c.fullName).filter((n) => !Object.hasOwn(COMMAND_DOCS, n));
    expect(missing).toEqual([]);
  });

  it("arity, flags and key range equal Redis 7.0's as recorded in docs.json", () => {
    const diffs: string[] = [];
    for (const cmd of all) {
      const d = COMMAND_DOCS[cmd.fullName];
      if (d === undefined) continue; // reported above
      const [first, last, step] = d.key_range;
      diffs.push(...diff(cmd.fullName, ours(cmd), { arity: d.arity, flags: d.flags, first, last, step }));
    }
    expect(diffs).toEqual([]);
  });

  it('movablekeys comes from getKeys', () => {
    const cmd = new Command({
      name: 'x', arity: -2, flags: ['readonly'], keys: { first: 0, last: 0, step: 0 }, syntax: 'X',
      getKeys: (argv) => (argv.length > 1 ? [1] : []), handler() {},
    });
    expect(commandFlags(cmd)).toEqual(['readonly', 'movablekeys']);
  });
});

describe('docs.json', () => {
  it('has every Redis 7.0 command with the fields the server serves', () => {
    const names = Object.keys(COMMAND_DOCS);
    expect(names.length).toBeGreaterThan(350);
    // Sorted, so that regenerating docs.json diffs cleanly.
    const generated = names.filter((n) => !LATER_COMMANDS.has(n));
    expect(generated).toEqual([...generated].sort());
    for (const n of ['get', 'set', 'config|get', 'command|docs', 'client|kill', 'xadd', 'georadius']) {
      expect(names).toContain(n);
    }
    for (const [n, d] of Object.entries(COMMAND_DOCS)) {
      expect(typeof d.summary, n).toBe('string');
      expect(typeof d.since, n).toBe('string');
      expect(typeof d.group, n).toBe('string');
      expect(Array.isArray(d.acl_categories) && Array.isArray(d.tips) && Array.isArray(d.key_specs), n).toBe(true);
    }
    expect(COMMAND_DOCS['get']!.arguments).toEqual([{ name: 'key', type: 'key', key_spec_index: 0 }]);
    expect(COMMAND_DOCS['get']!.acl_categories).toEqual(['@read', '@string', '@fast']);
  });
});

describe('key extraction from key specs', () => {
  const specsOf = (n: string) => COMMAND_DOCS[n]!.key_specs;
  const keys = (n: string, argv: string[]) => keysFromSpecs(specsOf(n), argv)?.map((k) => [argv[k.pos], k.flags.join(' ')]);

  it('index + range', () => {
    expect(keys('mset', ['mset', 'a', '1', 'b', '2'])).toEqual([['a', 'OW update'], ['b', 'OW update']]);
    expect(keys('get', ['get', 'k'])).toEqual([['k', 'RO access']]);
  });

  it('keynum, including a count too large or not a number', () => {
    expect(keys('zunionstore', ['zunionstore', 'd', '2', 'a', 'b'])).toEqual([
      ['d', 'OW update'], ['a', 'RO access'], ['b', 'RO access']]);
    expect(keys('zunionstore', ['zunionstore', 'd', '3', 'a', 'b'])).toBeUndefined();
    expect(keys('eval', ['eval', 's', 'x', 'a'])).toBeUndefined();
    expect(keys('eval', ['eval', 's', '0'])).toBeUndefined();
  });

  it('keyword + range with a limit (XREAD)', () => {
    expect(keys('xread', ['xread', 'COUNT', '1', 'streams', 'a', 'b', '0', '0'])).toEqual([['a', 'RO access'], ['b', 'RO access']]);
    expect(keys('xread', ['xread', 'streams', 'a', 'b', '0'])).toEqual([['a', 'RO access']]);
  });

  it('an unknown spec fails unless partial', () => {
    const argv = ['sort', 'a', 'store', 'b'];
    expect(keysFromSpecs(specsOf('sort'), argv)).toBeNull();
    expect(keysFromSpecs(specsOf('sort'), argv, true)?.map((k) => k.pos)).toEqual([1]);
  });

  it('variable flags (SET, BITFIELD) and the fallback to the command key finder', () => {
    const mk = (name: string, arity: number, getKeys?: (argv: readonly string[]) => number[]) => new Command({
      name, arity, flags: ['write'], keys: getKeys ? { first: 0, last: 0, step: 0 } : { first: 1, last: 1, step: 1 },
      syntax: name.toUpperCase(), handler() {}, ...(getKeys ? { getKeys } : {}),
    });
    const flagsOf = (cmd: Command, argv: string[]) => findKeys(cmd, argv).map((k) => [argv[k.pos], k.flags.join(' ')]);
    expect(flagsOf(mk('set', -3), ['set', 'k', 'v'])).toEqual([['k', 'OW update']]);
    expect(flagsOf(mk('set', -3), ['set', 'k', 'v', 'get'])).toEqual([['k', 'RW access update']]);
    expect(flagsOf(mk('bitfield', -2), ['bitfield', 'k', 'get', 'u8', '0'])).toEqual([['k', 'RO access']]);
    expect(flagsOf(mk('bitfield', -2), ['bitfield', 'k', 'incrby', 'u8', '0', '1'])).toEqual([['k', 'RW access update']]);
    const sortKeys = (argv: readonly string[]) => {
      const out = [1];
      for (let i = 2; i < argv.length - 1; i++) if (argv[i]!.toLowerCase() === 'store') out.push(i + 1);
      return out;
    };
    expect(flagsOf(mk('sort', -2, sortKeys), ['sort', 'a', 'store', 'b'])).toEqual([['a', 'RO access'], ['b', 'OW update']]);
  });
});

describe.skipIf(!HAVE_REDIS_SERVER)('command table vs a live Redis 7.0', () => {
  let redis: Awaited<ReturnType<typeof startRealRedis>>;
  const theirs = new Map<string, Info>();

  beforeAll(async () => {
    redis = await startRealRedis();
    const c = await RawClient.connect(redis.port);
    const reply = (await c.call('COMMAND')) as Reply[];
    c.close();
    const add = (e: Reply) => {
      const [name, arity, flags, first, last, step, , , , subs] = e as [string, number, string[], number, number, number, Reply, Reply, Reply, Reply[]];
      theirs.set(name, { arity, flags, first, last, step });
      for (const s of subs) add(s);
    };
    for (const e of reply) add(e);
  });

  afterAll(async () => {
    await redis?.close();
  });

  it('every command we have exists in Redis 7.0, or is a documented later addition', () => {
    expect(all.map((c) => c.fullName).filter((n) => !theirs.has(n) && !LATER_COMMANDS.has(n))).toEqual([]);
    for (const n of LATER_COMMANDS) expect(theirs.has(n), n).toBe(CHANGED_IN_7_2.has(n));
  });

  it('arity, flags (as a set) and first/last/step equal COMMAND INFO', () => {
    const diffs: string[] = [];
    for (const cmd of all) {
      const t = theirs.get(cmd.fullName);
      if (t !== undefined) diffs.push(...diff(cmd.fullName, ours(cmd), t));
    }
    expect(diffs.filter((d) => !ALLOWED_7_2_DIFFS.has(d))).toEqual([]);
    expect(diffs.sort()).toEqual([...ALLOWED_7_2_DIFFS].sort());
  });

  it('docs.json is current (same COMMAND INFO as this redis-server)', () => {
    const diffs: string[] = [];
    for (const [n, t] of theirs) {
      const d = COMMAND_DOCS[n];
      if (d === undefined) {
        diffs.push(`${n}: missing from docs.json`);
        continue;
      }
      const [first, last, step] = d.key_range;
      diffs.push(...diff(`docs.json ${n}`, { arity: d.arity, flags: d.flags, first, last, step }, t));
    }
    // docs-later.json's ZRANK/ZREVRANK are 7.2's: their arity is the allowed difference.
    const allowed = new Set([...ALLOWED_7_2_DIFFS].map((x) => `docs.json ${x}`));
    expect(diffs.filter((x) => !allowed.has(x))).toEqual([]);
  });
});

if (!HAVE_REDIS_SERVER) console.warn('skipping command table vs live Redis: redis-server not installed');
