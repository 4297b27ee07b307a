/**
 * Client errors never cross the port: every call into @platformatic/kafka goes through `attempt`,
 * which turns a rejection into `EventBusUnavailable` with a message that includes the nested causes
 * the client collects (its MultipleErrors say little on their own).
 */
import { Effect } from "effect"
import { EventBusUnavailable } from "@kasa/shared"

export const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error)
  const nested = "errors" in error && Array.isArray(error.errors) ? error.errors.map(describeError) : []
  const unique = [...new Set(nested)].filter((message) => message !== error.message)
  return unique.length === 0 ? error.message : `${error.message} (${unique.join("; ")})`
}

export const unavailable = (operation: string) => (error: unknown): EventBusUnavailable =>
  new EventBusUnavailable({ operation, message: describeError(error) })

/** Runs a client call as an Effect that fails only with `EventBusUnavailable`. */
export const attempt = <A>(operation: string, run: () => Promise<A>): Effect.Effect<A, EventBusUnavailable> =>
  Effect.tryPromise({ try: run, catch: unavailable(operation) })

/** Resolves with the promise's value, or with `undefined` once `ms` have passed (never rejects). */
export const withinDeadline = <A>(promise: Promise<A>, ms: number): Promise<A | undefined> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      () => {
        clearTimeout(timer)
        resolve(undefined)
      }
    )
  })
