// Payment's projection of a session, table-driven: each row folds a sequence of cart, shipping and
// promotion events (payloads shaped as those contexts publish them, extra fields included) and states
// the totals that follow. Covers stale cart versions, services as cart lines, shipping's method /
// date / addons rules, promotions re-priced and removed, the one code, and the floor at 0.
import { describe, expect, test } from "bun:test"
import { Schema } from "effect"
import type { CartSnapshotLine } from "@kasa/shared"
import { applyEvent, applyEvents, emptyProjection, grandTotal, PaymentProjection, type ProjectedEvent, ProjectedEventPayloads, sessionTotals, type SessionTotals } from "@kasa/payment"

const SESSION = "sess_projectionTest000000"

const line = (item_id: string, type: CartSnapshotLine["type"], unit_price: number, quantity = 1, parent_item_id: string | null = null): CartSnapshotLine => ({
  item_id,
  offer_id: `offer_${item_id}`,
  type,
  name: item_id,
  category: type === "service" ? "service" : "appliance",
  quantity,
  unit_price,
  parent_item_id
})

const cart = (cart_version: number, lines: ReadonlyArray<CartSnapshotLine>, name: "cart.item_added" | "cart.item_removed" | "cart.cleared" = "cart.item_added"): ProjectedEvent => ({
  name,
  payload: { session_id: SESSION, cart_version, lines, currency: "PLN" }
})
const method = (method_id: string, price_amount: number): ProjectedEvent => ({ name: "shipping.method_selected", payload: { session_id: SESSION, method_id, price_amount } })
const date = (express_fee_amount: number): ProjectedEvent => ({ name: "shipping.delivery_date_selected", payload: { session_id: SESSION, express_fee_amount } })
const addons = (addons_total: number): ProjectedEvent => ({ name: "shipping.addons_selected", payload: { session_id: SESSION, addons_total } })
const invalidated = (method_id: string): ProjectedEvent => ({ name: "shipping.method_invalidated", payload: { session_id: SESSION, method_id } })
const promotion = (promotion_id: string, discount_amount: number): ProjectedEvent => ({ name: "promotion.applied", payload: { session_id: SESSION, promotion_id, discount_amount } })
const code = (c: string, discount_amount: number): ProjectedEvent => ({ name: "promotion.code_applied", payload: { session_id: SESSION, code: c, discount_amount } })
const removed = (promotion_id: string, c?: string): ProjectedEvent => ({
  name: "promotion.removed",
  payload: { session_id: SESSION, promotion_id, ...(c === undefined ? {} : { code: c }) }
})

const washer = line("washer", "offer", 200_000)
const cable = line("cable", "accessory", 2_000, 3)
const carryIn = line("carry", "service", 4_900, 2, "washer")
const giftWrap = line("wrap", "service", 1_500)
const warranty = line("warranty", "warranty", 19_900, 1, "washer")

type Totals = Omit<SessionTotals, "currency">
const totals = (cart_total: number, services_total: number, shipping_total: number, promotion_discount: number, grand_total: number): Totals => ({
  cart_total,
  services_total,
  shipping_total,
  promotion_discount,
  grand_total
})

describe("applyEvent and grandTotal", () => {
  test.each<[string, ReadonlyArray<ProjectedEvent>, Totals]>([
    ["nothing seen yet", [], totals(0, 0, 0, 0, 0)],
    ["one cart line", [cart(1, [washer])], totals(200_000, 0, 0, 0, 200_000)],
    ["goods, a warranty and an accessory are the cart total", [cart(1, [washer, warranty, cable])], totals(225_900, 0, 0, 0, 225_900)],
    ["services are cart lines outside cart_total, priced per unit", [cart(1, [washer, carryIn, giftWrap])], totals(200_000, 11_300, 0, 0, 211_300)],
    ["a newer snapshot replaces the cart", [cart(1, [washer]), cart(2, [cable], "cart.item_removed")], totals(6_000, 0, 0, 0, 6_000)],
    ["an older snapshot is ignored", [cart(2, [cable]), cart(1, [washer])], totals(6_000, 0, 0, 0, 6_000)],
    ["a replayed snapshot is ignored", [cart(2, [cable]), cart(2, [washer])], totals(6_000, 0, 0, 0, 6_000)],
    ["a cleared cart", [cart(1, [washer]), cart(2, [], "cart.cleared")], totals(0, 0, 0, 0, 0)],
    ["the shipping method's price", [cart(1, [washer]), method("courier", 1_999)], totals(200_000, 0, 1_999, 0, 201_999)],
    ["method + express fee + addons", [cart(1, [washer]), method("courier", 1_999), date(2_500), addons(2_999)], totals(200_000, 0, 7_498, 0, 207_498)],
    ["the same method re-priced keeps the date's fee", [cart(1, [washer]), method("courier", 1_999), date(2_500), method("courier", 0)], totals(200_000, 0, 2_500, 0, 202_500)],
    ["another method drops the date's fee", [cart(1, [washer]), method("courier", 1_999), date(2_500), method("pallet", 14_900)], totals(200_000, 0, 14_900, 0, 214_900)],
    ["an invalidated method clears method, date and addons", [cart(1, [washer]), method("courier", 1_999), date(2_500), addons(2_999), invalidated("courier")], totals(200_000, 0, 0, 0, 200_000)],
    ["a promotion", [cart(1, [cable]), promotion("second-item-half-price", 1_000)], totals(6_000, 0, 0, 1_000, 5_000)],
    ["a promotion re-published with a new amount replaces it", [cart(1, [cable]), promotion("buy-3-get-1", 1_000), promotion("buy-3-get-1", 500)], totals(6_000, 0, 0, 500, 5_500)],
    ["a promotion removed", [cart(1, [cable]), promotion("buy-3-get-1", 1_000), removed("buy-3-get-1")], totals(6_000, 0, 0, 0, 6_000)],
    ["a promotion and a code add up", [cart(1, [washer]), promotion("second-item-half-price", 1_000), code("WELCOME10", 20_000)], totals(200_000, 0, 0, 21_000, 179_000)],
    ["a code removed (promotion names it in promotion_id and code)", [cart(1, [washer]), promotion("p", 1_000), code("WELCOME10", 20_000), removed("WELCOME10", "WELCOME10")], totals(200_000, 0, 0, 1_000, 199_000)],
    ["a code removed by a payload that only names promotion_id", [cart(1, [washer]), code("MINUS50", 5_000), removed("MINUS50")], totals(200_000, 0, 0, 0, 200_000)],
    ["removing another code leaves the held one", [cart(1, [washer]), code("MINUS50", 5_000), removed("WELCOME10", "WELCOME10")], totals(200_000, 0, 0, 5_000, 195_000)],
    ["a second code replaces the first", [cart(1, [washer]), code("MINUS50", 5_000), code("WELCOME10", 20_000)], totals(200_000, 0, 0, 20_000, 180_000)],
    ["everything together", [cart(1, [washer, carryIn, cable]), method("pallet", 14_900), addons(2_999), promotion("buy-3-get-1", 2_000), code("MINUS50", 5_000)], totals(206_000, 9_800, 17_899, 7_000, 226_699)],
    ["never below 0", [cart(1, [cable]), code("BIG", 10_000)], totals(6_000, 0, 0, 10_000, 0)]
  ])("%s", (_name, events, expected) => {
    const projection = applyEvents(emptyProjection(SESSION), events)
    const { currency, ...rest } = sessionTotals(projection)
    expect(rest).toEqual(expected)
    expect(currency).toBe("PLN")
    expect(grandTotal(projection)).toBe(expected.grand_total)
  })

  test("applyEvent is the one-event step of applyEvents, and leaves its input untouched", () => {
    const before = applyEvents(emptyProjection(SESSION), [cart(1, [washer])])
    const after = applyEvent(before, "shipping.method_selected", { session_id: SESSION, method_id: "courier", price_amount: 1_999 })
    expect(after).toEqual(applyEvents(before, [method("courier", 1_999)]))
    expect(before.shipping_method).toBeNull()
  })
})

describe("ProjectedEventPayloads", () => {
  test("decode what the other contexts publish, extra fields and all", () => {
    const published: ReadonlyArray<[keyof typeof ProjectedEventPayloads, Record<string, unknown>]> = [
      ["cart.item_added", { session_id: SESSION, user_id: "u1", item_id: "washer", offer_id: "o", quantity: 1, price: 200_000, cart_total: 200_000, cart_version: 1, lines: [washer], currency: "PLN" }],
      ["shipping.method_selected", { session_id: SESSION, method_id: "courier", method_name: "Courier", price_amount: 1_999, price_currency: "PLN" }],
      ["shipping.delivery_date_selected", { session_id: SESSION, delivery_date: "2026-12-03", is_express: true, express_fee_amount: 2_500 }],
      ["shipping.addons_selected", { session_id: SESSION, addons: [{ addon_id: "sunday_delivery", name: "Sunday", price_amount: 2_999 }], addons_total: 2_999 }],
      ["shipping.method_invalidated", { session_id: SESSION, method_id: "courier", reason: "oversize_item" }],
      ["promotion.applied", { session_id: SESSION, promotion_id: "buy-3-get-1", promotion_name: "3+1", discount_amount: 1_000, discount_currency: "PLN", cart_version: 3 }],
      ["promotion.code_applied", { session_id: SESSION, code: "WELCOME10", discount_amount: 1_000, discount_currency: "PLN", cart_version: 3 }],
      ["promotion.removed", { session_id: SESSION, promotion_id: "WELCOME10", code: "WELCOME10", reason: "minimum_not_met", cart_version: 4 }]
    ]
    for (const [name, payload] of published) {
      expect(Schema.decodeUnknownResult(ProjectedEventPayloads[name] as Schema.Codec<unknown>)(payload)._tag).toBe("Success")
    }
    expect(Schema.decodeUnknownResult(ProjectedEventPayloads["shipping.method_selected"])({ session_id: SESSION, method_id: "courier", price_amount: -1 })._tag).toBe("Failure")
  })
})

describe("the projection survives JSON", () => {
  test("a full projection decodes back from its JSON form unchanged", () => {
    const p = applyEvents(emptyProjection(SESSION), [cart(1, [washer, carryIn]), method("courier", 1_999), date(2_500), promotion("p", 1_000), code("WELCOME10", 500)])
    expect(Schema.decodeUnknownSync(PaymentProjection)(JSON.parse(JSON.stringify(p)))).toEqual(p)
  })
})
