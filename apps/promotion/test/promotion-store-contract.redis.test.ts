// The PromotionStore contract over a real Redis (found or started by test/infra.ts): the session's
// keys and outbox written by one Lua commit, every key under this run's prefix; each open is a fresh
// connection, as a process has, and two opens on one outbox share it, as two processes do.
import { describe, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { layerRedisStateStore } from "@kasa/adapter-redis"
import { layerPromotionStore } from "@kasa/promotion"
import { promotionStoreContract, type PromotionStoreHarness } from "@kasa/promotion/testing"
import { newSessionId } from "@kasa/shared"
import { runId, runPrefix, testRedis } from "@kasa/test-support/infra"

let n = 0

const harness: PromotionStoreHarness = {
  open: async (outbox) => {
    const { url } = await testRedis()
    const state = layerRedisStateStore({ url, keyPrefix: runPrefix, outboxName: outbox, clientName: `kasa-test-${runId}-promotion` })
    const runtime = ManagedRuntime.make(Layer.provideMerge(layerPromotionStore, state))
    await runtime.runPromise(Effect.void)
    return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
  },
  name: (base) => `promotion-contract:${base}-${++n}`,
  sessionId: newSessionId
}

describe("PromotionStore contract: Redis", () => {
  for (const c of promotionStoreContract) test(c.name, () => c.run(harness), 60_000)
})
