// The CartStore contract over a real Redis (found or started by test/infra.ts): the cart's keys and
// outbox written by one Lua commit, every key under this run's prefix; each open is a fresh
// connection, as a process has, and two opens on one outbox share it, as two processes do.
import { describe, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { layerRedisStateStore } from "@kasa/adapter-redis"
import { layerCartStore } from "@kasa/cart"
import { cartStoreContract, type CartStoreHarness } from "@kasa/cart/testing"
import { newSessionId } from "@kasa/shared"
import { runId, runPrefix, testRedis } from "@kasa/test-support/infra"

let n = 0

const harness: CartStoreHarness = {
  open: async (outbox) => {
    const { url } = await testRedis()
    const state = layerRedisStateStore({ url, keyPrefix: runPrefix, outboxName: outbox, clientName: `kasa-test-${runId}-cart` })
    const runtime = ManagedRuntime.make(Layer.provideMerge(layerCartStore, state))
    await runtime.runPromise(Effect.void)
    return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
  },
  name: (base) => `cart-contract:${base}-${++n}`,
  sessionId: newSessionId
}

describe("CartStore contract: Redis", () => {
  for (const c of cartStoreContract) test(c.name, () => c.run(harness), 60_000)
})
