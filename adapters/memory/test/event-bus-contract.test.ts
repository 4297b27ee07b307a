// The EventBus contract over the in-memory bus (the embedded mode), with the in-memory StateStore: over a
// broker that keeps every message, and over one that trims what every group has committed (the embedded app's).
import { describe, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { eventBusContract, type EventBusHarness } from "@kasa/shared/testing/event-bus-contract"
import { MemoryBroker, layerEventBus, layerStateStore } from "@kasa/adapter-memory"

let n = 0

const harnessOver = (broker: MemoryBroker): EventBusHarness => {
  const runtime = ManagedRuntime.make(Layer.mergeAll(layerEventBus(broker), layerStateStore()))
  return {
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
}

for (const [name, broker] of [["memory", new MemoryBroker()], ["memory, trimming", new MemoryBroker({ trim: true })]] as const) {
  const harness = harnessOver(broker)
  describe(`EventBus contract: ${name}`, () => {
    for (const c of eventBusContract) test(c.name, () => c.run(harness))
  })
}
