// Shipping eligibility and pricing (SPEC §9), table-driven: every method's price or the reason it
// is ruled out, by size class, weight (the 25 kg boundary), line type and category, cart total (the
// 29999 / 30000 free-courier boundary), quantity, currency, and unknown offers. No runtime, no store.
import { describe, expect, test } from "bun:test"
import type { CartSnapshotLine } from "@kasa/shared"
import { assessMethods, type CartProjection, shipmentOf, totalWeightG } from "@kasa/shipping"
import { cartLine, fixtureParcelSpecs, fixtureShippingRules } from "@kasa/shipping/testing"

const specs = new Map(fixtureParcelSpecs)

const cart = (lines: ReadonlyArray<CartSnapshotLine>, currency = "PLN"): CartProjection => ({ cart_version: 1, currency, lines })

/** Each method's price when available, else the reason it is not. */
const outcome = (projection: CartProjection): Record<string, number | string> =>
  Object.fromEntries(assessMethods(shipmentOf(projection, specs), fixtureShippingRules).map((a) => [a.method_id, a.available ? a.price_amount : a.reason]))

type Row = readonly [string, ReadonlyArray<CartSnapshotLine>, Record<string, number | string>, string?]

const rows: ReadonlyArray<Row> = [
  ["one small item", [cartLine("hdmi-cable")], { courier: 1_999, parcel_locker: 1_299, store_pickup: 0, pallet: "no_large_item" }],
  ["goods total 29999: courier paid", [cartLine("kettle", { unit_price: 29_999 })], { courier: 1_999, parcel_locker: 1_299, store_pickup: 0, pallet: "no_large_item" }],
  ["goods total 30000: courier free", [cartLine("kettle", { unit_price: 30_000 })], { courier: 0, parcel_locker: 1_299, store_pickup: 0, pallet: "no_large_item" }],
  ["goods total 30001: courier free", [cartLine("kettle", { unit_price: 30_001 })], { courier: 0, parcel_locker: 1_299, store_pickup: 0, pallet: "no_large_item" }],
  ["30000 reached by quantity (2 × 15000)", [cartLine("kettle", { unit_price: 15_000, quantity: 2 })], { courier: 0, parcel_locker: 1_299, store_pickup: 0, pallet: "no_large_item" }],
  [
    "a warranty counts toward the goods total (17900 + 12100 = 30000)",
    [cartLine("kettle"), cartLine("warranty-2y", { type: "warranty", unit_price: 12_100, parent_item_id: "item_kettle" })],
    { courier: 0, parcel_locker: 1_299, store_pickup: 0, pallet: "no_large_item" }
  ],
  [
    "a service does not count toward the goods total (17900 + service 12100)",
    [cartLine("kettle"), cartLine("carry_in", { type: "service", unit_price: 12_100, category: "service", parent_item_id: "item_kettle" })],
    { courier: 1_999, parcel_locker: 1_299, store_pickup: 0, pallet: "no_large_item" }
  ],
  ["medium items, 24 kg", [cartLine("microwave", { quantity: 2 })], { courier: 0, parcel_locker: 1_299, store_pickup: 0, pallet: "no_large_item" }],
  ["exactly 25 kg fits the parcel locker", [cartLine("dumbbell-12-5kg", { quantity: 2 })], { courier: 1_999, parcel_locker: 1_299, store_pickup: 0, pallet: "no_large_item" }],
  [
    "25 kg + 1 g does not",
    [cartLine("dumbbell-12-5kg", { quantity: 2 }), cartLine("feather", { unit_price: 1 })],
    { courier: 1_999, parcel_locker: "too_heavy", store_pickup: 0, pallet: "no_large_item" }
  ],
  ["weight counts every unit (3 × 12 kg)", [cartLine("microwave", { quantity: 3 })], { courier: 0, parcel_locker: "too_heavy", store_pickup: 0, pallet: "no_large_item" }],
  ["a large item: pallet offered, no parcel locker", [cartLine("washer")], { courier: 0, parcel_locker: "item_too_large", store_pickup: 0, pallet: 14_900 }],
  [
    "a large item among small ones",
    [cartLine("hdmi-cable"), cartLine("tv-65", { unit_price: 20_000 })],
    { courier: 1_999, parcel_locker: "item_too_large", store_pickup: 0, pallet: 14_900 }
  ],
  ["an oversize item: only pallet and store pickup", [cartLine("fridge")], { courier: "oversize_item", parcel_locker: "oversize_item", store_pickup: 0, pallet: 14_900 }],
  [
    "an oversize item among small ones",
    [cartLine("hdmi-cable"), cartLine("kettle"), cartLine("sofa")],
    { courier: "oversize_item", parcel_locker: "oversize_item", store_pickup: 0, pallet: 14_900 }
  ],
  [
    "an oversize accessory is shipped like any product",
    [cartLine("fridge", { type: "accessory" })],
    { courier: "oversize_item", parcel_locker: "oversize_item", store_pickup: 0, pallet: 14_900 }
  ],
  [
    "a service line is not shipped, whatever its id",
    [cartLine("hdmi-cable"), cartLine("fridge", { type: "service", category: "service" })],
    { courier: 1_999, parcel_locker: 1_299, store_pickup: 0, pallet: "no_large_item" }
  ],
  [
    "category does not decide, size does: small furniture fits a locker",
    [cartLine("kettle", { category: "furniture" })],
    { courier: 1_999, parcel_locker: 1_299, store_pickup: 0, pallet: "no_large_item" }
  ],
  ["an offer with unknown parcel facts counts as large", [cartLine("mystery-box", { unit_price: 5_000 })], { courier: 1_999, parcel_locker: "item_too_large", store_pickup: 0, pallet: 14_900 }],
  ["an empty cart ships nothing", [], { courier: "cart_empty", parcel_locker: "cart_empty", store_pickup: "cart_empty", pallet: "cart_empty" }],
  [
    "only a standalone service ships nothing",
    [cartLine("gift_wrap", { type: "service", category: "service", unit_price: 1_500 })],
    { courier: "cart_empty", parcel_locker: "cart_empty", store_pickup: "cart_empty", pallet: "cart_empty" }
  ],
  [
    "a cart in a currency the rules are not priced in gets no method",
    [cartLine("hdmi-cable")],
    { courier: "currency_not_supported", parcel_locker: "currency_not_supported", store_pickup: "currency_not_supported", pallet: "currency_not_supported" },
    "EUR"
  ]
]

describe("assessMethods", () => {
  test.each(rows.map((row) => [row[0], row] as const))("%s", (_, [, lines, expected, currency]) => {
    expect(outcome(cart(lines, currency))).toEqual(expected)
  })

  test("lists methods in the rules' order with name, currency, express support and addons", () => {
    const assessed = assessMethods(shipmentOf(cart([cartLine("washer")]), specs), fixtureShippingRules)
    expect(assessed.map((a) => a.method_id)).toEqual(["courier", "parcel_locker", "store_pickup", "pallet"])
    const available = assessed.filter((a) => a.available)
    expect(available.map((a) => [a.method_id, a.name, a.price_currency, a.supports_express, a.addons.map((addon) => [addon.addon_id, addon.price_amount])])).toEqual([
      ["courier", "Courier", "PLN", true, [["sunday_delivery", 2_999]]],
      ["store_pickup", "Store pickup", "PLN", false, []],
      ["pallet", "Pallet delivery (two-person)", "PLN", false, [["sunday_delivery", 2_999]]]
    ])
  })

  test("the shipment's weight counts product lines only, per unit", () => {
    const projection = cart([
      cartLine("microwave", { quantity: 2 }),
      cartLine("hdmi-cable", { type: "accessory", quantity: 3 }),
      cartLine("warranty-2y", { type: "warranty", parent_item_id: "item_microwave" }),
      cartLine("sofa", { type: "service", category: "service" })
    ])
    expect(totalWeightG(shipmentOf(projection, specs))).toBe(2 * 12_000 + 3 * 150)
  })
})
