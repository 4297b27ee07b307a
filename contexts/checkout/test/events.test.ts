// The checkout-events catalogue (SPEC §3.4): every name has a payload Schema that takes SPEC's fields
// (plus the cart_version checkout adds) and refuses a payload missing a required one; envelopes are
// keyed by session, in a request's context or caused by a consumed event.
import { describe, expect, test } from "bun:test"
import { Schema } from "effect"
import { type CheckoutEvent, checkoutEnvelopes, CheckoutEventName, CheckoutEventPayloads, toOutboxEvents } from "@kasa/checkout"
import { ADDRESS, SESSION, washer } from "./fixtures.ts"

const s = { session_id: SESSION }
const totals = { cart_total: 200_000, promotion_discount: 0, shipping_total: 1_999, services_total: 0, grand_total: 201_999, currency: "PLN" }

const examples: Readonly<Record<string, Record<string, unknown>>> = {
  "checkout.totals_updated": { ...s, cart_version: 2, ...totals },
  "checkout.order_created": {
    ...s,
    order_id: "ord_1",
    cart_version: 2,
    ...totals,
    lines: [{ ...washer, line_total: 200_000 }],
    shipping: { method_id: "courier", method_name: "Courier", price_amount: 1_999, address: ADDRESS, delivery_date: "2026-12-03", is_express: false, express_fee_amount: 0, addons: [], addons_total: 0 },
    customer: { email: "jan@example.pl", first_name: "Jan", last_name: "Kowalski" },
    payment_method_id: "card"
  },
  "checkout.completed": { ...s, order_id: "ord_1", cart_version: 2 },
  "checkout.payment_retry_expired": { ...s, order_id: "ord_1" }
}

const decodes = (name: string, payload: unknown): boolean => Schema.is(CheckoutEventPayloads[name as keyof typeof CheckoutEventPayloads] as Schema.Codec<unknown>)(payload)

describe("checkout-events payloads", () => {
  test("every event name has a Schema and an example here", () => {
    expect(Object.keys(CheckoutEventPayloads).sort()).toEqual(Object.values(CheckoutEventName).sort())
    expect(Object.keys(examples).sort()).toEqual(Object.values(CheckoutEventName).sort())
  })

  test.each(Object.entries(examples))("%s takes its fields and refuses each missing one", (name, payload) => {
    expect(decodes(name, payload)).toBe(true)
    for (const field of Object.keys(payload)) {
      const { [field]: _gone, ...without } = payload
      expect(decodes(name, without)).toBe(false)
    }
  })

  test.each<[string, string, Record<string, unknown>]>([
    ["a fractional amount", "checkout.totals_updated", { grand_total: 1.5 }],
    ["a lower-case currency", "checkout.totals_updated", { currency: "pln" }],
    ["a negative discount", "checkout.totals_updated", { promotion_discount: -1 }],
    ["an order without lines", "checkout.order_created", { lines: [] }],
    ["an order without a method", "checkout.order_created", { shipping: { ...(examples["checkout.order_created"]!.shipping as object), method_id: "" } }]
  ])("refuses %s", (_name, name, change) => {
    expect(decodes(name, { ...examples[name], ...change })).toBe(false)
  })

  test.each(Object.entries(examples))("%s takes an optional user_id", (name, payload) => {
    expect(decodes(name, { ...payload, user_id: "user_7" })).toBe(true)
  })
})

describe("checkoutEnvelopes", () => {
  test("one envelope per event, keyed by the session, caused by the consumed event", () => {
    const events: ReadonlyArray<CheckoutEvent> = [
      { name: "checkout.completed", payload: { ...s, order_id: "ord_1", cart_version: 2 } },
      { name: "checkout.totals_updated", payload: { ...s, cart_version: 3, ...totals } }
    ]
    const at = new Date("2026-12-01T10:00:00.000Z")
    const cause = checkoutEnvelopes([{ name: "checkout.payment_retry_expired", payload: { ...s, order_id: "ord_0" } }], { correlation_id: "corr_cause", occurred_at: at })[0]!
    const envelopes = checkoutEnvelopes(events, { correlation_id: "corr_1", occurred_at: at, caused_by: cause })
    expect(envelopes.map((e) => [e.event_name, e.aggregate_id, e.producer, e.correlation_id, e.causation_id, e.occurred_at, e.payload])).toEqual([
      ["checkout.completed", SESSION, "checkout", "corr_cause", cause.event_id, at.toISOString(), events[0]!.payload],
      ["checkout.totals_updated", SESSION, "checkout", "corr_cause", cause.event_id, at.toISOString(), events[1]!.payload]
    ])
    expect(toOutboxEvents(envelopes).map((o) => [o.topic, o.key])).toEqual([
      ["checkout-events", SESSION],
      ["checkout-events", SESSION]
    ])
  })

  test("in a request's context: its correlation id and no cause", () => {
    const [envelope] = checkoutEnvelopes([{ name: "checkout.payment_retry_expired", payload: { ...s, order_id: "ord_1" } }], { correlation_id: "corr_req", occurred_at: new Date(0) })
    expect([envelope!.correlation_id, envelope!.causation_id]).toEqual(["corr_req", null])
  })
})
