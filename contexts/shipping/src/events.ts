/**
 * The events shipping publishes on `shipping-events` (SPEC §3.4), their names and payload Schemas,
 * and the one function that turns a decision's changes into envelopes (key and aggregate = the
 * session). Every payload carries `session_id`. Events caused by a cart event keep its correlation
 * id and name it as their cause.
 */
import { Schema } from "effect"
import { type Envelope, envelopeIn, type EventContext } from "@kasa/shared"
import { CurrencyCode } from "@kasa/shared/money"
import { DeliverySelection, SelectedAddon, type ShippingChange } from "./domain.ts"
import { MethodId } from "./rules.ts"

export const SHIPPING_PRODUCER = "shipping"

export const ShippingEventName = {
  methodSelected: "shipping.method_selected",
  addressProvided: "shipping.address_provided",
  deliveryDateSelected: "shipping.delivery_date_selected",
  addonsSelected: "shipping.addons_selected",
  methodInvalidated: "shipping.method_invalidated"
} as const
export type ShippingEventName = (typeof ShippingEventName)[keyof typeof ShippingEventName]

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const session = { session_id: Schema.String.check(Schema.isNonEmpty()) }

export const ShippingMethodSelected = Schema.Struct({
  ...session,
  method_id: MethodId,
  method_name: Schema.String,
  price_amount: Amount,
  price_currency: CurrencyCode
})
export type ShippingMethodSelected = typeof ShippingMethodSelected.Type

export const ShippingAddressProvided = Schema.Struct({
  ...session,
  street: Schema.String,
  city: Schema.String,
  postal_code: Schema.String,
  country: Schema.String
})
export type ShippingAddressProvided = typeof ShippingAddressProvided.Type

export const ShippingDeliveryDateSelected = Schema.Struct({ ...session, ...DeliverySelection.fields })
export type ShippingDeliveryDateSelected = typeof ShippingDeliveryDateSelected.Type

export const ShippingAddonsSelected = Schema.Struct({ ...session, addons: Schema.Array(SelectedAddon), addons_total: Amount })
export type ShippingAddonsSelected = typeof ShippingAddonsSelected.Type

export const ShippingMethodInvalidated = Schema.Struct({
  ...session,
  method_id: MethodId,
  /** Why the cart no longer allows it: eligibility.ts's reason codes (`oversize_item`, `too_heavy`, ...). */
  reason: Schema.String
})
export type ShippingMethodInvalidated = typeof ShippingMethodInvalidated.Type

/** Each event name with the Schema of its payload. */
export const ShippingEventPayloads = {
  [ShippingEventName.methodSelected]: ShippingMethodSelected,
  [ShippingEventName.addressProvided]: ShippingAddressProvided,
  [ShippingEventName.deliveryDateSelected]: ShippingDeliveryDateSelected,
  [ShippingEventName.addonsSelected]: ShippingAddonsSelected,
  [ShippingEventName.methodInvalidated]: ShippingMethodInvalidated
} as const

export type { EventContext } from "@kasa/shared"

const payloadOf = (session_id: string, change: ShippingChange): { readonly name: ShippingEventName; readonly payload: Record<string, unknown> } => {
  switch (change._tag) {
    case "MethodSelected":
      return { name: ShippingEventName.methodSelected, payload: { session_id, ...change.method } satisfies ShippingMethodSelected }
    case "AddressProvided":
      return { name: ShippingEventName.addressProvided, payload: { session_id, ...change.address } satisfies ShippingAddressProvided }
    case "DeliveryDateSelected":
      return { name: ShippingEventName.deliveryDateSelected, payload: { session_id, ...change.delivery } satisfies ShippingDeliveryDateSelected }
    case "AddonsSelected":
      return { name: ShippingEventName.addonsSelected, payload: { session_id, addons: change.addons, addons_total: change.addons_total } satisfies ShippingAddonsSelected }
    case "MethodInvalidated":
      return { name: ShippingEventName.methodInvalidated, payload: { session_id, method_id: change.method_id, reason: change.reason } satisfies ShippingMethodInvalidated }
  }
}

/** One envelope per change, in order. */
export const shippingEnvelopes = (session_id: string, changes: ReadonlyArray<ShippingChange>, context: EventContext): ReadonlyArray<Envelope> =>
  changes.map((change) => {
    const { name, payload } = payloadOf(session_id, change)
    return envelopeIn(context, { eventName: name, aggregateId: session_id, producer: SHIPPING_PRODUCER, payload })
  })
