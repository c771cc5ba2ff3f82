// Time for the keyspace. Expiry reads the clock through this interface so
// tests can move time forward without sleeping.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private t: number = Date.now()) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
}

/**
 * Wall-clock milliseconds derived from a performance.now() reading the
 * caller already has (the dispatcher's one timing read per command), so a
 * command needs no second clock read. The base is re-read from the Clock by
 * `resync` (the server does it hz times a second and once per event-loop
 * turn with output), which bounds the drift between the monotonic and the
 * wall clock. A clock other than the system's (tests) is asked directly.
 */
export class WallClock {
  private baseWall = 0;
  private basePerf = 0;
  private readonly system: boolean;

  constructor(readonly clock: Clock) {
    this.system = clock === systemClock;
    this.resync();
  }

  resync(): void {
    if (!this.system) return;
    this.basePerf = performance.now();
    this.baseWall = Date.now();
  }

  /** Unix ms at the moment performance.now() read `perf`. */
  at(perf: number): number {
    if (!this.system) return this.clock.now();
    return this.baseWall + Math.floor(perf - this.basePerf);
  }
}
