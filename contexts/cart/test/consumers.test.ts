// The cart-consumer over the in-memory bus and store, through the kernel's consumer runtime:
// checkout.completed clears the cart once (also when delivered twice) and publishes cart.cleared
// caused by it; other events are ignored; a payload that does not fit goes to the DLQ.
import { describe, expect, test } from "bun:test"
import { Effect, Layer } from "effect"
import { addItem, CART_CONSUMER_GROUP, CART_CONSUMER_TOPICS, cartConsumer, CartVersionFloor, getCart, layerCartStore, layerOfferLookup, noFloor } from "@kasa/cart"
import { fixtureOffers, fixtureServiceRules, layerServicePricingTable, lineRequest } from "@kasa/cart/testing"
import { ConsumerGroups, dlqTopic, makeEnvelope, newSessionId, Topics, type Envelope } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { startConsumerHarness } from "@kasa/test-support/consumer-harness"

// Versions from 1, so the cases can name lines item_1, item_2 (the floor has its own test).
const { data, runtime, logged, publish: publishTo, caughtUp } = await startConsumerHarness({
  consumer: cartConsumer(),
  ports: () => Layer.mergeAll(layerCartStore, layerOfferLookup(fixtureOffers), layerServicePricingTable(fixtureServiceRules), Layer.succeed(CartVersionFloor, noFloor)),
  publishes: [Topics.cart]
})

const checkoutEvent = (eventName: string, payload: Record<string, unknown>, key: string): Envelope =>
  makeEnvelope({ eventName, aggregateId: key, correlationId: "corr_checkout_1", producer: "checkout", payload })

const publish = (envelope: Envelope) => publishTo(Topics.checkout, envelope)

const outboxOf = (sessionId: string) => data.outbox.filter((entry) => entry.event.key === sessionId).map((entry) => entry.event.envelope)

const processedCount = (envelope: Envelope) => (data.processed.has(`${CART_CONSUMER_GROUP}\u0000${envelope.event_id}`) ? 1 : 0)

const cartWithTv = async () => {
  const session_id = newSessionId()
  await runtime.runPromise(addItem({ session_id, correlation_id: "corr_shopper", user_id: "user_7" }, lineRequest("tv-55-oled")))
  return session_id
}

describe("cart-consumer", () => {
  test("subscribes as SPEC §3.3 says", () => {
    expect(CART_CONSUMER_GROUP).toBe("cart-consumer")
    expect([...CART_CONSUMER_TOPICS]).toEqual([...ConsumerGroups["cart-consumer"]!])
  })

  test("checkout.completed clears the cart and publishes cart.cleared caused by it, once even when delivered twice", async () => {
    const session_id = await cartWithTv()
    const completed = checkoutEvent("checkout.completed", { session_id, order_id: "ord_1", user_id: "user_7" }, session_id)
    await publish(completed)
    await publish(completed)
    await Effect.runPromise(waitUntil(caughtUp, { describe: () => JSON.stringify(outboxOf(session_id)), timeoutMs: 5_000 }))
    const view = await runtime.runPromise(getCart(session_id))
    expect(view).toMatchObject({ items: [], cart_total: 0, cart_version: 2 })
    const cleared = outboxOf(session_id)[1]!
    expect(cleared).toMatchObject({
      event_name: "cart.cleared",
      aggregate_id: session_id,
      correlation_id: "corr_checkout_1",
      causation_id: completed.event_id,
      producer: "cart",
      payload: { session_id, user_id: "user_7", cart_version: 2, lines: [], currency: "PLN" }
    })
    expect(outboxOf(session_id)).toHaveLength(2)
    expect(processedCount(completed)).toBe(1)
  })

  test("other checkout events are ignored: the cart stays as it is, and each unknown name is logged once", async () => {
    const session_id = await cartWithTv()
    const other = checkoutEvent("checkout.totals_updated", { session_id, cart_total: 1 }, session_id)
    await publish(other)
    await publish(checkoutEvent("checkout.totals_updated", { session_id, cart_total: 2 }, session_id))
    await Effect.runPromise(waitUntil(caughtUp, { describe: () => "not consumed", timeoutMs: 5_000 }))
    // Nothing written for an ignored event, not even its marker (handling it again ignores it again).
    expect(processedCount(other)).toBe(0)
    expect((await runtime.runPromise(getCart(session_id))).items).toHaveLength(1)
    expect(outboxOf(session_id)).toHaveLength(1)
    expect(logged.filter((line) => line.includes("ignores this event name") && line.includes("checkout.totals_updated"))).toHaveLength(1)
  })

  test("checkout.completed for a session without a cart writes only the processed marker", async () => {
    const session_id = newSessionId()
    const completed = checkoutEvent("checkout.completed", { session_id, order_id: "ord_2" }, session_id)
    await publish(completed)
    await Effect.runPromise(waitUntil(caughtUp, { describe: () => "not consumed", timeoutMs: 5_000 }))
    expect(processedCount(completed)).toBe(1)
    expect(outboxOf(session_id)).toEqual([])
    expect([...data.values.keys()].filter((key) => key.includes(session_id))).toEqual([])
  })

  test("a checkout.completed without a valid session_id goes to the DLQ at once", async () => {
    const broken = checkoutEvent("checkout.completed", { order_id: "ord_3", session_id: "not-a-session" }, "not-a-session")
    await publish(broken)
    const dlq = () => data.pendingMessages(dlqTopic(Topics.checkout))
    await Effect.runPromise(waitUntil(() => dlq().length === 1, { describe: () => `${dlq().length} dead letters`, timeoutMs: 5_000 }))
    expect(dlq()[0]!.headers["dlq.error"]).toStartWith("PermanentFailure: checkout.completed payload does not fit")
  })
})
