/**
 * What clients read (SPEC §4.3's response bodies) as Schemas: the available methods, the calendar,
 * the chosen date and the booked addons. `MethodView` is also what the per-cart methods cache holds,
 * so a cached answer is decoded exactly as it will be sent.
 */
import { Schema } from "effect"
import { DeliverySelection, SelectedAddon, SelectedMethod } from "./domain.ts"
import type { AvailableMethod } from "./eligibility.ts"
import { AddonId, MethodId } from "./rules.ts"

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

export const AddonView = Schema.Struct({ addon_id: AddonId, name: Schema.String, price_amount: Amount })
export type AddonView = typeof AddonView.Type

export const MethodView = Schema.Struct({
  method_id: MethodId,
  name: Schema.String,
  price_amount: Amount,
  price_currency: Schema.String,
  supports_express: Schema.Boolean,
  addons: Schema.Array(AddonView)
})
export type MethodView = typeof MethodView.Type

export const AvailableMethodsView = Schema.Struct({
  methods: Schema.Array(MethodView),
  selected_method_id: Schema.NullOr(MethodId)
})
export type AvailableMethodsView = typeof AvailableMethodsView.Type

export const CalendarView = Schema.Struct({
  method_id: MethodId,
  days: Schema.Array(Schema.String),
  /** True when the days are the computed default because the calendar service gave no answer. */
  degraded: Schema.Boolean
})
export type CalendarView = typeof CalendarView.Type

export const SelectedMethodView = SelectedMethod
export type SelectedMethodView = SelectedMethod

export const DeliveryDateView = DeliverySelection

export const AddonsView = Schema.Struct({ addons: Schema.Array(SelectedAddon), addons_total: Amount })
export type AddonsView = typeof AddonsView.Type

export const methodView = (method: AvailableMethod): MethodView => ({
  method_id: method.method_id,
  name: method.name,
  price_amount: method.price_amount,
  price_currency: method.price_currency,
  supports_express: method.supports_express,
  addons: method.addons.map((addon) => ({ addon_id: addon.addon_id, name: addon.name, price_amount: addon.price_amount }))
})
