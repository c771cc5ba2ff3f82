// The hash value against a simple model: random operations with a seeded
// rng, compared after each step (contents, order, encoding); HSCAN's
// guarantee under concurrent changes; random field selection.
import { describe, expect, it } from 'vitest';
import { HashValue } from '../../src/keyspace/hash.js';
import { rng } from '../helpers/rng.js';

const LIMITS = { hashMaxListpackEntries: 8, hashMaxListpackValue: 16 };

describe('HashValue', () => {
  it('matches a model under random operations', () => {
    const r = rng(42);
    for (let round = 0; round < 20; round++) {
      const h = new HashValue();
      const model = new Map<string, string>();
      let ht = false;
      for (let step = 0; step < 200; step++) {
        const f = `f${Math.floor(r() * 14)}`;
        const op = r();
        if (op < 0.55) {
          const v = r() < 0.03 ? 'x'.repeat(17) : `v${Math.floor(r() * 100)}`;
          const isNew = !model.has(f);
          model.set(f, v);
          if (model.size > LIMITS.hashMaxListpackEntries || v.length > LIMITS.hashMaxListpackValue) ht = true;
          expect(h.set(f, v, LIMITS)).toBe(isNew);
        } else if (op < 0.9) {
          expect(h.delete(f)).toBe(model.delete(f));
        } else if (model.size > 0) {
          expect(model.has(h.randomField(r))).toBe(true);
        }
        expect([...h.map.entries()]).toEqual([...model.entries()]);
        expect(h.size).toBe(model.size);
        expect(h.get(f)).toBe(model.get(f));
        expect(h.has(f)).toBe(model.has(f));
        expect(h.encoding()).toBe(ht ? 'hashtable' : 'listpack');
        expect(h.fields()).toEqual([...model.keys()]);
      }
      const sorted = [...model.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      expect(h.contents()).toEqual(sorted);
      const copy = h.clone();
      expect(copy.contents()).toEqual(sorted);
      expect(copy.encoding()).toBe(h.encoding());
      copy.set('only-in-copy', '1', LIMITS);
      expect(h.has('only-in-copy')).toBe(false);
    }
  });

  it('converts before inserting a too long argument, and never back', () => {
    const h = new HashValue();
    h.checkLengths(['HSET', 'h', 'f', 'x'.repeat(16)], 2, LIMITS);
    expect(h.encoding()).toBe('listpack');
    h.checkLengths(['HSET', 'h', 'f', 'x'.repeat(17)], 2, LIMITS);
    expect(h.encoding()).toBe('hashtable');
    h.delete('f');
    expect(h.encoding()).toBe('hashtable');
  });

  it('scans a listpack hash whole with cursor 0', () => {
    const h = new HashValue();
    for (let i = 0; i < 5; i++) h.set(`k${i}`, `v${i}`, LIMITS);
    expect(h.scan(0, 1, null)).toEqual([0, ['k0', 'v0', 'k1', 'v1', 'k2', 'v2', 'k3', 'v3', 'k4', 'v4']]);
    expect(h.scan(0, 1, 'k[13]')).toEqual([0, ['k1', 'v1', 'k3', 'v3']]);
  });

  it('scan returns every field present throughout, despite changes meanwhile', () => {
    const r = rng(7);
    for (let round = 0; round < 20; round++) {
      const h = new HashValue();
      for (let i = 0; i < 100; i++) h.set(`s${i}`, 'v', LIMITS);
      const stable = new Set<string>();
      for (let i = 0; i < 100; i++) if (r() < 0.5) stable.add(`s${i}`);
      const seen = new Set<string>();
      let cursor = 0;
      let calls = 0;
      do {
        const [next, items] = h.scan(cursor, 1 + Math.floor(r() * 10), null);
        for (let i = 0; i < items.length; i += 2) seen.add(items[i]!);
        cursor = next;
        // Churn: remove and re-add fields outside the stable set, add new ones.
        for (let k = 0; k < 3; k++) {
          const f = `s${Math.floor(r() * 100)}`;
          if (!stable.has(f)) {
            if (r() < 0.5) h.delete(f);
            else h.set(f, 'w', LIMITS);
          }
          h.set(`n${Math.floor(r() * 1000)}`, 'x', LIMITS);
        }
        calls++;
      } while (cursor !== 0 && calls < 10000);
      expect(cursor).toBe(0);
      for (const f of stable) expect(seen.has(f)).toBe(true);
    }
  });

  it('an unknown cursor restarts the iteration rather than losing fields', () => {
    const h = new HashValue();
    for (let i = 0; i < 30; i++) h.set(`f${i}`, 'v', LIMITS);
    const seen = new Set<string>();
    let [cursor, items] = h.scan(123456789, 10, null);
    for (;;) {
      for (let i = 0; i < items.length; i += 2) seen.add(items[i]!);
      if (cursor === 0) break;
      [cursor, items] = h.scan(cursor, 10, null);
    }
    expect(seen.size).toBe(30);
  });

  it('picks distinct random fields uniformly', () => {
    const r = rng(3);
    const h = new HashValue();
    for (let i = 0; i < 10; i++) h.set(`f${i}`, 'v', LIMITS);
    const counts = new Map<string, number>();
    for (let n = 0; n < 5000; n++) {
      const pick = h.randomDistinct(3, r);
      expect(new Set(pick).size).toBe(3);
      for (const f of pick) counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    // Each field is expected 1500 times.
    for (const c of counts.values()) expect(Math.abs(c - 1500)).toBeLessThan(200);
    const single = new Map<string, number>();
    for (let n = 0; n < 10000; n++) {
      const f = h.randomField(r);
      single.set(f, (single.get(f) ?? 0) + 1);
    }
    expect(single.size).toBe(10);
    for (const c of single.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});
