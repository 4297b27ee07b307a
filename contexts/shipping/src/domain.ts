/**
 * A session's shipping state and the commands on it (SPEC §4.3) as pure functions: no I/O, no clock.
 * The state is the context's projection of the cart plus the shopper's choices: method, address,
 * delivery date (with express) and addons. A command returns the new state and one change per event
 * it causes; a command that changes nothing returns no change (and so publishes nothing). What the
 * cart allows arrives already assessed (eligibility.ts) and the calendar already computed, so every
 * rule here is decidable from its arguments alone.
 *
 * How choices hang together: a date (and its express fee) belongs to the method it was picked for,
 * so choosing another method clears it and keeps only the addons the new method takes (publishing
 * `shipping.addons_selected` when that drops one). A cart change that rules the chosen method out
 * clears the whole choice (method, date, addons) and publishes `shipping.method_invalidated`; one
 * that keeps the method but changes its price (the courier turning free at the threshold) publishes
 * `shipping.method_selected` again with the new price, so totals downstream stay right.
 */
import { Result, Schema } from "effect"
import { type CartSnapshot, isNewerSnapshot } from "@kasa/shared"
import type { Address } from "./address.ts"
import type { Assessment, UnavailableReason } from "./eligibility.ts"
import {
  AddonNotFound,
  AddonNotSupported,
  DateNotAvailable,
  ExpressNotSupported,
  MethodNotAvailable,
  MethodNotFound,
  NoMethodSelected,
  SundayDateNeedsAddon
} from "./errors.ts"
import { isSunday } from "./calendar.ts"
import { AddonId, addonRule, MethodId, methodRule, SUNDAY_DELIVERY, type ShippingRules } from "./rules.ts"
import type { CartProjection } from "./shipment.ts"

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

export const SelectedMethod = Schema.Struct({
  method_id: MethodId,
  method_name: Schema.String,
  price_amount: Amount,
  price_currency: Schema.String
})
export type SelectedMethod = typeof SelectedMethod.Type

export const DeliverySelection = Schema.Struct({
  delivery_date: Schema.String,
  is_express: Schema.Boolean,
  express_fee_amount: Amount
})
export type DeliverySelection = typeof DeliverySelection.Type

export const SelectedAddon = Schema.Struct({
  addon_id: AddonId,
  name: Schema.String,
  price_amount: Amount
})
export type SelectedAddon = typeof SelectedAddon.Type

export interface ShippingSession {
  readonly session_id: string
  /** The newest cart snapshot seen on cart-events; undefined before the first. */
  readonly cart: CartProjection | undefined
  readonly method: SelectedMethod | undefined
  readonly delivery: DeliverySelection | undefined
  readonly address: Address | undefined
  readonly addons: ReadonlyArray<SelectedAddon>
}

export type ShippingChange =
  | { readonly _tag: "MethodSelected"; readonly method: SelectedMethod }
  | { readonly _tag: "AddressProvided"; readonly address: Address }
  | { readonly _tag: "DeliveryDateSelected"; readonly delivery: DeliverySelection }
  | { readonly _tag: "AddonsSelected"; readonly addons: ReadonlyArray<SelectedAddon>; readonly addons_total: number }
  | { readonly _tag: "MethodInvalidated"; readonly method_id: MethodId; readonly reason: UnavailableReason }

export interface Decision {
  readonly session: ShippingSession
  readonly changes: ReadonlyArray<ShippingChange>
}

export interface DateRequest {
  readonly delivery_date: string
  readonly is_express: boolean
}

export const emptySession = (session_id: string): ShippingSession => ({
  session_id,
  cart: undefined,
  method: undefined,
  delivery: undefined,
  address: undefined,
  addons: []
})

export const addonsTotal = (addons: ReadonlyArray<SelectedAddon>): number => addons.reduce((sum, addon) => sum + addon.price_amount, 0)

const unchanged = (session: ShippingSession): Decision => ({ session, changes: [] })

const sameMethod = (a: SelectedMethod | undefined, b: SelectedMethod): boolean =>
  a !== undefined && a.method_id === b.method_id && a.method_name === b.method_name && a.price_amount === b.price_amount && a.price_currency === b.price_currency

const addonsSelected = (addons: ReadonlyArray<SelectedAddon>): ShippingChange => ({ _tag: "AddonsSelected", addons, addons_total: addonsTotal(addons) })

/** Whether the session's addons let the shopper take Sunday deliveries with its method. */
export const sundaysAllowed = (session: ShippingSession, methodId: string, rules: ShippingRules): boolean =>
  session.addons.some((addon) => addon.addon_id === SUNDAY_DELIVERY) && (addonRule(rules, SUNDAY_DELIVERY)?.methods.some((m) => m === methodId) ?? false)

/** The method as assessed for the session's cart: unknown, ruled out (with why), or available. */
export const chooseMethod = (
  assessments: ReadonlyArray<Assessment>,
  methodId: string
): Result.Result<Extract<Assessment, { readonly available: true }>, MethodNotFound | MethodNotAvailable> => {
  const assessment = assessments.find((a) => a.method_id === methodId)
  if (assessment === undefined) return Result.fail(new MethodNotFound({ method_id: methodId }))
  if (!assessment.available) return Result.fail(new MethodNotAvailable({ method_id: methodId, reason: assessment.reason }))
  return Result.succeed(assessment)
}

export const selectMethod = (
  session: ShippingSession,
  methodId: string,
  assessments: ReadonlyArray<Assessment>
): Result.Result<Decision, MethodNotFound | MethodNotAvailable> => {
  const chosen = chooseMethod(assessments, methodId)
  if (Result.isFailure(chosen)) return Result.fail(chosen.failure)
  const a = chosen.success
  const method: SelectedMethod = { method_id: a.method_id, method_name: a.name, price_amount: a.price_amount, price_currency: a.price_currency }
  if (sameMethod(session.method, method)) return Result.succeed(unchanged(session))
  if (session.method?.method_id === method.method_id) {
    return Result.succeed({ session: { ...session, method }, changes: [{ _tag: "MethodSelected", method }] })
  }
  const addons = session.addons.filter((addon) => a.addons.some((rule) => rule.addon_id === addon.addon_id))
  const changes: Array<ShippingChange> = [{ _tag: "MethodSelected", method }]
  if (addons.length !== session.addons.length) changes.push(addonsSelected(addons))
  return Result.succeed({ session: { ...session, method, delivery: undefined, addons }, changes })
}

export const provideAddress = (session: ShippingSession, address: Address): Decision => {
  const held = session.address
  if (held !== undefined && held.street === address.street && held.city === address.city && held.postal_code === address.postal_code && held.country === address.country) {
    return unchanged(session)
  }
  return { session: { ...session, address }, changes: [{ _tag: "AddressProvided", address }] }
}

/** Picks a delivery date among `days` (the calendar the shopper was shown for the chosen method). */
export const setDeliveryDate = (
  session: ShippingSession,
  request: DateRequest,
  days: ReadonlyArray<string>,
  rules: ShippingRules
): Result.Result<Decision, NoMethodSelected | ExpressNotSupported | DateNotAvailable> => {
  const method = session.method
  if (method === undefined) return Result.fail(new NoMethodSelected())
  if (request.is_express && methodRule(rules, method.method_id)?.supports_express !== true) {
    return Result.fail(new ExpressNotSupported({ method_id: method.method_id }))
  }
  if (!days.includes(request.delivery_date)) return Result.fail(new DateNotAvailable({ delivery_date: request.delivery_date, method_id: method.method_id }))
  const delivery: DeliverySelection = {
    delivery_date: request.delivery_date,
    is_express: request.is_express,
    express_fee_amount: request.is_express ? rules.expressFee : 0
  }
  const held = session.delivery
  if (held !== undefined && held.delivery_date === delivery.delivery_date && held.is_express === delivery.is_express && held.express_fee_amount === delivery.express_fee_amount) {
    return Result.succeed(unchanged(session))
  }
  return Result.succeed({ session: { ...session, delivery }, changes: [{ _tag: "DeliveryDateSelected", delivery }] })
}

/** Replaces the booked addons with `addonIds` (repeats ignored; an empty list books none). */
export const selectAddons = (
  session: ShippingSession,
  addonIds: ReadonlyArray<string>,
  rules: ShippingRules
): Result.Result<Decision, NoMethodSelected | AddonNotFound | AddonNotSupported | SundayDateNeedsAddon> => {
  const method = session.method
  if (method === undefined) return Result.fail(new NoMethodSelected())
  const wanted = new Set<string>()
  for (const id of addonIds) {
    const rule = addonRule(rules, id)
    if (rule === undefined) return Result.fail(new AddonNotFound({ addon_id: id }))
    if (!rule.methods.some((m) => m === method.method_id)) return Result.fail(new AddonNotSupported({ addon_id: id, method_id: method.method_id }))
    wanted.add(id)
  }
  const addons: ReadonlyArray<SelectedAddon> = rules.addons
    .filter((rule) => wanted.has(rule.addon_id))
    .map((rule) => ({ addon_id: rule.addon_id, name: rule.name, price_amount: rule.price_amount }))
  const date = session.delivery?.delivery_date
  if (date !== undefined && isSunday(date) && !wanted.has(SUNDAY_DELIVERY)) return Result.fail(new SundayDateNeedsAddon({ delivery_date: date }))
  const same =
    addons.length === session.addons.length &&
    addons.every((addon, i) => addon.addon_id === session.addons[i]?.addon_id && addon.price_amount === session.addons[i]?.price_amount && addon.name === session.addons[i]?.name)
  if (same) return Result.succeed(unchanged(session))
  return Result.succeed({ session: { ...session, addons }, changes: [addonsSelected(addons)] })
}

/**
 * A cart event's snapshot applied to the projection; undefined when it is not newer than the one
 * held (stale or replayed: ignored). `assessments` are for the incoming cart.
 */
export const applyCart = (session: ShippingSession, snapshot: CartSnapshot, assessments: ReadonlyArray<Assessment>): Decision | undefined => {
  if (!isNewerSnapshot(session.cart, snapshot)) return undefined
  const cart: CartProjection = { cart_version: snapshot.cart_version, currency: snapshot.currency, lines: snapshot.lines }
  const next: ShippingSession = { ...session, cart }
  const held = session.method
  if (held === undefined) return unchanged(next)
  const assessment = assessments.find((a) => a.method_id === held.method_id)
  if (assessment === undefined || !assessment.available) {
    const reason: UnavailableReason = assessment === undefined || assessment.available ? "method_withdrawn" : assessment.reason
    return {
      session: { ...next, method: undefined, delivery: undefined, addons: [] },
      changes: [{ _tag: "MethodInvalidated", method_id: held.method_id, reason }]
    }
  }
  if (assessment.price_amount === held.price_amount && assessment.price_currency === held.price_currency) return unchanged(next)
  const method: SelectedMethod = { ...held, price_amount: assessment.price_amount, price_currency: assessment.price_currency }
  return { session: { ...next, method }, changes: [{ _tag: "MethodSelected", method }] }
}
