// Every contract over a real Redis (found or started by @kasa/test-support/infra), beside
// adapters/memory/test/contracts.test.ts (the same contracts in memory). Every key is under this run's
// prefix; each open is a fresh connection, as a process has, and opens of one space share its data, as
// processes over one server do.
import { describe, test } from "bun:test"
import { Layer } from "effect"
import { createClient } from "redis"
import { layerRedisOutboxReader, layerRedisCodeUsage, layerRedisConnection, layerRedis, layerRedisStockReservations, type RedisConnection } from "@kasa/adapter-redis"
import { layerCartStore } from "@kasa/cart"
import { cartStoreContract } from "@kasa/cart/testing"
import { stockReservationsContract } from "@kasa/catalog/testing"
import { layerPromotionStore } from "@kasa/promotion"
import { codeUsageContract, promotionStoreContract } from "@kasa/promotion/testing"
import { layerServicesStore } from "@kasa/services"
import { servicesStoreContract } from "@kasa/services/testing"
import { newSessionId, type StateStore } from "@kasa/shared"
import { layerShippingStore } from "@kasa/shipping"
import { shippingStoreContract } from "@kasa/shipping/testing"
import { type OpenHarness, openLayer, runContract, uniqueNames } from "@kasa/shared/testing/contract"
import { stateStoreContract } from "@kasa/shared/testing/state-store-contract"
import { runId, runPrefix, testRedis } from "@kasa/test-support/infra"

const runner = { describe, test }
const redisUrl = async (): Promise<string> => (await testRedis()).url
const clientName = (label: string) => `kasa-test-${runId}-${label}`

/** A StateStore (and its outbox's reader, lease and backlog) on the outbox `outbox`, over a connection of its own. */
const stateStore = async (label: string, outbox: string) =>
  layerRedis({ url: await redisUrl(), keyPrefix: runPrefix, outboxName: outbox, clientName: clientName(label) })

/** A context's store over the StateStore of the space (its outbox). */
const contextStore = <S>(label: string, store: Layer.Layer<S, never, StateStore>) => ({
  open: async (outbox: string) => openLayer(Layer.provideMerge(store, await stateStore(label, outbox))),
  name: uniqueNames(`${label}:`),
  sessionId: newSessionId
})

/** A harness whose every space is a key prefix of its own under this run's, `port` on a connection to it. */
const prefixes = <R>(label: string, port: Layer.Layer<R, unknown, RedisConnection>): OpenHarness<R> => ({
  open: async (space) => openLayer(port.pipe(Layer.provide(layerRedisConnection({ url: await redisUrl(), keyPrefix: `${runPrefix}${label}:${space}:`, clientName: clientName(label) })))),
  name: uniqueNames()
})

/** Connections of the StateStore suite parked in a blocking read (CLIENT LIST flags contain "b"). */
const parkedWaits = async (): Promise<number> => {
  const admin = createClient({ url: await redisUrl() })
  admin.on("error", () => {})
  await admin.connect()
  try {
    const list = await admin.clientList()
    return list.filter((c) => c.name === `${clientName("contract")}:outbox-wait` && c.flags.includes("b")).length
  } finally {
    admin.destroy()
  }
}

runContract(runner, "StateStore contract: Redis", stateStoreContract, { open: async (outbox) => openLayer(await stateStore("contract", outbox)), name: uniqueNames("contract:"), timeoutMs: 10_000, parkedWaits })
runContract(runner, "StockReservations contract: Redis", stockReservationsContract, prefixes("stock", Layer.mergeAll(layerRedisStockReservations({ outboxName: "catalog" }), layerRedisOutboxReader({ outboxName: "catalog" }))))
runContract(runner, "CodeUsage contract: Redis", codeUsageContract, prefixes("code-usage", Layer.mergeAll(layerRedisCodeUsage({ outboxName: "promotion" }), layerRedisOutboxReader({ outboxName: "promotion" }))))
runContract(runner, "CartStore contract: Redis", cartStoreContract, contextStore("cart-contract", layerCartStore))
runContract(runner, "PromotionStore contract: Redis", promotionStoreContract, contextStore("promotion-contract", layerPromotionStore))
runContract(runner, "ServicesStore contract: Redis", servicesStoreContract, contextStore("services-contract", layerServicesStore))
runContract(runner, "ShippingStore contract: Redis", shippingStoreContract, contextStore("shipping-contract", layerShippingStore))
