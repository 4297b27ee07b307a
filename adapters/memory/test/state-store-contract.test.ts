// The StateStore and OutboxReader contract over the in-memory store (the embedded mode).
import { describe, test } from "bun:test"
import { Effect, ManagedRuntime } from "effect"
import { stateStoreContract, type StateStoreHarness } from "@kasa/shared/testing/state-store-contract"
import { layerStateStore, MemoryStateData } from "@kasa/adapter-memory"

// Stores opened on the same outbox name share their data, as two processes over one server would.
const data = new Map<string, MemoryStateData>()
let n = 0

const harness: StateStoreHarness = {
  open: async (outbox) => {
    const shared = data.get(outbox) ?? new MemoryStateData()
    data.set(outbox, shared)
    const runtime = ManagedRuntime.make(layerStateStore(shared))
    return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
  },
  name: (base) => `${base}-${++n}`,
  timeoutMs: 5_000
}

describe("StateStore contract: memory", () => {
  for (const c of stateStoreContract) test(c.name, () => c.run(harness), 60_000)
})
