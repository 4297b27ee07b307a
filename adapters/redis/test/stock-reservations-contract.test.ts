// The catalog's StockReservations contract over a real Redis (found or started by test/infra.ts):
// each space is its own key prefix under this run's, and each open a fresh connection, as a process has.
import { describe, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { type StockReservationsHarness, stockReservationsContract } from "@kasa/catalog/testing"
import { layerOutboxReader, layerRedisConnection, layerRedisStockReservations } from "@kasa/adapter-redis"
import { runId, runPrefix, testRedis } from "@kasa/test-support/infra"

let n = 0

const harness: StockReservationsHarness = {
  open: async (space) => {
    const { url } = await testRedis()
    const connection = layerRedisConnection({ url, keyPrefix: `${runPrefix}stock:${space}:`, clientName: `kasa-test-${runId}-stock` })
    const layer = Layer.mergeAll(layerRedisStockReservations({ outboxName: "catalog" }), layerOutboxReader({ outboxName: "catalog" })).pipe(Layer.provide(connection))
    const runtime = ManagedRuntime.make(layer)
    await runtime.runPromise(Effect.void)
    return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
  },
  name: (base) => `${base}-${++n}`
}

describe("StockReservations contract: Redis", () => {
  for (const c of stockReservationsContract) test(c.name, () => c.run(harness), 60_000)
})
