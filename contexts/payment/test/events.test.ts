// The payment-events catalogue (SPEC §3.4): every name has a payload Schema that takes SPEC's fields
// (optional ones left out) and refuses a payload missing a required one; envelopes are keyed by session.
import { describe, expect, test } from "bun:test"
import { Schema } from "effect"
import { type PaymentEvent, PaymentEventName, PaymentEventPayloads, paymentEnvelopes, toOutboxEvents } from "@kasa/payment"

const tx = { session_id: "sess_1", transaction_id: "tx_1", order_id: "ord_1" }

const examples: Readonly<Record<string, Record<string, unknown>>> = {
  "payment.method_selected": { session_id: "sess_1", method_id: "card", method_name: "Card" },
  "payment.initialized": { ...tx, method_id: "card", gateway: "sandbox", amount_total: 10_000, currency: "PLN" },
  "payment.pending": tx,
  "payment.succeeded": { ...tx, amount_total: 10_000, currency: "PLN", gateway_reference: "gw_1" },
  "payment.failed": { ...tx, reason: "card_declined" },
  "payment.cancelled": { ...tx, reason: "shopper_cancelled" },
  "payment.refund_initiated": { ...tx, refund_id: "rf_1", refund_amount: 100, reason: "r" },
  "payment.refunded": { ...tx, refund_id: "rf_1", refund_amount: 100, fully_refunded: false },
  "payment.refund_failed": { ...tx, refund_id: "rf_1", refund_amount: 100, reason: "declined" },
  "payment.webhook_received": { session_id: "sess_1", gateway: "sandbox", gateway_event_id: "evt_1", event_type: "payment.succeeded" },
  "payment.method_invalidated": { session_id: "sess_1", method_id: "cash_on_delivery", reason: "grand_total_over_limit" }
}

const decodes = (name: string, payload: unknown): boolean => Schema.is(PaymentEventPayloads[name as keyof typeof PaymentEventPayloads] as Schema.Codec<unknown>)(payload)

describe("payment-events payloads", () => {
  test("every event name has a Schema and an example here", () => {
    expect(Object.keys(PaymentEventPayloads).sort()).toEqual(Object.values(PaymentEventName).sort())
    expect(Object.keys(examples).sort()).toEqual(Object.values(PaymentEventName).sort())
  })

  test.each(Object.entries(examples))("%s takes SPEC's fields and refuses each missing one", (name, payload) => {
    expect(decodes(name, payload)).toBe(true)
    for (const field of Object.keys(payload)) {
      const { [field]: _gone, ...without } = payload
      expect(decodes(name, without)).toBe(false)
    }
  })

  test("optional fields: redirect_url, error_code", () => {
    expect(decodes("payment.initialized", { ...examples["payment.initialized"], redirect_url: "http://localhost:3000/sandbox/checkout/tx_1" })).toBe(true)
    expect(decodes("payment.failed", { ...examples["payment.failed"], error_code: "do_not_honor" })).toBe(true)
    expect(decodes("payment.succeeded", { ...examples["payment.succeeded"], amount_total: 1.5 })).toBe(false)
    expect(decodes("payment.succeeded", { ...examples["payment.succeeded"], currency: "pln" })).toBe(false)
  })
})

describe("paymentEnvelopes", () => {
  test("one envelope per event, keyed by the session, caused by the consumed event", () => {
    const events: ReadonlyArray<PaymentEvent> = [
      { name: "payment.pending", payload: tx },
      { name: "payment.succeeded", payload: { ...tx, amount_total: 10_000, currency: "PLN", gateway_reference: "gw_1" } }
    ]
    const at = new Date("2026-12-01T10:00:00.000Z")
    const cause = paymentEnvelopes([{ name: "payment.pending", payload: tx }], { correlation_id: "corr_cause", occurred_at: at })[0]!
    const envelopes = paymentEnvelopes(events, { correlation_id: "corr_1", occurred_at: at, caused_by: cause })
    expect(envelopes.map((e) => [e.event_name, e.aggregate_id, e.producer, e.correlation_id, e.causation_id, e.occurred_at])).toEqual([
      ["payment.pending", "sess_1", "payment", "corr_cause", cause.event_id, at.toISOString()],
      ["payment.succeeded", "sess_1", "payment", "corr_cause", cause.event_id, at.toISOString()]
    ])
    expect(toOutboxEvents(envelopes).map((o) => [o.topic, o.key])).toEqual([
      ["payment-events", "sess_1"],
      ["payment-events", "sess_1"]
    ])
  })
})
