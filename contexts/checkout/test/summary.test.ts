// GET /checkout/summary, table-driven: exactly SPEC §4.7's keys (no projection internals leak), the
// totals as finalize computes them, the shipping and payment parts, and customer and consents null
// until given.
import { describe, expect, test } from "bun:test"
import { Schema } from "effect"
import { CheckoutSummary, computeTotals, type Consents, type CustomerData, type ProjectedEvent, summaryView } from "@kasa/checkout"
import { ADDRESS, addons, cart, code, date, giftWrap, orderCreated, projectionOf, readyEvents, SESSION, SUNDAY, washer } from "./fixtures.ts"

const SPEC_KEYS = ["session_id", "status", "items", "cart_total", "promotion_discount", "shipping_total", "services_total", "grand_total", "currency", "shipping", "payment", "customer", "consents", "order_id"]
const customer: CustomerData = { email: "anna@example.com", first_name: "Anna", last_name: "Nowak", phone: "+48 600 100 200" }
const consents: Consents = { terms_accepted: true, privacy_accepted: true, marketing_opt_in: true }

describe("summaryView", () => {
  test("exactly SPEC's keys, and SPEC's keys of shipping and payment", () => {
    const view = summaryView(projectionOf(readyEvents), customer, consents)
    expect(Object.keys(view).sort()).toEqual([...SPEC_KEYS].sort())
    expect(Object.keys(view.shipping).sort()).toEqual(["address", "addons", "delivery_date", "is_express", "method_id", "method_name", "price_amount"].sort())
    expect(Object.keys(view.payment).sort()).toEqual(["method_id", "redirect_url", "status", "transaction_id"])
    expect(Schema.is(CheckoutSummary)(view)).toBe(true)
  })

  test.each<[string, ReadonlyArray<ProjectedEvent>, CustomerData | undefined, Consents | undefined, Record<string, unknown>]>([
    [
      "a new session",
      [],
      undefined,
      undefined,
      {
        session_id: SESSION,
        status: "open",
        items: [],
        grand_total: 0,
        currency: "PLN",
        shipping: { method_id: null, method_name: null, price_amount: 0, address: null, delivery_date: null, is_express: false, addons: [] },
        payment: { method_id: null, transaction_id: null, status: null, redirect_url: null },
        customer: null,
        consents: null,
        order_id: null
      }
    ],
    [
      "a full checkout",
      [...readyEvents, date("2026-12-06", 2_500), addons(SUNDAY), cart(2, [washer, giftWrap]), code("WELCOME10", 20_000)],
      customer,
      consents,
      {
        items: [{ item_id: "washer", line_total: 200_000 }, { item_id: "wrap", type: "service", line_total: 1_500 }],
        cart_total: 200_000,
        services_total: 1_500,
        shipping_total: 7_498,
        promotion_discount: 20_000,
        grand_total: 188_998,
        shipping: { method_id: "courier", price_amount: 1_999, address: ADDRESS, delivery_date: "2026-12-06", is_express: true, addons: [SUNDAY] },
        payment: { method_id: "blik" },
        customer,
        consents
      }
    ],
    ["an order under way", [...readyEvents, orderCreated("ord_1")], customer, consents, { status: "finalized", order_id: "ord_1" }]
  ])("%s", (_name, events, c, k, expected) => {
    const p = projectionOf(events)
    const view = summaryView(p, c, k)
    expect(view).toMatchObject(expected)
    const { currency: _c, ...figures } = computeTotals(p)
    expect(view).toMatchObject(figures)
  })
})
