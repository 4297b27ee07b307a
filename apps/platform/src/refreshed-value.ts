/**
 * A value that is expensive to load (consumer lag asks Kafka's admin API for every group) and read
 * often (`/metrics`, every scrape of every Prometheus): kept for `maxAgeMs`, refreshed by one load at
 * a time however many readers ask meanwhile, and a reader waits for a refresh at most `waitMs`, then
 * takes the last value it has (the initial one before any load finished). A load that fails keeps the
 * last value. A slow broker makes a scrape slightly stale, never slow.
 */
import { Deferred, Effect } from "effect"

export interface RefreshOptions {
  readonly maxAgeMs: number
  readonly waitMs: number
}

export const refreshedValue = <A, R>(load: Effect.Effect<A, unknown, R>, initial: A, options: RefreshOptions): Effect.Effect<A, never, R> => {
  let value = initial
  let loadedAt = Number.NEGATIVE_INFINITY
  let inflight: Deferred.Deferred<void> | undefined
  const refresh = (done: Deferred.Deferred<void>) =>
    Effect.exit(load).pipe(
      Effect.flatMap((exit) =>
        Effect.sync(() => {
          if (exit._tag === "Success") value = exit.value
          // A failed load also counts as a refresh: the broker is not asked again before maxAgeMs.
          loadedAt = Date.now()
          inflight = undefined
        })
      ),
      Effect.andThen(Deferred.succeed(done, undefined))
    )
  return Effect.gen(function* () {
    if (Date.now() - loadedAt < options.maxAgeMs) return value
    let waiting = inflight
    if (waiting === undefined) {
      const done = yield* Deferred.make<void>()
      inflight = waiting = done
      yield* Effect.forkDetach(refresh(done))
    }
    yield* Effect.timeoutOption(Deferred.await(waiting), options.waitMs)
    return value
  })
}

