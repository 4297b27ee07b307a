/**
 * Why a process asks for full collections itself. JavaScriptCore decides when to collect from what its
 * own heap holds, and much of what a request leaves behind is memory it hardly sees (Bun's native
 * request, response and header buffers, the characters of strings): under load the embedded shop's
 * resident memory climbed to about 880 MB within its first 2,000 carts before the runtime's first full
 * collection brought it back to about 600 (`bench:memory`, 905 MB at its peak). The governor watches
 * the process's resident memory and runs one full collection of its thread's heap whenever it has
 * grown MEMORY_COLLECT_GROWTH_MB above the lowest it has been since the last one. Each thread with a
 * heap of its own (the background thread too) runs one. It is off unless set: a full collection of
 * the whole shop pauses its thread for 0.1-0.3 s, and the shop ran slower after one (bench:cart, whole
 * shop embedded: 0.74x the adds per second with a 256 MB step), so it is for a process that must stay
 * small more than it must stay fast.
 */
import { Duration, Effect, Schedule } from "effect"
import { countMemoryCollection } from "@kasa/shared"

/** How often resident memory is read (a read of /proc, microseconds). */
export const GOVERNOR_CHECK_EVERY = Duration.millis(250)

/** What the governor remembers between checks. */
export interface GovernorState {
  /** The lowest resident memory seen since the last collection (bytes). */
  readonly low: number
}

/**
 * One check: whether to collect now, and the state to keep. The low mark follows resident memory down
 * (a collection of the runtime's own gave memory back), and grows only by collecting.
 */
export const governorStep = (state: GovernorState, rss: number, growthBytes: number): { readonly collect: boolean; readonly state: GovernorState } => {
  const low = Math.min(state.low, rss)
  return { collect: growthBytes > 0 && rss - low >= growthBytes, state: { low } }
}

export interface GovernorOptions {
  readonly growthBytes: number
  /** Resident memory of the process, in bytes. */
  readonly rss?: () => number
  /** A full, synchronous collection of this thread's heap. */
  readonly collect?: () => void
  readonly every?: Duration.Input
}

/** Runs until interrupted (never, with a growth of 0): reads resident memory on a schedule and collects when it grew too far. */
export const runMemoryGovernor = (options: GovernorOptions): Effect.Effect<void> => {
  const rss = options.rss ?? (() => process.memoryUsage.rss())
  const collect = options.collect ?? (() => Bun.gc(true))
  if (options.growthBytes <= 0) return Effect.void
  let state: GovernorState = { low: rss() }
  const check = Effect.suspend(() => {
    const step = governorStep(state, rss(), options.growthBytes)
    state = step.state
    if (!step.collect) return Effect.void
    const started = performance.now()
    collect()
    const seconds = (performance.now() - started) / 1000
    // What the collection left is the new low mark.
    state = { low: rss() }
    return countMemoryCollection(seconds)
  })
  return Effect.asVoid(Effect.repeat(check, Schedule.spaced(options.every ?? GOVERNOR_CHECK_EVERY)))
}
