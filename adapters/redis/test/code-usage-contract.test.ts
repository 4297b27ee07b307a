// The promotion context's CodeUsage contract over a real Redis (found or started by test/infra.ts):
// each space is its own key prefix under this run's, and each open a fresh connection, as a process has.
import { describe, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { type CodeUsageHarness, codeUsageContract } from "@kasa/promotion/testing"
import { layerOutboxReader, layerRedisCodeUsage, layerRedisConnection } from "@kasa/adapter-redis"
import { runId, runPrefix, testRedis } from "@kasa/test-support/infra"

let n = 0

const harness: CodeUsageHarness = {
  open: async (space) => {
    const { url } = await testRedis()
    const connection = layerRedisConnection({ url, keyPrefix: `${runPrefix}code-usage:${space}:`, clientName: `kasa-test-${runId}-code-usage` })
    const runtime = ManagedRuntime.make(Layer.mergeAll(layerRedisCodeUsage({ outboxName: "promotion" }), layerOutboxReader({ outboxName: "promotion" })).pipe(Layer.provide(connection)))
    await runtime.runPromise(Effect.void)
    return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
  },
  name: (base) => `${base}-${++n}`
}

describe("CodeUsage contract: Redis", () => {
  for (const c of codeUsageContract) test(c.name, () => c.run(harness), 60_000)
})
