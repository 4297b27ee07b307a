/**
 * When the embedded store asks the runtime for a full garbage collection. Bun collects as a process
 * allocates, so a shop whose carts have just expired (and that serves nobody for a while) keeps what
 * they held on its heap, and in its resident memory, until traffic comes back. After the sweep has
 * removed a good share of what the store held, one full collection gives it back at once; a steady
 * trickle of expiring sessions under load reaches that share only every so often, so the pause
 * (tens of milliseconds) stays rare. The process's caches of decoded values (releasable-caches.ts)
 * are emptied first: they would otherwise keep the last few thousand carts alive after all.
 * Once the store has emptied out (it holds a small share of the most it held: the traffic has gone),
 * the collection also shrinks the runtime's footprint (`Bun.shrink`: the code it compiled under load
 * and the allocator's free pages go back to the system; measured in process after 4,000 carts were
 * gone, about 38 MB that a collection alone left). That happens once per such fall, never under a
 * steady load, whose sessions expire as fast as new ones come: code compiled again costs only the
 * first requests after it.
 * A burst that fills the store and then stops leaves the heap as large as the burst made it, held by
 * the caches' last few thousand decoded carts and by free pages the allocator keeps: once the store
 * has grown by COLLECT_AFTER_AT_LEAST entries since the last collection and then had no commit for
 * QUIET_NOTES sweeps (two seconds), the same collection and shrink run once (measured in process,
 * 4,000 carts all still live: 425 MB after a collection and a shrink, 354 with the caches emptied too,
 * 314 with nothing held). A trickle of requests never triggers it again: it waits for as much growth.
 */
import { releaseCaches } from "@kasa/shared"

/** A full collection follows once the sweep has removed this share of the most the store held since the last one... */
export const COLLECT_AFTER_SHARE = 0.25
/** ...and at least this many entries (a small store is not worth a pause). */
export const COLLECT_AFTER_AT_LEAST = 20_000
/**
 * The store has emptied out once it holds no more than this share of the most it held (at least
 * COLLECT_AFTER_AT_LEAST). Small, because what expires after the shrink is collected only with the
 * minimum: at 5% the last thousand of 20,000 carts stayed on the heap (bench:memory, 1.27x idle after
 * expiry, 1.15x at 1%). A store whose keys without a lifetime are more than this share never shrinks,
 * and collects as before.
 */
export const EMPTIED_SHARE = 0.01

/** Sweeps without a commit after which a store that has grown is collected (two seconds at the sweeper's 100 ms). */
export const QUIET_NOTES = 20

/** Whether `removed` entries gone since the last collection, of at most `peak` held since, call for another. */
export const shouldCollect = (removed: number, peak: number): boolean => removed >= Math.max(COLLECT_AFTER_AT_LEAST, peak * COLLECT_AFTER_SHARE)

/** What the store has done since the last collection (or shrink), as `collectionFor` weighs it. */
export interface SinceCollection {
  /** Entries removed since the last collection. */
  readonly removed: number
  /** Entries held now. */
  readonly held: number
  /** The most held since the last collection. */
  readonly peak: number
  /** The most held since the last shrink. */
  readonly most: number
  /** How many more entries it holds than right after the last collection. */
  readonly grown: number
  /** Sweeps in a row without a commit. */
  readonly quietNotes: number
}

/**
 * What to do after a sweep: nothing, a full collection, or a collection and a shrink of the footprint
 * (the store emptied out, or grown and then quiet).
 */
export const collectionFor = (since: SinceCollection): "none" | "collect" | "shrink" => {
  if (since.quietNotes >= QUIET_NOTES && since.grown >= COLLECT_AFTER_AT_LEAST) return "shrink"
  if (since.removed === 0) return "none"
  if (since.most >= COLLECT_AFTER_AT_LEAST && since.held <= since.most * EMPTIED_SHARE) return "shrink"
  return shouldCollect(since.removed, since.peak) ? "collect" : "none"
}

const fullCollection = (): void => {
  releaseCaches()
  Bun.gc(true)
}

/** The collection and then the footprint's shrink (JavaScriptCore does it once no JavaScript is running). */
const shrinkingCollection = (): void => {
  fullCollection()
  Bun.shrink()
}

/** Tracks removals, growth and quiet between collections and runs one when `collectionFor` says so. */
export class FullCollection {
  private removed = 0
  private peak = 0
  private most = 0
  private heldAfter = 0
  private commits = 0
  private quietNotes = 0

  constructor(
    private readonly collect: () => void = fullCollection,
    private readonly shrink: () => void = shrinkingCollection
  ) {}

  /** Notes `removed` entries gone, the store now holding `held` after `commits` commits in all; what it did. */
  note(removed: number, held: number, commits: number): "none" | "collect" | "shrink" {
    this.removed += removed
    this.peak = Math.max(this.peak, held + removed)
    this.most = Math.max(this.most, held + removed)
    this.quietNotes = commits === this.commits ? this.quietNotes + 1 : 0
    this.commits = commits
    const action = collectionFor({ removed: this.removed, held, peak: this.peak, most: this.most, grown: held - this.heldAfter, quietNotes: this.quietNotes })
    if (action === "none") return action
    if (action === "shrink") {
      this.shrink()
      this.most = held
    } else this.collect()
    this.removed = 0
    this.peak = held
    this.heldAfter = held
    return action
  }
}
