/**
 * Test data builders: shipping rules with SPEC §9's numbers, a table of parcel facts covering every
 * size class and the weight boundary, cart snapshot lines and cart events as the cart publishes them (the published language of
 * `@kasa/shared/cart-snapshot`), DeliveryCalendar stand-ins that answer from a function, and a
 * clock stopped at one instant (for "today"; it still sleeps in real time, so retries work).
 */
import { Clock, Effect, Layer, Result } from "effect"
import { type CartSnapshot, type CartSnapshotLine, type Envelope, makeEnvelope, snapshotGoodsTotal } from "@kasa/shared"
import { CalendarUnavailable } from "../errors.ts"
import { type CalendarQuery, DeliveryCalendar } from "../ports.ts"
import { layerShippingRules, type ShippingRules } from "../rules.ts"
import { parseShippingRules, type ShippingRulesFile } from "../rules-file.ts"
import type { ParcelSpec } from "../shipment.ts"

/** A shipping rules file with SPEC §9's numbers, as the app would read it (tests vary it field by field). */
export const fixtureShippingRulesFile: ShippingRulesFile = {
  currency: "PLN",
  methods: [
    { method_id: "courier", name: "Courier", price_amount: 1_999, supports_express: true },
    { method_id: "parcel_locker", name: "Parcel locker", price_amount: 1_299, supports_express: false },
    { method_id: "store_pickup", name: "Store pickup", price_amount: 0, supports_express: false },
    { method_id: "pallet", name: "Pallet delivery (two-person)", price_amount: 14_900, supports_express: false }
  ],
  free_courier_from: 30_000,
  express_fee: 2_500,
  parcel_locker_max_weight_g: 25_000,
  addons: [{ addon_id: "sunday_delivery", name: "Sunday delivery", price_amount: 2_999, methods: ["courier", "pallet"] }],
  default_calendar: { days: 14, time_zone: "Europe/Warsaw" }
}

/** The rules of that file, for tests of the rules' code; the app loads data/shipping_rules.yaml. */
export const fixtureShippingRules: ShippingRules = Result.getOrThrow(parseShippingRules(fixtureShippingRulesFile, "fixtureShippingRulesFile"))

export const layerFixtureShippingRules = layerShippingRules(fixtureShippingRules)

/** Offers with their parcel facts: [offer_id, size_class, weight_g, unit price]. */
export const fixtureParcels: ReadonlyArray<readonly [string, ParcelSpec["size_class"], number, number]> = [
  ["hdmi-cable", "small", 150, 4_999],
  ["kettle", "small", 1_300, 17_900],
  ["microwave", "medium", 12_000, 39_900],
  ["dumbbell-12-5kg", "medium", 12_500, 14_999],
  ["feather", "small", 1, 100],
  ["washer", "large", 70_000, 219_900],
  ["tv-65", "large", 24_000, 699_900],
  ["fridge", "oversize", 72_000, 329_900],
  ["sofa", "oversize", 85_000, 249_900],
  ["warranty-2y", "small", 0, 19_900]
]

export const fixtureParcelSpecs: ReadonlyArray<readonly [string, ParcelSpec]> = fixtureParcels.map(([id, size_class, weight_g]) => [id, { size_class, weight_g }] as const)

export const fixturePrice = (offerId: string): number => fixtureParcels.find(([id]) => id === offerId)?.[3] ?? 1_000

/** A snapshot line: offer lines priced from the fixture table unless told otherwise. */
export const cartLine = (offer_id: string, overrides: Partial<CartSnapshotLine> = {}): CartSnapshotLine => ({
  item_id: `item_${offer_id}`,
  offer_id,
  type: "offer",
  name: offer_id,
  category: "equipment",
  quantity: 1,
  unit_price: fixturePrice(offer_id),
  parent_item_id: null,
  ...overrides
})

export const cartSnapshot = (session_id: string, cart_version: number, lines: ReadonlyArray<CartSnapshotLine>, currency = "PLN"): CartSnapshot => ({
  session_id,
  cart_version,
  lines,
  currency
})

/**
 * A cart event carrying `snapshot`, shaped as the cart publishes it (`cart.item_added` by default;
 * `cart.cleared` when the snapshot has no lines).
 */
export const cartEvent = (snapshot: CartSnapshot, options: { readonly eventName?: string; readonly correlationId?: string } = {}): Envelope => {
  const eventName = options.eventName ?? (snapshot.lines.length === 0 ? "cart.cleared" : "cart.item_added")
  const last = snapshot.lines.at(-1)
  const specific =
    eventName === "cart.item_added" && last !== undefined
      ? { item_id: last.item_id, offer_id: last.offer_id, quantity: last.quantity, price: last.unit_price, cart_total: snapshotGoodsTotal(snapshot) }
      : eventName === "cart.cleared"
        ? {}
        : { item_id: last?.item_id ?? "item_1", cart_total: snapshotGoodsTotal(snapshot) }
  return makeEnvelope({
    eventName,
    aggregateId: snapshot.session_id,
    correlationId: options.correlationId ?? "corr_cart_fixture",
    producer: "cart",
    payload: { ...specific, ...snapshot }
  })
}

/** A DeliveryCalendar that answers with `answer(query)`: days, or a CalendarUnavailable reason. */
export const layerCalendarAnswering = (
  answer: (query: CalendarQuery) => ReadonlyArray<string> | CalendarUnavailable["reason"]
): Layer.Layer<DeliveryCalendar> =>
  Layer.succeed(
    DeliveryCalendar,
    DeliveryCalendar.of({
      deliveryDays: (query) =>
        Effect.suspend(() => {
          const result = answer(query)
          return typeof result === "string" ? Effect.fail(new CalendarUnavailable({ reason: result, message: `fixture: ${result}` })) : Effect.succeed(result)
        })
    })
  )

/** A Clock whose wall time stands still at `epochMs`; monotonic time and sleeping stay live. */
export const fixedClock = (epochMs: number): Clock.Clock => {
  const live = Clock.Clock.defaultValue()
  const nanos = BigInt(epochMs) * 1_000_000n
  return {
    currentTimeMillisUnsafe: () => epochMs,
    currentTimeMillis: Effect.succeed(epochMs),
    currentTimeNanosUnsafe: () => nanos,
    currentTimeNanos: Effect.succeed(nanos),
    monotonicTimeNanosUnsafe: () => live.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: live.monotonicTimeNanos,
    sleep: (duration) => live.sleep(duration)
  }
}
