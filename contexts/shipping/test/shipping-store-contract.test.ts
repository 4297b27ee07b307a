// The ShippingStore contract over the in-memory StateStore (the embedded mode). Stores opened on the
// same outbox name share their data, as two processes over one server would.
import { describe, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { layerStateStore, MemoryStateData } from "@kasa/adapter-memory"
import { layerShippingStore } from "@kasa/shipping"
import { type ShippingStoreHarness, shippingStoreContract } from "@kasa/shipping/testing"
import { newSessionId } from "@kasa/shared"

const data = new Map<string, MemoryStateData>()
let n = 0

const harness: ShippingStoreHarness = {
  open: async (outbox) => {
    const shared = data.get(outbox) ?? new MemoryStateData()
    data.set(outbox, shared)
    const runtime = ManagedRuntime.make(Layer.provideMerge(layerShippingStore, layerStateStore(shared)))
    return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
  },
  name: (base) => `${base}-${++n}`,
  sessionId: newSessionId
}

describe("ShippingStore contract: memory", () => {
  for (const c of shippingStoreContract) test(c.name, () => c.run(harness), 60_000)
})
