// SetValue (src/keyspace/set.ts) against a plain model: random operations
// from a seeded rng, compared after each step; the encoding rule (intset
// while all members are integers and few enough, hashtable for good after);
// random picks; SSCAN's guarantee under concurrent changes.
import { describe, expect, it } from 'vitest';
import { SetValue, compareIntStrings, isIntMember } from '../../src/keyspace/set.js';
import { rng } from '../helpers/rng.js';

describe('SetValue', () => {
  it('matches a model under random adds and removes', () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const max = 8 + Math.floor(r() * 24);
      let s = new SetValue();
      const model = new Set<string>();
      let intset = true;
      const member = () => {
        const k = r();
        if (k < 0.6) return String(Math.floor(r() * 60) - 30);
        if (k < 0.65) return pickOne(r, ['9223372036854775807', '-9223372036854775808', '007', '+1', '1.0', '']);
        return `m${Math.floor(r() * 40)}`;
      };
      for (let step = 0; step < 2000; step++) {
        const m = member();
        const op = r();
        if (op < 0.55) {
          const added = s.add(m, max);
          expect(added).toBe(!model.has(m));
          model.add(m);
          if (!isIntMember(m) || model.size > max) intset = false;
        } else if (op < 0.95) {
          expect(s.delete(m)).toBe(model.delete(m));
        } else if (model.size > 0) {
          const picked = s.random(r);
          expect(model.has(picked)).toBe(true);
          const k = 1 + Math.floor(r() * model.size);
          const d = s.randomDistinct(Math.min(k, model.size - 1), r);
          expect(new Set(d).size).toBe(d.length);
          for (const x of d) expect(model.has(x)).toBe(true);
        }
        if (model.size === 0) {
          // The command layer deletes an emptied set: start a fresh one.
          intset = true;
          s = new SetValue();
        }
        expect(s.size).toBe(model.size);
        expect(s.encoding()).toBe(intset ? 'intset' : 'hashtable');
        expect(s.contents()).toEqual([...model].sort());
        for (const x of ['0', 'm1', '5']) expect(s.has(x)).toBe(model.has(x));
        if (intset) expect(s.members()).toEqual([...model].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
      }
    }
  });

  it('orders canonical integers numerically', () => {
    const xs = ['-9223372036854775808', '-10', '-9', '-1', '0', '1', '9', '10', '9007199254740993', '9223372036854775807'];
    const shuffled = [...xs].reverse();
    expect(shuffled.sort(compareIntStrings)).toEqual(xs);
  });

  it('clone is independent and keeps the encoding', () => {
    const s = SetValue.from(['1', '2', '3'], 512);
    const t = s.clone();
    t.add('x', 512);
    expect(s.encoding()).toBe('intset');
    expect(t.encoding()).toBe('hashtable');
    expect(s.contents()).toEqual(['1', '2', '3']);
    expect(SetValue.from(['1'], 0).encoding()).toBe('hashtable');
  });

  it('random picks are roughly uniform, also after many removals', () => {
    const r = rng(7);
    const s = new SetValue();
    for (let i = 0; i < 400; i++) s.add(`k${i}`, 0);
    for (let i = 0; i < 390; i++) s.delete(`k${i}`);
    const counts = new Map<string, number>();
    for (let i = 0; i < 20000; i++) {
      const m = s.random(r);
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const n of counts.values()) expect(n).toBeGreaterThan(1600);
  });

  it('scan returns every member present throughout, despite concurrent changes', () => {
    for (const seed of [11, 12]) {
      const r = rng(seed);
      const s = new SetValue();
      for (let i = 0; i < 500; i++) s.add(`m${i}`, 0);
      const stable = new Set<string>();
      for (let i = 0; i < 500; i += 2) stable.add(`m${i}`);
      const seen = new Set<string>();
      let cursor = 0;
      let calls = 0;
      do {
        const [next, items] = s.scan(cursor, 1 + Math.floor(r() * 20));
        for (const m of items) seen.add(m);
        cursor = next;
        calls++;
        // Churn: odd members come and go, new ones arrive.
        for (let j = 0; j < 10; j++) {
          const k = 1 + 2 * Math.floor(r() * 250);
          if (r() < 0.5) s.delete(`m${k}`);
          else s.add(`m${k}`, 0);
          s.add(`n${Math.floor(r() * 1000)}`, 0);
        }
      } while (cursor !== 0);
      expect(calls).toBeGreaterThan(10);
      for (const m of stable) expect(seen.has(m)).toBe(true);
    }
  });

  it('an unknown cursor starts over', () => {
    const s = SetValue.from(['a', 'b', 'c'], 0);
    const [, items] = s.scan(123456, 10);
    expect(items.sort()).toEqual(['a', 'b', 'c']);
  });
});

function pickOne<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}
