/**
 * A circuit breaker as a pure state machine (no clock of its own, no I/O): the caller says what time
 * it is and what happened, the functions say whether a call may go out and what state follows.
 *
 *   closed    → every call goes out; `failureThreshold` consecutive failures open it (a success
 *               resets the count)
 *   open      → calls fail fast, nothing goes out, until `coolDownMs` after it opened
 *   half-open → after the cool-down the first call goes out as a probe, the others fail fast while
 *               it is in flight; its success closes the breaker, its failure opens it again
 *
 * A late result of a call admitted earlier does not reopen or extend an open breaker (the probe
 * decides), and a late success while a probe is in flight closes it (the service answered).
 * In the kernel because every adapter that calls another service uses one (the delivery calendar,
 * the payment gateways): `makeCircuitBreaker` keeps one around calls.
 */
import { Effect } from "effect"

export interface BreakerPolicy {
  /** Consecutive failures that open a closed breaker (at least 1). */
  readonly failureThreshold: number
  /** How long an open breaker fails fast before letting a probe through. */
  readonly coolDownMs: number
}

export type BreakerState =
  | { readonly status: "closed"; readonly failures: number }
  | { readonly status: "open"; readonly openedAt: number }
  | { readonly status: "half_open" }

export const closedBreaker: BreakerState = { status: "closed", failures: 0 }

export interface Admission {
  readonly allowed: boolean
  readonly state: BreakerState
}

/** Whether a call may go out at `now`, and the state after asking. */
export const admit = (policy: BreakerPolicy, state: BreakerState, now: number): Admission => {
  switch (state.status) {
    case "closed":
      return { allowed: true, state }
    case "open":
      return now - state.openedAt >= policy.coolDownMs ? { allowed: true, state: { status: "half_open" } } : { allowed: false, state }
    case "half_open":
      return { allowed: false, state }
  }
}

export const recordSuccess = (state: BreakerState): BreakerState => (state.status === "open" ? state : closedBreaker)

export const recordFailure = (policy: BreakerPolicy, state: BreakerState, now: number): BreakerState => {
  switch (state.status) {
    case "closed": {
      const failures = state.failures + 1
      return failures >= policy.failureThreshold ? { status: "open", openedAt: now } : { status: "closed", failures }
    }
    case "open":
      return state
    case "half_open":
      return { status: "open", openedAt: now }
  }
}

/**
 * A breaker kept in this process around calls: `protect` lets a call out or fails fast with
 * `whenOpen()`. `isFault` says which failures are the service's faults; any other (a decline, a
 * "not found") is an answer, so the service is up and it counts as a success. Default: every failure.
 */
export interface CircuitBreaker {
  readonly protect: <A, E, R, X>(call: Effect.Effect<A, E, R>, whenOpen: () => X, isFault?: (error: E) => boolean) => Effect.Effect<A, E | X, R>
  /** The breaker as it stands (for tests and diagnostics). */
  readonly state: () => BreakerState
}

/**
 * One breaker for the calls it protects. JavaScript runs its updates one at a time, so a plain
 * variable holds its state; an interrupted call counts as a failure, so a probe can never leave it
 * half-open for good. `now` is wall time in milliseconds (tests move it on).
 */
export const makeCircuitBreaker = (policy: BreakerPolicy, now: () => number = Date.now): CircuitBreaker => {
  let state: BreakerState = closedBreaker
  return {
    protect: <A, E, R, X>(call: Effect.Effect<A, E, R>, whenOpen: () => X, isFault: (error: E) => boolean = () => true) =>
      Effect.suspend((): Effect.Effect<A, E | X, R> => {
        const admission = admit(policy, state, now())
        state = admission.state
        if (!admission.allowed) return Effect.fail(whenOpen())
        let answered = false
        return call.pipe(
          Effect.tapError((error) => Effect.sync(() => (answered = !isFault(error)))),
          Effect.onExit((exit) =>
            Effect.sync(() => {
              state = exit._tag === "Success" || answered ? recordSuccess(state) : recordFailure(policy, state, now())
            })
          )
        )
      }),
    state: () => state
  }
}
