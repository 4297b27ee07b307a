/**
 * What every context's command shares (SPEC §2, ARCHITECTURE §3): who is asking, and the rule that a
 * command which lost an optimistic race (WriteConflict: someone wrote since its read) runs again on
 * the fresh state, a few times with a short jittered backoff, and then gives up with the context's
 * own "changed concurrently" error. An update is never lost and never applied twice.
 */
import { Effect, Schedule } from "effect"
import type { WriteConflict } from "./state-store.ts"

/** Who is asking: the session whose state it is, the optional user, the request's correlation id. */
export interface CommandContext {
  readonly session_id: string
  readonly user_id?: string | undefined
  readonly correlation_id: string
}

const conflictRetry = Schedule.exponential("2 millis").pipe(Schedule.jittered)

/** Runs `self` up to `maxAttempts` times while it loses the race; then fails with `exhausted()`. */
export const retryOnConflict =
  <X>(maxAttempts: number, exhausted: () => X) =>
  <A, E extends { readonly _tag: string }, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, WriteConflict> | X, R> =>
    self.pipe(
      Effect.retry({ while: (error) => error._tag === "WriteConflict", times: maxAttempts - 1, schedule: conflictRetry }),
      Effect.catch((error) => Effect.fail(error._tag === "WriteConflict" ? exhausted() : (error as Exclude<E, WriteConflict>)))
    )
