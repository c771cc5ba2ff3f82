// The dataset digest of DEBUG DIGEST and DEBUG DIGEST-VALUE, computed exactly
// as Redis 7.0's debug.c does, so that the same dataset gives the same 40 hex
// digits on both servers (test tooling compares them across servers).
//
// Two SHA1 primitives over a 20-byte state:
// - xorDigest(d, data): d ^= SHA1(data). Order-independent: used for the
//   members of sets, the fields of hashes and sorted sets, and the keys of a
//   database.
// - mixDigest(d, data): d = SHA1(d ^ SHA1(data)). Order-dependent: used for
//   list elements, a key's name, its type and its string value.
// A value's digest (xorObjectDigest) mixes the type as a 4-byte big-endian
// number (string 0, list 1, set 2, zset 3, hash 4, stream 6), then the
// contents by type; a key with a TTL has "!!expire!!" xored in (only the
// presence of a TTL counts, not its time). A sorted set's element is
// mix(member) then mix(score as "%.17g"), xored in. The dataset digest mixes
// each non-empty database's id (4 bytes big-endian) into the result, then
// xors in each key's mix(key name) + value digest. Every key in the
// dictionary counts, including keys logically expired but not yet deleted,
// as in Redis. An empty dataset gives 20 zero bytes.

import { formatDouble17g } from '../util/numbers.js';
import { HashValue } from './hash.js';
import type { Database, Keyspace } from './keyspace.js';
import { ListValue } from './list.js';
import { SetValue } from './set.js';
import { RawString, type Stored } from './types.js';
import { ZSetValue } from './zset.js';

// SHA1 in plain JS rather than node:crypto: a digest hashes six or so tiny
// inputs per key, and createHash's per-call cost (an object, a native call,
// a Buffer for the result) is several times the hashing itself.

const W = new Int32Array(80);
/** The padded tail of a message (at most two blocks). */
const TAIL = new Uint8Array(128);
/** Latin1 strings are copied here to be hashed; grown on demand. */
let scratch = Buffer.alloc(256);
/** The last hash computed. */
const HASH = new Uint8Array(20);
let h0 = 0;
let h1 = 0;
let h2 = 0;
let h3 = 0;
let h4 = 0;

function block(b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++, off += 4) W[i] = (b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!;
  for (let i = 16; i < 80; i++) {
    const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
    W[i] = (x << 1) | (x >>> 31);
  }
  let a = h0;
  let b1 = h1;
  let c = h2;
  let d = h3;
  let e = h4;
  let i = 0;
  for (; i < 20; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b1 & c) | (~b1 & d)) + e + 0x5a827999 + W[i]!) | 0;
    e = d;
    d = c;
    c = (b1 << 30) | (b1 >>> 2);
    b1 = a;
    a = t;
  }
  for (; i < 40; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b1 ^ c ^ d) + e + 0x6ed9eba1 + W[i]!) | 0;
    e = d;
    d = c;
    c = (b1 << 30) | (b1 >>> 2);
    b1 = a;
    a = t;
  }
  for (; i < 60; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b1 & c) | (b1 & d) | (c & d)) + e + 0x8f1bbcdc + W[i]!) | 0;
    e = d;
    d = c;
    c = (b1 << 30) | (b1 >>> 2);
    b1 = a;
    a = t;
  }
  for (; i < 80; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b1 ^ c ^ d) + e + 0xca62c1d6 + W[i]!) | 0;
    e = d;
    d = c;
    c = (b1 << 30) | (b1 >>> 2);
    b1 = a;
    a = t;
  }
  h0 = (h0 + a) | 0;
  h1 = (h1 + b1) | 0;
  h2 = (h2 + c) | 0;
  h3 = (h3 + d) | 0;
  h4 = (h4 + e) | 0;
}

function put32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

/** SHA1 of msg[0, len) into out[0, 20) (out may be msg). */
function sha1Bytes(msg: Uint8Array, len: number, out: Uint8Array): void {
  h0 = 0x67452301;
  h1 = 0xefcdab89 | 0;
  h2 = 0x98badcfe | 0;
  h3 = 0x10325476;
  h4 = 0xc3d2e1f0 | 0;
  let off = 0;
  for (; off + 64 <= len; off += 64) block(msg, off);
  const rest = len - off;
  TAIL.fill(0);
  for (let i = 0; i < rest; i++) TAIL[i] = msg[off + i]!;
  TAIL[rest] = 0x80;
  const blocks = rest < 56 ? 1 : 2;
  const end = blocks * 64;
  const bits = len * 8;
  put32(TAIL, end - 8, Math.floor(bits / 4294967296));
  put32(TAIL, end - 4, bits >>> 0);
  block(TAIL, 0);
  if (blocks === 2) block(TAIL, 64);
  put32(out, 0, h0);
  put32(out, 4, h1);
  put32(out, 8, h2);
  put32(out, 12, h3);
  put32(out, 16, h4);
}

/** SHA1 of `data` (latin1 string or bytes) into HASH. */
function sha1(data: string | Uint8Array): void {
  if (typeof data !== 'string') {
    sha1Bytes(data, data.length, HASH);
    return;
  }
  if (data.length > scratch.length) scratch = Buffer.alloc(Math.max(data.length, scratch.length * 2));
  scratch.latin1Write(data, 0);
  sha1Bytes(scratch, data.length, HASH);
}

/** The SHA1 of `data` (latin1 string or bytes), hex; exported for tests. */
export function sha1Hex(data: string | Uint8Array): string {
  sha1(data);
  return Buffer.from(HASH).toString('hex');
}

const OBJ_STRING = 0;
const OBJ_LIST = 1;
const OBJ_SET = 2;
const OBJ_ZSET = 3;
const OBJ_HASH = 4;

/** d ^= h. */
function xorInto(d: Uint8Array, h: Uint8Array): void {
  for (let j = 0; j < 20; j++) d[j]! ^= h[j]!;
}

/** d ^= SHA1(data); `data` is latin1 (one char per byte) or bytes. */
export function xorDigest(d: Uint8Array, data: string | Uint8Array): void {
  sha1(data);
  xorInto(d, HASH);
}

/** d = SHA1(d ^ SHA1(data)). */
export function mixDigest(d: Uint8Array, data: string | Uint8Array): void {
  xorDigest(d, data);
  sha1Bytes(d, 20, d);
}

/** d = SHA1(d ^ h), h being SHA1(data) computed beforehand. */
function mixHash(d: Uint8Array, h: Uint8Array): void {
  xorInto(d, h);
  sha1Bytes(d, 20, d);
}

/** SHA1 of a 32-bit number as 4 big-endian bytes (htonl), computed once. */
function hashOfBe32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  put32(b, 0, n);
  sha1Bytes(b, 4, HASH);
  return HASH.slice();
}

const TYPE_HASH = [OBJ_STRING, OBJ_LIST, OBJ_SET, OBJ_ZSET, OBJ_HASH].map(hashOfBe32);
const EXPIRE_HASH = (() => {
  sha1('!!expire!!');
  return HASH.slice();
})();

/**
 * xorObjectDigest: mix the value `v` of `key` into `d` (the type, the
 * contents, and whether the key has a TTL in `db`).
 */
export function mixValueDigest(d: Uint8Array, db: Database, key: string, v: Stored): void {
  if (typeof v === 'number' || typeof v === 'string' || v instanceof RawString) {
    mixHash(d, TYPE_HASH[OBJ_STRING]!);
    mixDigest(d, typeof v === 'number' ? String(v) : typeof v === 'string' ? v : v.buf.subarray(0, v.len));
  } else if (v instanceof ListValue) {
    mixHash(d, TYPE_HASH[OBJ_LIST]!);
    v.forEach(0, v.length - 1, (e) => {
      mixDigest(d, e);
    });
  } else if (v instanceof SetValue) {
    mixHash(d, TYPE_HASH[OBJ_SET]!);
    for (const m of v.keys()) xorDigest(d, m);
  } else if (v instanceof ZSetValue) {
    mixHash(d, TYPE_HASH[OBJ_ZSET]!);
    const ele = new Uint8Array(20);
    for (const [member, node] of v.dict) {
      ele.fill(0);
      mixDigest(ele, member);
      mixDigest(ele, formatDouble17g(node.score));
      xorDigest(d, ele);
    }
  } else if (v instanceof HashValue) {
    mixHash(d, TYPE_HASH[OBJ_HASH]!);
    const ele = new Uint8Array(20);
    for (const [f, val] of v.map) {
      ele.fill(0);
      mixDigest(ele, f);
      mixDigest(ele, val);
      xorDigest(d, ele);
    }
  } else {
    throw new Error(`digest: unknown value type ${v.type}`);
  }
  if (db.expires.size !== 0 && db.expires.has(key)) xorInto(d, EXPIRE_HASH);
}

/** DEBUG DIGEST-VALUE of one key: the value's digest alone (20 zero bytes for a missing key). */
export function valueDigest(db: Database, key: string): Buffer {
  const d = Buffer.alloc(20);
  const v = db.dict.get(key);
  if (v !== undefined) mixValueDigest(d, db, key, v);
  return d;
}

/** computeDatasetDigest: the digest of every database's keys, values and TTL marks. */
export function datasetDigest(ks: Keyspace): Buffer {
  const final = Buffer.alloc(20);
  const d = Buffer.alloc(20);
  for (const db of ks.dbs) {
    if (db.dict.size === 0) continue;
    const id = new Uint8Array(4);
    put32(id, 0, db.id);
    mixDigest(final, id);
    for (const [key, v] of db.dict) {
      d.fill(0);
      mixDigest(d, key);
      mixValueDigest(d, db, key, v);
      xorDigest(final, d);
    }
  }
  return final;
}
