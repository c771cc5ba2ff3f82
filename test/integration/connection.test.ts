// Connection commands: PING, ECHO, SELECT, QUIT, RESET, HELLO and CLIENT,
// against real Redis where the output is deterministic, and through
// node-redis (RESP2 and RESP3) and ioredis sessions.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { Redis as IORedis } from 'ioredis';
import {
  HAVE_REDIS_SERVER, RawClient, differential, startRealRedis, startTestServer, type TestServer,
} from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';

if (!HAVE_REDIS_SERVER) console.warn('skipping connection differential tests: redis-server not installed');

/** HELLO's reply carries the connection id, which differs between servers. */
function normalize(raw: string): string {
  return raw.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n');
}

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv.close();
});

describe.skipIf(!HAVE_REDIS_SERVER)('connection commands vs real Redis', () => {
  let real: Awaited<ReturnType<typeof startRealRedis>>;
  beforeAll(async () => {
    real = await startRealRedis();
  });
  afterAll(async () => {
    await real.close();
  });

  async function same(commands: (string | number)[][]): Promise<void> {
    const { ours, theirs } = await differential(srv.port, real.port, commands);
    expect(ours.map(normalize)).toEqual(theirs.map(normalize));
  }

  it('PING, ECHO, SELECT, RESET, QUIT errors and arity', async () => {
    await same([
      ['PING'], ['PING', 'hello'], ['PING', 'a', 'b'], ['ping', ''],
      ['ECHO'], ['ECHO', 'x'], ['ECHO', 'a', 'b'], ['ECHO', '\x00\xff\r\n'],
      ['SELECT'], ['SELECT', '1'], ['SELECT', '15'], ['SELECT', '16'], ['SELECT', '-1'], ['SELECT', 'x'],
      ['SELECT', '1.5'], ['SELECT', '99999999999'], ['SELECT', '-99999999999'], ['SELECT', ' 1'],
      ['SELECT', '0'], ['RESET', 'x'], ['QUIT', 'x', 'y'],
    ]);
  });

  it('HELLO errors and replies in RESP2 and RESP3', async () => {
    await same([
      ['HELLO', '4'], ['HELLO', '1'], ['HELLO', 'abc'], ['HELLO', '-1'], ['HELLO', '99999999999999999999'],
      ['HELLO', '3', 'foo'], ['HELLO', '3', 'AUTH', 'a'], ['HELLO', '3', 'SETNAME'], ['HELLO', '2', 'SETNAME', 'a b'],
      ['HELLO', '3', 'AUTH', 'nobody', 'x'],
      ['HELLO'], ['HELLO', '2'],
      ['HELLO', '2', 'SETNAME', 'abc'], ['CLIENT', 'GETNAME'],
      ['HELLO', '3'], ['PING'], ['PING', 'x'], ['ECHO', 'y'], ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', ''], ['CLIENT', 'GETNAME'], ['CONFIG', 'GET', 'maxmemory'], ['HELLO'],
      ['CLIENT', 'TRACKINGINFO'], ['HELLO', '3', 'AUTH', 'default', 'anything', 'SETNAME', 'n1'], ['CLIENT', 'GETNAME'],
      ['HELLO', '2'], ['CLIENT', 'GETNAME'], ['CLIENT', 'TRACKINGINFO'],
    ]);
  });

  it('AUTH without a configured password', async () => {
    await same([
      ['AUTH'], ['AUTH', 'x'], ['AUTH', 'a', 'b'], ['AUTH', 'default', 'x'], ['AUTH', 'a', 'b', 'c'],
    ]);
  });

  it('RESET in RESP3 replies +RESET and restores RESP2, db 0 and no name', async () => {
    await same([
      ['HELLO', '3', 'SETNAME', 'x'], ['SELECT', '4'], ['RESET'], ['CLIENT', 'GETNAME'], ['HELLO'],
      ['SET', 'k-reset', 'v'], ['SELECT', '0'], ['GET', 'k-reset'], ['DEL', 'k-reset'],
    ]);
  });

  it('CLIENT SETNAME/GETNAME and argument errors', async () => {
    await same([
      ['CLIENT'], ['CLIENT', 'foo'], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', 'conn-1'], ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'a b'], ['CLIENT', 'SETNAME', 'a\nb'], ['CLIENT', 'SETNAME', '\xe9'],
      ['CLIENT', 'SETNAME', '\x7f'], ['CLIENT', 'SETNAME', '!~'], ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME'], ['CLIENT', 'SETNAME', 'a', 'b'], ['CLIENT', 'SETNAME', ''], ['CLIENT', 'GETNAME'],
      ['CLIENT', 'ID', 'x'], ['CLIENT', 'GETNAME', 'x'], ['CLIENT', 'INFO', 'x'],
      ['CLIENT', 'LIST', 'TYPE', 'foo'], ['CLIENT', 'LIST', 'ID', 'x'], ['CLIENT', 'LIST', 'ID', '1', 'x'],
      ['CLIENT', 'LIST', 'ID'], ['CLIENT', 'LIST', 'foo'], ['CLIENT', 'LIST', 'TYPE', 'normal', 'x'],
      ['CLIENT', 'LIST', 'ID', '999999'], ['CLIENT', 'LIST', 'TYPE', 'master'], ['CLIENT', 'LIST', 'TYPE', 'replica'],
      ['CLIENT', 'LIST', 'TYPE', 'slave'], ['CLIENT', 'LIST', 'TYPE', 'pubsub'],
      ['CLIENT', 'KILL'], ['CLIENT', 'KILL', '1.2.3.4:5'], ['CLIENT', 'KILL', 'ID'], ['CLIENT', 'KILL', 'ID', 'x'],
      ['CLIENT', 'KILL', 'ID', '0'], ['CLIENT', 'KILL', 'ID', '-5'], ['CLIENT', 'KILL', 'TYPE', 'foo', 'bar'],
      ['CLIENT', 'KILL', 'USER', 'nobody'], ['CLIENT', 'KILL', 'SKIPME', 'maybe'], ['CLIENT', 'KILL', 'foo', 'bar'],
      ['CLIENT', 'KILL', 'ID', '5', 'ADDR'], ['CLIENT', 'KILL', 'ID', '999999'],
      ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5', 'SKIPME', 'yes'], ['CLIENT', 'KILL', 'USER', 'default', 'ID', '999999'],
      ['CLIENT', 'KILL', 'TYPE', 'master'],
      ['CLIENT', 'NO-EVICT'], ['CLIENT', 'NO-EVICT', 'maybe'], ['CLIENT', 'NO-EVICT', 'on'], ['CLIENT', 'NO-EVICT', 'OFF'],
      ['CLIENT', 'REPLY'], ['CLIENT', 'REPLY', 'maybe'], ['CLIENT', 'REPLY', 'ON'],
      ['CLIENT', 'GETREDIR'], ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'HELP'], ['CLIENT', 'help', 'x'],
    ]);
  });

  it('CLIENT REPLY OFF / SKIP / ON drop exactly the replies Redis drops', async () => {
    const script: string[][] = [
      ['PING', 'a'], ['CLIENT', 'REPLY', 'SKIP'], ['PING', 'b'], ['PING', 'c'],
      ['CLIENT', 'REPLY', 'SKIP'], ['CLIENT', 'REPLY', 'SKIP'], ['PING', 'd'], ['PING', 'e'],
      ['CLIENT', 'REPLY', 'OFF'], ['PING', 'f'], ['GET'], ['CLIENT', 'REPLY', 'SKIP'], ['PING', 'g'],
      ['CLIENT', 'REPLY', 'ON'], ['PING', 'h'], ['CLIENT', 'REPLY', 'SKIP'], ['CLIENT', 'REPLY', 'ON'], ['PING', 'i'],
      ['PING', 'last'],
    ];
    const run = async (port: number): Promise<string> => {
      const c = await RawClient.connect(port);
      c.write(Buffer.concat(script.map((a) => encodeCommand(a))));
      let out = '';
      while (!out.endsWith('$4\r\nlast\r\n')) out += await c.readRaw();
      c.close();
      return out;
    };
    const ours = await run(srv.port);
    expect(ours).toBe(await run(real.port));
    expect(ours).toBe('$1\r\na\r\n$1\r\nc\r\n$1\r\ne\r\n+OK\r\n$1\r\nh\r\n+OK\r\n$1\r\ni\r\n$4\r\nlast\r\n');
  });

  it('CLIENT HELP and the CLIENT LIST field names match', async () => {
    const ours = await RawClient.connect(srv.port);
    const theirs = await RawClient.connect(real.port);
    const keys = (line: string) => line.trim().split(' ').map((kv) => kv.slice(0, kv.indexOf('=')));
    const a = (await ours.call('CLIENT', 'INFO')) as string;
    const b = (await theirs.call('CLIENT', 'INFO')) as string;
    expect(keys(a)).toEqual(keys(b));
    expect(a.endsWith('\n')).toBe(true);
    ours.close();
    theirs.close();
  });
});

describe('CLIENT', () => {
  it('ID, INFO and LIST describe the connection', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    const idA = (await a.call('CLIENT', 'ID')) as number;
    const idB = (await b.call('CLIENT', 'ID')) as number;
    expect(idB).toBeGreaterThan(idA);
    await b.call('CLIENT', 'SETNAME', 'bee');
    await b.call('SELECT', '3');
    await b.call('CLIENT', 'NO-EVICT', 'on');
    await b.call('HELLO', '3');
    const info = (await a.call('CLIENT', 'INFO')) as string;
    expect(info).toMatch(new RegExp(
      `^id=${idA} addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:${srv.port} fd=\\d+ name= age=\\d+ idle=0 flags=N db=0 ` +
      'sub=0 psub=0 ssub=0 multi=-1 qbuf=\\d+ qbuf-free=\\d+ argv-mem=\\d+ multi-mem=0 rbs=\\d+ rbp=\\d+ obl=0 oll=0 ' +
      'omem=\\d+ tot-mem=\\d+ events=r cmd=client\\|info user=default redir=-1 resp=2\\n$',
    ));
    const list = (await a.call('CLIENT', 'LIST')) as string;
    const lines = list.split('\n').filter((l) => l !== '');
    const mine = lines.find((l) => l.startsWith(`id=${idA} `))!;
    const other = lines.find((l) => l.startsWith(`id=${idB} `))!;
    expect(mine).toContain(' cmd=client|list ');
    expect(other).toContain(' name=bee ');
    expect(other).toContain(' db=3 ');
    expect(other).toContain(' flags=e ');
    expect(other).toContain(' cmd=hello ');
    expect(other).toMatch(/ resp=3$/);
    // ID filter keeps the order asked, skipping unknown ids.
    const byId = (await a.call('CLIENT', 'LIST', 'ID', String(idB), '999999', String(idA))) as string;
    expect(byId.split('\n').filter((l) => l !== '').map((l) => l.split(' ')[0])).toEqual([`id=${idB}`, `id=${idA}`]);
    const normal = (await a.call('CLIENT', 'LIST', 'TYPE', 'NORMAL')) as string;
    expect(normal).toContain(`id=${idA} `);
    expect(await a.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).toBe('');
    // In RESP3 CLIENT INFO is a verbatim string.
    expect(await b.callRaw('CLIENT', 'INFO')).toMatch(/^=\d+\r\ntxt:id=/);
    a.close();
    b.close();
  });

  it('SETINFO sets the library name and version (Redis 7.2)', async () => {
    const a = await RawClient.connect(srv.port);
    expect(await a.call('CLIENT', 'SETINFO', 'LIB-NAME', 'mylib')).toBe('OK');
    expect(await a.call('CLIENT', 'SETINFO', 'lib-ver', '1.2.3')).toBe('OK');
    expect(await a.call('CLIENT', 'SETINFO', 'LIB-NAME', 'a b')).toEqual(
      new Error('ERR LIB-NAME cannot contain spaces, newlines or special characters.'));
    expect(await a.call('CLIENT', 'SETINFO', 'foo', 'x')).toEqual(new Error("ERR Unrecognized option 'foo'"));
    expect(await a.call('CLIENT', 'SETINFO', 'LIB-NAME')).toEqual(
      new Error("ERR wrong number of arguments for 'client|setinfo' command"));
    const id = (await a.call('CLIENT', 'ID')) as number;
    const c = [...srv.server.clients.values()].find((x) => x.id === id)!;
    expect(c.libName).toBe('mylib');
    expect(c.libVer).toBe('1.2.3');
    a.close();
  });

  it('NO-TOUCH toggles the T flag (Redis 7.2)', async () => {
    const a = await RawClient.connect(srv.port);
    expect(await a.call('CLIENT', 'NO-TOUCH', 'on')).toBe('OK');
    expect(await a.call('CLIENT', 'INFO')).toContain(' flags=T ');
    expect(await a.call('CLIENT', 'NO-TOUCH', 'maybe')).toEqual(new Error('ERR syntax error'));
    expect(await a.call('CLIENT', 'NO-TOUCH', 'off')).toBe('OK');
    expect(await a.call('CLIENT', 'INFO')).toContain(' flags=N ');
    a.close();
  });

  it('KILL by ID, ADDR, LADDR, TYPE, MAXAGE and SKIPME', async () => {
    const killer = await RawClient.connect(srv.port);
    const v1 = await RawClient.connect(srv.port);
    const v2 = await RawClient.connect(srv.port);
    const id1 = (await v1.call('CLIENT', 'ID')) as number;
    expect(await killer.call('CLIENT', 'KILL', 'ID', String(id1))).toBe(1);
    await v1.waitClosed();
    expect(await killer.call('CLIENT', 'KILL', 'ID', String(id1))).toBe(0);

    // Old form: by address, +OK.
    const info2 = (await v2.call('CLIENT', 'INFO')) as string;
    const addr2 = /addr=(\S+)/.exec(info2)![1]!;
    expect(await killer.call('CLIENT', 'KILL', addr2)).toBe('OK');
    await v2.waitClosed();
    expect(await killer.call('CLIENT', 'KILL', addr2)).toEqual(new Error('ERR No such client'));

    // New form skips the caller unless SKIPME no.
    const v3 = await RawClient.connect(srv.port);
    await v3.call('PING');
    const myId = (await killer.call('CLIENT', 'ID')) as number;
    expect(await killer.call('CLIENT', 'KILL', 'ID', String(myId))).toBe(0);
    expect(await killer.call('CLIENT', 'KILL', 'LADDR', `127.0.0.1:${srv.port}`, 'TYPE', 'normal')).toBeGreaterThanOrEqual(1);
    await v3.waitClosed();
    expect(killer.closed).toBe(false);
    expect(await killer.call('CLIENT', 'KILL', 'MAXAGE', 'x')).toEqual(new Error('ERR maxage is not an integer or out of range'));
    expect(await killer.call('CLIENT', 'KILL', 'MAXAGE', '1000', 'SKIPME', 'no')).toBe(0);
    // The caller may kill itself: it still gets the reply.
    expect(await killer.call('CLIENT', 'KILL', 'ID', String(myId), 'SKIPME', 'no')).toBe(1);
    await killer.waitClosed();
  });

  it('the old KILL form may kill the caller itself, after the reply', async () => {
    const c = await RawClient.connect(srv.port);
    const addr = /addr=(\S+)/.exec((await c.call('CLIENT', 'INFO')) as string)![1]!;
    expect(await c.call('CLIENT', 'KILL', addr)).toBe('OK');
    await c.waitClosed();
  });
});

describe('connection state', () => {
  it('QUIT replies +OK then closes', async () => {
    const c = await RawClient.connect(srv.port);
    expect(await c.callRaw('QUIT')).toBe('+OK\r\n');
    await c.waitClosed();
  });

  it('RESET clears name, db, protocol and reply mode', async () => {
    const c = await RawClient.connect(srv.port);
    await c.call('HELLO', '3', 'SETNAME', 'x');
    await c.call('SELECT', '2');
    c.write(encodeCommand(['CLIENT', 'REPLY', 'OFF']));
    expect(await c.callRaw('RESET')).toBe('+RESET\r\n');
    expect(await c.callRaw('CLIENT', 'GETNAME')).toBe('$-1\r\n');
    expect(await c.call('CLIENT', 'INFO')).toMatch(/ name= .* db=0 .* resp=2\n$/);
    c.close();
  });

  it('HELLO 3 switches the reply protocol before its own reply', async () => {
    const c = await RawClient.connect(srv.port);
    const raw = await c.callRaw('HELLO', '3');
    expect(raw.startsWith('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n')).toBe(true);
    expect(raw.endsWith('$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n')).toBe(true);
    expect(await c.callRaw('CLIENT', 'GETNAME')).toBe('_\r\n');
    expect(await c.callRaw('HELLO', '2')).toMatch(/^\*14\r\n/);
    expect(await c.callRaw('CLIENT', 'GETNAME')).toBe('$-1\r\n');
    c.close();
  });
});

describe('client libraries', () => {
  it('node-redis, RESP2', async () => {
    // node-redis 6 defaults to RESP3: ask for RESP2 explicitly.
    const client = createClient({ url: `redis://127.0.0.1:${srv.port}`, RESP: 2, name: 'nr2' });
    client.on('error', () => {});
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    expect(await client.clientGetName()).toBe('nr2');
    expect(await client.clientSetName('nr2b')).toBe('OK');
    expect(await client.clientGetName()).toBe('nr2b');
    const hello = await client.hello();
    expect(hello.proto).toBe(2);
    expect(hello.version).toBe('7.0.15');
    expect(typeof await client.clientId()).toBe('number');
    const me = await client.clientInfo();
    expect(me.name).toBe('nr2b');
    expect(me.resp).toBe(2);
    const id = me.id;
    const c = [...srv.server.clients.values()].find((x) => x.id === id)!;
    expect(c.libName).toBe('node-redis');
    await client.close();
  });

  it('node-redis, RESP3', async () => {
    const client = createClient({ url: `redis://127.0.0.1:${srv.port}`, RESP: 3, name: 'nr3' });
    client.on('error', () => {});
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    expect(await client.clientGetName()).toBe('nr3');
    const hello = await client.hello();
    expect(hello.proto).toBe(3);
    expect(hello.server).toBe('redis');
    expect(hello.mode).toBe('standalone');
    expect(hello.role).toBe('master');
    expect(await client.echo('hi')).toBe('hi');
    const list = await client.clientList();
    expect(list.some((e) => e.name === 'nr3' && e.resp === 3)).toBe(true);
    await client.close();
  });

  it('ioredis', async () => {
    const r = new IORedis({ port: srv.port, host: '127.0.0.1', connectionName: 'io', lazyConnect: true });
    await r.connect();
    expect(await r.ping()).toBe('PONG');
    expect(await r.client('GETNAME')).toBe('io');
    expect(await r.echo('x')).toBe('x');
    expect(await r.select(1)).toBe('OK');
    expect(await r.client('SETNAME', 'io2')).toBe('OK');
    expect(await r.client('GETNAME')).toBe('io2');
    expect(String(await r.client('LIST'))).toContain('name=io2 ');
    await r.quit();
  });
});
