/**
 * The step between the stored state and the pure rules, shared by the use cases and the consumer:
 * the methods a projected cart allows (parcel facts looked up through ParcelSpecs, then
 * `assessMethods` under the rules in force), and the delivery days for a method (the external
 * calendar bounded by the window and the Sunday rule, or the computed default with `degraded: true`
 * when the calendar has no answer: not configured, down, slow, or its breaker open).
 */
import { Clock, Effect } from "effect"
import { boundDays, defaultCalendar, deliveryWindow, localDate } from "./calendar.ts"
import { sundaysAllowed, type ShippingSession } from "./domain.ts"
import { type Assessment, assessMethods } from "./eligibility.ts"
import { DeliveryCalendar, ParcelSpecs } from "./ports.ts"
import { CurrentShippingRules } from "./rules.ts"
import { type CartProjection, shipmentOf, shippedOfferIds } from "./shipment.ts"

export const assessCart = Effect.fnUntraced(function* (cart: CartProjection | undefined) {
  const rules = yield* CurrentShippingRules
  if (cart === undefined) return assessMethods({ items: [], goods_total: 0, currency: rules.currency }, rules)
  const specs = yield* (yield* ParcelSpecs).specsOf(shippedOfferIds(cart))
  return assessMethods(shipmentOf(cart, specs), rules) as ReadonlyArray<Assessment>
})

export interface DeliveryDays {
  readonly days: ReadonlyArray<string>
  readonly degraded: boolean
}

export const deliveryDays = Effect.fnUntraced(function* (session: ShippingSession, methodId: string) {
  const rules = yield* CurrentShippingRules
  const today = localDate(yield* Clock.currentTimeMillis, rules.timeZone)
  const window = deliveryWindow(today, rules.calendarDays)
  const sundays = sundaysAllowed(session, methodId, rules)
  const calendar = yield* DeliveryCalendar
  const answer = yield* Effect.result(
    calendar.deliveryDays({
      method_id: methodId,
      country: session.address?.country,
      postal_code: session.address?.postal_code,
      from: window.from,
      to: window.to
    })
  )
  if (answer._tag === "Success") return { days: boundDays(answer.success, window, sundays), degraded: false } satisfies DeliveryDays
  if (answer.failure.reason !== "not_configured") {
    yield* Effect.logWarning("calendar service gave no answer; serving the default calendar", { reason: answer.failure.reason, detail: answer.failure.message })
  }
  return { days: defaultCalendar(window, sundays), degraded: true } satisfies DeliveryDays
})
