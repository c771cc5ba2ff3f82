// The memory estimates (src/keyspace/memsize.ts) against simple models: the
// jemalloc size classes against their table, listpack sizes against a naive
// encoder that writes the real bytes, and, for random values built with a
// seeded rng, objectComputeSize (all samples) against a direct computation
// from the value's contents after each step.
import { describe, expect, it } from 'vitest';
import { HashValue } from '../../src/keyspace/hash.js';
import { ListValue } from '../../src/keyspace/list.js';
import {
  dictSlots, jemallocSize, keyMemoryUsage, listpackBytes, listpackEntrySize, objectComputeSize, sdsAllocSize,
  sdsHeaderSize,
} from '../../src/keyspace/memsize.js';
import { SetValue } from '../../src/keyspace/set.js';
import { RawString } from '../../src/keyspace/types.js';
import { ZSetValue } from '../../src/keyspace/zset.js';
import { rng } from '../helpers/rng.js';

const LIMITS = { listMaxListpackSize: -2 };
const ALL = Infinity;

/** jemalloc 5's size classes (16-byte quantum, 4 per doubling), written out. */
const CLASSES = [
  8, 16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024,
  1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192, 10240, 12288, 14336, 16384,
  20480, 24576, 28672, 32768, 40960, 49152, 57344, 65536, 81920, 98304, 114688, 131072,
];

/** A naive listpack entry encoder writing the actual bytes (listpack.c). */
function encodeEntry(s: string): number[] {
  const out: number[] = [];
  const isInt = /^(0|-?[1-9][0-9]*)$/.test(s) && s.length <= 20 &&
    BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n;
  if (isInt) {
    const v = BigInt(s);
    const le = (n: bigint, bytes: number) => {
      for (let i = 0; i < bytes; i++) out.push(Number((n >> BigInt(8 * i)) & 0xffn));
    };
    if (v >= 0n && v <= 127n) out.push(Number(v));
    else if (v >= -4096n && v <= 4095n) { out.push(0xc0); out.push(0); }
    else if (v >= -32768n && v <= 32767n) { out.push(0xf1); le(v, 2); }
    else if (v >= -8388608n && v <= 8388607n) { out.push(0xf2); le(v, 3); }
    else if (v >= -2147483648n && v <= 2147483647n) { out.push(0xf3); le(v, 4); }
    else { out.push(0xf4); le(v, 8); }
  } else {
    const l = s.length;
    if (l < 64) out.push(0x80 | l);
    else if (l < 4096) out.push(0xe0 | (l >> 8), l & 0xff);
    else out.push(0xf0, l & 0xff, (l >> 8) & 0xff, (l >> 16) & 0xff, (l >> 24) & 0xff);
    for (let i = 0; i < l; i++) out.push(s.charCodeAt(i));
  }
  // The back length: 7 bits per byte, as many bytes as needed.
  let l = out.length;
  do { out.push(l & 127); l >>= 7; } while (l > 0);
  return out;
}

/** Redis's `size_t asize += (double)elesize/samples*count` with every element sampled. */
function avg(base: number, elesize: number, count: number): number {
  return count === 0 ? base : Math.floor(base + (elesize / count) * count);
}

function naiveListpack(entries: string[]): number {
  return 6 + entries.reduce((n, e) => n + encodeEntry(e).length, 0) + 1;
}

describe('memsize', () => {
  it('rounds to jemalloc size classes', () => {
    let prev = 0;
    for (const c of CLASSES) {
      for (const n of [prev + 1, Math.floor((prev + c) / 2), c]) expect(jemallocSize(n), `size ${n}`).toBe(c);
      prev = c;
    }
    expect(jemallocSize(0)).toBe(8);
    expect(jemallocSize(1 << 20)).toBe(1 << 20);
    expect(jemallocSize((1 << 20) + 1)).toBe((1 << 20) + (1 << 18));
  });

  it('picks sds headers as sdsReqType does', () => {
    expect([31, 32, 255, 256, 65535, 65536].map(sdsHeaderSize)).toEqual([1, 3, 3, 5, 5, 9]);
    expect(sdsAllocSize(0)).toBe(8);
    expect(sdsAllocSize(14)).toBe(16);
    expect(sdsAllocSize(15)).toBe(32);
  });

  it('sizes listpack entries as a naive encoder does', () => {
    const r = rng(7);
    const samples = [
      '', 'a', '0', '-0', '00', '127', '128', '-1', '-4096', '4095', '4096', '-4097', '32767', '32768',
      '8388607', '8388608', '2147483647', '2147483648', '-2147483649', '9223372036854775807',
      '9223372036854775808', '-9223372036854775808', '+1', '1.5', ' 1',
      'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(125), 'x'.repeat(126), 'x'.repeat(4095), 'x'.repeat(4096),
      'x'.repeat(16380), 'x'.repeat(16400),
    ];
    for (let i = 0; i < 300; i++) {
      samples.push(r() < 0.5 ? String(Math.floor((r() - 0.5) * 2 ** (1 + r() * 52))) : 'y'.repeat(Math.floor(r() * 300)));
    }
    for (const s of samples) expect(listpackEntrySize(s), JSON.stringify(s.slice(0, 20))).toBe(encodeEntry(s).length);
    expect(listpackBytes(samples)).toBe(naiveListpack(samples));
  });

  it('counts dict slots as powers of two from 4', () => {
    expect([0, 1, 4, 5, 8, 9, 1000, 1024, 1025].map(dictSlots)).toEqual([4, 4, 4, 8, 8, 16, 1024, 1024, 2048]);
  });

  it('sizes strings per encoding', () => {
    expect(objectComputeSize(12345, ALL, LIMITS)).toBe(16);
    expect(objectComputeSize('12345', ALL, LIMITS)).toBe(16);
    expect(objectComputeSize('x', ALL, LIMITS)).toBe(32);
    expect(objectComputeSize('x'.repeat(44), ALL, LIMITS)).toBe(64);
    expect(objectComputeSize('x'.repeat(45), ALL, LIMITS)).toBe(16 + 64);
    expect(objectComputeSize(new RawString('abc'), ALL, LIMITS)).toBe(16 + 8);
    expect(keyMemoryUsage('k', 'x', 5, LIMITS)).toBe(32 + 8 + 24);
  });

  it('matches a direct computation for random hashes, sets, sorted sets and lists', () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const val = (): string => {
        const k = r();
        if (k < 0.4) return String(Math.floor((r() - 0.5) * 2 ** (1 + r() * 40)));
        if (k < 0.45) return 'z'.repeat(Math.floor(r() * 200));
        return `v${Math.floor(r() * 50)}`;
      };
      const hashLimits = { hashMaxListpackEntries: 64, hashMaxListpackValue: 64 };
      const h = new HashValue();
      const s = new SetValue();
      const z = new ZSetValue();
      const zl = { zsetMaxListpackEntries: 64, zsetMaxListpackValue: 64 };
      const l = new ListValue();
      for (let step = 0; step < 400; step++) {
        const f = val();
        const v = val();
        if (r() < 0.8) {
          h.set(f, v, hashLimits);
          s.add(f, 64);
          if (z.score(f) === undefined) z.willAdd(f.length, zl);
          z.set(f, Math.floor(r() * 100) / 4);
          l.pushTail(v);
        } else {
          h.delete(f);
          s.delete(f);
          z.remove(f);
          l.popHead();
        }
        const label = `seed ${seed} step ${step}`;
        // Hash.
        const hc = h.contents();
        const hWant = h.isListpack
          ? 16 + jemallocSize(naiveListpack(hc.flat()))
          : avg(16 + 56 + 8 * dictSlots(hc.length), hc.reduce((n, [a, b]) => n + sdsAllocSize(a.length) + sdsAllocSize(b.length) + 24, 0), hc.length);
        expect(objectComputeSize(h, ALL, LIMITS), `hash ${label}`).toBe(hWant);
        // Set.
        const sc = s.contents();
        let sWant: number;
        if (s.isIntset) {
          const big = sc.map((x) => BigInt(x));
          const width = big.some((x) => x < -(2n ** 31n) || x >= 2n ** 31n) ? 8 : big.some((x) => x < -32768n || x > 32767n) ? 4 : 2;
          sWant = 16 + jemallocSize(8 + width * sc.length);
        } else {
          sWant = avg(16 + 56 + 8 * dictSlots(sc.length), sc.reduce((n, m) => n + 24 + sdsAllocSize(m.length), 0), sc.length);
        }
        expect(objectComputeSize(s, ALL, LIMITS), `set ${label}`).toBe(sWant);
        // Sorted set (listpack only: skiplist levels are random).
        if (z.listpack) {
          const zc = z.contents().flatMap(([m, sc2]) => [m, sc2]);
          expect(objectComputeSize(z, ALL, LIMITS), `zset ${label}`).toBe(16 + jemallocSize(naiveListpack(zc)));
        }
        // List: packed into nodes of at most 8 kB, each node sampled.
        if (l.length > 0 && l.length < 100) {
          const items = l.contents();
          const bytes = naiveListpack(items);
          if (bytes < 8000) expect(objectComputeSize(l, ALL, LIMITS), `list ${label}`).toBe(16 + 40 + 40 + jemallocSize(bytes));
        }
      }
    }
  });

  it('samples: the average of the first elements times the count', () => {
    const s = new SetValue(false);
    for (let i = 0; i < 100; i++) s.add(i < 5 ? `short${i}` : `a much longer member ${i}`.repeat(3), 0);
    const base = 16 + 56 + 8 * 128;
    expect(objectComputeSize(s, 5, LIMITS)).toBe(base + (24 + sdsAllocSize(6)) * 100);
    expect(objectComputeSize(s, 1, LIMITS)).toBe(base + (24 + sdsAllocSize(6)) * 100);
    expect(objectComputeSize(s, ALL, LIMITS)).toBeGreaterThan(base + (24 + sdsAllocSize(6)) * 100);
    // A long list: the node count is extrapolated, close to the exact packing.
    const l = new ListValue();
    for (let i = 0; i < 200000; i++) l.pushTail(`item-${i % 1000}`);
    const sampled = objectComputeSize(l, 5, LIMITS);
    const exact = objectComputeSize(l, ALL, LIMITS);
    expect(Math.abs(sampled - exact) / exact).toBeLessThan(0.02);
  });
});
