#!/usr/bin/env node
// BGSAVE under a write load, mini-redis (the daemon, as `npm start` runs it)
// and real redis-server: KEYS string keys are loaded, then while one
// connection keeps overwriting random keys (pipelined batches of 200 SETs)
// and another sends PINGs one at a time, BGSAVE runs. Reported per server:
// - stall: the largest PING round trip during the save (the event loop
//   never answering for that long), and the largest gap between write replies;
// - memory: the server's RSS before the save and its peak during it (sampled
//   every 5 ms from /proc), against the dataset's size (RSS loaded minus RSS
//   empty). Real Redis forks: its parent's RSS hardly moves, the copy-on-write
//   cost is the child's and is not counted here;
// - time: BGSAVE (reply to rdb_bgsave_in_progress:0), SAVE, and loading the
//   file at start-up ("DB loaded from disk").
// The machine is shared: the client process's own event-loop delay during the
// save is printed as the noise floor of the stall figures.
// Usage: node scripts/bgsave-probe.mjs [KEYS=1000000] [ROUNDS=1]. Needs `npm run build`.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KEYS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 1);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

class Conn {
  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.waiting = [];
    sock.on('data', (d) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.drain();
    });
  }

  static connect(port) {
    return new Promise((res, rej) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => res(new Conn(s)));
      s.once('error', rej);
    });
  }

  /** One reply from pos: [value, end] or null when incomplete. */
  parse(pos) {
    const nl = this.buf.indexOf('\r\n', pos);
    if (nl < 0) return null;
    const t = this.buf[pos];
    const line = this.buf.latin1Slice(pos + 1, nl);
    if (t === 43 || t === 45) return [t === 45 ? new Error(line) : line, nl + 2];
    if (t === 58) return [Number(line), nl + 2];
    if (t === 36) {
      const n = Number(line);
      if (n < 0) return [null, nl + 2];
      if (this.buf.length < nl + 2 + n + 2) return null;
      return [this.buf.latin1Slice(nl + 2, nl + 2 + n), nl + 4 + n];
    }
    if (t === 42) {
      const n = Number(line);
      const out = [];
      let p = nl + 2;
      for (let i = 0; i < n; i++) {
        const r = this.parse(p);
        if (r === null) return null;
        out.push(r[0]);
        p = r[1];
      }
      return [out, p];
    }
    throw new Error(`bad reply type ${t}`);
  }

  drain() {
    let pos = 0;
    while (this.waiting.length > 0) {
      const r = this.parse(pos);
      if (r === null) break;
      pos = r[1];
      this.waiting.shift()(r[0]);
    }
    this.buf = this.buf.subarray(pos);
  }

  send(cmds) {
    let s = '';
    for (const c of cmds) s += `*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('')}`;
    const ps = cmds.map(() => new Promise((r) => this.waiting.push(r)));
    this.sock.write(s);
    return Promise.all(ps);
  }

  async call(...args) {
    return (await this.send([args]))[0];
  }

  close() {
    this.sock.destroy();
  }
}

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
  return m ? Number(m[1]) : 0;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function spawnServer(kind, port, dir) {
  const args = ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--loglevel', 'notice'];
  const child = kind === 'redis'
    ? spawn('redis-server', [...args, '--logfile', ''], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, ['--max-semi-space-size=8', join(root, 'bin/mini-redis-server.js'), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072' },
    });
  let out = '';
  const t0 = performance.now();
  const ready = new Promise((res, rej) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) res(performance.now() - t0);
    });
    child.once('exit', (code) => rej(new Error(`${kind} exited ${code}\n${out}`)));
  });
  return { child, ready, out: () => out };
}

function field(text, name) {
  const m = new RegExp(`^${name}:(.*)\\r$`, 'm').exec(text);
  return m ? m[1] : '';
}

async function probe(kind, port) {
  const dir = mkdtempSync(join(tmpdir(), `bgsave-probe-${kind}-`));
  let srv = spawnServer(kind, port, dir);
  await srv.ready;
  const pid = srv.child.pid;
  const c = await Conn.connect(port);
  await sleep(300);
  const rssEmpty = rssKb(pid);
  const BATCH = 10_000;
  for (let b = 0; b < KEYS; b += BATCH) {
    const cmds = [];
    for (let i = b; i < Math.min(KEYS, b + BATCH); i++) cmds.push(['SET', `key:${i}`, `value-${i}-${'x'.repeat(i % 40)}`]);
    await c.send(cmds);
  }
  await sleep(1500);
  const rssLoaded = rssKb(pid);
  const dataset = rssLoaded - rssEmpty;

  // The load: overwrites of random keys, and a PING at a time.
  const w = await Conn.connect(port);
  const p = await Conn.connect(port);
  let running = true;
  let writes = 0;
  let maxWriteGap = 0;
  let maxPing = 0;
  let peak = rssLoaded;
  const writer = (async () => {
    let last = performance.now();
    while (running) {
      const cmds = [];
      for (let i = 0; i < 200; i++) cmds.push(['SET', `key:${Math.floor(Math.random() * KEYS)}`, `upd-${writes + i}`]);
      await w.send(cmds);
      writes += 200;
      const now = performance.now();
      maxWriteGap = Math.max(maxWriteGap, now - last);
      last = now;
    }
  })();
  const pinger = (async () => {
    while (running) {
      const t = performance.now();
      await p.call('PING');
      maxPing = Math.max(maxPing, performance.now() - t);
      await sleep(1);
    }
  })();
  const sampler = setInterval(() => { peak = Math.max(peak, rssKb(pid)); }, 5);
  await sleep(300);
  // The load alone, as a reference for the stall.
  const refPing = maxPing;
  maxPing = 0;
  maxWriteGap = 0;
  const writesBefore = writes;
  // The machine's noise floor: this (client) process's own event-loop delay meanwhile.
  const own = monitorEventLoopDelay({ resolution: 1 });
  own.enable();
  const t0 = performance.now();
  const r = await c.call('BGSAVE');
  if (r instanceof Error) throw r;
  for (;;) {
    const info = await c.call('INFO', 'persistence');
    if (field(info, 'rdb_bgsave_in_progress') === '0') break;
    await sleep(10);
  }
  const bgsaveMs = performance.now() - t0;
  own.disable();
  running = false;
  clearInterval(sampler);
  await Promise.all([writer, pinger]);
  const status = field(await c.call('INFO', 'persistence'), 'rdb_last_bgsave_status');
  const size = statSync(join(dir, 'dump.rdb')).size;
  const t1 = performance.now();
  await c.call('SAVE');
  const saveMs = performance.now() - t1;
  void c.call('SHUTDOWN', 'NOSAVE');
  await new Promise((res) => (srv.child.exitCode !== null ? res() : srv.child.once('exit', res)));
  srv = spawnServer(kind, port, dir);
  const readyMs = await srv.ready;
  const m = /DB loaded from disk: ([\d.]+) seconds/.exec(srv.out());
  const d = await Conn.connect(port);
  const dbsize = await d.call('DBSIZE');
  void d.call('SHUTDOWN', 'NOSAVE');
  await new Promise((res) => (srv.child.exitCode !== null ? res() : srv.child.once('exit', res)));
  c.close(); w.close(); p.close(); d.close();
  rmSync(dir, { recursive: true, force: true });
  const mb = (kb) => (kb / 1024).toFixed(0);
  console.log(
    `${kind.padEnd(10)} keys=${KEYS} file=${(size / 1048576).toFixed(1)}MB status=${status} ` +
    `bgsave=${bgsaveMs.toFixed(0)}ms writes-during=${writes - writesBefore} ` +
    `max-ping=${maxPing.toFixed(1)}ms (load alone ${refPing.toFixed(1)}ms) max-write-gap=${maxWriteGap.toFixed(1)}ms client-own-max-delay=${(own.max / 1e6).toFixed(1)}ms | ` +
    `rss empty=${mb(rssEmpty)}MB loaded=${mb(rssLoaded)}MB dataset=${mb(dataset)}MB peak-during=${mb(peak)}MB ` +
    `growth=${mb(peak - rssLoaded)}MB (${((peak - rssLoaded) / dataset).toFixed(2)}x dataset; peak ${(peak / rssLoaded).toFixed(2)}x loaded) | ` +
    `SAVE=${saveMs.toFixed(0)}ms load=${m ? (Number(m[1]) * 1000).toFixed(0) : '?'}ms ready=${readyMs.toFixed(0)}ms dbsize=${dbsize}`,
  );
}

for (let i = 0; i < ROUNDS; i++) {
  await probe('mini-redis', 7391);
  await probe('redis', 7392);
}
