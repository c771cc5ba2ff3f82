// Giving memory back after large frees (FLUSHALL, FLUSHDB, deleting or
// overwriting a big value), and the live-data estimate behind used_memory.
//
// What this module owns: the decision to force a full garbage collection,
// and how to get a gc function at run time. V8 collects when allocation
// needs it, and its memory reducer only acts some seconds later, if at all.
// So after a FLUSHALL on an idle server, the freed values stay in the heap
// (heapUsed + external, so used_memory too) and resident, for as long as
// nothing allocates. Redis frees at once. MemoryReclaimer closes that gap. The
// server tells it about large frees (`noteFreed`), and the `hz` cron calls
// `onCron`. Once commands have stopped for `idleMs`, and a large free is
// pending or the heap has grown well past its size after the last collection,
// it runs one full GC. Rules that keep this cheap:
//   - never under load: it needs `idleMs` (noted frees) or `growthIdleMs`
//     (heap growth) of (nearly) no commands;
//   - nothing to do costs one comparison per tick: the heap is sampled
//     (v8.getHeapStatistics, ~4 µs) once per idle period, and only if a
//     command ran or a free was noted since the last sample;
//   - rate-limited: after a GC that took d ms, the next one waits at least
//     max(minIntervalMs, d * 100) ms, so forced GCs never take more than 1% of
//     wall time. A full GC takes ~10 ms on a small heap and ~100 ms with 1M
//     keys.
//
// How the gc function is obtained: globalThis.gc when the process was started
// with --expose-gc; otherwise the flag is set at run time and gc is read from
// a fresh vm context (then the flag is cleared again, so later contexts do
// not get it). `gc()` with no argument is a synchronous full (major) GC. On
// Node 20, `gc({type: 'major'})` ran only a scavenge, and
// `{execution: 'async'}` only moves the same pause into a task.
//
// What the GC gives back to the OS depends on where the bytes were. Strings
// on V8's heap, and malloc blocks of 32 MiB or more (glibc mmaps those), go
// back at once. Node stores a latin1 string of 1,031,913 bytes or more
// (EXTERN_APEX) as an external string, and its copy is a malloc block.
// Between about 128 KiB and 32 MiB, glibc puts such blocks in its brk heap
// once its dynamic mmap threshold has risen. There, freed blocks under a live
// one stay resident, and only malloc_trim (not reachable from JS) would give
// them back: the server's launch sets MALLOC_MMAP_THRESHOLD_ so that such
// blocks are mmapped, and given back as soon as they are freed.
//
// Everything external is injectable (gc, clock, heap sampler), for tests.

import v8 from 'node:v8';
import vm from 'node:vm';

export type GcFunction = () => void;

/** Bytes in use, as used_memory counts them: V8 heap used + external memory. */
export type HeapSampler = () => number;

export interface MemoryReclaimerOptions {
  /** The collector; default `obtainGc()`. null disables forced GCs. */
  gc?: GcFunction | null;
  /** Current heap size in bytes; default heapUsed + external (v8 heap statistics). */
  sample?: HeapSampler;
  /** Milliseconds clock used to time a GC; default performance.now. */
  clock?: () => number;
  /** How long commands must have (nearly) stopped before a GC for noted frees; default 500 ms. */
  idleMs?: number;
  /** The same for a GC on heap growth alone (after a bulk load, say); default 2000 ms. */
  growthIdleMs?: number;
  /** Up to this many commands a second still count as idle (INFO polling ...); default 20. */
  idleOpsPerSec?: number;
  /** Freed bytes noted since the last GC that are worth a GC; default 16 MiB. */
  freedThreshold?: number;
  /** Growth since the last GC that is worth one: both an absolute amount ... default 64 MiB. */
  growthBytes?: number;
  /** ... and a factor of the size after the last GC; default 1.5. */
  growthFactor?: number;
  /** Minimum time between two forced GCs; default 1000 ms. */
  minIntervalMs?: number;
  /** After a GC of d ms, wait at least d * dutyFactor ms; default 100 (≤ 1% of time). */
  dutyFactor?: number;
}

export interface ReclaimerStats {
  /** Forced GCs run so far. */
  gcs: number;
  /** Duration of the last forced GC in ms (0 before the first). */
  lastGcMs: number;
  /** Heap size (heapUsed + external) measured right after the last forced GC, or at startup. */
  afterLastGc: number;
  /** Freed bytes noted since the last GC. */
  pendingFreed: number;
}

const MiB = 1024 * 1024;
/** The shortest span over which the command rate is judged, ms. */
const RATE_WINDOW = 100;

/** heapUsed + external, as process.memoryUsage() reports them, but ~4x cheaper. */
export function heapInUse(): number {
  const h = v8.getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

let cachedGc: GcFunction | null | undefined;

/**
 * The V8 gc() function, obtained at run time when --expose-gc was not given;
 * null if this V8 refuses. The result is cached.
 */
export function obtainGc(): GcFunction | null {
  if (cachedGc !== undefined) return cachedGc;
  const existing: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') {
    cachedGc = () => (existing as () => void)();
    return cachedGc;
  }
  let fn: unknown = undefined;
  try {
    v8.setFlagsFromString('--expose-gc');
    fn = vm.runInNewContext('gc');
  } catch {
    fn = undefined;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  cachedGc = typeof fn === 'function' ? () => (fn as () => void)() : null;
  return cachedGc;
}

export class MemoryReclaimer {
  private readonly gc: GcFunction | null;
  private readonly sample: HeapSampler;
  private readonly clock: () => number;
  private readonly idleMs: number;
  private readonly growthIdleMs: number;
  private readonly idleOpsPerSec: number;
  private readonly freedThreshold: number;
  private readonly growthBytes: number;
  private readonly growthFactor: number;
  private readonly minIntervalMs: number;
  private readonly dutyFactor: number;

  /** Heap in use at construction: the floor of liveBytes. */
  private readonly baseline: number;
  private afterLastGc: number;
  private pendingFreed = 0;
  /** A command ran or a free was noted since the heap was last sampled. */
  private dirty = false;
  private lastCommands = -1;
  private windowStart = -Infinity;
  private windowOps = 0;
  private busyAt = -Infinity;
  private notBefore = -Infinity;
  private gcs = 0;
  private lastGcMs = 0;

  constructor(opts: MemoryReclaimerOptions = {}) {
    this.gc = opts.gc === undefined ? obtainGc() : opts.gc;
    this.sample = opts.sample ?? heapInUse;
    this.clock = opts.clock ?? (() => performance.now());
    this.idleMs = opts.idleMs ?? 500;
    this.growthIdleMs = opts.growthIdleMs ?? 2000;
    this.idleOpsPerSec = opts.idleOpsPerSec ?? 20;
    this.freedThreshold = opts.freedThreshold ?? 16 * MiB;
    this.growthBytes = opts.growthBytes ?? 64 * MiB;
    this.growthFactor = opts.growthFactor ?? 1.5;
    this.minIntervalMs = opts.minIntervalMs ?? 1000;
    this.dutyFactor = opts.dutyFactor ?? 100;
    this.baseline = this.sample();
    this.afterLastGc = this.baseline;
  }

  /**
   * Bytes that just became garbage (an estimate; over-estimates only bring a
   * GC forward). Call it after FLUSHALL/FLUSHDB and when a large value is
   * deleted, overwritten or expired. It is an addition, cheap enough for every call.
   */
  noteFreed(bytes: number): void {
    if (!(bytes > 0)) return;
    this.pendingFreed += bytes;
    this.dirty = true;
  }

  /**
   * Call it from the `hz` cron with the server's running total of commands
   * processed (it only has to grow). `now` is in ms (Date.now() is fine).
   * Returns true when it ran a GC.
   */
  onCron(now: number, commandsTotal: number): boolean {
    // The first call knows nothing of what came before: count it as busy.
    if (this.lastCommands < 0) this.busyAt = now;
    const ops = this.lastCommands < 0 ? 0 : commandsTotal - this.lastCommands;
    this.lastCommands = commandsTotal;
    if (ops !== 0) this.dirty = true;
    // The command rate over windows of at least RATE_WINDOW ms; above
    // idleOpsPerSec the server is busy (a lone INFO or PING is not).
    this.windowOps += ops;
    const span = now - this.windowStart;
    if (this.windowOps * 1000 > this.idleOpsPerSec * Math.max(span, RATE_WINDOW)) {
      this.busyAt = now;
      this.windowOps = 0;
      this.windowStart = now;
    } else if (span >= RATE_WINDOW) {
      this.windowOps = 0;
      this.windowStart = now;
    }
    if (!this.dirty || this.gc === null) return false;
    const idleFor = now - this.busyAt;
    if (idleFor < this.idleMs || now < this.notBefore) return false;
    if (this.pendingFreed >= this.freedThreshold) return this.collect(now);
    // Growth alone waits longer, so that a FLUSHALL right after a bulk load
    // gets the GC rather than the rate limit.
    if (idleFor < this.growthIdleMs) return false;
    this.dirty = false;
    const used = this.sample();
    if (used - this.afterLastGc >= this.growthBytes && used >= this.afterLastGc * this.growthFactor) return this.collect(now);
    return false;
  }

  /** Force a GC now (DEBUG-style commands, tests); returns false when there is no gc. */
  collect(now: number): boolean {
    if (this.gc === null) return false;
    const t0 = this.clock();
    this.gc();
    const ms = Math.max(0, this.clock() - t0);
    this.gcs++;
    this.lastGcMs = ms;
    this.afterLastGc = this.sample();
    this.pendingFreed = 0;
    this.dirty = false;
    this.notBefore = now + Math.max(this.minIntervalMs, ms * this.dutyFactor);
    return true;
  }

  /**
   * An estimate of the bytes used by live data, for INFO's used_memory: the
   * heap in use minus the frees noted since the last GC (so a FLUSHALL
   * shows at once, before the GC), never below the size at startup.
   */
  liveBytes(): number {
    const used = this.sample();
    return Math.max(Math.min(used, this.baseline), used - this.pendingFreed);
  }

  stats(): ReclaimerStats {
    return { gcs: this.gcs, lastGcMs: this.lastGcMs, afterLastGc: this.afterLastGc, pendingFreed: this.pendingFreed };
  }
}
