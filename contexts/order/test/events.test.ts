// The order-events and delivery-events catalogues (SPEC §3.4): the events the lifecycle emits, walked
// along every path that emits one, cover every name of both catalogues; each payload decodes with its
// name's Schema, and the Schema refuses it with any required field missing. Envelopes are keyed by
// order and land on order-events or delivery-events by name.
import { describe, expect, test } from "bun:test"
import { Result, Schema } from "effect"
import {
  createOrder,
  DeliveryEventName,
  DeliveryEventPayloads,
  type LifecycleEvent,
  type Order,
  OrderEventName,
  OrderEventPayloads,
  type OrderPublished,
  orderEnvelopes,
  payloadSchemaOf,
  toOutboxEvents,
  transition
} from "@kasa/order"
import { cardOrder, orderIn } from "@kasa/order/testing/orders"

const AT = new Date("2026-12-01T10:00:00.000Z")

/** Every event published along a path of events, each of which must change the order. */
const emitted = (order: Order, ...events: ReadonlyArray<LifecycleEvent>): ReadonlyArray<OrderPublished> => {
  const out: Array<OrderPublished> = []
  let current = order
  for (const event of events) {
    const result = transition(current, event, AT)
    if (Result.isFailure(result) || result.success._tag !== "Changed") throw new Error(`${event.kind} did not change ${current.status}`)
    current = result.success.order
    out.push(...result.success.events)
  }
  return out
}

const published: ReadonlyArray<OrderPublished> = [
  ...createOrder(cardOrder, AT).events,
  ...emitted(orderIn.PAYMENT_PENDING, { kind: "payment_failed", transaction_id: "txn_1", reason: "card_declined" }, { kind: "payment_retry_expired" }),
  ...emitted(
    orderIn.PAYMENT_PENDING,
    { kind: "payment_succeeded", transaction_id: "txn_1" },
    { kind: "preparing" },
    { kind: "ready_for_pickup", carrier: "DPD" },
    { kind: "cancel_requested", reason: "changed_my_mind" },
    { kind: "refunded", refund_id: "rf_1", refund_amount: 10_000, fully_refunded: true }
  ),
  ...emitted(orderIn.READY_FOR_PICKUP, { kind: "out_for_delivery", tracking_number: "TRK1" }, { kind: "delivered" })
]

const decodes = (name: OrderPublished["name"], payload: unknown): boolean => Schema.is(payloadSchemaOf(name))(payload)

describe("order-events and delivery-events payloads", () => {
  test("the paths walked here publish every name of both catalogues, and every name has a Schema", () => {
    const names = new Set(published.map((e) => e.name))
    expect([...names].sort()).toEqual([...Object.values(OrderEventName), ...Object.values(DeliveryEventName)].sort())
    expect(Object.keys(OrderEventPayloads).sort()).toEqual(Object.values(OrderEventName).sort())
    expect(Object.keys(DeliveryEventPayloads).sort()).toEqual(Object.values(DeliveryEventName).sort())
  })

  test.each(published.map((e) => [e.name, e] as const))("%s decodes with its Schema and is refused without any required field", (_name, event) => {
    expect(decodes(event.name, event.payload)).toBe(true)
    // Through JSON too: what a consumer reads off the topic.
    expect(decodes(event.name, JSON.parse(JSON.stringify(event.payload)))).toBe(true)
    const optional = new Set(["tracking_number"])
    for (const field of Object.keys(event.payload).filter((f) => !optional.has(f))) {
      const { [field]: _gone, ...without } = event.payload as Record<string, unknown>
      expect(decodes(event.name, without)).toBe(false)
    }
  })

  test("every order event names its order, session and step; delivery events name the order and carrier", () => {
    for (const event of published) {
      if (event.name.startsWith("order.")) expect(Object.keys(event.payload)).toEqual(expect.arrayContaining(["order_id", "session_id", "status", "previous_status"]))
      else expect([event.payload.order_id, ["DPD", "courier"].includes((event.payload as { readonly carrier?: string }).carrier ?? "")]).toEqual(["ord_1", true])
    }
  })

  test("a status that is not one of the order's, or a fractional refund, is refused", () => {
    const refunded = published.find((e) => e.name === "order.refunded")!
    expect(decodes("order.refunded", { ...refunded.payload, status: "SHIPPED" })).toBe(false)
    expect(decodes("order.refunded", { ...refunded.payload, refund_amount: 1.5 })).toBe(false)
    expect(decodes("order.refunded", { ...refunded.payload, currency: "pln" })).toBe(false)
  })
})

describe("orderEnvelopes", () => {
  test("one envelope per event, keyed by the order, caused by the consumed event, each on its topic", () => {
    const cause = orderEnvelopes(createOrder(cardOrder, AT).events, { correlation_id: "corr_cause", occurred_at: AT })[0]!
    const events = emitted(orderIn.PREPARING, { kind: "ready_for_pickup" })
    const envelopes = orderEnvelopes(events, { correlation_id: "corr_1", occurred_at: AT, caused_by: cause })
    expect(envelopes.map((e) => [e.event_name, e.aggregate_id, e.producer, e.correlation_id, e.causation_id, e.occurred_at])).toEqual([
      ["order.ready_for_pickup", "ord_1", "order", "corr_cause", cause.event_id, AT.toISOString()],
      ["delivery.assigned", "ord_1", "order", "corr_cause", cause.event_id, AT.toISOString()]
    ])
    expect(toOutboxEvents(envelopes).map((o) => [o.topic, o.key])).toEqual([
      ["order-events", "ord_1"],
      ["delivery-events", "ord_1"]
    ])
  })
})
