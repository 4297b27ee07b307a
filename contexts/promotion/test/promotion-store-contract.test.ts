// The PromotionStore contract over the in-memory StateStore (the embedded mode). Stores opened on the
// same outbox name share their data, as two processes over one server would.
import { describe, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { layerStateStore, MemoryStateData } from "@kasa/adapter-memory"
import { layerPromotionStore } from "@kasa/promotion"
import { promotionStoreContract, type PromotionStoreHarness } from "@kasa/promotion/testing"
import { newSessionId } from "@kasa/shared"

const data = new Map<string, MemoryStateData>()
let n = 0

const harness: PromotionStoreHarness = {
  open: async (outbox) => {
    const shared = data.get(outbox) ?? new MemoryStateData()
    data.set(outbox, shared)
    const runtime = ManagedRuntime.make(Layer.provideMerge(layerPromotionStore, layerStateStore(shared)))
    return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
  },
  name: (base) => `${base}-${++n}`,
  sessionId: newSessionId
}

describe("PromotionStore contract: memory", () => {
  for (const c of promotionStoreContract) test(c.name, () => c.run(harness), 60_000)
})
