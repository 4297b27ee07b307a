// The cart app and the shipping app, each as its own process (`apps/cart/src/main.ts`,
// `apps/shipping/src/main.ts`, started the way a user starts them), distributed over this run's real
// Kafka and Redis (REDIS_KEY_PREFIX under the run's prefix). The apps never call each other: the
// cart publishes cart-events, shipping projects them. An item added in the cart app shows up in the
// shipping app's GET /shipping/available within a bounded wait; with parcel_locker selected, an
// oversize item added in the cart app takes courier and parcel_locker away, offers pallet, and makes
// shipping publish shipping.method_invalidated on Kafka, caused by the cart's event.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, ManagedRuntime } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import { decodeEnvelope, type Envelope, EventBusAdmin, Topics } from "@kasa/shared"
import { runId, runPrefix, testKafka, testRedis } from "@kasa/test-support/infra"
import { type RunningProcess, startApp, stopProcess } from "@kasa/test-support/process"
import { waitFor } from "@kasa/test-support/wait-for"
import { newSession, type Session } from "@kasa/test-support/app-harness"

const cartMain = new URL("../../cart/src/main.ts", import.meta.url).pathname
const shippingMain = new URL("../src/main.ts", import.meta.url).pathname
const keyPrefix = `${runPrefix}shipping-distributed:`

let cart: RunningProcess | undefined
let shipping: RunningProcess | undefined
let kafkaAdmin: ManagedRuntime.ManagedRuntime<EventBusAdmin, never> | undefined

beforeAll(async () => {
  const [kafka, redis] = await Promise.all([testKafka(), testRedis()])
  const env = { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix, OUTBOX_RELAY: "on" }
  ;[cart, shipping] = await Promise.all([startApp(cartMain, env, 60_000), startApp(shippingMain, env, 60_000)])
  for (const app of [cart, shipping]) {
    await waitFor(async () => ((await fetch(`${app.url}/health/ready`)).status === 200 ? true : undefined), {
      timeoutMs: 60_000,
      describe: () => app.output().slice(-2_000)
    })
  }
  kafkaAdmin = ManagedRuntime.make(layerKafka({ brokers: kafka.brokers.split(","), clientId: `kasa-test-${runId}-shipping-reader` })) as ManagedRuntime.ManagedRuntime<EventBusAdmin, never>
}, 120_000)

afterAll(async () => {
  await Promise.all([stopProcess(cart?.process), stopProcess(shipping?.process)])
  await kafkaAdmin?.dispose()
})

const post = (app: RunningProcess, path: string, session: Session, body: unknown, correlationId: string) =>
  fetch(`${app.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-Session-Id": session.token, "X-Correlation-Id": correlationId },
    body: JSON.stringify(body)
  })

interface Available {
  readonly methods: ReadonlyArray<{ readonly method_id: string; readonly price_amount: number }>
  readonly selected_method_id: string | null
}

const available = async (session: Session): Promise<Available> =>
  (await (await fetch(`${shipping!.url}/shipping/available`, { headers: { "X-Session-Id": session.token } })).json()) as Available

/** The session's events on a topic in Kafka, decoded, in order. */
const eventsOn = (topic: string, session: Session): Promise<ReadonlyArray<Envelope>> =>
  kafkaAdmin!.runPromise(
    Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(topic)).pipe(
      Effect.map((messages) =>
        messages
          .filter((m) => m.key === session.id)
          .flatMap((m) => {
            const decoded = decodeEnvelope(m.value)
            return decoded.ok ? [decoded.envelope] : []
          })
      )
    )
  )

describe("cart and shipping as two processes over Kafka and Redis", () => {
  test("an oversize item added in the cart app reaches shipping's methods; the selected parcel locker is invalidated on Kafka", async () => {
    const session = newSession()
    const ids = (a: Available) => a.methods.map((m) => m.method_id)

    const small = await post(cart!, "/cart/items", session, { offer_id: "hdmi-cable-2m", quantity: 1, type: "offer" }, "corr_it_small")
    expect(small.status).toBe(201)
    let seen: Available | undefined
    await waitFor(async () => ((seen = await available(session)), ids(seen).includes("parcel_locker") ? true : undefined), {
      timeoutMs: 30_000,
      describe: () => JSON.stringify(seen)
    })
    expect(ids(seen!)).toEqual(["courier", "parcel_locker", "store_pickup"])

    const selected = await post(shipping!, "/shipping/select", session, { method_id: "parcel_locker" }, "corr_it_select")
    expect(selected.status).toBe(200)
    expect(await selected.json()).toEqual({ method_id: "parcel_locker", method_name: "Parcel locker", price_amount: 1_299, price_currency: "PLN" })

    const oversize = await post(cart!, "/cart/items", session, { offer_id: "fridge-samsung-rb38", quantity: 1, type: "offer" }, "corr_it_fridge")
    expect(oversize.status).toBe(201)
    await waitFor(async () => ((seen = await available(session)), ids(seen).includes("pallet") ? true : undefined), {
      timeoutMs: 30_000,
      describe: () => JSON.stringify(seen)
    })
    expect(ids(seen!)).toEqual(["store_pickup", "pallet"])
    expect(seen!.selected_method_id).toBeNull()

    let shippingEvents: ReadonlyArray<Envelope> = []
    await waitFor(async () => ((shippingEvents = await eventsOn(Topics.shipping, session)), shippingEvents.length >= 2 ? true : undefined), {
      timeoutMs: 30_000,
      describe: () => JSON.stringify(shippingEvents.map((e) => e.event_name))
    })
    const cartEvents = await eventsOn(Topics.cart, session)
    const fridgeAdded = cartEvents.find((e) => e.event_name === "cart.item_added" && e.payload.offer_id === "fridge-samsung-rb38")
    expect(fridgeAdded).toBeDefined()
    expect(shippingEvents.map((e) => e.event_name)).toEqual(["shipping.method_selected", "shipping.method_invalidated"])
    expect(shippingEvents[1]).toMatchObject({
      aggregate_id: session.id,
      producer: "shipping",
      correlation_id: "corr_it_fridge",
      causation_id: fridgeAdded!.event_id,
      payload: { session_id: session.id, method_id: "parcel_locker", reason: "oversize_item" }
    })
    expect(shipping!.output()).toContain('"mode":"distributed"')
  }, 120_000)
})
