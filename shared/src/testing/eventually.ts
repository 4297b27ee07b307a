/**
 * Waiting without sleeping blindly: poll a condition until it holds or a deadline passes, then fail
 * with what was last seen. Framework-free so contract suites stay runnable on any runtime.
 */
import { Effect } from "effect"

export class AssertionFailed extends Error {
  override readonly name = "AssertionFailed"
}

export const assert: (condition: unknown, message: string) => asserts condition = (condition, message) => {
  if (!condition) throw new AssertionFailed(message)
}

export const assertEqual = <A>(actual: A, expected: A, message: string): void => {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new AssertionFailed(`${message}: expected ${e}, got ${a}`)
}

export const waitUntil = (
  condition: () => boolean,
  options: { readonly timeoutMs?: number; readonly intervalMs?: number; readonly describe: () => string }
): Effect.Effect<void> =>
  Effect.gen(function* () {
    const deadline = Date.now() + (options.timeoutMs ?? 20_000)
    while (!condition()) {
      if (Date.now() > deadline) {
        return yield* Effect.die(new AssertionFailed(`condition not met in ${options.timeoutMs ?? 20_000} ms; last seen: ${options.describe()}`))
      }
      yield* Effect.sleep(options.intervalMs ?? 10)
    }
  })

/**
 * Same as waitUntil, for a condition that needs an effect to check. With `maxIntervalMs` the interval
 * doubles after each look up to it (many waiters at once, e.g. a benchmark's clients, then load the
 * thing they wait on less the longer they wait).
 */
export const waitUntilEffect = <E, R>(
  condition: Effect.Effect<boolean, E, R>,
  options: { readonly timeoutMs?: number; readonly intervalMs?: number; readonly maxIntervalMs?: number; readonly describe: () => string }
): Effect.Effect<void, E, R> =>
  Effect.gen(function* () {
    const deadline = Date.now() + (options.timeoutMs ?? 20_000)
    let interval = options.intervalMs ?? 10
    while (!(yield* condition)) {
      if (Date.now() > deadline) {
        return yield* Effect.die(new AssertionFailed(`condition not met in ${options.timeoutMs ?? 20_000} ms; last seen: ${options.describe()}`))
      }
      yield* Effect.sleep(interval)
      if (options.maxIntervalMs !== undefined) interval = Math.min(options.maxIntervalMs, Math.max(1, interval) * 2)
    }
  })
