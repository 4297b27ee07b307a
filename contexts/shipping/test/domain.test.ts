// The session's choices as pure commands, table-driven: selecting a method (unknown, ruled out,
// re-selected, switched: what the date and addons do), the address, a date (not in the calendar,
// express where there is none), addons (unknown, not for this method, a Sunday date kept honest),
// and a cart snapshot applied (stale ignored, the chosen method invalidated or re-priced).
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import type { CartSnapshotLine } from "@kasa/shared"
import {
  type Address,
  applyCart,
  assessMethods,
  emptySession,
  provideAddress,
  selectAddons,
  selectMethod,
  setDeliveryDate,
  shipmentOf,
  type ShippingSession
} from "@kasa/shipping"
import { cartLine, cartSnapshot, fixtureParcelSpecs, fixtureShippingRules } from "@kasa/shipping/testing"

const SESSION = "sess_domainTest0000000000"
const rules = fixtureShippingRules
const specs = new Map(fixtureParcelSpecs)

const projection = (version: number, lines: ReadonlyArray<CartSnapshotLine>) => ({ cart_version: version, currency: "PLN", lines })
const assess = (lines: ReadonlyArray<CartSnapshotLine>) => assessMethods(shipmentOf(projection(1, lines), specs), rules)

const small = [cartLine("hdmi-cable")]
const large = [cartLine("washer")]
const oversize = [cartLine("hdmi-cable"), cartLine("fridge")]

const withCart = (lines: ReadonlyArray<CartSnapshotLine>, version = 1): ShippingSession => ({ ...emptySession(SESSION), cart: projection(version, lines) })

const courier = { method_id: "courier", method_name: "Courier", price_amount: 1_999, price_currency: "PLN" } as const
const sunday = { addon_id: "sunday_delivery", name: "Sunday delivery", price_amount: 2_999 } as const
const address: Address = { street: "ul. Prosta 1", city: "Warszawa", postal_code: "00-950", country: "PL" }

/** A session of a small cart with the courier chosen, a Sunday date and Sunday delivery booked. */
const courierOnSunday: ShippingSession = {
  ...withCart(small),
  method: courier,
  delivery: { delivery_date: "2026-02-15", is_express: true, express_fee_amount: 2_500 },
  addons: [sunday]
}

const ok = <A, E>(result: Result.Result<A, E>): A => {
  if (Result.isFailure(result)) throw new Error(`expected success, got ${JSON.stringify(result.failure)}`)
  return result.success
}
const failed = <A, E>(result: Result.Result<A, E>): unknown => {
  if (Result.isSuccess(result)) throw new Error(`expected failure, got ${JSON.stringify(result.success)}`)
  return result.failure
}

describe("selectMethod", () => {
  test.each<[string, ShippingSession, ReadonlyArray<CartSnapshotLine>, string, Record<string, unknown>]>([
    ["an unknown method", withCart(small), small, "teleport", { _tag: "MethodNotFound", method_id: "teleport" }],
    ["parcel locker with an oversize item", withCart(oversize), oversize, "parcel_locker", { _tag: "MethodNotAvailable", method_id: "parcel_locker", reason: "oversize_item" }],
    ["courier with an oversize item", withCart(oversize), oversize, "courier", { _tag: "MethodNotAvailable", method_id: "courier", reason: "oversize_item" }],
    ["pallet with small items only", withCart(small), small, "pallet", { _tag: "MethodNotAvailable", method_id: "pallet", reason: "no_large_item" }],
    ["anything before a cart was seen", emptySession(SESSION), [], "store_pickup", { _tag: "MethodNotAvailable", method_id: "store_pickup", reason: "cart_empty" }]
  ])("refuses %s", (_, session, lines, methodId, expected) => {
    expect(failed(selectMethod(session, methodId, assess(lines)))).toMatchObject(expected)
  })

  test("chooses an available method at the assessed price", () => {
    const decision = ok(selectMethod(withCart(small), "parcel_locker", assess(small)))
    const method = { method_id: "parcel_locker", method_name: "Parcel locker", price_amount: 1_299, price_currency: "PLN" } as const
    expect(decision.session.method).toEqual(method)
    expect(decision.changes).toEqual([{ _tag: "MethodSelected", method }])
  })

  test("the same method again changes nothing", () => {
    const decision = ok(selectMethod(courierOnSunday, "courier", assess(small)))
    expect(decision).toEqual({ session: courierOnSunday, changes: [] })
  })

  test("another method clears the date and keeps the addons it takes (courier → pallet keeps Sunday delivery)", () => {
    const session = { ...courierOnSunday, cart: projection(1, large) }
    const decision = ok(selectMethod(session, "pallet", assess(large)))
    expect(decision.session).toMatchObject({ method: { method_id: "pallet", price_amount: 14_900 }, delivery: undefined, addons: [sunday] })
    expect(decision.changes.map((c) => c._tag)).toEqual(["MethodSelected"])
  })

  test("another method drops the addons it does not take, and says so (courier → parcel locker)", () => {
    const decision = ok(selectMethod(courierOnSunday, "parcel_locker", assess(small)))
    expect(decision.session).toMatchObject({ method: { method_id: "parcel_locker" }, delivery: undefined, addons: [] })
    expect(decision.changes).toEqual([
      { _tag: "MethodSelected", method: { method_id: "parcel_locker", method_name: "Parcel locker", price_amount: 1_299, price_currency: "PLN" } },
      { _tag: "AddonsSelected", addons: [], addons_total: 0 }
    ])
  })
})

describe("provideAddress", () => {
  test("stores a new address, and the same one again changes nothing", () => {
    const first = provideAddress(emptySession(SESSION), address)
    expect(first.changes).toEqual([{ _tag: "AddressProvided", address }])
    expect(provideAddress(first.session, { ...address }).changes).toEqual([])
    expect(provideAddress(first.session, { ...address, street: "ul. Krzywa 2" }).changes).toHaveLength(1)
  })
})

describe("setDeliveryDate", () => {
  const days = ["2026-02-12", "2026-02-13", "2026-02-15"]
  const withCourier: ShippingSession = { ...withCart(small), method: courier }
  const withLocker: ShippingSession = { ...withCart(small), method: { method_id: "parcel_locker", method_name: "Parcel locker", price_amount: 1_299, price_currency: "PLN" } }

  test.each<[string, ShippingSession, string, boolean, Record<string, unknown>]>([
    ["without a method", withCart(small), "2026-02-12", false, { _tag: "NoMethodSelected" }],
    ["a date not in the calendar", withCourier, "2026-02-14", false, { _tag: "DateNotAvailable", delivery_date: "2026-02-14", method_id: "courier" }],
    ["a date in the past", withCourier, "2020-01-01", false, { _tag: "DateNotAvailable" }],
    ["express with a parcel locker", withLocker, "2026-02-12", true, { _tag: "ExpressNotSupported", method_id: "parcel_locker" }]
  ])("refuses %s", (_, session, date, express, expected) => {
    expect(failed(setDeliveryDate(session, { delivery_date: date, is_express: express }, days, rules))).toMatchObject(expected)
  })

  test.each<[boolean, number]>([
    [false, 0],
    [true, 2_500]
  ])("a calendar day, is_express %p → express fee %d", (express, fee) => {
    const decision = ok(setDeliveryDate(withCourier, { delivery_date: "2026-02-13", is_express: express }, days, rules))
    const delivery = { delivery_date: "2026-02-13", is_express: express, express_fee_amount: fee }
    expect(decision.session.delivery).toEqual(delivery)
    expect(decision.changes).toEqual([{ _tag: "DeliveryDateSelected", delivery }])
    expect(ok(setDeliveryDate(decision.session, { delivery_date: "2026-02-13", is_express: express }, days, rules)).changes).toEqual([])
  })
})

describe("selectAddons", () => {
  const withCourier: ShippingSession = { ...withCart(small), method: courier }
  const withPickup: ShippingSession = { ...withCart(small), method: { method_id: "store_pickup", method_name: "Store pickup", price_amount: 0, price_currency: "PLN" } }

  test.each<[string, ShippingSession, ReadonlyArray<string>, Record<string, unknown>]>([
    ["without a method", withCart(small), ["sunday_delivery"], { _tag: "NoMethodSelected" }],
    ["an unknown addon", withCourier, ["gift_wrap"], { _tag: "AddonNotFound", addon_id: "gift_wrap" }],
    ["Sunday delivery with store pickup", withPickup, ["sunday_delivery"], { _tag: "AddonNotSupported", addon_id: "sunday_delivery", method_id: "store_pickup" }],
    ["dropping Sunday delivery while the date is a Sunday", courierOnSunday, [], { _tag: "SundayDateNeedsAddon", delivery_date: "2026-02-15" }]
  ])("refuses %s", (_, session, ids, expected) => {
    expect(failed(selectAddons(session, ids, rules))).toMatchObject(expected)
  })

  test("books the addons (repeats once) with their total; the same set again changes nothing; none clears them", () => {
    const booked = ok(selectAddons(withCourier, ["sunday_delivery", "sunday_delivery"], rules))
    expect(booked.session.addons).toEqual([sunday])
    expect(booked.changes).toEqual([{ _tag: "AddonsSelected", addons: [sunday], addons_total: 2_999 }])
    expect(ok(selectAddons(booked.session, ["sunday_delivery"], rules)).changes).toEqual([])
    expect(ok(selectAddons(booked.session, [], rules)).changes).toEqual([{ _tag: "AddonsSelected", addons: [], addons_total: 0 }])
  })
})

describe("applyCart", () => {
  const snapshot = (version: number, lines: ReadonlyArray<CartSnapshotLine>) => cartSnapshot(SESSION, version, lines)

  test.each<[string, number, number]>([
    ["an older snapshot", 5, 4],
    ["the same version again (a replay)", 5, 5]
  ])("ignores %s", (_, held, incoming) => {
    expect(applyCart(withCart(small, held), snapshot(incoming, oversize), assess(oversize))).toBeUndefined()
  })

  test("a newer snapshot replaces the projection; with nothing chosen nothing is published", () => {
    const decision = applyCart(withCart(small, 1), snapshot(2, large), assess(large))
    expect(decision?.session.cart).toEqual(projection(2, large))
    expect(decision?.changes).toEqual([])
  })

  test.each<[string, ShippingSession, ReadonlyArray<CartSnapshotLine>, string]>([
    ["parcel locker, then an oversize item", { ...withCart(small), method: { method_id: "parcel_locker", method_name: "Parcel locker", price_amount: 1_299, price_currency: "PLN" } }, oversize, "oversize_item"],
    ["parcel locker, then a large item", { ...withCart(small), method: { method_id: "parcel_locker", method_name: "Parcel locker", price_amount: 1_299, price_currency: "PLN" } }, [...small, cartLine("washer")], "item_too_large"],
    ["parcel locker, then over 25 kg", { ...withCart(small), method: { method_id: "parcel_locker", method_name: "Parcel locker", price_amount: 1_299, price_currency: "PLN" } }, [cartLine("microwave", { quantity: 3 })], "too_heavy"],
    ["courier on Sunday, then an oversize item", courierOnSunday, oversize, "oversize_item"],
    ["pallet, then the large item removed", { ...withCart(large), method: { method_id: "pallet", method_name: "Pallet delivery (two-person)", price_amount: 14_900, price_currency: "PLN" }, addons: [sunday] }, small, "no_large_item"],
    ["store pickup, then the cart cleared", { ...withCart(small), method: { method_id: "store_pickup", method_name: "Store pickup", price_amount: 0, price_currency: "PLN" } }, [], "cart_empty"]
  ])("invalidates the chosen method: %s", (_, session, lines, reason) => {
    const decision = applyCart(session, snapshot(2, lines), assess(lines))
    expect(decision?.session as unknown).toMatchObject({ cart: projection(2, lines), method: undefined, delivery: undefined, addons: [] })
    expect(decision?.changes as unknown).toEqual([{ _tag: "MethodInvalidated", method_id: session.method!.method_id, reason }])
  })

  test("re-prices the chosen method when the cart crosses the free-courier threshold, keeping date and addons", () => {
    const richer = [cartLine("hdmi-cable"), cartLine("kettle", { unit_price: 30_000 })]
    const decision = applyCart(courierOnSunday, snapshot(2, richer), assess(richer))
    expect(decision?.session).toMatchObject({ method: { ...courier, price_amount: 0 }, delivery: courierOnSunday.delivery, addons: [sunday] })
    expect(decision?.changes).toEqual([{ _tag: "MethodSelected", method: { ...courier, price_amount: 0 } }])
  })

  test("a change that keeps the method and its price publishes nothing", () => {
    const more = [cartLine("hdmi-cable", { quantity: 2 })]
    expect(applyCart(courierOnSunday, snapshot(2, more), assess(more))?.changes).toEqual([])
  })
})
