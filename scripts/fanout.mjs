// Fan-out measurement: SUBS subscriber connections on one channel, one
// publisher pipelining MSGS messages; reports how long until every
// subscriber had every message, and the deliveries per second. Counts bytes
// (every message frame has the same size), and checks nothing was lost.
// Usage: node scripts/fanout.mjs PORT [SUBS=1000] [MSGS=100] [SIZE=16]
import net from 'node:net';

const [port, subsArg, msgsArg, sizeArg] = process.argv.slice(2);
const SUBS = Number(subsArg ?? 1000);
const MSGS = Number(msgsArg ?? 100);
const SIZE = Number(sizeArg ?? 16);
const CH = 'fanout';
const payload = 'x'.repeat(SIZE);
const frame = `*3\r\n$7\r\nmessage\r\n$${CH.length}\r\n${CH}\r\n$${SIZE}\r\n${payload}\r\n`;
const confirm = `*3\r\n$9\r\nsubscribe\r\n$${CH.length}\r\n${CH}\r\n:1\r\n`;
const expected = confirm.length + frame.length * MSGS;

function connect() {
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

let done = 0;
let resolveAll;
const all = new Promise((r) => (resolveAll = r));
let subscribed = 0;
let resolveSubscribed;
const ready = new Promise((r) => (resolveSubscribed = r));
const socks = [];
for (let i = 0; i < SUBS; i++) {
  const s = await connect();
  let got = 0;
  let confirmed = false;
  s.on('data', (d) => {
    got += d.length;
    if (!confirmed && got >= confirm.length) {
      confirmed = true;
      if (++subscribed === SUBS) resolveSubscribed();
    }
    if (got === expected) {
      if (++done === SUBS) resolveAll();
    } else if (got > expected) {
      console.error(`subscriber ${i} got ${got} bytes, more than ${expected}`);
      process.exit(1);
    }
  });
  s.write(`*2\r\n$9\r\nSUBSCRIBE\r\n$${CH.length}\r\n${CH}\r\n`);
  socks.push(s);
}
await ready;
const pub = await connect();
const cmd = `*3\r\n$7\r\nPUBLISH\r\n$${CH.length}\r\n${CH}\r\n$${SIZE}\r\n${payload}\r\n`;
const reply = `:${SUBS}\r\n`;
let replies = 0;
pub.on('data', (d) => {
  replies += d.length;
});
const t0 = performance.now();
const BATCH = 100;
for (let sent = 0; sent < MSGS; sent += BATCH) {
  const n = Math.min(BATCH, MSGS - sent);
  // Keep at most a few batches in flight so the publisher is paced like a real one.
  while (replies < (sent - 4 * BATCH) * reply.length) await new Promise((r) => setImmediate(r));
  pub.write(cmd.repeat(n));
}
await all;
const ms = performance.now() - t0;
console.log(JSON.stringify({ subs: SUBS, msgs: MSGS, deliveries: SUBS * MSGS, ms: Math.round(ms), perSec: Math.round((SUBS * MSGS) / (ms / 1000)) }));
for (const s of socks) s.destroy();
pub.destroy();
