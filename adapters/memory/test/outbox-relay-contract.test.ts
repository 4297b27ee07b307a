// The outbox relay contract over the in-memory store and bus (the embedded mode). The poison entry is
// an event whose payload cannot be encoded (a BigInt), the one kind of entry memory can hold and
// never publish.
import { describe, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { makeEnvelope, StateStore } from "@kasa/shared"
import { outboxRelayContract, type OutboxRelayHarness } from "@kasa/shared/testing/outbox-relay-contract"
import { layerEventBus, layerStateStore, MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"

const broker = new MemoryBroker()
const data = new Map<string, MemoryStateData>()
let n = 0

const harness: OutboxRelayHarness = {
  open: async (outbox) => {
    const shared = data.get(outbox) ?? new MemoryStateData()
    data.set(outbox, shared)
    const runtime = ManagedRuntime.make(Layer.mergeAll(layerEventBus(broker), layerStateStore(shared)))
    return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
  },
  name: (base) => `${base}-${++n}`,
  writePoison: (process, _outbox, topic) =>
    process.run(
      Effect.flatMap(StateStore, (store) =>
        store.commit({
          events: [
            {
              topic,
              key: "k",
              envelope: { ...makeEnvelope({ eventName: "test.happened", aggregateId: "k", correlationId: "corr_poison", producer: "relay-contract", payload: {} }), payload: { n: BigInt(1) } }
            }
          ]
        })
      ).pipe(Effect.asVoid)
    ),
  timeoutMs: 10_000
}

describe("outbox relay contract: memory", () => {
  for (const c of outboxRelayContract) test(c.name, () => c.run(harness), 60_000)
})
