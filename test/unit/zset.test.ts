// ZSetValue (src/keyspace/zset.ts) against a plain model: a sorted array of
// [member, score] pairs. Random adds, updates and removals from a seeded rng,
// compared after each step (order, ranks, rank lookups, score and lex ranges,
// range removals); the encoding rule; clone independence; node reuse on
// updates; ZSCAN steps.
import { describe, expect, it } from 'vitest';
import { ZSetValue, type LexRange, type ScoreRange } from '../../src/keyspace/zset.js';
import { rng } from '../helpers/rng.js';

type Pair = [string, number];

function cmp(a: Pair, b: Pair): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function sorted(model: Map<string, number>): Pair[] {
  return [...model].sort(cmp);
}

function inScore(s: number, r: ScoreRange): boolean {
  return (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max);
}

function inLex(m: string, r: LexRange): boolean {
  if (r.empty) return false;
  const okMin = r.min === null || (r.minex ? m > r.min : m >= r.min);
  const okMax = r.max === null || (r.maxex ? m < r.max : m <= r.max);
  return okMin && okMax;
}

function nodesOf(z: ZSetValue): Pair[] {
  const out: Pair[] = [];
  for (let n = z.first(); n !== null; n = n.forward) out.push([n.member, n.score]);
  return out;
}

function backwardOf(z: ZSetValue): Pair[] {
  const out: Pair[] = [];
  for (let n = z.last(); n !== null; n = n.backward) out.push([n.member, n.score]);
  return out;
}

describe('ZSetValue', () => {
  it('matches a sorted-array model under random operations', () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = rng(seed);
      const z = new ZSetValue();
      const model = new Map<string, number>();
      const score = () => (r() < 0.1 ? [-Infinity, Infinity, 0][Math.floor(r() * 3)]! : Math.floor(r() * 20) - 10 + (r() < 0.3 ? 0.5 : 0));
      const member = () => `m${Math.floor(r() * 80)}`;
      for (let step = 0; step < 1000; step++) {
        const op = r();
        if (op < 0.5) {
          const m = member();
          const s = score();
          const before = model.get(m);
          const res = z.set(m, s);
          expect(res).toBe(before === undefined ? 'added' : before === s ? 'same' : 'updated');
          model.set(m, s);
        } else if (op < 0.8) {
          const m = member();
          expect(z.remove(m)).toBe(model.delete(m));
        } else if (op < 0.87) {
          const a = Math.floor(r() * 10) - 5;
          const range: ScoreRange = { min: a, max: a + Math.floor(r() * 6), minex: r() < 0.5, maxex: r() < 0.5 };
          let n = 0;
          for (const [m, s] of model) if (inScore(s, range)) { model.delete(m); n++; }
          expect(z.removeScoreRange(range)).toBe(n);
        } else if (op < 0.92) {
          const all = sorted(model);
          if (all.length > 0) {
            const start = Math.floor(r() * all.length);
            const end = start + Math.floor(r() * 4);
            const gone = all.slice(start, end + 1);
            for (const [m] of gone) model.delete(m);
            expect(z.removeRankRange(start, Math.min(end, all.length - 1))).toBe(gone.length);
          }
        } else {
          const lo = `m${Math.floor(r() * 80)}`;
          const range: LexRange = { min: r() < 0.2 ? null : lo, max: r() < 0.2 ? null : `m${Math.floor(r() * 80)}`, minex: r() < 0.5, maxex: r() < 0.5, empty: false };
          // Lex removal on a set of equal scores only: a fresh copy with scores 0.
          const flat = new ZSetValue();
          for (const m of model.keys()) flat.set(m, 0);
          const expected = [...model.keys()].filter((m) => inLex(m, range)).length;
          expect(flat.countInLex(range)).toBe(expected);
          expect(flat.removeLexRange(range)).toBe(expected);
          expect(flat.size).toBe(model.size - expected);
        }
        const all = sorted(model);
        expect(z.size).toBe(model.size);
        expect(nodesOf(z)).toEqual(all);
        expect(backwardOf(z)).toEqual([...all].reverse());
        // Ranks and rank lookups at a few positions.
        for (let k = 0; k < 3 && all.length > 0; k++) {
          const i = Math.floor(r() * all.length);
          expect(z.rank(all[i]![0])).toBe(i);
          expect(z.byRank(i)!.member).toBe(all[i]![0]);
        }
        expect(z.rank('absent')).toBe(-1);
        // A score range: first, last and count.
        const a = Math.floor(r() * 24) - 12;
        const range: ScoreRange = { min: a, max: a + Math.floor(r() * 8) - 1, minex: r() < 0.5, maxex: r() < 0.5 };
        const inside = all.filter(([, s]) => inScore(s, range));
        expect(z.firstInRange(range)?.member ?? null).toBe(inside[0]?.[0] ?? null);
        expect(z.lastInRange(range)?.member ?? null).toBe(inside[inside.length - 1]?.[0] ?? null);
        expect(z.countInRange(range)).toBe(inside.length);
      }
    }
  });

  it('lex ranges over equal scores, with - and + and empty ranges', () => {
    const z = new ZSetValue();
    for (const m of ['a', 'b', 'c', 'd', '\x00', '\xff']) z.set(m, 0);
    const lr = (min: string | null, max: string | null, minex = false, maxex = false, empty = false): LexRange => ({ min, max, minex, maxex, empty });
    expect(z.countInLex(lr(null, null))).toBe(6);
    expect(z.firstInLex(lr(null, null))!.member).toBe('\x00');
    expect(z.lastInLex(lr(null, null))!.member).toBe('\xff');
    expect(z.countInLex(lr('b', 'd', true, false))).toBe(2);
    expect(z.countInLex(lr('d', 'b'))).toBe(0);
    expect(z.countInLex(lr('b', 'b', false, true))).toBe(0);
    expect(z.countInLex(lr(null, null, true, true, true))).toBe(0);
    expect(z.firstInLex(lr('\xff\xff', null))).toBe(null);
    expect(z.firstInLex(lr('zz', null))!.member).toBe('\xff');
  });

  it('encoding: listpack until too many or too long members, then skiplist for good', () => {
    const limits = { zsetMaxListpackEntries: 3, zsetMaxListpackValue: 5 };
    const z = new ZSetValue();
    for (const m of ['a', 'b', 'c']) {
      z.willAdd(m.length, limits);
      z.set(m, 1);
    }
    expect(z.encoding()).toBe('listpack');
    z.willAdd(1, limits);
    z.set('d', 1);
    expect(z.encoding()).toBe('skiplist');
    z.remove('d');
    z.remove('c');
    expect(z.encoding()).toBe('skiplist');
    const long = new ZSetValue();
    long.willAdd(6, limits);
    long.set('abcdef', 1);
    expect(long.encoding()).toBe('skiplist');
    const built = new ZSetValue();
    built.set('x', -0);
    built.fitsListpack(limits);
    expect(built.encoding()).toBe('listpack');
    expect(Object.is(built.score('x'), 0)).toBe(true);
    expect(built.stored(-0)).toBe(0);
  });

  it('clone is independent and keeps the encoding; contents formats scores', () => {
    const z = new ZSetValue();
    z.set('a', 1.5);
    z.set('b', -Infinity);
    z.listpack = false;
    const t = z.clone();
    t.set('c', 3);
    t.remove('a');
    expect(z.contents()).toEqual([['b', '-inf'], ['a', '1.5']]);
    expect(t.contents()).toEqual([['b', '-inf'], ['c', '3']]);
    expect(t.encoding()).toBe('skiplist');
  });

  it('an update keeps the member\'s node, in place or relinked; levels and spans stay consistent', () => {
    const r = rng(9);
    const z = new ZSetValue();
    for (let i = 0; i < 500; i++) z.set(`m${i}`, i);
    const node = z.node('m250')!;
    expect(node.level).toBeGreaterThanOrEqual(1);
    z.set('m250', 250.5); // stays between m250's neighbours: in place
    expect(z.node('m250')).toBe(node);
    expect(z.rank('m250')).toBe(250);
    z.set('m250', -1); // moves to the front
    expect(z.node('m250')).toBe(node);
    expect(z.rank('m250')).toBe(0);
    expect(z.first()).toBe(node);
    z.set('m250', 1000); // and to the back
    expect(z.last()).toBe(node);
    expect(z.rank('m250')).toBe(499);
    // Random moves, then every rank and rank lookup checked, both directions.
    for (let k = 0; k < 2000; k++) z.set(`m${Math.floor(r() * 500)}`, Math.floor(r() * 100));
    const all = nodesOf(z);
    expect(all.length).toBe(500);
    expect(backwardOf(z)).toEqual([...all].reverse());
    for (let i = 0; i < all.length; i++) {
      expect(z.rank(all[i]![0])).toBe(i);
      expect(z.byRank(i)!.member).toBe(all[i]![0]);
      expect(z.score(all[i]![0])).toBe(all[i]![1]);
    }
    // Pops from both ends (the first node is unlinked without a search).
    while (z.size > 0) {
      const f = z.first()!;
      const l = z.last()!;
      expect(z.remove(f.member)).toBe(true);
      if (l !== f) expect(z.remove(l.member)).toBe(true);
      const rest = nodesOf(z);
      if (rest.length > 0) expect(z.byRank(rest.length - 1)!.member).toBe(rest[rest.length - 1]![0]);
    }
    expect(z.first()).toBe(null);
    expect(z.last()).toBe(null);
  });

  it('scan: a listpack set whole with cursor 0, a skiplist set incrementally', () => {
    const z = new ZSetValue();
    for (let i = 0; i < 5; i++) z.set(`s${i}`, 5 - i);
    expect(z.scan(0, 1, null)).toEqual([0, ['s4', '1', 's3', '2', 's2', '3', 's1', '4', 's0', '5']]);
    expect(z.scan(0, 1, 's[12]')).toEqual([0, ['s2', '3', 's1', '4']]);
    z.listpack = false;
    for (let i = 5; i < 25; i++) z.set(`s${i}`, i + 0.5);
    const seen: string[] = [];
    let cursor = 0;
    let calls = 0;
    do {
      const [next, items] = z.scan(cursor, 4, null);
      expect(items.length).toBeLessThanOrEqual(8);
      for (let i = 0; i < items.length; i += 2) {
        seen.push(items[i]!);
        expect(items[i + 1]).toBe(String(z.score(items[i]!)));
      }
      // Changes meanwhile: a re-score (the member keeps its place in the
      // iteration) and an addition.
      z.set('s0', z.score('s0')! + 100);
      z.set(`n${calls}`, -1 - calls);
      cursor = next;
      calls++;
    } while (cursor !== 0);
    for (let i = 0; i < 25; i++) expect(seen.filter((m) => m === `s${i}`).length).toBe(1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(calls).toBeGreaterThanOrEqual(7);
  });
});
