/**
 * When the embedded store asks the runtime for a full garbage collection. Bun collects as a process
 * allocates, so a shop whose carts have just expired (and that serves nobody for a while) keeps what
 * they held on its heap, and in its resident memory, until traffic comes back. After the sweep has
 * removed a good share of what the store held, one full collection gives it back at once; a steady
 * trickle of expiring sessions under load reaches that share only every so often, so the pause
 * (tens of milliseconds) stays rare. The process's caches of decoded values (releasable-caches.ts)
 * are emptied first: they would otherwise keep the last few thousand carts alive after all.
 */
import { releaseCaches } from "@kasa/shared"

/** A full collection follows once the sweep has removed this share of the most the store held since the last one... */
export const COLLECT_AFTER_SHARE = 0.25
/** ...and at least this many entries (a small store is not worth a pause). */
export const COLLECT_AFTER_AT_LEAST = 20_000

/** Whether `removed` entries gone since the last collection, of at most `peak` held since, call for another. */
export const shouldCollect = (removed: number, peak: number): boolean => removed >= Math.max(COLLECT_AFTER_AT_LEAST, peak * COLLECT_AFTER_SHARE)

/** Tracks removals between collections and runs one when `shouldCollect` says so. */
export class FullCollection {
  private removed = 0
  private peak = 0

  constructor(
    private readonly collect: () => void = () => {
      releaseCaches()
      Bun.gc(true)
    }
  ) {}

  /** Notes `removed` entries gone, the store now holding `held`; true when it collected. */
  note(removed: number, held: number): boolean {
    this.removed += removed
    this.peak = Math.max(this.peak, held + removed)
    if (!shouldCollect(this.removed, this.peak)) return false
    this.collect()
    this.removed = 0
    this.peak = held
    return true
  }
}
