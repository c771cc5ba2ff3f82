// COMMAND and its subcommands, checked against real Redis 7.0: byte-for-byte
// replies for the commands we share, the reply writers over every Redis
// command (a table built from docs.json), key extraction, errors, and a
// RESP3 client library.

import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client.js';
import { COMMAND_DOCS, commandCommands, LATER_COMMANDS, writeCommandDocs, writeCommandInfo } from '../../src/commands/command.js';
import { buildCommandTable } from '../../src/commands/index.js';
import { Command, CommandTable, type CommandFlag, type CommandSpec } from '../../src/engine/table.js';
import { ReplyWriter } from '../../src/protocol/reply.js';
import { encodeCommand, parseReply, type Reply } from '../helpers/resp.js';
import {
  differential, HAVE_REDIS_SERVER, RawClient, startRealRedis, startTestServer, type TestServer,
} from '../helpers/server.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping COMMAND differential tests: redis-server not installed');

/** Send commands in one pipeline; the raw replies. */
async function pipeline(c: RawClient, cmds: readonly (readonly string[])[]): Promise<string[]> {
  c.write(Buffer.concat(cmds.map((a) => encodeCommand(a))));
  const out: string[] = [];
  for (let i = 0; i < cmds.length; i++) out.push(await c.readRaw());
  return out;
}

const ourTable = buildCommandTable();
const ourNames = new Set([...ourTable.all()].map((c) => c.fullName));

/**
 * The one documented post-7.0 change to a Redis 7.0 command: Redis 7.2 added
 * ZRANK/ZREVRANK ... WITHSCORE (docs-later.json holds their 7.2 docs, so they
 * are in LATER_COMMANDS although 7.0 has them). Compared below as 7.0's reply
 * with exactly that change applied.
 */
const CHANGED_IN_7_2: ReadonlySet<string> = new Set(['zrank', 'zrevrank']);

/** Redis 7.0's COMMAND INFO or DOCS reply for zrank/zrevrank, turned into Redis 7.2's. */
function as72(kind: 'INFO' | 'DOCS', name: string, resp: '2' | '3', reply: string): string {
  const head = `$${name.length}\r\n${name}\r\n`;
  if (kind === 'INFO') return reply.replace(`${head}:3\r\n`, `${head}:-3\r\n`);
  const [agg, set] = resp === '2' ? ['*', '*'] : ['%', '~'];
  const note = 'Added the optional `WITHSCORE` argument.';
  return reply
    .replace(`${head}${resp === '2' ? '*10' : '%5'}\r\n`, `${head}${resp === '2' ? '*12' : '%6'}\r\n`)
    .replace('$9\r\narguments\r\n*2\r\n',
      `$7\r\nhistory\r\n${set}1\r\n*2\r\n$5\r\n7.2.0\r\n$${note.length}\r\n${note}\r\n$9\r\narguments\r\n*3\r\n`)
    + `${agg}${resp === '2' ? 8 : 4}\r\n$4\r\nname\r\n$9\r\nwithscore\r\n$4\r\ntype\r\n$10\r\npure-token\r\n`
    + `$5\r\ntoken\r\n$9\r\nWITHSCORE\r\n$5\r\nflags\r\n${set}1\r\n+optional\r\n`;
}

describe('COMMAND (own server)', () => {
  let srv: TestServer;
  let c: RawClient;
  beforeAll(async () => {
    srv = await startTestServer();
    c = await RawClient.connect(srv.port);
  });
  afterAll(async () => {
    c.close();
    await srv.close();
  });

  it('COMMAND COUNT is the number of top-level commands in the table', async () => {
    expect(await c.call('COMMAND', 'COUNT')).toBe(ourTable.commands.length);
  });

  it('COMMAND and COMMAND INFO without names list every top-level command with its subcommands', async () => {
    const all = (await c.call('COMMAND')) as Reply[][];
    expect(all.map((e) => e[0])).toEqual(ourTable.commands.map((x) => x.fullName));
    expect(await c.callRaw('COMMAND', 'INFO')).toBe(await c.callRaw('COMMAND'));
    const cmd = all.find((e) => e[0] === 'command')!;
    expect(cmd.length).toBe(10);
    expect((cmd[9] as Reply[][]).map((e) => e[0]).sort()).toEqual(
      ['command|count', 'command|docs', 'command|getkeys', 'command|getkeysandflags', 'command|help', 'command|info', 'command|list']);
  });

  it('COMMAND INFO: names in any case, subcommands by full name, nil for unknown', async () => {
    const r = (await c.call('COMMAND', 'INFO', 'CoMmAnD|DoCs', 'nope', 'command docs', 'command|nope', 'ping|x', 'command|docs|x')) as Reply[];
    expect(r[0]).toEqual([
      'command|docs', -2, ['loading', 'stale'], 0, 0, 0, ['@slow', '@connection'], ['nondeterministic_output_order'], [], []]);
    expect(r.slice(1)).toEqual([null, null, null, null, null]);
  });

  it('COMMAND DOCS skips unknown names and includes our subcommands only', async () => {
    const r = (await c.call('COMMAND', 'DOCS', 'nope', 'command|count')) as Reply[];
    expect(r).toEqual(['command|count', ['summary', 'Get total number of Redis commands', 'since', '2.8.13',
      'group', 'server', 'complexity', 'O(1)']]);
    expect(await c.call('COMMAND', 'DOCS', 'nope')).toEqual([]);
    const all = (await c.call('COMMAND', 'DOCS')) as Reply[];
    expect(all.filter((_, i) => i % 2 === 0)).toEqual(ourTable.commands.map((x) => x.fullName));
  });

  it('COMMAND LIST with and without filters', async () => {
    expect(await c.call('COMMAND', 'LIST')).toEqual([...ourNames]);
    expect(await c.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'COMMAND|GET*')).toEqual(['command|getkeys', 'command|getkeysandflags']);
    expect(await c.call('COMMAND', 'LIST', 'filterby', 'module', 'x')).toEqual([]);
    expect(await c.call('COMMAND', 'LIST', 'filterby', 'aclcat', 'nosuchcat')).toEqual([]);
    const conn = (await c.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'CONNECTION')) as string[];
    expect(conn).toContain('command');
    expect(conn).toContain('command|docs');
    expect(conn).not.toContain('command|nope');
  });

  it('COMMAND GETKEYS uses key specs, falling back to nothing for no_mandatory_keys', async () => {
    expect(await c.call('COMMAND', 'GETKEYS', 'command', 'info')).toEqual(new Error('ERR The command has no key arguments'));
    expect(await c.call('COMMAND', 'GETKEYS', 'nosuch', 'x')).toEqual(new Error('ERR Invalid command specified'));
    expect(await c.call('COMMAND', 'GETKEYS', 'command', 'nosuch')).toEqual(new Error('ERR Invalid command specified'));
  });

  it('COMMAND with a bad subcommand or arity', async () => {
    expect(await c.call('COMMAND', 'FOO')).toEqual(new Error("ERR unknown subcommand 'FOO'. Try COMMAND HELP."));
    expect(await c.call('COMMAND', 'COUNT', 'x')).toEqual(new Error("ERR wrong number of arguments for 'command|count' command"));
    expect(await c.call('COMMAND', 'GETKEYS', 'get')).toEqual(new Error("ERR wrong number of arguments for 'command|getkeys' command"));
    expect(await c.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN')).toEqual(new Error('ERR syntax error'));
    expect(await c.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'a', 'b')).toEqual(new Error('ERR syntax error'));
    expect(await c.call('COMMAND', 'LIST', 'FILTERBY', 'NAME', 'a')).toEqual(new Error('ERR syntax error'));
  });
});

describe.skipIf(!HAVE_REDIS_SERVER)('COMMAND vs real Redis', () => {
  let srv: TestServer;
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => {
    [srv, real] = await Promise.all([startTestServer(), startRealRedis()]);
  });
  afterAll(async () => {
    await srv?.close();
    await real?.close();
  });

  const cases: string[][] = [
    ['COMMAND', 'INFO', 'get'],
    ['COMMAND', 'INFO', 'set'],
    ['COMMAND', 'INFO', 'ping'],
    ['COMMAND', 'INFO', 'get', 'set', 'ping', 'nosuchcommand'],
    ['COMMAND', 'INFO', 'nosuchcommand'],
    ['COMMAND', 'INFO', 'command|docs'],
    ['COMMAND', 'INFO', 'COMMAND|GETKEYS', 'command|nope', 'get|x'],
    ['COMMAND', 'DOCS', 'get'],
    ['COMMAND', 'DOCS', 'set'],
    ['COMMAND', 'DOCS', 'GET', 'nosuch', 'ping', 'echo'],
    ['COMMAND', 'DOCS', 'command|docs', 'command|list', 'command|info'],
    ['COMMAND', 'DOCS', 'nosuch'],
    ['COMMAND', 'GETKEYS', 'set', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'SET', 'a', 'b', 'EX', '10', 'GET'],
    ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b', '2', 'c', '3'],
    ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b'],
    ['COMMAND', 'GETKEYS', 'get', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'getset', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'ping', 'x'],
    ['COMMAND', 'GETKEYS', 'echo', 'x'],
    ['COMMAND', 'GETKEYS', 'nosuchcommand', 'x'],
    ['COMMAND', 'GETKEYS', 'command', 'info', 'get'],
    ['COMMAND', 'GETKEYS', 'command', 'nope'],
    ['COMMAND', 'GETKEYS', 'get'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'get'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'mset', 'a', '1', 'b', '2'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'get', 'k'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'ping', 'k'],
    ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'command'],
    ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'command|c*'],
    ['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'],
    ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuchcat'],
    ['COMMAND', 'LIST', 'FILTERBY'],
    ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'a', 'b'],
    ['COMMAND', 'LIST', 'FILTERBY', 'NAME', 'x'],
    ['COMMAND', 'LIST', 'x'],
    ['COMMAND', 'HELP'],
    ['command', 'help'],
    ['COMMAND', 'HELP', 'x'],
    ['COMMAND', 'COUNT', 'x'],
    ['COMMAND', 'NOPE'],
    ['COMMAND', 'GETKEYS'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'x'],
  ];

  it('same replies as Redis in RESP2', async () => {
    const { ours, theirs } = await differential(srv.port, real.port, cases);
    for (let i = 0; i < cases.length; i++) expect(ours[i], cases[i]!.join(' ')).toBe(theirs[i]);
  });

  it('same replies as Redis in RESP3', async () => {
    const { ours, theirs } = await differential(srv.port, real.port, [['HELLO', '3'], ...cases]);
    for (let i = 1; i <= cases.length; i++) expect(ours[i], cases[i - 1]!.join(' ')).toBe(theirs[i]);
  });

  it('COMMAND LIST FILTERBY PATTERN and ACLCAT give Redis\'s names, restricted to ours', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    // (Commands Redis 7.0 lacks are the table tests' business, not the filters'.)
    const redisNames = new Set((await b.call('COMMAND', 'LIST')) as string[]);
    for (const [type, arg] of [['PATTERN', '*'], ['PATTERN', 'c*'], ['PATTERN', '*|*'], ['PATTERN', 'G?T'], ['ACLCAT', 'string'],
      ['ACLCAT', 'Connection'], ['ACLCAT', 'write'], ['ACLCAT', 'fast'], ['ACLCAT', 'dangerous']] as const) {
      const mine = (await a.call('COMMAND', 'LIST', 'FILTERBY', type, arg)) as string[];
      const redis = (await b.call('COMMAND', 'LIST', 'FILTERBY', type, arg)) as string[];
      expect(new Set(mine.filter((n) => redisNames.has(n))), `${type} ${arg}`).toEqual(new Set(redis.filter((n) => ourNames.has(n))));
    }
    a.close();
    b.close();
  });

  it('COMMAND INFO and DOCS of every command in our table equal Redis\'s', async () => {
    // Commands added after 7.0 (docs-later.json) have no 7.0 counterpart to compare with
    // (ZRANK/ZREVRANK, changed in 7.2, are compared in the next test).
    const names = [...ourNames].filter((n) => Object.hasOwn(COMMAND_DOCS, n) && !LATER_COMMANDS.has(n));
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    // Containers list their subcommands, which may be fewer than Redis's; check those leaf by leaf.
    const leaves = names.filter((n) => ourTable.lookup(n)?.subcommands == null);
    for (const resp of ['2', '3']) {
      const cmds = [['HELLO', resp], ...leaves.flatMap((n) => [['COMMAND', 'INFO', n], ['COMMAND', 'DOCS', n]])];
      const [mine, redis] = await Promise.all([pipeline(a, cmds), pipeline(b, cmds)]);
      const bad = cmds.map((cmd, i) => (mine[i] === redis[i] || i === 0 ? null : `RESP${resp} ${cmd.join(' ')}`)).filter((x) => x !== null);
      expect(bad).toEqual([]);
    }
    a.close();
    b.close();
  });

  it('COMMAND INFO and DOCS of ZRANK/ZREVRANK are 7.0\'s with 7.2\'s WITHSCORE', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(real.port);
    for (const resp of ['2', '3'] as const) {
      for (const n of CHANGED_IN_7_2) {
        const cmds = [['HELLO', resp], ['COMMAND', 'INFO', n], ['COMMAND', 'DOCS', n]];
        const [mine, redis] = await Promise.all([pipeline(a, cmds), pipeline(b, cmds)]);
        expect(redis[1], `RESP${resp} INFO ${n}`).toContain(':3\r\n');
        expect(mine[1], `RESP${resp} INFO ${n}`).toBe(as72('INFO', n, resp, redis[1]!));
        expect(mine[2], `RESP${resp} DOCS ${n}`).toBe(as72('DOCS', n, resp, redis[2]!));
        expect(mine[2]).not.toBe(redis[2]);
      }
    }
    a.close();
    b.close();
  });

  it('node-redis (RESP3) reads COMMAND INFO like Redis\'s', async () => {
    const mine = createClient({ socket: { port: srv.port }, RESP: 3 });
    const redis = createClient({ socket: { port: real.port }, RESP: 3 });
    await Promise.all([mine.connect(), redis.connect()]);
    try {
      for (const cmd of [['COMMAND', 'INFO', 'get'], ['COMMAND', 'INFO', 'ping', 'nosuch'], ['COMMAND', 'DOCS', 'get'],
        ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v']]) {
        const x = await mine.sendCommand(cmd);
        expect(x, cmd.join(' ')).toEqual(await redis.sendCommand(cmd));
      }
      const info = (await mine.sendCommand(['COMMAND', 'INFO', 'get'])) as unknown[][];
      expect(info[0]![0]).toBe('get');
    } finally {
      await Promise.all([mine.close(), redis.close()]);
    }
  });
});

// ---- the reply writers over every Redis command --------------------------------

/** A table shaped like Redis's (every command, subcommands in Redis's order) from docs.json. */
function redisShapedTable(order: Map<string, string[]>): CommandTable {
  const spec = (name: string): CommandSpec => {
    const d = COMMAND_DOCS[name]!;
    const [first, last, step] = d.key_range;
    const s: CommandSpec = {
      name, arity: d.arity, flags: d.flags.filter((f) => f !== 'movablekeys') as CommandFlag[],
      keys: { first, last, step }, syntax: name.toUpperCase(), handler() {},
    };
    if (d.flags.includes('movablekeys')) s.getKeys = FAKE_GETKEYS[name] ?? (() => []);
    const subs = order.get(name);
    if (subs !== undefined && subs.length > 0) s.subcommands = subs.map(spec);
    return s;
  };
  const t = new CommandTable();
  t.add([...order.keys()].filter((n) => !n.includes('|')).map(spec));
  return t;
}

/** Stand-ins for the key finders Redis falls back on (sortGetKeys, migrateGetKeys). */
const FAKE_GETKEYS: Record<string, (argv: readonly string[]) => number[]> = {
  sort(argv) {
    const out = [1];
    for (let i = 2; i < argv.length; i++) {
      const o = argv[i]!.toLowerCase();
      if ((o === 'by' || o === 'get') && i + 1 < argv.length) i++;
      else if (o === 'limit') i += 2;
      else if (o === 'store' && i + 1 < argv.length) out.push(++i);
    }
    return out;
  },
  sort_ro(argv) {
    return FAKE_GETKEYS['sort']!(argv);
  },
  migrate(argv) {
    for (let i = 6; i < argv.length; i++) {
      if (argv[i]!.toLowerCase() === 'keys') return argv.slice(i + 1).map((_, j) => i + 1 + j);
    }
    return [3];
  },
};

/** A parsed reply with every list of subcommands sorted by name. */
function canonical(raw: string): unknown {
  const byName = (x: unknown, y: unknown) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1);
  const walk = (r: Reply): unknown => {
    if (Array.isArray(r)) {
      // A COMMAND INFO entry: its 10th element is the subcommand list.
      if (r.length === 10 && typeof r[0] === 'string' && typeof r[1] === 'number') {
        const subs = r[9]!;
        return [...r.slice(0, 9).map(walk), Array.isArray(subs) ? subs.map(walk).sort(byName) : walk(subs)];
      }
      // A RESP2 docs map: flat pairs, 'subcommands' holding flat pairs.
      const out: unknown[] = [];
      for (let i = 0; i < r.length; i++) {
        if (r[i] === 'subcommands' && i % 2 === 0 && Array.isArray(r[i + 1])) {
          const sub = r[i + 1] as Reply[];
          const pairs: unknown[] = [];
          for (let j = 0; j < sub.length; j += 2) pairs.push([sub[j], walk(sub[j + 1]!)]);
          out.push('subcommands', pairs.sort(byName));
          i++;
        } else {
          out.push(walk(r[i]!));
        }
      }
      return out;
    }
    if (r !== null && typeof r === 'object' && 'map' in r) {
      const pairs = r.map.map(([k, v]) => [walk(k), walk(v)]);
      if (r.map.some(([k]) => k === 'subcommands')) {
        return { map: pairs.map(([k, v]) => (k === 'subcommands' ? [k, (v as { map: unknown[] }).map.sort(byName)] : [k, v])) };
      }
      return { map: pairs };
    }
    if (r !== null && typeof r === 'object' && 'set' in r) return { set: r.set.map(walk) };
    return r instanceof Error ? `error ${r.message}` : r;
  };
  return walk(parseReply(Buffer.from(raw, 'latin1'))![0]);
}

function render(resp: 2 | 3, f: (w: ReplyWriter) => void): string {
  const w = new ReplyWriter();
  w.resp = resp;
  f(w);
  return w.take().toString('latin1');
}

describe.skipIf(!HAVE_REDIS_SERVER)('reply writers vs real Redis, every command', () => {
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  let table: CommandTable;
  let names: string[];
  let conn: RawClient;

  beforeAll(async () => {
    real = await startRealRedis();
    conn = await RawClient.connect(real.port);
    const all = (await conn.call('COMMAND')) as Reply[][];
    const order = new Map<string, string[]>();
    for (const e of all) {
      const subs = (e[9] as Reply[][]).map((s) => s[0] as string);
      order.set(e[0] as string, subs);
      for (const s of subs) order.set(s, []);
    }
    table = redisShapedTable(order);
    names = [...order.keys()];
  });
  afterAll(async () => {
    conn?.close();
    await real?.close();
  });

  it('docs.json covers exactly the commands of this redis-server', () => {
    expect(Object.keys(COMMAND_DOCS).filter((n) => !LATER_COMMANDS.has(n) || CHANGED_IN_7_2.has(n)).sort()).toEqual([...names].sort());
  });

  for (const resp of [2, 3] as const) {
    it(`COMMAND INFO and COMMAND DOCS of each, byte for byte (RESP${resp})`, async () => {
      const cmds = names.flatMap((n) => [['COMMAND', 'INFO', n], ['COMMAND', 'DOCS', n]]);
      const redis = await pipeline(conn, [['HELLO', String(resp)], ...cmds]);
      const bad: string[] = [];
      names.forEach((n, i) => {
        const cmd = n.includes('|') ? table.lookup(n.split('|')[0]!)!.subcommands!.get(n.split('|')[1]!)! : table.lookup(n)!;
        const info = render(resp, (w) => { w.array(1); writeCommandInfo(w, cmd); });
        const docs = render(resp, (w) => { w.map(1); w.bulk(n); writeCommandDocs(w, cmd); });
        // Redis lists a container's subcommands in hash order, which changes
        // from run to run: compare those with the subcommands sorted.
        const same = cmd.subcommands === null
          ? (a: string, b: string) => a === b
          : (a: string, b: string) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
        // ZRANK/ZREVRANK are documented as Redis 7.2 has them (WITHSCORE).
        const want = (kind: 'INFO' | 'DOCS', r: string) => (CHANGED_IN_7_2.has(n) ? as72(kind, n, String(resp) as '2' | '3', r) : r);
        if (!same(info, want('INFO', redis[1 + 2 * i]!))) bad.push(`INFO ${n}`);
        if (!same(docs, want('DOCS', redis[2 + 2 * i]!))) bad.push(`DOCS ${n}`);
      });
      expect(bad).toEqual([]);
    });
  }

  it('COMMAND GETKEYS / GETKEYSANDFLAGS as Redis, for key specs of every kind', async () => {
    const lines: string[][] = [
      ['zunionstore', 'd', '2', 'a', 'b'], ['zunionstore', 'd', '3', 'a', 'b'], ['zunionstore', 'd', 'x', 'a'],
      ['zunion', '2', 'a', 'b', 'WITHSCORES'], ['zinter', '0', 'a'], ['zdiffstore', 'd', '1', 'a'],
      ['eval', 's', '2', 'a', 'b', 'c'], ['eval', 's', '0'], ['eval', 's', '5', 'a'], ['eval', 's', 'x', 'a'],
      ['fcall_ro', 'f', '1', 'k'], ['lmpop', '2', 'a', 'b', 'LEFT'], ['blmpop', '0', '1', 'a', 'LEFT'],
      ['sintercard', '2', 'a', 'b'], ['bzmpop', '1', '2', 'a', 'b', 'MIN'],
      ['xread', 'COUNT', '2', 'STREAMS', 'a', 'b', '0', '0'], ['xread', 'STREAMS', 'a', 'b', '0'],
      ['xreadgroup', 'GROUP', 'g', 'c', 'STREAMS', 'a', '>'],
      ['georadius', 'a', '0', '0', '1', 'm', 'STORE', 'b'], ['georadius', 'a', '0', '0', '1', 'm', 'STOREDIST', 'c'],
      ['georadiusbymember', 'a', 'm', '1', 'km'],
      ['sort', 'a', 'BY', 'x', 'STORE', 'b'], ['sort', 'a'], ['sort_ro', 'a', 'GET', '#'],
      ['migrate', 'h', '1', 'k', '0', '5'], ['migrate', 'h', '1', '', '0', '5', 'KEYS', 'a', 'b'],
      ['set', 'k', 'v'], ['set', 'k', 'v', 'get'], ['set', 'k', 'v', 'KEEPTTL'],
      ['bitfield', 'k', 'GET', 'u8', '0'], ['bitfield', 'k', 'OVERFLOW', 'SAT', 'SET', 'u8', '0', '1'], ['bitfield', 'k', 'nope'],
      ['bitfield_ro', 'k', 'GET', 'u8', '0'],
      ['mset', 'a', '1', 'b', '2'], ['msetnx', 'a', '1'], ['del', 'a', 'b', 'c'], ['rename', 'a', 'b'],
      ['lmove', 'a', 'b', 'LEFT', 'RIGHT'], ['smove', 'a', 'b', 'm'], ['rpoplpush', 'a', 'b'],
      ['spublish', 'ch', 'msg'], ['publish', 'ch', 'msg'], ['object', 'encoding', 'k'], ['object', 'help'],
      ['config', 'get', 'x'], ['xadd', 's', '*', 'f', 'v'], ['pfmerge', 'd', 'a', 'b'], ['watch', 'a', 'b'],
      ['memory', 'usage', 'k'], ['xinfo', 'stream', 's'], ['touch', 'a'], ['lcs', 'a', 'b'],
      ['get', 'k', 'x'], ['nosuch', 'k'], ['object', 'nosuch', 'k'],
    ];
    const cmds = lines.flatMap((l) => [['COMMAND', 'GETKEYS', ...l], ['COMMAND', 'GETKEYSANDFLAGS', ...l]]);
    const redis = await pipeline(conn, [['HELLO', '3'], ...cmds]);
    // Run our handlers against the Redis-shaped table through a minimal client.
    const w = new ReplyWriter();
    w.resp = 3;
    const client = { server: { table }, w } as unknown as Client;
    const sub = new Command(commandCommands[0]!).subcommands!;
    const bad: string[] = [];
    cmds.forEach((cmd, i) => {
      const handler = sub.get(cmd[1]!.toLowerCase())!.handler!;
      try {
        handler(client, cmd);
      } catch (e) {
        w.error((e as Error).message);
      }
      const mine = w.take().toString('latin1');
      if (mine !== redis[i + 1]) bad.push(`${cmd.join(' ')}: ours ${JSON.stringify(mine)}, Redis ${JSON.stringify(redis[i + 1])}`);
    });
    expect(bad).toEqual([]);
  });
});
