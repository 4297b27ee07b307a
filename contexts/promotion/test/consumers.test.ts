// The promotion-consumer over the in-memory bus, store and code counters, through the kernel's
// consumer runtime: cart events feed the projection (older versions dropped, redeliveries absorbed)
// and recompute what a session has applied, publishing new amounts and removals caused by the cart
// event; checkout.order_created records an order's code and checkout.completed counts it once per
// order (the limit case announced as usage_limit_reached) and clears the session; malformed
// payloads go to the DLQ.
import { describe, expect, test } from "bun:test"
import { Effect, Layer } from "effect"
import { layerMemoryCodeUsage } from "@kasa/adapter-memory"
import {
  appliedFor,
  applyCode,
  applyPromotion,
  availableFor,
  CodeUsageKeys,
  PROMOTION_CONSUMER_GROUP,
  PROMOTION_CONSUMER_TOPICS,
  layerPromotionRules,
  layerPromotionStore,
  PromotionKeys,
  promotionConsumer
} from "@kasa/promotion"
import { accessories, type Row, snapshot, specRules } from "@kasa/promotion/testing"
import { cartHash, ConsumerGroups, dlqTopic, type Envelope, makeEnvelope, newSessionId, Topics } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { startConsumerHarness } from "@kasa/test-support/consumer-harness"

const { data, runtime, logged, publish, caughtUp } = await startConsumerHarness({
  consumer: promotionConsumer(),
  ports: (state) => Layer.mergeAll(layerPromotionStore, layerPromotionRules(specRules), layerMemoryCodeUsage(state)),
  publishes: [Topics.promotion]
})
const settle = () => Effect.runPromise(waitUntil(caughtUp, { describe: () => "promotion-consumer behind", timeoutMs: 5_000 }))

const tv: Row = ["tv", "tv", 379_900, 1]

const cartEvent = (sessionId: string, version: number, ...rows: ReadonlyArray<Row>): Envelope => {
  const snap = snapshot(sessionId, version, ...rows)
  return makeEnvelope({
    eventName: version === 1 ? "cart.item_added" : "cart.item_quantity_changed",
    aggregateId: sessionId,
    correlationId: `corr_cart_${version}`,
    producer: "cart",
    payload: { ...snap, user_id: "user_3", item_id: "item_1", cart_total: 0 }
  })
}

const checkoutEvent = (eventName: string, payload: Record<string, unknown>, key: string): Envelope =>
  makeEnvelope({ eventName, aggregateId: key, correlationId: "corr_checkout", producer: "checkout", payload })

/** The group has committed everything published to its topics so far. */
const outboxOf = (sessionId: string) => data.outbox.filter((entry) => entry.event.key === sessionId).map((entry) => entry.event.envelope)
const shopper = (session_id: string) => ({ session_id, correlation_id: "corr_shopper" })
const usedOf = (code: string) => Number(data.read(CodeUsageKeys.usage(code)) ?? "0")

/** A session whose cart (version 1) holds these rows, projected by the consumer. */
const sessionWith = async (...rows: ReadonlyArray<Row>) => {
  const sessionId = newSessionId()
  await publish(Topics.cart, cartEvent(sessionId, 1, ...rows))
  await settle()
  return sessionId
}

describe("promotion-consumer", () => {
  test("subscribes as SPEC §3.3 says", () => {
    expect(PROMOTION_CONSUMER_GROUP).toBe("promotion-consumer")
    expect([...PROMOTION_CONSUMER_TOPICS]).toEqual([...ConsumerGroups["promotion-consumer"]!])
  })

  test("a cart event projects the cart: available promotions follow it, and the content's list is cached", async () => {
    const sessionId = await sessionWith(tv, accessories(4_999, 2))
    expect(await runtime.runPromise(availableFor(sessionId))).toEqual({
      promotions: [{ promotion_id: "second-item-half-price", name: "Second accessory at half price (2 za 50%)", discount_amount: 2_499, currency: "PLN" }]
    })
    const cached = JSON.parse(data.read(PromotionKeys.available(cartHash(snapshot(sessionId, 1, tv, accessories(4_999, 2)))))!)
    expect(cached).toEqual({ rules: specRules.fingerprint, promotions: [expect.objectContaining({ promotion_id: "second-item-half-price" })] })
    expect(outboxOf(sessionId)).toEqual([])
  })

  test("a cart change recomputes what is applied: the new amount as promotion.applied, then promotion.removed when it no longer qualifies, caused by the cart event", async () => {
    const sessionId = await sessionWith(tv, accessories(4_999, 2))
    await runtime.runPromise(applyPromotion(shopper(sessionId), "second-item-half-price"))
    await runtime.runPromise(applyCode(shopper(sessionId), "WELCOME10"))
    const more = cartEvent(sessionId, 2, tv, accessories(4_999, 4))
    await publish(Topics.cart, more)
    await settle()
    const fewer = cartEvent(sessionId, 3, tv, accessories(4_999, 1))
    await publish(Topics.cart, fewer)
    await settle()
    const caused = outboxOf(sessionId).slice(2)
    expect(caused.map((e) => [e.event_name, e.payload.promotion_id ?? e.payload.code, e.payload.discount_amount ?? e.payload.reason, e.payload.cart_version])).toEqual([
      ["promotion.applied", "second-item-half-price", 4_998, 2],
      ["promotion.code_applied", "WELCOME10", 39_989, 2],
      ["promotion.removed", "second-item-half-price", "minimum_not_met", 3],
      ["promotion.code_applied", "WELCOME10", 38_489, 3]
    ])
    expect(caused[0]).toMatchObject({ causation_id: more.event_id, correlation_id: "corr_cart_2", producer: "promotion", payload: { user_id: "user_3" } })
    expect(caused[2]).toMatchObject({ causation_id: fewer.event_id, correlation_id: "corr_cart_3" })
    expect(await runtime.runPromise(appliedFor(sessionId))).toEqual({ promotions: [], code: { code: "WELCOME10", discount_amount: 38_489 }, total_discount: 38_489 })
  })

  test("an older cart_version is dropped and a redelivered event changes nothing", async () => {
    const sessionId = await sessionWith(accessories(4_999, 2))
    await runtime.runPromise(applyPromotion(shopper(sessionId), "second-item-half-price"))
    const newer = cartEvent(sessionId, 5, accessories(14_999, 2))
    await publish(Topics.cart, newer)
    await publish(Topics.cart, newer)
    await publish(Topics.cart, cartEvent(sessionId, 4, accessories(4_999, 1)))
    await settle()
    expect(outboxOf(sessionId).map((e) => [e.event_name, e.payload.discount_amount])).toEqual([
      ["promotion.applied", 2_499],
      ["promotion.applied", 7_499]
    ])
    expect(JSON.parse(data.read(PromotionKeys.cart(sessionId))!).cart_version).toBe(5)
  })

  test("checkout.completed counts the order's code once, announces it, and clears what the session had applied", async () => {
    const sessionId = await sessionWith(tv, accessories(4_999, 2))
    await runtime.runPromise(applyPromotion(shopper(sessionId), "second-item-half-price"))
    await runtime.runPromise(applyCode(shopper(sessionId), "MINUS50"))
    const before = usedOf("MINUS50")
    await publish(Topics.checkout, checkoutEvent("checkout.order_created", { session_id: sessionId, order_id: "ord_c1", grand_total: 1 }, sessionId))
    const completed = checkoutEvent("checkout.completed", { session_id: sessionId, order_id: "ord_c1" }, sessionId)
    await publish(Topics.checkout, completed)
    await publish(Topics.checkout, completed)
    // Another completion event for the same order (say, a retried checkout step) counts nothing more.
    await publish(Topics.checkout, checkoutEvent("checkout.completed", { session_id: sessionId, order_id: "ord_c1" }, sessionId))
    await settle()
    expect(usedOf("MINUS50")).toBe(before + 1)
    const caused = outboxOf(sessionId).slice(2)
    expect(caused.map((e) => [e.event_name, e.payload.promotion_id ?? e.payload.code, e.payload.reason])).toEqual([
      ["promotion.code_redeemed", "MINUS50", undefined],
      ["promotion.removed", "second-item-half-price", "order_completed"],
      ["promotion.removed", "MINUS50", "order_completed"]
    ])
    expect(caused[0]).toMatchObject({ causation_id: completed.event_id, correlation_id: "corr_checkout", payload: { session_id: sessionId, code: "MINUS50", order_id: "ord_c1", usage_limit: 100 } })
    expect(caused[1]!.payload.order_id).toBe("ord_c1")
    expect(data.read(PromotionKeys.applied(sessionId))).toBeUndefined()
  })

  test("the order's code is the one recorded when it was created, even if the cart was cleared before the completion arrived", async () => {
    const sessionId = await sessionWith(tv)
    await runtime.runPromise(applyCode(shopper(sessionId), "WELCOME10"))
    await publish(Topics.checkout, checkoutEvent("checkout.order_created", { session_id: sessionId, order_id: "ord_c2" }, sessionId))
    await settle()
    await publish(Topics.cart, cartEvent(sessionId, 2))
    await settle()
    expect(outboxOf(sessionId).at(-1)).toMatchObject({ event_name: "promotion.removed", payload: { promotion_id: "WELCOME10", reason: "minimum_not_met" } })
    const before = usedOf("WELCOME10")
    await publish(Topics.checkout, checkoutEvent("checkout.completed", { session_id: sessionId, order_id: "ord_c2" }, sessionId))
    await settle()
    expect(usedOf("WELCOME10")).toBe(before + 1)
    expect(outboxOf(sessionId).at(-1)).toMatchObject({ event_name: "promotion.code_redeemed", payload: { code: "WELCOME10", order_id: "ord_c2", usage_limit: null } })
  })

  test("without an order record, the completion counts the session's applied code", async () => {
    const sessionId = await sessionWith(tv)
    await runtime.runPromise(applyCode(shopper(sessionId), "WELCOME10"))
    const before = usedOf("WELCOME10")
    await publish(Topics.checkout, checkoutEvent("checkout.completed", { session_id: sessionId, order_id: "ord_c3" }, sessionId))
    await settle()
    expect(usedOf("WELCOME10")).toBe(before + 1)
  })

  test("a code with no use left at completion: not counted, the order keeps its price, the session gets promotion.removed usage_limit_reached", async () => {
    const sessionId = await sessionWith(tv)
    await runtime.runPromise(applyCode(shopper(sessionId), "MINUS50"))
    await publish(Topics.checkout, checkoutEvent("checkout.order_created", { session_id: sessionId, order_id: "ord_c4" }, sessionId))
    await settle()
    // Meanwhile the other orders used it up.
    data.commit({ ops: [{ op: "set", key: CodeUsageKeys.usage("MINUS50"), value: "100" }] })
    await publish(Topics.checkout, checkoutEvent("checkout.completed", { session_id: sessionId, order_id: "ord_c4" }, sessionId))
    await settle()
    expect(usedOf("MINUS50")).toBe(100)
    const caused = outboxOf(sessionId).slice(1)
    expect(caused.map((e) => [e.event_name, e.payload.promotion_id, e.payload.reason, e.payload.order_id])).toEqual([["promotion.removed", "MINUS50", "usage_limit_reached", "ord_c4"]])
    expect(data.read(PromotionKeys.applied(sessionId))).toBeUndefined()
    expect(logged.some((line) => line.includes("used a code past its usage limit") && line.includes("ord_c4"))).toBe(true)
  })

  test("a completion for a session with nothing applied writes and publishes nothing", async () => {
    const sessionId = await sessionWith(tv)
    await publish(Topics.checkout, checkoutEvent("checkout.completed", { session_id: sessionId, order_id: "ord_c5" }, sessionId))
    await settle()
    expect(outboxOf(sessionId)).toEqual([])
  })

  test("other event names are ignored, each logged once", async () => {
    const sessionId = await sessionWith(tv)
    await publish(Topics.checkout, checkoutEvent("checkout.totals_updated", { session_id: sessionId, cart_total: 1 }, sessionId))
    await publish(Topics.checkout, checkoutEvent("checkout.totals_updated", { session_id: sessionId, cart_total: 2 }, sessionId))
    await settle()
    expect(outboxOf(sessionId)).toEqual([])
    expect(logged.filter((line) => line.includes("ignores this event name") && line.includes("checkout.totals_updated"))).toHaveLength(1)
  })

  test.each<[string, string, Envelope]>([
    ["a cart event with a malformed snapshot", Topics.cart, makeEnvelope({ eventName: "cart.item_added", aggregateId: "sess_x", correlationId: "c", producer: "cart", payload: { session_id: "sess_x", lines: "none" } })],
    ["checkout.completed without a session", Topics.checkout, checkoutEvent("checkout.completed", { order_id: "ord_x", session_id: "not-a-session" }, "not-a-session")]
  ])("%s goes to the DLQ at once", async (_, topic, envelope) => {
    const dlq = () => data.pendingMessages(dlqTopic(topic))
    const before = dlq().length
    await publish(topic, envelope)
    await Effect.runPromise(waitUntil(() => dlq().length === before + 1, { describe: () => `${dlq().length} dead letters`, timeoutMs: 5_000 }))
    expect(dlq().at(-1)!.headers["dlq.error"]).toStartWith("PermanentFailure")
  })
})
