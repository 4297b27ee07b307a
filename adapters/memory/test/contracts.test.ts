// Every contract over the in-memory adapters (the embedded mode), beside adapters/redis/test/contracts.test.ts
// (the same contracts over Redis). Each space is one MemoryStateData, shared by every open of it as one
// process's state is, so two opens of one space are two processes over one server.
import { describe, test } from "bun:test"
import { Effect, Layer } from "effect"
import { layerMemoryEventBus, layerMemoryCodeUsage, layerMemoryStockReservations, layerMemoryStateStore, MemoryBroker, MemoryStateData, type MemoryStateOptions } from "@kasa/adapter-memory"
import { layerCartStore } from "@kasa/cart"
import { cartStoreContract } from "@kasa/cart/testing"
import { stockReservationsContract } from "@kasa/catalog/testing"
import { layerPromotionStore } from "@kasa/promotion"
import { codeUsageContract, promotionStoreContract } from "@kasa/promotion/testing"
import { layerServicesStore } from "@kasa/services"
import { servicesStoreContract } from "@kasa/services/testing"
import { makeEnvelope, newSessionId, StateStore } from "@kasa/shared"
import { layerShippingStore } from "@kasa/shipping"
import { shippingStoreContract } from "@kasa/shipping/testing"
import { type OpenHarness, openLayer, runContract, spaces, uniqueNames } from "@kasa/shared/testing/contract"
import { eventBusContract, type EventBusHarness } from "@kasa/shared/testing/event-bus-contract"
import { outboxRelayContract } from "@kasa/shared/testing/outbox-relay-contract"
import { stateStoreContract } from "@kasa/shared/testing/state-store-contract"

const runner = { describe, test }
const name = uniqueNames()

/** A harness whose every space is one MemoryStateData, with `layer` built over it. */
const memory = <R>(layer: (data: MemoryStateData) => Layer.Layer<R>, options: MemoryStateOptions = {}): OpenHarness<R> => {
  const dataOf = spaces(() => new MemoryStateData(options))
  return { open: (space) => openLayer(layer(dataOf(space))), name }
}

/** A context's store over the in-memory StateStore of the space (its outbox). */
const contextStore = <S>(store: Layer.Layer<S, never, StateStore>, options: MemoryStateOptions = {}) => ({
  ...memory((data) => Layer.provideMerge(store, layerMemoryStateStore(data)), options),
  sessionId: newSessionId
})

runContract(runner, "StateStore contract: memory", stateStoreContract, { ...memory((data) => layerMemoryStateStore(data)), timeoutMs: 5_000 })
runContract(runner, "StockReservations contract: memory", stockReservationsContract, memory((data) => Layer.mergeAll(layerMemoryStockReservations(data), layerMemoryStateStore(data))))
runContract(runner, "CodeUsage contract: memory", codeUsageContract, memory((data) => Layer.mergeAll(layerMemoryCodeUsage(data), layerMemoryStateStore(data))))
runContract(runner, "CartStore contract: memory", cartStoreContract, contextStore(layerCartStore))
runContract(runner, "PromotionStore contract: memory", promotionStoreContract, contextStore(layerPromotionStore))
runContract(runner, "ServicesStore contract: memory", servicesStoreContract, contextStore(layerServicesStore))
runContract(runner, "ShippingStore contract: memory", shippingStoreContract, contextStore(layerShippingStore))
// The same with the values' packing dictionary settled after the first long value (packed-text.ts), so
// every later value is packed against it, as in a process that has served its first carts.
const learned: MemoryStateOptions = { learnFrom: 1 }
runContract(runner, "StateStore contract: memory, dictionary learned", stateStoreContract, { ...memory((data) => layerMemoryStateStore(data), learned), timeoutMs: 5_000 })
runContract(runner, "CartStore contract: memory, dictionary learned", cartStoreContract, contextStore(layerCartStore, learned))

// The relay's poison entry is an event whose payload cannot be encoded (a BigInt), the one kind of
// entry memory can hold and never publish.
const relayBroker = new MemoryBroker()
runContract(runner, "outbox relay contract: memory", outboxRelayContract, {
  ...memory((data) => Layer.mergeAll(layerMemoryEventBus(relayBroker), layerMemoryStateStore(data))),
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
})

// The bus over a broker that keeps every message, and over one that trims what every group has
// committed (the embedded app's), with the in-memory StateStore.
const busOver = (broker: MemoryBroker): EventBusHarness => {
  const opened = openLayer(Layer.mergeAll(layerMemoryEventBus(broker), layerMemoryStateStore()))
  return {
    topic: async (base, partitions = 3) => {
      const topic = name(base)
      broker.createTopic(topic, partitions)
      broker.createTopic(`${topic}.dlq`, partitions)
      return topic
    },
    group: name,
    run: async (effect) => (await opened).run(effect),
    timeoutMs: 5_000
  }
}
runContract(runner, "EventBus contract: memory", eventBusContract, busOver(new MemoryBroker()), 120_000)
runContract(runner, "EventBus contract: memory, trimming", eventBusContract, busOver(new MemoryBroker({ trim: true })), 120_000)
