// The contract between checkout and order on `checkout.order_created`: a payload that fits checkout's
// own Schema (with an invoice and without, a phone or none) decodes with what order-consumer reads of
// it, and the order created from it keeps the lines (with their totals), shipping and customer.
import { describe, expect, test } from "bun:test"
import { Schema } from "effect"
import { CheckoutOrderCreated } from "@kasa/checkout"
import { createOrder, OrderCreatedSeen } from "@kasa/order"

const ADDRESS = { street: "Marszałkowska 1", city: "Warszawa", postal_code: "00-950", country: "PL" }

const draft: CheckoutOrderCreated = {
  session_id: "sess_contract0000000000000",
  order_id: "ord_contract",
  cart_version: 4,
  cart_total: 200_000,
  services_total: 4_900,
  shipping_total: 1_999,
  promotion_discount: 10_000,
  grand_total: 196_899,
  currency: "PLN",
  lines: [
    { item_id: "washer", offer_id: "washer-1", type: "offer", name: "Washer", category: "appliance", quantity: 1, unit_price: 200_000, parent_item_id: null, line_total: 200_000 },
    { item_id: "carry", offer_id: "carry_in", type: "service", name: "Carry in", category: "service", quantity: 1, unit_price: 4_900, parent_item_id: "washer", line_total: 4_900 }
  ],
  shipping: { method_id: "courier", method_name: "Courier", price_amount: 1_999, address: ADDRESS, delivery_date: "2026-12-03", is_express: false, express_fee_amount: 0, addons: [], addons_total: 0 },
  customer: { email: "jan@example.com", first_name: "Jan", last_name: "Kowalski" },
  payment_method_id: "blik"
}

describe("checkout.order_created, as checkout publishes it, as order reads it", () => {
  test.each([
    ["no phone, no invoice", draft],
    ["a phone and an invoice", { ...draft, customer: { ...draft.customer, phone: "+48600700800", invoice: { company_name: "Kasa sp. z o.o.", tax_id: "5260250274", address: ADDRESS } } }]
  ])("%s", (_, payload) => {
    const published = Schema.decodeUnknownSync(CheckoutOrderCreated)(payload)
    const seen = Schema.decodeUnknownSync(OrderCreatedSeen)(JSON.parse(JSON.stringify(published)))
    const { order } = createOrder(seen, new Date("2026-12-01T10:00:00.000Z"))
    expect(order.lines.map((line) => [line.item_id, line.line_total, line.parent_item_id])).toEqual([
      ["washer", 200_000, null],
      ["carry", 4_900, "washer"]
    ])
    expect([order.status, order.grand_total, order.shipping.address, order.customer.email]).toEqual(["PAYMENT_PENDING", 196_899, ADDRESS, "jan@example.com"])
    expect(order.customer.invoice?.tax_id ?? null).toBe(payload.customer.invoice?.tax_id ?? null)
  })
})
