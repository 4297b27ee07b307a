/**
 * The events checkout publishes on `checkout-events` (SPEC §3.4), keyed by session: their names,
 * payload Schemas, the events as plain data (what the pure domain returns), and the functions that turn
 * them into envelopes and outbox entries. Every payload carries `session_id`. Beyond SPEC's fields:
 * `checkout.totals_updated` and `checkout.order_created` carry the `cart_version` they were computed
 * at, the order carries its totals' breakdown beside `grand_total`, and `checkout.completed` carries
 * the order's `cart_version` (so the cart clears what was ordered, not a newer cart).
 */
import { Schema } from "effect"
import { envelopesFrom, type NamedEvent, outboxEventsOn, Topics } from "@kasa/shared"
import { CurrencyCode } from "@kasa/shared/money"
import { CustomerData } from "./customer.ts"
import { Address } from "./consumed-events.ts"
import { CheckoutItem, ProjectedShipping } from "./projection.ts"
import { Totals } from "./totals.ts"

export const CHECKOUT_PRODUCER = "checkout"

export const CheckoutEventName = {
  totalsUpdated: "checkout.totals_updated",
  orderCreated: "checkout.order_created",
  completed: "checkout.completed",
  paymentRetryExpired: "checkout.payment_retry_expired"
} as const
export type CheckoutEventName = (typeof CheckoutEventName)[keyof typeof CheckoutEventName]

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Id = Schema.String.check(Schema.isNonEmpty())
const CartVersion = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
/** `user_id` rides along where the request or the consumed event had one (SPEC §2: a label, never access). */
const session = { session_id: Id, user_id: Schema.optionalKey(Schema.String) }
const totals = { ...Totals.fields, currency: CurrencyCode }

export const CheckoutTotalsUpdated = Schema.Struct({ ...session, cart_version: CartVersion, ...totals })
export type CheckoutTotalsUpdated = typeof CheckoutTotalsUpdated.Type

/** How the order ships: the projection's shipping with a method and an address (a date only where the method needs one). */
export const OrderShipping = ProjectedShipping.mapFields((fields) => ({ ...fields, method_id: Id, method_name: Schema.String, address: Address }))
export type OrderShipping = typeof OrderShipping.Type

export const CheckoutOrderCreated = Schema.Struct({
  ...session,
  order_id: Id,
  cart_version: CartVersion,
  ...totals,
  lines: Schema.Array(CheckoutItem).check(Schema.isMinLength(1)),
  shipping: OrderShipping,
  customer: CustomerData,
  payment_method_id: Id
})
export type CheckoutOrderCreated = typeof CheckoutOrderCreated.Type

export const CheckoutCompleted = Schema.Struct({ ...session, order_id: Id, cart_version: CartVersion })
export type CheckoutCompleted = typeof CheckoutCompleted.Type

export const CheckoutPaymentRetryExpired = Schema.Struct({ ...session, order_id: Id })
export type CheckoutPaymentRetryExpired = typeof CheckoutPaymentRetryExpired.Type

/** Each event name with the Schema of its payload. */
export const CheckoutEventPayloads = {
  [CheckoutEventName.totalsUpdated]: CheckoutTotalsUpdated,
  [CheckoutEventName.orderCreated]: CheckoutOrderCreated,
  [CheckoutEventName.completed]: CheckoutCompleted,
  [CheckoutEventName.paymentRetryExpired]: CheckoutPaymentRetryExpired
} as const
type Payloads = typeof CheckoutEventPayloads

/** One checkout event as data: its name and its payload (what the pure domain returns; the app envelopes it). */
export type CheckoutEvent = NamedEvent<Payloads>

export type { EventContext } from "@kasa/shared"

/** One envelope per event, in order; aggregate (and key) = the payload's session. */
export const checkoutEnvelopes = envelopesFrom<CheckoutEvent>(CHECKOUT_PRODUCER, (payload) => payload.session_id)

/** Envelopes as outbox entries on checkout-events, keyed by their session. */
export const toOutboxEvents = outboxEventsOn(Topics.checkout)
