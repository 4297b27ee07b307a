// Checkout distributed, in process, over this run's Kafka and Redis (with the catalog for its stock):
// cart, shipping and payment events published on Kafka reach the checkout-consumer and the summary is
// read back with `?after=` (no polling); finalize publishes `checkout.order_created`; then
// `payment.succeeded` → `checkout.completed` carrying the order's cart_version, and for another
// shopper `payment.failed` → `payment_failed`, then the retry window (1 s here) running out →
// `checkout.payment_retry_expired` on Kafka and the checkout cancelled.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { catalogModule } from "@kasa/app-catalog"
import { type App, createApp } from "@kasa/app-platform"
import { decodeEnvelope, type Envelope, EventBus, EventBusAdmin, toBusMessage, Topics } from "@kasa/shared"
import { newSession, type Session, TEST_SESSION_SECRET } from "@kasa/test-support/app-harness"
import { runPrefix, testKafka, testRedis } from "@kasa/test-support/infra"
import { waitFor } from "@kasa/test-support/wait-for"
import { APPLIED_HEADER, checkoutModule } from "../src/index.ts"
import { CONSENTS, CUSTOMER, FRIDGE, grandTotalOf, paymentEvent, type Published, readyEvents } from "./fixtures.ts"

let app: App

beforeAll(async () => {
  const [kafka, redis] = await Promise.all([testKafka(), testRedis()])
  const env = { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, SESSION_SECRET: TEST_SESSION_SECRET, PAYMENT_RETRY_WINDOW_SECONDS: "1" }
  app = await createApp({
    name: "checkout",
    modules: [catalogModule(), checkoutModule({ env, sweepIntervalMs: 100 })],
    env,
    keyPrefix: `${runPrefix}checkout-distributed:`,
    log: () => {}
  })
  await Promise.all(app.subscriptions.map((subscription) => app.runtime.runPromise(subscription.ready)))
}, 180_000)

afterAll(() => app?.stop())

const request = (method: string, path: string, session: Session, body?: unknown) =>
  app.http.request(path, {
    method,
    headers: { "X-Session-Id": session.token, "X-Correlation-Id": "corr_checkout_distributed", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })

const publish = (events: ReadonlyArray<Published>) =>
  app.runtime.runPromise(Effect.flatMap(EventBus, (bus) => bus.publish(events.map((e) => toBusMessage({ topic: e.topic, key: e.envelope.aggregate_id, envelope: e.envelope })))))

/**
 * Publishes the events on Kafka and reads the summary once checkout has applied every one of them
 * (events of different topics are consumed independently, so the last one applied says nothing of
 * the others: each is waited for).
 */
const feed = async (session: Session, events: ReadonlyArray<Published>) => {
  await publish(events)
  let summary: Record<string, unknown> = {}
  for (const event of events) {
    const response = await request("GET", `/checkout/summary?after=${event.envelope.event_id}&wait_ms=10000`, session)
    expect(response.status).toBe(200)
    expect(response.headers.get(APPLIED_HEADER)).toBe("true")
    summary = (await response.json()) as Record<string, unknown>
  }
  return summary
}

/** The session's events on checkout-events in Kafka named `name`, once there are `count` (or fails saying so). */
const onKafka = (session: Session, name: string, count = 1) =>
  waitFor(
    async () => {
      const messages = await app.runtime.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(Topics.checkout)))
      const found: Array<Envelope> = messages.flatMap((m) => {
        const decoded = decodeEnvelope(m.value)
        return decoded.ok && m.key === session.id && decoded.envelope.event_name === name ? [decoded.envelope] : []
      })
      return found.length >= count ? found : undefined
    },
    { timeoutMs: 30_000, intervalMs: 100, describe: () => `${count} ${name} for ${session.id} on Kafka` }
  )

/** A shopper who finalized one fridge: the events in, data and consents given, 202. */
const finalized = async () => {
  const session = newSession()
  const summary = await feed(session, readyEvents(session.id))
  expect(summary).toMatchObject({ status: "open", cart_total: FRIDGE.unit_price, shipping_total: 9_900, grand_total: grandTotalOf(1), shipping: { method_id: "pallet", address: { city: "Warszawa" } }, payment: { method_id: "blik" } })
  expect((await request("POST", "/checkout/customer-data", session, CUSTOMER)).status).toBe(200)
  expect((await request("POST", "/checkout/consents", session, CONSENTS)).status).toBe(200)
  const response = await request("POST", "/checkout/finalize", session, { expected_total: grandTotalOf(1) })
  expect(response.status).toBe(202)
  const { order_id } = (await response.json()) as { order_id: string }
  const [created] = await onKafka(session, "checkout.order_created")
  expect(created!.payload).toMatchObject({ order_id, cart_version: 1, grand_total: grandTotalOf(1), payment_method_id: "blik" })
  expect(created!.correlation_id).toBe("corr_checkout_distributed")
  const initialized = paymentEvent(session.id, "payment.initialized", { order_id, transaction_id: `txn_${order_id}_1`, method_id: "blik", gateway: "sandbox", amount_total: grandTotalOf(1), currency: "PLN" })
  expect(await feed(session, [initialized])).toMatchObject({ status: "finalized", order_id, payment: { transaction_id: `txn_${order_id}_1`, status: "initialized" } })
  return { session, order_id }
}

describe("checkout, distributed over Kafka and Redis", () => {
  test("events in → the summary (read with ?after=); finalize → order_created; payment.succeeded → checkout.completed with the cart_version", async () => {
    expect(app.config.mode).toBe("distributed")
    const { session, order_id } = await finalized()
    const succeeded = paymentEvent(session.id, "payment.succeeded", { order_id, transaction_id: `txn_${order_id}_1`, amount_total: grandTotalOf(1), currency: "PLN", gateway_reference: "ref_1" })
    expect(await feed(session, [succeeded])).toMatchObject({ status: "completed", order_id, payment: { status: "succeeded" } })
    const [completed] = await onKafka(session, "checkout.completed")
    expect(completed!.payload).toEqual({ session_id: session.id, order_id, cart_version: 1 })
    expect(completed!.causation_id).toBe(succeeded.envelope.event_id)
  }, 120_000)

  test("payment.failed → payment_failed; the retry window runs out → checkout.payment_retry_expired, cancelled", async () => {
    const { session, order_id } = await finalized()
    const failed = paymentEvent(session.id, "payment.failed", { order_id, transaction_id: `txn_${order_id}_1`, reason: "declined", error_code: "insufficient_funds" })
    expect(await feed(session, [failed])).toMatchObject({ status: "payment_failed", order_id, payment: { status: "failed" } })
    const [expired] = await onKafka(session, "checkout.payment_retry_expired")
    expect(expired!.payload).toEqual({ session_id: session.id, order_id })
    expect(expired!.correlation_id).toBe("corr_checkout_distributed")
    expect(((await (await request("GET", "/checkout/summary", session)).json()) as { status: string }).status).toBe("cancelled")
  }, 120_000)
})
