#!/usr/bin/env node
// Dev script, run by hand (never at build or test time): asks a real
// redis-server 7.0 for COMMAND DOCS and COMMAND INFO and writes
// src/commands/docs.json, the command metadata that COMMAND DOCS / INFO /
// GETKEYSANDFLAGS serve (summaries, argument trees, ACL categories, tips, key
// specs), plus Redis's own arity, flags and key range, which the table tests
// compare ours with. Redis is the source of truth for all of it, so it is
// copied, not hand-written.
//
//   redis-server --port 7300 --save '' --appendonly no --daemonize yes
//   node scripts/gen-command-docs.mjs [port=7300] [host=127.0.0.1]
//
// The output has sorted keys at every level and one command per line, so a
// regeneration diffs cleanly; the server emits map fields in Redis's own order
// at run time (see src/commands/command.ts), so the order here does not matter.
// Uses RESP3 (HELLO 3) so that maps and sets arrive as such, with a tiny
// reader below: no packages.

import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const port = Number(process.argv[2] ?? 7300);
const host = process.argv[3] ?? '127.0.0.1';
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'commands', 'docs.json');

// ---- RESP3 reader ---------------------------------------------------------

class Incomplete extends Error {}

/** Parse one reply at buf[pos]: [value, nextPos]; throws Incomplete. */
function parse(buf, pos) {
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) throw new Incomplete();
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString('latin1', pos + 1, nl);
  let p = nl + 2;
  switch (type) {
    case '+': return [line, p];
    case '-': return [new Error(line), p];
    case ':': return [Number(line), p];
    case '_': return [null, p];
    case '#': return [line === 't', p];
    case ',': return [Number(line), p];
    case '(': return [BigInt(line), p];
    case '$': case '=': case '!': {
      const n = Number(line);
      if (n < 0) return [null, p];
      if (buf.length < p + n + 2) throw new Incomplete();
      let s = buf.toString('latin1', p, p + n);
      if (type === '=') s = s.slice(4);
      return [type === '!' ? new Error(s) : s, p + n + 2];
    }
    case '*': case '~': case '>': {
      const n = Number(line);
      if (n < 0) return [null, p];
      const out = [];
      for (let i = 0; i < n; i++) {
        const [v, q] = parse(buf, p);
        out.push(v);
        p = q;
      }
      return [out, p];
    }
    case '%': case '|': {
      const n = Number(line);
      const out = new Map();
      for (let i = 0; i < n; i++) {
        const [k, q] = parse(buf, p);
        const [v, r] = parse(buf, q);
        out.set(k, v);
        p = r;
      }
      // An attribute precedes the reply it annotates: skip it.
      if (type === '|') return parse(buf, p);
      return [out, p];
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

function encode(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

/** Send commands in one pipeline and resolve with their replies. */
function pipeline(commands) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host });
    let buf = Buffer.alloc(0);
    const replies = [];
    sock.on('connect', () => sock.write(commands.map(encode).join('')));
    sock.on('error', reject);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      let pos = 0;
      try {
        while (pos < buf.length && replies.length < commands.length) {
          const [v, next] = parse(buf, pos);
          replies.push(v);
          pos = next;
        }
      } catch (e) {
        if (!(e instanceof Incomplete)) {
          sock.destroy();
          reject(e);
          return;
        }
      }
      buf = buf.subarray(pos);
      if (replies.length === commands.length) {
        sock.end();
        resolve(replies);
      }
    });
  });
}

// ---- conversion -----------------------------------------------------------

/** Maps become plain objects with sorted keys; everything else as is. */
function plain(v) {
  if (v instanceof Map) {
    const o = {};
    for (const k of [...v.keys()].sort()) o[k] = plain(v.get(k));
    return o;
  }
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

/** Observed key order of every kind of map, to check the server's emit order. */
const orders = new Map();
function noteOrder(kind, m) {
  const seen = orders.get(kind) ?? [];
  seen.push([...m.keys()]);
  orders.set(kind, seen);
}

function noteArgs(args) {
  for (const a of args) {
    noteOrder('argument', a);
    if (a.has('arguments')) noteArgs(a.get('arguments'));
  }
}

function docEntry(d) {
  noteOrder('doc', d);
  if (d.has('arguments')) noteArgs(d.get('arguments'));
  const e = {};
  for (const [k, v] of d) {
    if (k === 'subcommands') continue; // each subcommand gets its own entry
    e[k] = plain(v);
  }
  return e;
}

function infoFields(info) {
  const [name, arity, flags, first, last, step, acl, tips, keySpecs] = info;
  for (const ks of keySpecs) noteOrder('key_spec', ks);
  return {
    name,
    fields: {
      // What COMMAND INFO shows beyond docs: kept so that the table tests can
      // compare against Redis without a running redis-server.
      arity,
      flags,
      key_range: [first, last, step],
      acl_categories: acl,
      tips,
      key_specs: plain(keySpecs),
    },
  };
}

// ---- main -----------------------------------------------------------------

const [hello, version, docs, infos] = await pipeline([
  ['HELLO', '3'],
  ['INFO', 'server'],
  ['COMMAND', 'DOCS'],
  ['COMMAND', 'INFO'],
]);
if (hello instanceof Error) throw hello;
const ver = /redis_version:(\S+)/.exec(version)?.[1] ?? '?';
if (!ver.startsWith('7.0.')) console.warn(`warning: redis ${ver}, expected 7.0.x`);

const out = {};
for (const [name, d] of docs) {
  out[name] = docEntry(d);
  for (const [sub, sd] of d.get('subcommands') ?? []) out[sub] = docEntry(sd);
}
for (const info of infos) {
  const { name, fields } = infoFields(info);
  Object.assign((out[name] ??= {}), fields);
  for (const subInfo of info[9]) {
    const s = infoFields(subInfo);
    Object.assign((out[s.name] ??= {}), s.fields);
  }
}

// Every map kind must have one consistent field order: the server writes each
// kind's fields in a fixed order (test/integration/command.test.ts compares
// its replies with Redis's byte for byte), so a contradiction here means a
// Redis whose reply layout the server does not know.
for (const [kind, seqs] of orders) {
  const after = new Map(); // field -> fields seen after it
  for (const seq of seqs) {
    seq.forEach((k, i) => {
      if (!after.has(k)) after.set(k, new Set());
      for (const later of seq.slice(i + 1)) after.get(k).add(later);
    });
  }
  for (const [k, later] of after) {
    for (const l of later) if (after.get(l).has(k)) throw new Error(`inconsistent field order in ${kind}: ${k} / ${l}`);
  }
}

const names = Object.keys(out).sort();
const lines = names.map((n) => `${JSON.stringify(n)}:${JSON.stringify(sortDeep(out[n]))}`);
const text = `{\n${lines.join(',\n')}\n}\n`;
writeFileSync(OUT, text);
console.log(`wrote ${names.length} commands (redis ${ver}), ${text.length} bytes to ${OUT}`);

function sortDeep(v) {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v !== null && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = sortDeep(v[k]);
    return o;
  }
  return v;
}
