// The list value (src/keyspace/list.ts) against a plain array model: random
// operations from a seeded generator, compared after each step, so that the
// ring buffer's wrapping, growth and middle edits keep the order.
import { describe, expect, it } from 'vitest';
import { ListValue } from '../../src/keyspace/list.js';
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
