/**
 * A stop that always ends within SHUTDOWN_TIMEOUT_MS (SPEC §5). The graceful steps (HTTP server
 * closed, consumers finish the batch in hand and commit, the relay drains the outbox) can wait on a
 * handler stuck retrying; past their share of the time, what is left is aborted: the consumers leave
 * without committing, so the batch in hand is delivered again to the next member, which is safe
 * (the processed marker makes a second delivery a no-op). Then the runtime gets what time remains to
 * close its clients, and the caller exits whether or not that finished.
 */
import { Effect, Exit, Fiber, Option } from "effect"

export interface ShutdownPlan {
  /** For the graceful steps. */
  readonly gracefulMs: number
  /** For aborting what the graceful steps left, and for them to notice. */
  readonly abortMs: number
  /** For closing the runtime's clients. */
  readonly disposeMs: number
}

/** At most 2 s of the total (a fifth when it is short) is kept back for aborting and closing. */
export const shutdownPlan = (totalMs: number): ShutdownPlan => {
  const total = Math.max(0, Math.floor(totalMs))
  const reserve = Math.min(2_000, Math.floor(total / 5))
  const abortMs = Math.floor(reserve / 2)
  return { gracefulMs: total - reserve, abortMs, disposeMs: reserve - abortMs }
}

export type ShutdownOutcome = "graceful" | "aborted"

/** Runs `graceful`; if it has not finished in its time, runs `abort` and gives `graceful` a last chance to finish. */
export const stopWithin = <R>(
  plan: ShutdownPlan,
  steps: { readonly graceful: Effect.Effect<void, never, R>; readonly abort: Effect.Effect<void, never, R> }
): Effect.Effect<ShutdownOutcome, never, R> =>
  Effect.gen(function* () {
    // Detached: a timeout interrupts only the wait, never the graceful steps themselves (they may be
    // inside a finalizer, which cannot be interrupted, and they still commit what finishes meanwhile).
    const graceful = yield* Effect.forkDetach(Effect.exit(steps.graceful))
    if (Option.isSome(yield* Effect.timeoutOption(Fiber.join(graceful), plan.gracefulMs))) return "graceful"
    yield* Effect.logWarning("graceful stop did not finish in time; aborting consumers (their uncommitted batches are delivered again)", {
      graceful_ms: plan.gracefulMs
    })
    const finished = yield* Effect.timeoutOption(Effect.andThen(Effect.exit(steps.abort), Fiber.join(graceful)), plan.abortMs)
    if (Option.isNone(finished)) yield* Effect.forkDetach(Fiber.interrupt(graceful))
    return "aborted"
  })

/** Waits for `promise` at most `ms`; true when it settled in time. */
export const settlesWithin = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Effect.runPromise(
    Effect.promise(() => promise.then(Exit.succeed, Exit.fail)).pipe(
      Effect.timeoutOption(Math.max(0, ms)),
      Effect.map(Option.isSome)
    )
  )
