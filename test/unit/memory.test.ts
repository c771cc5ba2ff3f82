// MemoryReclaimer: a forced GC only when the server is idle and something
// large was freed (or the heap grew well past its size after the last GC),
// never under load, rate-limited; used_memory counts live data at once.
import { describe, expect, it } from 'vitest';
import { MemoryReclaimer } from '../../src/util/memory.js';
import { startTestServer } from '../helpers/server.js';

const MiB = 1024 * 1024;

function setup(heap: { used: number }) {
  const gcs: number[] = [];
  let now = 0;
  const r = new MemoryReclaimer({
    gc: () => { gcs.push(now); heap.used = 10 * MiB; },
    sample: () => heap.used,
    clock: () => now,
  });
  return { r, gcs, tick: (t: number, commands: number) => { now = t; return r.onCron(t, commands); } };
}

describe('MemoryReclaimer', () => {
  it('collects after a large free once commands have stopped, not before', () => {
    const heap = { used: 10 * MiB };
    const { r, gcs, tick } = setup(heap);
    let commands = 0;
    // Busy: 10,000 commands a second, 100 ms ticks.
    for (let t = 0; t <= 1000; t += 100) tick(t, (commands += 1000));
    heap.used = 700 * MiB;
    r.noteFreed(690 * MiB);
    expect(r.liveBytes()).toBe(10 * MiB);
    // Still busy: no GC however much was freed.
    for (let t = 1100; t <= 2000; t += 100) expect(tick(t, (commands += 1000))).toBe(false);
    // Idle (a few INFO calls do not count as load): a GC after idleMs.
    const idleFrom = 2000;
    let t = idleFrom;
    while (gcs.length === 0 && t < idleFrom + 5000) {
      t += 100;
      tick(t, (commands += 1));
    }
    expect(gcs.length).toBe(1);
    expect(t - idleFrom).toBeGreaterThanOrEqual(500);
    expect(t - idleFrom).toBeLessThanOrEqual(700);
    expect(r.stats().pendingFreed).toBe(0);
    // Nothing new: no further GC.
    for (let i = 0; i < 50; i++) tick((t += 100), commands);
    expect(gcs.length).toBe(1);
  });

  it('collects when the heap grew well past its last size, after a longer idle time', () => {
    const heap = { used: 10 * MiB };
    const { gcs, tick } = setup(heap);
    tick(0, 0);
    heap.used = 200 * MiB; // a big value deleted by one command: nobody noted it
    tick(100, 1);
    let t = 100;
    while (gcs.length === 0 && t < 10000) tick((t += 100), 1);
    expect(t).toBeGreaterThanOrEqual(2000);
    expect(t).toBeLessThanOrEqual(2300);
  });

  it('spaces forced GCs apart', () => {
    const heap = { used: 10 * MiB };
    const { r, gcs, tick } = setup(heap);
    tick(0, 0);
    let t = 0;
    for (let i = 0; i < 100; i++) {
      heap.used = 100 * MiB;
      r.noteFreed(90 * MiB);
      tick((t += 100), 0);
    }
    // 10 s of ticks, a GC wanted at every one: at most one a second.
    expect(gcs.length).toBeGreaterThan(3);
    expect(gcs.length).toBeLessThanOrEqual(10);
  });

  it('without a gc function it never collects', () => {
    const r = new MemoryReclaimer({ gc: null, sample: () => 100 * MiB });
    r.noteFreed(90 * MiB);
    expect(r.onCron(10_000, 0)).toBe(false);
    expect(r.collect(10_000)).toBe(false);
  });
});

describe('used_memory', () => {
  it('drops at FLUSHALL, before any collection', async () => {
    const srv = await startTestServer();
    try {
      const db = srv.server.keyspace.dbs[0]!;
      // Flat strings (String.prototype.repeat would make ropes of a few bytes).
      for (let i = 0; i < 64; i++) db.set(`big:${i}`, Buffer.alloc(512 * 1024, 65 + (i % 26)).latin1Slice());
      const loaded = srv.server.reclaimer.liveBytes();
      srv.server.keyspace.dbs[0]!.clear();
      const after = srv.server.reclaimer.liveBytes();
      expect(loaded - after).toBeGreaterThan(24 * MiB);
    } finally {
      await srv.close();
    }
  });

  it('a large value deleted or expired is noted as freed; small ones are not', async () => {
    const srv = await startTestServer();
    try {
      const db = srv.server.keyspace.dbs[0]!;
      const r = srv.server.reclaimer;
      const before = r.stats().pendingFreed;
      db.set('small', 'x'.repeat(100));
      db.delete('small');
      expect(r.stats().pendingFreed).toBe(before);
      db.set('big', Buffer.alloc(MiB, 66).latin1Slice());
      db.delete('big');
      expect(r.stats().pendingFreed - before).toBe(MiB);
      db.set('soon', Buffer.alloc(MiB, 67).latin1Slice());
      db.setExpire('soon', srv.server.keyspace.now() - 1);
      expect(db.exists('soon')).toBe(false);
      expect(r.stats().pendingFreed - before).toBe(2 * MiB);
    } finally {
      await srv.close();
    }
  });
});
