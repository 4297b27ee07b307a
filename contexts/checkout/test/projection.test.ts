// Checkout's projection, table-driven: every consumed event name applied (and the table proves it
// covers them all), the events that change nothing returning the very same object, the order's life
// (finalized → payment_failed → retry → completed, cancellation, a new round after it), and the
// payload Schemas decoding what the other contexts publish, extra fields included.
import { describe, expect, test } from "bun:test"
import { Schema } from "effect"
import { applyEvent, CheckoutProjection, type ProjectedEvent, type ProjectedEventName, ProjectedEventPayloads } from "@kasa/checkout"
import { ADDRESS, address, addons, cable, carryIn, cart, code, date, method, orderCreated, payWith, projectionOf, promotion, SESSION, SUNDAY, washer } from "./fixtures.ts"

const s = { session_id: SESSION }
const tx = (name: "payment.pending" | "payment.succeeded" | "payment.failed" | "payment.cancelled" | "payment.refund_initiated", order_id = "ord_1", transaction_id = "tx_1"): ProjectedEvent => ({
  name,
  payload: { ...s, order_id, transaction_id }
})
const initialized = (transaction_id = "tx_1", order_id = "ord_1", redirect_url?: string): ProjectedEvent => ({
  name: "payment.initialized",
  payload: { ...s, order_id, transaction_id, ...(redirect_url === undefined ? {} : { redirect_url }) }
})
const inventory = (name: "inventory.reserved" | "inventory.committed" | "inventory.released", order_id = "ord_1"): ProjectedEvent => ({
  name,
  payload: { ...s, order_id, reservation_id: "res_1" }
})
const ordered: ReadonlyArray<ProjectedEvent> = [cart(1, [washer]), payWith("card"), orderCreated("ord_1")]
const paying: ReadonlyArray<ProjectedEvent> = [...ordered, initialized("tx_1", "ord_1", "http://localhost:3000/sandbox/checkout/tx_1")]

type Row = [string, ReadonlyArray<ProjectedEvent>, ProjectedEvent, Record<string, unknown>]

describe("applyEvent: each consumed event", () => {
  const rows: ReadonlyArray<Row> = [
    ["cart.item_added", [], cart(1, [washer, carryIn]), { cart_version: 1, cart_total: 200_000, services_total: 4_900, items: [{ item_id: "washer", line_total: 200_000 }, { item_id: "carry", parent_item_id: "washer" }] }],
    ["cart.item_removed", [cart(1, [washer, cable])], { name: "cart.item_removed", payload: { ...s, cart_version: 2, lines: [cable], currency: "PLN" } }, { cart_version: 2, cart_total: 6_000, items: [{ item_id: "cable", quantity: 3, line_total: 6_000 }] }],
    ["cart.item_quantity_changed", [cart(1, [cable])], { name: "cart.item_quantity_changed", payload: { ...s, cart_version: 2, lines: [{ ...cable, quantity: 5 }], currency: "PLN" } }, { cart_total: 10_000 }],
    ["cart.cleared", [cart(1, [washer])], cart(2, []), { cart_version: 2, items: [], cart_total: 0, services_total: 0 }],
    ["shipping.method_selected", [], method("courier", 1_999), { shipping: { method_id: "courier", method_name: "courier", price_amount: 1_999 } }],
    ["shipping.address_provided", [], address, { shipping: { address: ADDRESS } }],
    ["shipping.delivery_date_selected", [method("courier", 1_999)], date("2026-12-03", 2_500), { shipping: { delivery_date: "2026-12-03", is_express: true, express_fee_amount: 2_500 } }],
    ["shipping.addons_selected", [method("courier", 1_999)], addons(SUNDAY), { shipping: { addons: [SUNDAY], addons_total: 2_999 } }],
    [
      "shipping.method_invalidated",
      [method("courier", 1_999), address, date("2026-12-03", 2_500), addons(SUNDAY)],
      { name: "shipping.method_invalidated", payload: { ...s, method_id: "courier" } },
      { shipping: { method_id: null, method_name: null, price_amount: 0, delivery_date: null, is_express: false, express_fee_amount: 0, addons: [], addons_total: 0, address: ADDRESS } }
    ],
    ["promotion.applied", [promotion("buy-3-get-1", 1_000)], promotion("buy-3-get-1", 500), { promotions: [{ promotion_id: "buy-3-get-1", discount_amount: 500 }] }],
    ["promotion.code_applied", [code("MINUS50", 5_000)], code("WELCOME10", 2_000), { code: { code: "WELCOME10", discount_amount: 2_000 } }],
    ["promotion.removed", [promotion("p", 1_000), code("WELCOME10", 2_000)], { name: "promotion.removed", payload: { ...s, promotion_id: "WELCOME10", code: "WELCOME10" } }, { promotions: [{ promotion_id: "p" }], code: null }],
    ["payment.method_selected", [], payWith("blik"), { payment: { method_id: "blik" } }],
    ["payment.method_invalidated", [payWith("cash_on_delivery")], { name: "payment.method_invalidated", payload: { ...s, method_id: "cash_on_delivery" } }, { payment: { method_id: null } }],
    ["payment.initialized", ordered, initialized("tx_1", "ord_1", "https://pay.example/tx_1"), { status: "finalized", payment: { transaction_id: "tx_1", status: "initialized", redirect_url: "https://pay.example/tx_1" } }],
    ["payment.pending", paying, tx("payment.pending"), { payment: { status: "pending" } }],
    ["payment.succeeded", paying, tx("payment.succeeded"), { status: "finalized", payment: { status: "succeeded", redirect_url: null } }],
    ["payment.failed", paying, tx("payment.failed"), { status: "payment_failed", payment: { status: "failed", transaction_id: "tx_1" } }],
    ["payment.cancelled", paying, tx("payment.cancelled"), { status: "payment_failed", payment: { status: "cancelled" } }],
    ["payment.refund_initiated", [...paying, tx("payment.succeeded")], tx("payment.refund_initiated"), { payment: { status: "refund_pending" } }],
    ["payment.refunded", [...paying, tx("payment.succeeded")], { name: "payment.refunded", payload: { ...s, order_id: "ord_1", transaction_id: "tx_1", fully_refunded: false } }, { payment: { status: "partially_refunded" } }],
    ["inventory.reserved", ordered, inventory("inventory.reserved"), { reservation: { reservation_id: "res_1", status: "reserved" } }],
    ["inventory.committed", [...ordered, inventory("inventory.reserved")], inventory("inventory.committed"), { reservation: { status: "committed" } }],
    ["inventory.released", [...paying, inventory("inventory.reserved")], inventory("inventory.released"), { status: "cancelled", reservation: { status: "released" } }],
    ["checkout.order_created", [cart(3, [washer]), payWith("card")], orderCreated("ord_9", 3), { status: "finalized", order_id: "ord_9", order_cart_version: 3, payment: { method_id: "card", transaction_id: null } }],
    ["checkout.completed", [...paying, tx("payment.succeeded")], { name: "checkout.completed", payload: { ...s, order_id: "ord_1" } }, { status: "completed", order_id: "ord_1" }],
    ["checkout.payment_retry_expired", [...paying, tx("payment.failed")], { name: "checkout.payment_retry_expired", payload: { ...s, order_id: "ord_1" } }, { status: "cancelled" }]
  ]

  test("the table covers every consumed event name", () => {
    expect(rows.map(([name]): string => name).sort()).toEqual(Object.keys(ProjectedEventPayloads).sort())
  })

  test.each(rows)("%s", (_name, before, event, expected) => {
    const held = projectionOf(before)
    const after = applyEvent(held, event.name, event.payload as never)
    expect(after).not.toBe(held)
    expect(after).toMatchObject(expected)
    expect(projectionOf(before)).toEqual(held)
  })
})

describe("applyEvent: what changes nothing returns the same object", () => {
  test.each<[string, ReadonlyArray<ProjectedEvent>, ProjectedEvent]>([
    ["an older cart snapshot", [cart(2, [cable])], cart(1, [washer])],
    ["a replayed cart snapshot", [cart(2, [cable])], cart(2, [washer])],
    ["the same method again", [method("courier", 1_999)], method("courier", 1_999)],
    ["the same address again", [address], address],
    ["the same date again", [method("courier", 1_999), date("2026-12-03")], date("2026-12-03")],
    ["a promotion re-published with the same amount", [promotion("p", 1_000)], promotion("p", 1_000)],
    ["invalidating a method not held", [method("pallet", 14_900)], { name: "shipping.method_invalidated", payload: { ...s, method_id: "courier" } }],
    ["removing a code not held", [code("MINUS50", 5_000)], { name: "promotion.removed", payload: { ...s, promotion_id: "WELCOME10", code: "WELCOME10" } }],
    ["invalidating a payment method not held", [payWith("card")], { name: "payment.method_invalidated", payload: { ...s, method_id: "cash_on_delivery" } }],
    ["a payment of another order", paying, tx("payment.failed", "ord_old")],
    ["an initialization of another order", ordered, initialized("tx_9", "ord_old")],
    ["another transaction's outcome", paying, tx("payment.succeeded", "ord_1", "tx_other")],
    ["a payment before any order", [cart(1, [washer])], initialized()],
    ["a replayed payment.pending", [...paying, tx("payment.pending")], tx("payment.pending")],
    ["a reservation of another order", ordered, inventory("inventory.reserved", "ord_old")],
    ["completion of another order", paying, { name: "checkout.completed", payload: { ...s, order_id: "ord_old" } }],
    ["retry expiry after payment succeeded", [...paying, tx("payment.succeeded"), { name: "checkout.completed", payload: { ...s, order_id: "ord_1" } }], { name: "checkout.payment_retry_expired", payload: { ...s, order_id: "ord_1" } }]
  ])("%s", (_name, before, event) => {
    const held = projectionOf(before)
    expect(applyEvent(held, event.name, event.payload as never)).toBe(held)
  })
})

describe("the session's shipping and order over several events", () => {
  test.each<[string, ReadonlyArray<ProjectedEvent>, Record<string, unknown>]>([
    ["another method clears the date but keeps address and addons", [method("courier", 1_999), address, date("2026-12-03", 2_500), addons(SUNDAY), method("pallet", 14_900)], { shipping: { method_id: "pallet", delivery_date: null, express_fee_amount: 0, addons: [SUNDAY], address: ADDRESS } }],
    ["the same method re-priced keeps the date", [method("courier", 1_999), date("2026-12-03", 2_500), method("courier", 0)], { shipping: { price_amount: 0, delivery_date: "2026-12-03", express_fee_amount: 2_500 } }],
    ["a code removed by promotion_id alone", [code("MINUS50", 5_000), { name: "promotion.removed", payload: { ...s, promotion_id: "MINUS50" } }], { code: null }],
    ["a failed payment retried: finalized again with the new transaction", [...paying, tx("payment.failed"), initialized("tx_2")], { status: "finalized", payment: { transaction_id: "tx_2", status: "initialized", redirect_url: null } }],
    ["a release after payment succeeded does not cancel", [...paying, tx("payment.succeeded"), inventory("inventory.released")], { status: "finalized", reservation: { status: "released" } }],
    ["completed, then the cart cleared: still completed", [...paying, tx("payment.succeeded"), { name: "checkout.completed", payload: { ...s, order_id: "ord_1" } }, cart(2, [])], { status: "completed", order_id: "ord_1", items: [] }],
    [
      "completed, then goods in the cart: a new round",
      [...paying, tx("payment.succeeded"), { name: "checkout.completed", payload: { ...s, order_id: "ord_1" } }, cart(2, []), cart(3, [cable])],
      { status: "open", order_id: null, order_cart_version: null, reservation: null, payment: { method_id: "card", transaction_id: null, status: null, redirect_url: null } }
    ],
    ["cancelled, then a cart change: a new round", [...paying, tx("payment.failed"), { name: "checkout.payment_retry_expired", payload: { ...s, order_id: "ord_1" } }, cart(2, [washer, cable])], { status: "open", order_id: null }],
    ["a cart change while the order is under way keeps the order", [...paying, cart(2, [washer, cable])], { status: "finalized", order_id: "ord_1", cart_total: 206_000 }]
  ])("%s", (_name, events, expected) => {
    expect(projectionOf(events)).toMatchObject(expected)
  })
})

describe("ProjectedEventPayloads", () => {
  const order = { ...s, order_id: "ord_1" }
  const transaction = { ...order, transaction_id: "tx_1" }
  // As cart, shipping, promotion, payment, catalog and checkout publish them (contexts/*/src/events.ts).
  const published: ReadonlyArray<[ProjectedEventName, Record<string, unknown>]> = [
    ["cart.item_added", { ...s, user_id: "u1", item_id: "washer", offer_id: "o", quantity: 1, price: 200_000, cart_total: 200_000, cart_version: 1, lines: [washer], currency: "PLN" }],
    ["cart.item_removed", { ...s, item_id: "washer", cart_total: 0, cart_version: 2, lines: [], currency: "PLN" }],
    ["cart.item_quantity_changed", { ...s, item_id: "cable", old_quantity: 3, new_quantity: 4, cart_total: 8_000, cart_version: 2, lines: [{ ...cable, quantity: 4 }], currency: "PLN" }],
    ["cart.cleared", { ...s, cart_version: 3, lines: [], currency: "PLN" }],
    ["shipping.method_selected", { ...s, method_id: "courier", method_name: "Courier", price_amount: 1_999, price_currency: "PLN" }],
    ["shipping.address_provided", { ...s, ...ADDRESS }],
    ["shipping.delivery_date_selected", { ...s, delivery_date: "2026-12-03", is_express: true, express_fee_amount: 2_500 }],
    ["shipping.addons_selected", { ...s, addons: [SUNDAY], addons_total: 2_999 }],
    ["shipping.method_invalidated", { ...s, method_id: "courier", reason: "oversize_item" }],
    ["promotion.applied", { ...s, promotion_id: "buy-3-get-1", promotion_name: "3+1", discount_amount: 1_000, discount_currency: "PLN", cart_version: 3 }],
    ["promotion.code_applied", { ...s, code: "WELCOME10", discount_amount: 1_000, discount_currency: "PLN", cart_version: 3 }],
    ["promotion.removed", { ...s, promotion_id: "WELCOME10", code: "WELCOME10", reason: "minimum_not_met", cart_version: 4 }],
    ["payment.method_selected", { ...s, method_id: "blik", method_name: "BLIK" }],
    ["payment.method_invalidated", { ...s, method_id: "cash_on_delivery", reason: "grand_total_over_limit" }],
    ["payment.initialized", { ...transaction, method_id: "card", gateway: "sandbox", amount_total: 201_999, currency: "PLN", redirect_url: "http://localhost:3000/sandbox/checkout/tx_1" }],
    ["payment.pending", transaction],
    ["payment.succeeded", { ...transaction, amount_total: 201_999, currency: "PLN", gateway_reference: "gw_1" }],
    ["payment.failed", { ...transaction, reason: "card_declined", error_code: "do_not_honor" }],
    ["payment.cancelled", { ...transaction, reason: "shopper_cancelled" }],
    ["payment.refund_initiated", { ...transaction, refund_id: "rf_1", refund_amount: 100, reason: "r" }],
    ["payment.refunded", { ...transaction, refund_id: "rf_1", refund_amount: 100, fully_refunded: true }],
    ["inventory.reserved", { ...order, reservation_id: "res_1", lines: [{ offer_id: "o", quantity: 1 }], expires_at: "2026-12-01T10:15:00.000Z" }],
    ["inventory.committed", { ...order, reservation_id: "res_1" }],
    ["inventory.released", { ...order, reservation_id: "res_1", reason: "payment_failed", lines: [{ offer_id: "o", quantity: 1 }] }],
    ["checkout.order_created", { ...order, cart_version: 1, grand_total: 1, currency: "PLN", lines: [], shipping: {}, customer: {}, payment_method_id: "card" }],
    ["checkout.completed", { ...order, cart_version: 1 }],
    ["checkout.payment_retry_expired", order]
  ]
  const decodes = (name: ProjectedEventName, payload: unknown) => Schema.decodeUnknownResult(ProjectedEventPayloads[name] as Schema.Codec<unknown>)(payload)._tag

  test("every consumed name has a published example here", () => {
    expect(published.map(([name]): string => name).sort()).toEqual(Object.keys(ProjectedEventPayloads).sort())
  })

  test.each(published)("%s decodes as published", (name, payload) => {
    expect(decodes(name, payload)).toBe("Success")
  })

  test.each<[ProjectedEventName, Record<string, unknown>]>([
    ["shipping.method_selected", { ...s, method_id: "courier", method_name: "Courier", price_amount: -1 }],
    ["payment.pending", { ...s, transaction_id: "tx_1" }],
    ["promotion.applied", { session_id: "not-a-session", promotion_id: "p", discount_amount: 1 }],
    ["inventory.released", { ...s, reservation_id: "res_1" }]
  ])("%s refuses a payload it cannot read", (name, payload) => {
    expect(decodes(name, payload)).toBe("Failure")
  })
})

describe("the projection survives JSON", () => {
  test("a full projection decodes back from its JSON form unchanged", () => {
    const p = projectionOf([...paying, address, method("courier", 1_999), date("2026-12-03", 2_500), addons(SUNDAY), promotion("p", 1_000), code("WELCOME10", 500), inventory("inventory.reserved")])
    expect(Schema.decodeUnknownSync(CheckoutProjection)(JSON.parse(JSON.stringify(p)))).toEqual(p)
  })
})
