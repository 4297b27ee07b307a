/**
 * Liveness and readiness (SPEC §5): live answers while the process serves; ready checks that the
 * broker and Redis answer (where configured) and that the app's consumers hold their assignments, so
 * an orchestrator sends traffic only to an instance that can do its work.
 */
import { Effect } from "effect"
import { Hono } from "hono"

export interface ReadinessCheck<R> {
  readonly name: string
  readonly check: Effect.Effect<unknown, unknown, R>
}

const runCheck = <R>(check: ReadinessCheck<R>) =>
  check.check.pipe(
    Effect.timeout("2 seconds"),
    Effect.match({
      onFailure: (error) => ({ name: check.name, ok: false, error: String((error as { message?: unknown })?.message ?? error) }),
      onSuccess: () => ({ name: check.name, ok: true })
    })
  )

/** Every check at once, each bounded in time: what passed, and why each other one did not. */
export const runChecks = <R>(checks: ReadonlyArray<ReadinessCheck<R>>) => Effect.forEach(checks, runCheck, { concurrency: "unbounded" })

export interface CheckResult {
  readonly name: string
  readonly ok: boolean
  readonly error?: string
}

/** Two threads' results as one list: a check both ran (the broker, Redis) is ok only if both say so. */
export const mergeResults = (own: ReadonlyArray<CheckResult>, other: ReadonlyArray<CheckResult>): ReadonlyArray<CheckResult> => {
  const merged = new Map(own.map((result) => [result.name, result] as const))
  for (const result of other) {
    const mine = merged.get(result.name)
    merged.set(result.name, mine === undefined || !result.ok ? result : mine)
  }
  return [...merged.values()]
}

/** `readiness`: every check of the app (both threads' when its relay and consumers run in a background one). */
export const healthRoutes = (readiness: () => Promise<ReadonlyArray<CheckResult>>) =>
  new Hono()
    .get("/health/live", (c) => c.json({ status: "ok" }))
    .get("/health/ready", async (c) => {
      const results = await readiness()
      const ready = results.every((result) => result.ok)
      return c.json({ status: ready ? "ready" : "not_ready", checks: results }, ready ? 200 : 503)
    })
