// The cart and the promotion as two processes, the way they are deployed: each its own `bun` process
// over the real Kafka broker and Redis (keys under this run's prefix), no HTTP between them. A cart
// change made in the cart app reaches the promotion app through cart-events: GET
// /promotions/available reflects it within a bounded wait; after the shopper applies the promotion,
// taking items out so the cart no longer qualifies makes the promotion app publish promotion.removed
// on promotion-events, read here straight from Kafka.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import type { AvailableView } from "@kasa/promotion"
import { decodeEnvelope, type Envelope, EventBusAdmin, Topics } from "@kasa/shared"
import { runId, runPrefix, testKafka, testRedis } from "@kasa/test-support/infra"
import { type RunningProcess, startApp, stopProcess } from "@kasa/test-support/process"
import { readUntil } from "@kasa/test-support/wait-for"
import { newSession, type Session } from "@kasa/test-support/app-harness"

const cartEntry = new URL("../../cart/src/main.ts", import.meta.url).pathname
const promotionEntry = new URL("../src/main.ts", import.meta.url).pathname

let cart: RunningProcess
let promotion: RunningProcess
let brokers: string

const ready = (app: RunningProcess) =>
  readUntil(async () => {
    const response = await fetch(`${app.url}/health/ready`)
    return { status: response.status, body: (await response.json()) as unknown }
  }, (answer) => answer.status === 200, `${app.url} ready`, 60_000)

beforeAll(async () => {
  const [kafka, redis] = await Promise.all([testKafka(), testRedis()])
  brokers = kafka.brokers
  const env = { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, REDIS_KEY_PREFIX: `${runPrefix}cart-promotion:` }
  ;[cart, promotion] = await Promise.all([startApp(cartEntry, env, 60_000), startApp(promotionEntry, env, 60_000)])
  await Promise.all([ready(cart), ready(promotion)])
}, 120_000)

afterAll(async () => {
  await Promise.all([stopProcess(cart?.process), stopProcess(promotion?.process)])
})

const send = (app: RunningProcess, method: string, path: string, session: Session, body?: unknown) =>
  fetch(`${app.url}${path}`, {
    method,
    headers: { "X-Session-Id": session.token, "X-Correlation-Id": `corr_${runId}_promo`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })

/** The session's events on promotion-events in Kafka. */
const promotionEventsOnKafka = (session: Session): Promise<ReadonlyArray<Envelope>> =>
  Effect.runPromise(
    Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(Topics.promotion)).pipe(
      Effect.map((messages) =>
        messages.filter((m) => m.key === session.id).flatMap((m) => {
          const decoded = decodeEnvelope(m.value)
          return decoded.ok ? [decoded.envelope] : []
        })
      ),
      Effect.provide(layerKafka({ brokers: brokers.split(","), clientId: `promotion-test-${runId}` }))
    )
  )

describe("cart and promotion, two processes over Kafka and Redis", () => {
  test("a cart change shows in GET /promotions/available; taking items out publishes promotion.removed", async () => {
    expect(cart.output()).toContain('"mode":"distributed"')
    expect(promotion.output()).toContain('"mode":"distributed"')
    const session = newSession()

    // Two wall mounts (accessories at 14999 in the shipped catalog), added in the cart app.
    const added = await send(cart, "POST", "/cart/items", session, { offer_id: "tv-wall-mount-vesa400", quantity: 2, type: "accessory" })
    expect(added.status).toBe(201)
    // A new cart counts its versions from the clock; its first line is named after its first version.
    const v1 = ((await added.json()) as { cart_version: number }).cart_version
    const available = await readUntil(
      async () => (await (await send(promotion, "GET", `/promotions/available?cart_id=${session.id}`, session)).json()) as AvailableView,
      (body) => body.promotions.length > 0,
      "the promotion app sees the cart",
      30_000
    )
    expect(available).toEqual({ promotions: [{ promotion_id: "second-item-half-price", name: "Second accessory at half price (2 za 50%)", discount_amount: 7_499, currency: "PLN" }] })

    const applied = await send(promotion, "POST", "/promotions/apply", session, { promotion_id: "second-item-half-price" })
    expect(applied.status).toBe(200)
    expect(await applied.json()).toEqual({ promotion_id: "second-item-half-price", promotion_name: "Second accessory at half price (2 za 50%)", discount_amount: 7_499, discount_currency: "PLN" })

    // One mount out, in the cart app: the cart no longer qualifies.
    expect((await send(cart, "PATCH", `/cart/items/item_${v1}`, session, { quantity: 1 })).status).toBe(200)
    const events = await readUntil(() => promotionEventsOnKafka(session), (seen) => seen.some((e) => e.event_name === "promotion.removed"), "promotion.removed on promotion-events", 30_000)
    expect(events.map((e) => [e.event_name, e.payload.promotion_id, e.payload.discount_amount ?? e.payload.reason])).toEqual([
      ["promotion.applied", "second-item-half-price", 7_499],
      ["promotion.removed", "second-item-half-price", "minimum_not_met"]
    ])
    expect(events[1]).toMatchObject({ aggregate_id: session.id, producer: "promotion", correlation_id: `corr_${runId}_promo`, payload: { session_id: session.id, cart_version: v1 + 1 } })
    expect(await (await send(promotion, "GET", "/promotions/applied", session)).json()).toEqual({ promotions: [], code: null, total_discount: 0 })
    expect(await (await send(promotion, "GET", `/promotions/available?cart_id=${session.id}`, session)).json()).toEqual({ promotions: [] })
  }, 120_000)
})
