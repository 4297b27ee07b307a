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

export interface CheckRunner<R> {
  readonly runPromise: <A, E>(effect: Effect.Effect<A, E, R>) => Promise<A>
}

const runCheck = <R>(check: ReadinessCheck<R>) =>
  check.check.pipe(
    Effect.timeout("2 seconds"),
    Effect.match({
      onFailure: (error) => ({ name: check.name, ok: false, error: String((error as { message?: unknown })?.message ?? error) }),
      onSuccess: () => ({ name: check.name, ok: true })
    })
  )

export const healthRoutes = <R>(runner: CheckRunner<R>, checks: () => ReadonlyArray<ReadinessCheck<R>>) =>
  new Hono()
    .get("/health/live", (c) => c.json({ status: "ok" }))
    .get("/health/ready", async (c) => {
      const results = await runner.runPromise(Effect.forEach(checks(), runCheck, { concurrency: "unbounded" }))
      const ready = results.every((result) => result.ok)
      return c.json({ status: ready ? "ready" : "not_ready", checks: results }, ready ? 200 : 503)
    })
