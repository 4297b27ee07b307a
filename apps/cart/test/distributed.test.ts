// The cart distributed, in process: its state in a real Redis (every key under this run's prefix),
// its events through the outbox relay onto a real Kafka broker, and the cart-consumer reading
// checkout-events from Kafka: an item added is published, a checkout.completed clears the cart and
// cart.cleared follows on Kafka, caused by it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { EventBus, EventBusAdmin, decodeEnvelope, StateStore, type Envelope, makeEnvelope, toBusMessage, Topics } from "@kasa/shared"
import { type CartView, noFloor } from "@kasa/cart"
import { type App, createApp } from "@kasa/app-platform"
import { runPrefix, testKafka, testRedis } from "@kasa/test-support/infra"
import { cartModule } from "../src/module.ts"
import { writeCatalogFile } from "./fixtures.ts"
import { newSession, type Session, TEST_SESSION_SECRET } from "@kasa/test-support/app-harness"

let app: App
let catalog: Awaited<ReturnType<typeof writeCatalogFile>>

beforeAll(async () => {
  const [kafka, redis] = await Promise.all([testKafka(), testRedis()])
  catalog = await writeCatalogFile()
  app = await createApp({
    name: "cart",
    modules: [cartModule({ catalogFile: catalog.file, versionFloor: noFloor })],
    env: { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, SESSION_SECRET: TEST_SESSION_SECRET },
    keyPrefix: runPrefix,
    log: () => {}
  })
  await app.runtime.runPromise(app.subscriptions[0]!.ready)
}, 120_000)

afterAll(async () => {
  await app?.stop()
  await catalog?.remove()
})

const request = (method: string, path: string, session: Session, body?: unknown) =>
  app.http.request(path, {
    method,
    headers: { "X-Session-Id": session.token, "X-Correlation-Id": "corr_distributed_cart", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })

/** The session's events on the cart-events topic in Kafka, once `count` of them are there (or fails saying what it saw). */
const eventsOnKafka = (session: Session, count: number) =>
  app.runtime.runPromise(
    Effect.gen(function* () {
      const admin = yield* EventBusAdmin
      const deadline = Date.now() + 30_000
      let seen: Array<Envelope> = []
      while (true) {
        const messages = yield* admin.readTopic(Topics.cart)
        seen = messages.filter((m) => m.key === session.id).flatMap((m) => {
          const decoded = decodeEnvelope(m.value)
          return decoded.ok ? [decoded.envelope] : []
        })
        if (seen.length >= count) return seen
        if (Date.now() > deadline) return yield* Effect.die(new Error(`expected ${count} events on Kafka, saw ${JSON.stringify(seen.map((e) => e.event_name))}`))
        yield* Effect.sleep(50)
      }
    })
  )

describe("cart, distributed over Kafka and Redis", () => {
  test("an added item is stored in Redis under SPEC's keys and published on Kafka; checkout.completed from Kafka clears it", async () => {
    expect(app.config.mode).toBe("distributed")
    const session = newSession()
    const added = await request("POST", "/cart/items", session, { offer_id: "tv-55-oled", quantity: 2, type: "offer" })
    expect(added.status).toBe(201)

    // Read back through the app's Redis StateStore: the same keys, under this run's prefix.
    const stored = await app.runtime.runPromise(
      Effect.gen(function* () {
        const state = yield* StateStore
        const [view, counter] = yield* state.getMany([`cart:view:${session.id}`, `cart:counter:${session.id}`])
        return { view: JSON.parse(view!) as CartView, counter, stream: yield* state.readStream(`cart:events:${session.id}`) }
      })
    )
    expect(stored.view).toMatchObject({ session_id: session.id, cart_version: 1, item_count: 2 })
    expect(stored.counter).toBe("2")
    expect(stored.stream.map((entry) => entry.event_name)).toEqual(["cart.item_added"])

    const [itemAdded] = await eventsOnKafka(session, 1)
    expect(itemAdded).toMatchObject({ event_name: "cart.item_added", aggregate_id: session.id, correlation_id: "corr_distributed_cart", payload: { cart_version: 1 } })

    const completed = makeEnvelope({ eventName: "checkout.completed", aggregateId: session.id, correlationId: "corr_distributed_checkout", producer: "checkout", payload: { session_id: session.id, order_id: "ord_d1" } })
    await app.runtime.runPromise(Effect.flatMap(EventBus, (bus) => bus.publish([toBusMessage({ topic: Topics.checkout, key: session.id, envelope: completed })])))

    const events = await eventsOnKafka(session, 2)
    expect(events[1]).toMatchObject({ event_name: "cart.cleared", causation_id: completed.event_id, correlation_id: "corr_distributed_checkout", payload: { cart_version: 2, lines: [] } })
    expect(await (await request("GET", "/cart", session)).json()).toMatchObject({ items: [], cart_version: 2 })
  }, 90_000)
})
