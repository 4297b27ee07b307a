/**
 * How the consumer runtime retries (ARCHITECTURE §4): a handler's failures, typed or thrown, are
 * retried with capped, jittered exponential backoff for a fixed number of attempts, except those that
 * say retrying cannot help; the runtime's own infrastructure calls (marker reads, dead-letter writes)
 * are retried until they work, since giving up would stall or lose the message. Thrown errors become
 * a typed `HandlerDefect` here, so a bug in a handler is retried and dead-lettered like any failure
 * instead of escaping to the bus (which would redeliver the batch forever). Interruptions pass through.
 */
import { Cause, Duration, Effect, Schedule, Schema } from "effect"

/** A handler fails with this when retrying cannot help (e.g. a payload that breaks its schema). */
export class PermanentFailure extends Schema.TaggedError<PermanentFailure>()("PermanentFailure", {
  reason: Schema.String
}) {}

/** A handler threw (or died): a defect, e.g. a TypeError on a payload it did not expect. */
export class HandlerDefect extends Schema.TaggedError<HandlerDefect>()("HandlerDefect", {
  message: Schema.String
}) {}

export interface RetryPolicy {
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export const defaultRetry: RetryPolicy = { attempts: 5, baseDelayMs: 50, maxDelayMs: 2_000 }

/** Lost optimistic races retried per attempt, at once, before they count as a failed attempt. */
export const MAX_CONFLICT_RETRIES = 50

/** Capped exponential delays with jitter, without end. */
export const backoff = (policy: RetryPolicy): Schedule.Schedule<Duration.Duration> =>
  Schedule.min([Schedule.exponential(Duration.millis(policy.baseDelayMs)), Schedule.spaced(Duration.millis(policy.maxDelayMs))]).pipe(
    Schedule.jittered
  )

/** The delays between a handler's attempts: `attempts` in all. */
export const attemptSchedule = (policy: RetryPolicy): Schedule.Schedule<Duration.Duration> =>
  backoff(policy).pipe(Schedule.upTo({ times: Math.max(0, policy.attempts - 1) }))

const tagOf = (error: unknown): unknown => (typeof error === "object" && error !== null && "_tag" in error ? error._tag : undefined)

export const isPermanent = (error: unknown): boolean => tagOf(error) === "PermanentFailure"
export const isWriteConflict = (error: unknown): boolean => tagOf(error) === "WriteConflict"

/** What a dead letter's `dlq.error` header says: the failure's tag and its reason or message. */
export const describeFailure = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const tag = "_tag" in error ? String(error._tag) : undefined
    const message = "message" in error && typeof error.message === "string" && error.message !== "" ? error.message : undefined
    const reason = "reason" in error && typeof error.reason === "string" ? error.reason : undefined
    return [tag, reason ?? message].filter((part) => part !== undefined).join(": ") || String(error)
  }
  return String(error)
}

/** A thrown value as text: an Error's name and message (its class says which kind of bug). */
const describeDefect = (defect: unknown): string =>
  defect instanceof Error ? `${defect.name}: ${defect.message}` : typeof defect === "string" ? defect : describeFailure(defect)

/** Turns defects into a typed `HandlerDefect`; typed failures and interruptions are left as they are. */
export const defectsAsFailures = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | HandlerDefect, R> =>
  Effect.catchDefect(effect, (defect) => Effect.fail(new HandlerDefect({ message: describeDefect(defect) })))

/**
 * Whatever `effect` fails or dies with becomes `fallback`'s value, in one step; an interruption stays
 * an interruption (a member giving up its partitions must not look like a handled message).
 */
export const exceptInterruption = <B>(fallback: () => B) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A | B, never, R> =>
  Effect.catchCause(effect, (cause) => (Cause.hasInterrupts(cause) ? Effect.failCause(cause as Cause.Cause<never>) : Effect.succeed(fallback())))

/** Infrastructure the runtime itself needs: retried with backoff until it works, each failure logged. */
export const persistently = <A, E, R>(effect: Effect.Effect<A, E, R>, policy: RetryPolicy): Effect.Effect<A, never, R> =>
  effect.pipe(
    Effect.tapError((error) => Effect.logWarning("consumer infrastructure call failed; retrying", describeFailure(error))),
    Effect.retry(backoff(policy)),
    // The schedule never ends, so this is unreachable; it only narrows the type.
    Effect.orDie
  )
