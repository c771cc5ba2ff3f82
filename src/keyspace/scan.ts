// Stateful cursors for HSCAN, SSCAN and ZSCAN over a hashtable-encoded
// value (a listpack / intset one is answered whole by its owner, with cursor
// 0, as Redis does).
//
// Redis's cursors encode a position in its hash table (reverse-binary
// iteration, stable across rehashing). Ours name an open JS Map iterator of
// the value: a Map iterator visits, exactly once, every entry present for the
// whole iteration whatever is added or removed meanwhile, which is SCAN's
// guarantee (entries added or removed meanwhile may or may not come). A
// cursor the value does not know (never issued, dropped as the oldest past
// the per-value limit, issued before a restart or a COPY, or another value's)
// restarts the iteration from the start: entries may then come twice, which
// SCAN allows, but none present throughout is ever missed.

/** Cursor ids, unique across all values so a cursor never names another value's iteration. */
let nextScanId = 1;

/** The open iterations of one value, by cursor id (insertion order: oldest first). */
export class OpenScans<T> {
  private readonly iters = new Map<number, Iterator<T>>();

  /** `max`: iterations kept open; the oldest is dropped past this. */
  constructor(private readonly max: number) {}

  /**
   * One step: resumes the iteration `cursor` names (0, negative or unknown:
   * a new one from `start`), hands up to `count` entries to `visit` (COUNT
   * bounds the work, not what MATCH lets through) and returns the cursor
   * for the rest, 0 when the iteration is complete.
   */
  step(cursor: number, count: number, start: () => Iterator<T>, visit: (item: T) => void): number {
    let iter = cursor > 0 ? this.iters.get(cursor) : undefined;
    if (iter !== undefined) this.iters.delete(cursor);
    else iter = start();
    for (let visited = 0; visited < count; visited++) {
      const r = iter.next();
      if (r.done === true) return 0;
      visit(r.value);
    }
    const id = nextScanId++;
    if (nextScanId > Number.MAX_SAFE_INTEGER) nextScanId = 1;
    this.iters.set(id, iter);
    if (this.iters.size > this.max) {
      const oldest = this.iters.keys().next();
      if (oldest.done !== true) this.iters.delete(oldest.value);
    }
    return id;
  }
}
