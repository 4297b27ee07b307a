// catalog-consumer settles the reservations finalize took, embedded (memory bus and store) and as its
// own process over this run's Kafka and Redis: `checkout.completed` commits (the units leave for
// good), `order.cancelled` and `order.refunded` put them back, each once however often the event comes;
// an order that holds no reservation is logged and skipped without blocking the events behind it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer, ManagedRuntime } from "effect"
import { type Reservation, StockReservations } from "@kasa/catalog"
import { layerKafka } from "@kasa/adapter-kafka"
import { layerRedisConnection, layerRedisStockReservations } from "@kasa/adapter-redis"
import { decodeEnvelope, type Envelope, EventBus, EventBusAdmin, makeEnvelope, toBusMessage, Topics } from "@kasa/shared"
import { publishTo, startTestApp, type TestApp } from "@kasa/test-support/app-harness"
import { runId, testKafka, testRedis } from "@kasa/test-support/infra"
import { type RunningProcess, startApp, stopProcess } from "@kasa/test-support/process"
import { waitFor } from "@kasa/test-support/wait-for"
import { catalogModule } from "../src/module.ts"

const tmp = mkdtempSync(join(tmpdir(), "kasa-catalog-consumer-"))

/** A data file with one product of `stock` units, unique to the caller. */
const productFile = (offerId: string, stock: number) => {
  const file = join(tmp, `${offerId}.json`)
  writeFileSync(file, JSON.stringify({ products: [{ offer_id: offerId, name: "Telewizor", category: "tv", price: 199900, currency: "PLN", weight_g: 17000, size_class: "large", stock }] }))
  return file
}

/** What the scenario needs of a running catalog, whichever mode it runs in. */
interface Harness {
  readonly reserve: (orderId: string, quantity: number) => Promise<Reservation>
  readonly publish: (topic: string, eventName: string, key: string, payload: Record<string, unknown>, envelope?: Envelope) => Promise<Envelope>
  readonly stock: () => Promise<number>
  readonly reservation: (orderId: string) => Promise<Reservation | undefined>
  readonly inventoryEvents: () => Promise<ReadonlyArray<Envelope>>
}

const envelopeOf = (eventName: string, key: string, payload: Record<string, unknown>) =>
  makeEnvelope({ eventName, aggregateId: key, correlationId: `corr_${runId}`, producer: "test", payload })

const settle = async (h: Harness, prefix: string, session: string) => {
  const order = (name: string) => `${prefix}-${name}`
  const eventually = (what: string, check: () => Promise<boolean>) => waitFor(check, { timeoutMs: 30_000, intervalMs: 50, describe: () => what })
  const statusOf = async (name: string) => (await h.reservation(order(name)))?.status
  // What the consumer published (the test's own reservations are relayed, or not, by whoever reserved).
  const namesFor = async (name: string) =>
    (await h.inventoryEvents()).filter((e) => e.payload.order_id === order(name) && e.event_name !== "inventory.reserved").map((e) => e.event_name)

  await h.reserve(order("a"), 2)
  await h.reserve(order("b"), 1)
  await h.reserve(order("c"), 1)
  expect(await h.stock()).toBe(1)

  await h.publish(Topics.checkout, "checkout.completed", session, { session_id: session, order_id: order("a"), cart_version: 3 })
  await eventually("a committed", async () => (await statusOf("a")) === "committed")
  expect(await h.stock()).toBe(1)

  const cancelled = await h.publish(Topics.order, "order.cancelled", order("b"), { order_id: order("b"), session_id: session, status: "CANCELLED", previous_status: "PAYMENT_FAILED", reason: "payment_retry_expired" })
  await eventually("b released", async () => (await statusOf("b")) === "released")
  expect(await h.stock()).toBe(2)
  // The same event again (a redelivery) and a second cancellation of the same order: nothing goes back twice.
  await h.publish(Topics.order, "order.cancelled", order("b"), {}, cancelled)
  await h.publish(Topics.order, "order.cancelled", order("b"), { order_id: order("b"), session_id: session, status: "CANCELLED", previous_status: "CANCELLED", reason: "again" })

  await h.publish(Topics.order, "order.refunded", order("a"), { order_id: order("a"), session_id: session, status: "REFUNDED", previous_status: "CANCELLING" })
  await eventually("a released after its refund", async () => (await statusOf("a")) === "released")
  expect(await h.stock()).toBe(4)

  // An order that reserved nothing is skipped; the cancellation behind it on the same partition still lands.
  await h.publish(Topics.order, "order.cancelled", order("c"), { order_id: order("nothing"), session_id: session, status: "CANCELLED", previous_status: "PENDING", reason: "customer_request" })
  await h.publish(Topics.order, "order.cancelled", order("c"), { order_id: order("c"), session_id: session, status: "CANCELLED", previous_status: "PENDING", reason: "customer_request" })
  await eventually("c released", async () => (await statusOf("c")) === "released")
  expect(await h.stock()).toBe(5)

  await eventually("the inventory events of a, b and c", async () => (await namesFor("c")).includes("inventory.released"))
  expect(await namesFor("a")).toEqual(["inventory.committed", "inventory.released"])
  expect(await namesFor("b")).toEqual(["inventory.released"])
  const released = (await h.inventoryEvents()).filter((e) => e.event_name === "inventory.released" && String(e.payload.order_id).startsWith(prefix))
  expect(Object.fromEntries(released.map((e) => [e.payload.order_id, e.payload.reason]))).toEqual({
    [order("a")]: "refunded",
    [order("b")]: "payment_retry_expired",
    [order("c")]: "customer_request"
  })
  expect(await namesFor("nothing")).toEqual([])
}

describe("catalog-consumer, embedded", () => {
  let t: TestApp
  const offer = `emb-${runId}-tv`
  beforeAll(async () => {
    t = await startTestApp("catalog", [catalogModule({ dataFile: productFile(offer, 5) })])
  })
  afterAll(() => t.app.stop())

  test("commits on checkout.completed, releases on order.cancelled and order.refunded, once each", async () => {
    const stock = <A, E>(effect: (s: StockReservations["Service"]) => Effect.Effect<A, E>) => t.app.runtime.runPromise(Effect.flatMap(StockReservations, effect))
    await settle(
      {
        reserve: (orderId, quantity) => stock((s) => s.reserve({ orderId, sessionId: "sess_embedded", correlationId: "c", lines: [{ offer_id: offer, quantity }], ttlSeconds: 900 })),
        publish: async (topic, eventName, key, payload, envelope) => {
          const sent = envelope ?? envelopeOf(eventName, key, payload)
          await publishTo(t, topic, sent)
          return sent
        },
        stock: async () => (await stock((s) => s.stock([offer])))[0]!.stock,
        reservation: (orderId) => stock((s) => s.reservation(orderId)),
        inventoryEvents: async () =>
          (t.broker.topics.get(Topics.inventory) ?? []).flatMap((partition) => partition.log).flatMap((message) => {
            const decoded = decodeEnvelope(message.value)
            return decoded.ok ? [decoded.envelope] : []
          }).sort((a, b) => a.occurred_at.localeCompare(b.occurred_at))
      },
      `emb-${runId}`,
      "sess_embedded"
    )
  }, 60_000)
})

describe("catalog-consumer, as its own process over Kafka and Redis", () => {
  const offer = `dist-${runId}-tv`
  const keyPrefix = `kasa-test:${runId}:catalog-consumer:`
  let app: RunningProcess | undefined
  let probe: ManagedRuntime.ManagedRuntime<EventBus | EventBusAdmin | StockReservations, unknown> | undefined

  beforeAll(async () => {
    const [kafka, redis] = await Promise.all([testKafka(), testRedis()])
    app = await startApp(new URL("../src/main.ts", import.meta.url).pathname, { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix, CATALOG_DATA_FILE: productFile(offer, 5) }, 120_000)
    await waitFor(async () => (await fetch(`${app!.url}/health/ready`)).status === 200, { timeoutMs: 60_000, intervalMs: 100, describe: () => `catalog never ready:\n${app!.output()}` })
    probe = ManagedRuntime.make(
      Layer.mergeAll(
        layerKafka({ brokers: kafka.brokers.split(","), clientId: `catalog-probe-${runId}` }),
        // Another process (checkout) reserves on the same Redis, with the same prefix.
        layerRedisStockReservations({ outboxName: `catalog-consumer-test-${runId}` }).pipe(Layer.provide(layerRedisConnection({ url: redis.url, keyPrefix })))
      )
    )
  }, 180_000)

  afterAll(async () => {
    if (app !== undefined) await stopProcess(app.process)
    await probe?.dispose()
  })

  test("commits on checkout.completed, releases on order.cancelled and order.refunded, once each", async () => {
    const session = `sess_dist_${runId}`
    const stock = <A, E>(effect: (s: StockReservations["Service"]) => Effect.Effect<A, E>) => probe!.runPromise(Effect.flatMap(StockReservations, effect))
    await settle(
      {
        reserve: (orderId, quantity) => stock((s) => s.reserve({ orderId, sessionId: session, correlationId: "c", lines: [{ offer_id: offer, quantity }], ttlSeconds: 900 })),
        publish: async (topic, eventName, key, payload, envelope) => {
          const sent = envelope ?? envelopeOf(eventName, key, payload)
          await probe!.runPromise(Effect.flatMap(EventBus, (bus) => bus.publish([toBusMessage({ topic, key, envelope: sent })])))
          return sent
        },
        stock: async () => (await stock((s) => s.stock([offer])))[0]!.stock,
        reservation: (orderId) => stock((s) => s.reservation(orderId)),
        inventoryEvents: async () =>
          (await probe!.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(Topics.inventory))))
            .flatMap((message) => {
              const decoded = decodeEnvelope(message.value)
              return decoded.ok ? [decoded.envelope] : []
            })
            .sort((a, b) => a.occurred_at.localeCompare(b.occurred_at))
      },
      `dist-${runId}`,
      session
    )
  }, 180_000)
})
