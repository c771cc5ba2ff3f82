// The list value (src/keyspace/list.ts) against a plain array model: random
// operations from a seeded generator, compared after each step, so that the
// ring buffer's wrapping, growth and middle edits keep the order, and so do
// the packed nodes and the conversions between the two forms (with small
// thresholds, so that a short run crosses them often).
import { afterEach, describe, expect, it } from 'vitest';
import { ListValue, setListPacking, type BulkSink } from '../../src/keyspace/list.js';
import { rng } from '../helpers/rng.js';

describe('ListValue', () => {
  for (const seed of [1, 2, 3, 42, 2026]) {
    it(`matches an array model under random operations (seed ${seed})`, () => {
      const r = rng(seed);
      const int = (n: number) => Math.floor(r() * n);
      const l = new ListValue();
      let m: string[] = [];
      // A small alphabet so that LREM and pivots find matches.
      const val = () => String.fromCharCode(97 + int(4)) + (r() < 0.1 ? '\xff' : '');
      for (let step = 0; step < 3000; step++) {
        const op = int(10);
        let what = '';
        if (op === 0 || (op === 1 && m.length < 5)) {
          const v = val(); l.pushHead(v); m.unshift(v); what = `pushHead ${v}`;
        } else if (op === 1) {
          const v = val(); l.pushTail(v); m.push(v); what = `pushTail ${v}`;
        } else if (op === 2) {
          expect(l.popHead()).toBe(m.shift()); what = 'popHead';
        } else if (op === 3) {
          expect(l.popTail()).toBe(m.pop()); what = 'popTail';
        } else if (op === 4 && m.length > 0) {
          const i = int(m.length); const v = val(); l.setAt(i, v); m[i] = v; what = `setAt ${i}`;
        } else if (op === 5) {
          const i = int(m.length + 1); const v = val(); l.insertAt(i, v); m.splice(i, 0, v); what = `insertAt ${i}`;
        } else if (op === 6) {
          const v = val();
          const count = int(7) - 3;
          let want = 0;
          const limit = count === 0 ? Infinity : Math.abs(count);
          if (count >= 0) {
            m = m.filter((x) => !(x === v && want < limit && ++want > 0));
          } else {
            const rev = [...m].reverse().filter((x) => !(x === v && want < limit && ++want > 0));
            m = rev.reverse();
          }
          expect(l.removeValue(v, count)).toBe(want); what = `removeValue ${v} ${count}`;
        } else if (op === 7 && r() < 0.3) {
          const start = int(m.length + 1);
          const count = int(m.length - start + 1);
          l.keepRange(start, count); m = m.slice(start, start + count); what = `keepRange ${start} ${count}`;
        } else if (op === 8) {
          const i = int(m.length + 2) - 1;
          expect(l.at(i)).toBe(m[i]); what = `at ${i}`;
        } else {
          for (let k = int(20); k > 0; k--) { const v = val(); l.pushTail(v); m.push(v); }
          what = 'pushTail many';
        }
        expect(l.length, what).toBe(m.length);
        expect(l.contents(), `step ${step}: ${what}`).toEqual(m);
      }
      const c = l.clone();
      c.pushHead('x');
      expect(l.contents()).toEqual(m);
      expect(l.encoding()).toBe('quicklist');
      expect(l.type).toBe('list');
    });
  }

  it('refuses indexes out of range', () => {
    const l = new ListValue();
    l.pushTail('a');
    expect(() => l.setAt(1, 'x')).toThrow(RangeError);
    expect(() => l.insertAt(2, 'x')).toThrow(RangeError);
    expect(() => l.keepRange(1, 1)).toThrow(RangeError);
  });
});

describe('ListValue, both forms and the conversions', () => {
  let restore: [number, number] | null = null;
  afterEach(() => {
    if (restore !== null) setListPacking(...restore);
    restore = null;
  });

  /** Collects what writeRange writes. */
  class Sink implements BulkSink {
    out: string[] = [];
    bulk(s: string): void {
      this.out.push(s);
    }
    bulkSlice(b: Buffer, from: number, n: number): void {
      this.out.push(b.latin1Slice(from, from + n));
    }
  }

  const runs: [number, number, number][] = [];
  for (const seed of [1, 2, 3, 7, 42, 99, 2026]) runs.push([seed, 8, 2], [seed, 16, 5]);
  for (const [seed, packAt, unpackAt] of runs) {
    it(`matches an array model across conversions (seed ${seed}, pack at ${packAt}, unpack at ${unpackAt})`, () => {
      restore = setListPacking(packAt, unpackAt);
      const r = rng(seed);
      const int = (n: number) => Math.floor(r() * n);
      // Mostly short values from a small alphabet (so that LREM and pivots
      // match), some long enough for multi-byte lengths and for nodes to
      // fill and split after a few entries, every byte value possible.
      const val = (): string => {
        const k = r();
        if (k < 0.7) return String.fromCharCode(97 + int(4)) + (r() < 0.1 ? '\xff\x00' : '');
        if (k < 0.9) return 'x'.repeat(100 + int(60));
        if (k < 0.97) return String.fromCharCode(...Array.from({ length: 1000 + int(3000) }, () => int(256)));
        return 'y'.repeat(16000 + int(2000));
      };
      const l = new ListValue(int(2) === 0 ? 0 : packAt * 2);
      let m: string[] = [];
      let conversions = 0;
      let wasPacked = l.packed;
      let maxNodes = 0;
      for (let step = 0; step < 2500; step++) {
        const op = int(14);
        let what = '';
        // Drift: grow for a while, then shrink, so that both thresholds are crossed.
        const growing = Math.floor(step / 300) % 2 === 0;
        if (op === 0 || (op === 1 && growing)) {
          const v = val(); l.pushHead(v); m.unshift(v); what = 'pushHead';
        } else if (op === 1) {
          expect(l.popHead()).toBe(m.shift()); what = 'popHead';
        } else if (op === 2) {
          if (growing) { const v = val(); l.pushTail(v); m.push(v); what = 'pushTail'; }
          else { expect(l.popTail()).toBe(m.pop()); what = 'popTail'; }
        } else if (op === 3) {
          expect(l.popTail()).toBe(m.pop()); what = 'popTail';
        } else if (op === 4 && m.length > 0) {
          const i = r() < 0.5 ? int(m.length) : r() < 0.5 ? 0 : m.length - 1;
          const v = val(); l.setAt(i, v); m[i] = v; what = `setAt ${i}`;
        } else if (op === 5) {
          const i = int(m.length + 1); const v = val(); l.insertAt(i, v); m.splice(i, 0, v); what = `insertAt ${i}`;
        } else if (op === 6) {
          const v = String.fromCharCode(97 + int(4));
          const count = int(7) - 3;
          let want = 0;
          const limit = count === 0 ? Infinity : Math.abs(count);
          if (count >= 0) {
            m = m.filter((x) => !(x === v && want < limit && ++want > 0));
          } else {
            const rev = [...m].reverse().filter((x) => !(x === v && want < limit && ++want > 0));
            m = rev.reverse();
          }
          expect(l.removeValue(v, count)).toBe(want); what = `removeValue ${v} ${count}`;
        } else if (op === 7 && r() < 0.2) {
          const start = int(Math.min(m.length, 4) + 1);
          const count = Math.max(0, m.length - start - int(4));
          l.keepRange(start, count); m = m.slice(start, start + count); what = `keepRange ${start} ${count}`;
        } else if (op === 8) {
          const i = int(m.length + 2) - 1;
          expect(l.at(i), `at ${i}`).toBe(m[i]); what = `at ${i}`;
        } else if (op === 9) {
          const a = int(m.length + 2) - 1;
          const b = int(m.length + 2) - 1;
          const rev = r() < 0.5;
          const got: [string, number][] = [];
          let stopAfter = int(5) === 0 ? 1 + int(3) : Infinity;
          l.forEach(a, b, (v, i) => {
            got.push([v, i]);
            return --stopAfter > 0;
          }, rev);
          const want: [string, number][] = [];
          const lo = Math.max(0, a);
          const hi = Math.min(m.length - 1, b);
          for (let i = lo; i <= hi; i++) want.push([m[i]!, i]);
          if (rev) want.reverse();
          expect(got).toEqual(want.slice(0, got.length));
          if (got.length < want.length) expect(stopAfter).toBe(0);
          what = `forEach ${a} ${b}`;
        } else if (op === 10) {
          const v = String.fromCharCode(97 + int(4));
          const rev = r() < 0.5;
          const limit = r() < 0.5 ? Infinity : int(m.length + 2);
          const got: number[] = [];
          l.forEachMatch(v, (i) => { got.push(i); }, rev, limit);
          const want: number[] = [];
          for (let k = 0; k < Math.min(m.length, limit); k++) {
            const i = rev ? m.length - 1 - k : k;
            if (m[i] === v) want.push(i);
          }
          expect(got).toEqual(want);
          what = `forEachMatch ${v}`;
        } else if (op === 11 && m.length > 0) {
          const a = int(m.length);
          const b = a + int(m.length - a);
          const sink = new Sink();
          l.writeRange(sink, a, b);
          expect(sink.out).toEqual(m.slice(a, b + 1));
          what = `writeRange ${a} ${b}`;
        } else if (op === 12 && r() < 0.05) {
          const c = l.clone();
          expect(c.contents()).toEqual(m);
          expect(c.packed).toBe(l.packed);
          c.pushHead('x');
          c.popTail();
          what = 'clone';
        } else if (growing) {
          for (let k = int(20); k > 0; k--) { const v = val(); l.pushTail(v); m.push(v); }
          what = 'pushTail many';
        } else {
          for (let k = int(30); k > 0; k--) {
            if (r() < 0.5) expect(l.popTail()).toBe(m.pop());
            else expect(l.popHead()).toBe(m.shift());
          }
          what = 'pop many';
        }
        maxNodes = Math.max(maxNodes, (l as unknown as { nodes: unknown[] | null }).nodes?.length ?? 0);
        if (l.packed !== wasPacked) {
          conversions++;
          wasPacked = l.packed;
        }
        expect(l.length, what).toBe(m.length);
        expect(l.contents(), `step ${step}: ${what}`).toEqual(m);
        // Form invariants: small at most at the pack threshold's power of two, packed above the unpack threshold.
        if (l.packed) expect(l.length, `packed, step ${step}: ${what}`).toBeGreaterThan(unpackAt);
        else expect(l.length, `small, step ${step}: ${what}`).toBeLessThanOrEqual(2 ** Math.ceil(Math.log2(packAt)) * 2);
      }
      expect(conversions).toBeGreaterThan(2);
      // Packed lists of several nodes were exercised, not just one node.
      expect(maxNodes).toBeGreaterThan(5);
      expect(l.encoding()).toBe('quicklist');
    });
  }

  it('packs a long list and unpacks it when it drains (default thresholds)', () => {
    const l = new ListValue();
    for (let i = 0; i < 128; i++) l.pushTail(`e${i}`);
    expect(l.packed).toBe(false);
    l.pushTail('e128');
    expect(l.packed).toBe(true);
    for (let i = 0; i < 20000; i++) l.pushHead(`h${i}`);
    expect(l.at(0)).toBe('h19999');
    expect(l.at(l.length - 1)).toBe('e128');
    expect(l.at(20000)).toBe('e0');
    while (l.length > 40) l.popHead();
    expect(l.packed).toBe(true);
    while (l.length > 32) l.popTail();
    expect(l.packed).toBe(false);
    expect(l.contents()).toEqual(Array.from({ length: 32 }, (_, i) => `e${i + 89}`));
    // A list created for many elements starts packed.
    expect(new ListValue(1000).packed).toBe(true);
    expect(new ListValue(3).packed).toBe(false);
  });
});
