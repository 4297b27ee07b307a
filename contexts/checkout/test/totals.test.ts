// SPEC §4.7's totals, table-driven: each row folds events into a projection and states the totals:
// shipping_total = method + express fee + addons; grand_total = cart + services + shipping − discount,
// never below 0; services are cart lines outside cart_total; integers in minor units.
import { describe, expect, test } from "bun:test"
import { computeTotals, type ProjectedEvent, type Totals, totalsDiffer } from "@kasa/checkout"
import { addons, cable, carryIn, cart, code, date, giftWrap, method, projectionOf, promotion, SUNDAY, washer } from "./fixtures.ts"

const totals = (cart_total: number, services_total: number, shipping_total: number, promotion_discount: number, grand_total: number): Totals => ({
  cart_total,
  promotion_discount,
  shipping_total,
  services_total,
  grand_total,
  currency: "PLN"
})

describe("computeTotals", () => {
  test.each<[string, ReadonlyArray<ProjectedEvent>, Totals]>([
    ["nothing yet", [], totals(0, 0, 0, 0, 0)],
    ["goods only", [cart(1, [washer, cable])], totals(206_000, 0, 0, 0, 206_000)],
    ["services outside cart_total", [cart(1, [washer, carryIn, giftWrap])], totals(200_000, 6_400, 0, 0, 206_400)],
    ["the method's price", [cart(1, [washer]), method("courier", 1_999)], totals(200_000, 0, 1_999, 0, 201_999)],
    ["method + express fee + addons", [cart(1, [washer]), method("courier", 1_999), date("2026-12-06", 2_500), addons(SUNDAY)], totals(200_000, 0, 7_498, 0, 207_498)],
    ["a free method", [cart(1, [washer]), method("courier", 0)], totals(200_000, 0, 0, 0, 200_000)],
    ["a promotion and a code add up", [cart(1, [washer, cable]), promotion("second-item-half-price", 1_000), code("WELCOME10", 20_600)], totals(206_000, 0, 0, 21_600, 184_400)],
    [
      "everything together",
      [cart(1, [washer, carryIn, cable]), method("pallet", 14_900), addons(SUNDAY), promotion("buy-3-get-1", 2_000), code("MINUS50", 5_000)],
      totals(206_000, 4_900, 17_899, 7_000, 221_799)
    ],
    ["never below 0", [cart(1, [cable]), method("parcel_locker", 1_299), code("BIG", 10_000)], totals(6_000, 0, 1_299, 10_000, 0)]
  ])("%s", (_name, events, expected) => {
    expect(computeTotals(projectionOf(events))).toEqual(expected)
  })

  test("the currency is the cart's", () => {
    const eur = projectionOf([{ name: "cart.item_added", payload: { session_id: "sess_checkoutTest0000000", cart_version: 1, lines: [washer], currency: "EUR" } }])
    expect(computeTotals(eur).currency).toBe("EUR")
  })
})

describe("totalsDiffer", () => {
  const base = totals(100, 0, 0, 0, 100)
  test.each<[string, Totals, boolean]>([
    ["the same figures", { ...base }, false],
    ["another grand total", { ...base, grand_total: 99 }, true],
    ["another discount", { ...base, promotion_discount: 1 }, true],
    ["another currency", { ...base, currency: "EUR" }, true]
  ])("%s", (_name, other, differs) => {
    expect(totalsDiffer(base, other)).toBe(differs)
  })
})
