// The EventBus contract over the in-memory bus (the embedded mode), with the in-memory StateStore.
import { describe, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { eventBusContract, type EventBusHarness } from "@kasa/shared/testing/event-bus-contract"
import { MemoryBroker, layerEventBus, layerStateStore } from "@kasa/adapter-memory"

const broker = new MemoryBroker()
const runtime = ManagedRuntime.make(Layer.mergeAll(layerEventBus(broker), layerStateStore()))
let n = 0

const harness: EventBusHarness = {
  topic: async (base, partitions = 3) => {
    const name = `${base}-${++n}`
    broker.createTopic(name, partitions)
    broker.createTopic(`${name}.dlq`, partitions)
    return name
  },
  group: (base) => `${base}-${++n}`,
  run: (effect) => runtime.runPromise(Effect.scoped(effect)),
  timeoutMs: 5_000
}

describe("EventBus contract: memory", () => {
  for (const c of eventBusContract) test(c.name, () => c.run(harness))
})
