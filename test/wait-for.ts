/**
 * Waiting on a condition from async test code (HTTP reads of another process, runtime probes),
 * without fixed sleeps: poll until it holds or a deadline passes, then fail with what was last seen.
 * The polling loop is the kernel's `waitUntilEffect` (@kasa/shared/testing/eventually), so the
 * deadline rule and its message exist once for Effect and Promise code alike.
 */
import { Effect } from "effect"
import { waitUntilEffect } from "@kasa/shared/testing/eventually"

export interface WaitOptions {
  readonly timeoutMs: number
  /** What was last seen, for the failure message. */
  readonly describe: () => string
  readonly intervalMs?: number
  /** When given, the interval doubles after each look up to this. */
  readonly maxIntervalMs?: number
}

/**
 * Polls `check` until it returns a value other than `undefined` or `false` and resolves with it
 * (so a boolean check resolves with `true`); rejects at the deadline saying what it last saw.
 */
export const waitFor = <T>(check: () => T | undefined | false | Promise<T | undefined | false>, options: WaitOptions): Promise<T> => {
  let found: { readonly value: T } | undefined
  const probe = Effect.promise(async () => {
    const value = await check()
    if (value !== undefined && value !== false) found = { value }
    return found !== undefined
  })
  return Effect.runPromise(
    waitUntilEffect(probe, {
      timeoutMs: options.timeoutMs,
      intervalMs: options.intervalMs ?? 25,
      ...(options.maxIntervalMs === undefined ? {} : { maxIntervalMs: options.maxIntervalMs }),
      describe: options.describe
    })
  ).then(() => found!.value)
}

/** Reads until `ok` holds and resolves with what was read; after `timeoutMs` rejects with `what` and the last value read. */
export const readUntil = <A>(read: () => Promise<A>, ok: (value: A) => boolean, what: string, timeoutMs = 10_000): Promise<A> => {
  let last: { readonly value: A } | undefined
  return waitFor(
    async () => {
      last = { value: await read() }
      return ok(last.value) ? last : undefined
    },
    { timeoutMs, describe: () => `${what}: ${JSON.stringify(last?.value)}` }
  ).then((read) => read.value)
}
