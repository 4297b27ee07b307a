/**
 * `bun test` preload: registers the end-of-run cleanup of the shared test infrastructure (the broker
 * and Redis are started lazily by the first test that needs them, once per run).
 */
import { afterAll } from "bun:test"
import { stopInfrastructure } from "./infra.ts"

afterAll(async () => {
  await stopInfrastructure()
})
