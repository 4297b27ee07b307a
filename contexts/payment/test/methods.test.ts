// Which payment methods a session may use (SPEC §9), table-driven over the projection: online methods
// always, each through its configured gateway (sandbox by default); cash on delivery only with courier
// or pallet and a grand total of at most 500000. And the gateway map from configuration, the check of a
// held selection (the reason payment.method_invalidated carries), and POST /payment/select's choice.
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import {
  applyEvents,
  availableMethods,
  chooseMethod,
  emptyProjection,
  type Fit,
  gatewaysFor,
  type GatewayId,
  type GatewayMap,
  type PaymentProjection,
  type ProjectedEvent,
  SANDBOX_GATEWAYS,
  selectionStillFits
} from "@kasa/payment"

const SESSION = "sess_methodsTest000000000"

/** A session whose cart holds goods worth `goods` and, when given, a chosen delivery method priced `price`. */
const session = (goods: number, shipping?: { readonly method_id: string; readonly price: number }, discount = 0): PaymentProjection => {
  const events: Array<ProjectedEvent> = [
    {
      name: "cart.item_added",
      payload: {
        session_id: SESSION,
        cart_version: 1,
        currency: "PLN",
        lines: [{ item_id: "i1", offer_id: "o1", type: "offer", name: "Fridge", category: "appliance", quantity: 1, unit_price: goods, parent_item_id: null }]
      }
    }
  ]
  if (shipping !== undefined) events.push({ name: "shipping.method_selected", payload: { session_id: SESSION, method_id: shipping.method_id, price_amount: shipping.price } })
  if (discount > 0) events.push({ name: "promotion.code_applied", payload: { session_id: SESSION, code: "MINUS50", discount_amount: discount } })
  return applyEvents(emptyProjection(SESSION), events)
}

const ONLINE = ["card", "blik", "p24", "payu"]
const WITH_COD = [...ONLINE, "cash_on_delivery"]

describe("availableMethods", () => {
  test.each<[string, PaymentProjection, ReadonlyArray<string>]>([
    ["no shipping chosen yet: online only", session(10_000), ONLINE],
    ["courier, small total: cash on delivery too", session(10_000, { method_id: "courier", price: 1_999 }), WITH_COD],
    ["pallet: cash on delivery too", session(300_000, { method_id: "pallet", price: 14_900 }), WITH_COD],
    ["parcel locker: no cash on delivery", session(10_000, { method_id: "parcel_locker", price: 1_299 }), ONLINE],
    ["store pickup: no cash on delivery", session(10_000, { method_id: "store_pickup", price: 0 }), ONLINE],
    ["grand total exactly 500000 (shipping counted)", session(498_001, { method_id: "courier", price: 1_999 }), WITH_COD],
    ["grand total 500001: over the cap", session(498_002, { method_id: "courier", price: 1_999 }), ONLINE],
    ["goods over the cap but a discount brings it under", session(505_000, { method_id: "courier", price: 0 }, 5_000), WITH_COD],
    ["an empty projection: online only", emptyProjection(SESSION), ONLINE]
  ])("%s", (_name, projection, expected) => {
    expect(availableMethods(projection).map((m): string => m.method_id)).toEqual([...expected])
  })

  test("each method names its gateway: sandbox by default, offline for cash on delivery", () => {
    expect(availableMethods(session(10_000, { method_id: "courier", price: 1_999 }))).toEqual([
      { method_id: "card", name: "Card", gateway: "sandbox" },
      { method_id: "blik", name: "BLIK", gateway: "sandbox" },
      { method_id: "p24", name: "Przelewy24 transfer", gateway: "sandbox" },
      { method_id: "payu", name: "PayU pay-by-link", gateway: "sandbox" },
      { method_id: "cash_on_delivery", name: "Cash on delivery", gateway: "offline" }
    ])
  })

  test("a configured gateway map is used as given", () => {
    const gateways: GatewayMap = { card: "stripe", blik: "przelewy24", p24: "przelewy24", payu: "payu" }
    expect(availableMethods(session(10_000), gateways).map((m) => [m.method_id, m.gateway])).toEqual([
      ["card", "stripe"],
      ["blik", "przelewy24"],
      ["p24", "przelewy24"],
      ["payu", "payu"]
    ])
  })
})

describe("gatewaysFor", () => {
  test.each<[string, ReadonlyArray<GatewayId>, GatewayMap]>([
    ["no keys configured (embedded): all sandbox", [], SANDBOX_GATEWAYS],
    ["only Stripe: card through Stripe", ["stripe"], { card: "stripe", blik: "sandbox", p24: "sandbox", payu: "sandbox" }],
    ["Przelewy24: p24 and BLIK through it", ["przelewy24"], { card: "sandbox", blik: "przelewy24", p24: "przelewy24", payu: "sandbox" }],
    ["all configured", ["stripe", "przelewy24", "payu"], { card: "stripe", blik: "przelewy24", p24: "przelewy24", payu: "payu" }]
  ])("%s", (_name, configured, expected) => {
    expect(gatewaysFor(configured)).toEqual(expected)
  })

  test("the preferred map can be changed (BLIK through Stripe)", () => {
    expect(gatewaysFor(["stripe"], { card: "stripe", blik: "stripe", p24: "przelewy24", payu: "payu" }).blik).toBe("stripe")
  })
})

describe("selectionStillFits", () => {
  test.each<[string, PaymentProjection, string, Fit]>([
    ["card always fits", session(900_000), "card", { fits: true }],
    ["blik always fits", emptyProjection(SESSION), "blik", { fits: true }],
    ["an unknown method", session(10_000), "bitcoin", { fits: false, reason: "unknown_method" }],
    ["cash on delivery without a delivery method", session(10_000), "cash_on_delivery", { fits: false, reason: "no_shipping_method" }],
    ["cash on delivery with a parcel locker", session(10_000, { method_id: "parcel_locker", price: 1_299 }), "cash_on_delivery", { fits: false, reason: "shipping_method_not_allowed" }],
    ["cash on delivery over the cap", session(600_000, { method_id: "pallet", price: 14_900 }), "cash_on_delivery", { fits: false, reason: "grand_total_over_limit" }],
    ["cash on delivery with a courier under the cap", session(10_000, { method_id: "courier", price: 1_999 }), "cash_on_delivery", { fits: true }]
  ])("%s", (_name, projection, method_id, expected) => {
    expect(selectionStillFits(projection, method_id)).toEqual(expected)
  })

  test("a cart change that pushes the total over the cap invalidates a held cash on delivery", () => {
    const before = session(10_000, { method_id: "courier", price: 1_999 })
    expect(selectionStillFits(before, "cash_on_delivery").fits).toBe(true)
    const after = applyEvents(before, [
      {
        name: "cart.item_quantity_changed",
        payload: { session_id: SESSION, cart_version: 2, currency: "PLN", lines: [{ item_id: "i1", offer_id: "o1", type: "offer", name: "Fridge", category: "appliance", quantity: 60, unit_price: 10_000, parent_item_id: null }] }
      }
    ])
    expect(selectionStillFits(after, "cash_on_delivery")).toEqual({ fits: false, reason: "grand_total_over_limit" })
  })
})

describe("chooseMethod", () => {
  test("an available method with its gateway", () => {
    expect(chooseMethod(session(10_000), "p24")).toEqual(Result.succeed({ method_id: "p24", name: "Przelewy24 transfer", gateway: "sandbox" }))
  })
  test("an unknown method is PaymentMethodNotFound", () => {
    const result = chooseMethod(session(10_000), "bitcoin")
    expect(Result.isFailure(result) && result.failure).toMatchObject({ _tag: "PaymentMethodNotFound", method_id: "bitcoin" })
  })
  test("a method the session does not allow is PaymentMethodNotAvailable with the reason", () => {
    const result = chooseMethod(session(10_000, { method_id: "parcel_locker", price: 1_299 }), "cash_on_delivery")
    expect(Result.isFailure(result) && result.failure).toMatchObject({ _tag: "PaymentMethodNotAvailable", method_id: "cash_on_delivery", reason: "shipping_method_not_allowed" })
  })
})
