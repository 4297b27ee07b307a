/**
 * What checkout reads from the other contexts' topics (SPEC §3.4): for each consumed event name, the
 * Schema of the payload fields it uses (unknown fields are ignored on decoding, so a producer may add
 * fields freely). Declared here rather than imported: a context imports no other context
 * (scripts/dependency-rule.ts); the cart snapshot and the applied discounts are the kernel's published language. Checkout's own
 * `checkout.order_created`, `checkout.completed` and `checkout.payment_retry_expired` are read back the
 * same way (the projection applies its own decisions), `checkout.totals_updated` is not (it is derived).
 */
import { Schema } from "effect"
import { CART_EVENT_NAMES, ConsumedCartSnapshot, DiscountEventPayloads, type NamedEvent, SessionIdString } from "@kasa/shared"

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Id = Schema.String.check(Schema.isNonEmpty())

export const Address = Schema.Struct({ street: Schema.String, city: Schema.String, postal_code: Schema.String, country: Schema.String })
export type Address = typeof Address.Type

export const ShippingAddon = Schema.Struct({ addon_id: Schema.String, name: Schema.String, price_amount: Amount })
export type ShippingAddon = typeof ShippingAddon.Type

const session = { session_id: SessionIdString }
const ofOrder = { ...session, order_id: Id }
const ofTransaction = { ...ofOrder, transaction_id: Id }
export const ShippingMethodSelectedSeen = Schema.Struct({ ...session, method_id: Id, method_name: Schema.String, price_amount: Amount })
export const ShippingAddressProvidedSeen = Schema.Struct({ ...session, ...Address.fields })
export const DeliveryDateSelectedSeen = Schema.Struct({ ...session, delivery_date: Schema.String, is_express: Schema.Boolean, express_fee_amount: Amount })
export const AddonsSelectedSeen = Schema.Struct({ ...session, addons: Schema.Array(ShippingAddon), addons_total: Amount })
export const ShippingMethodInvalidatedSeen = Schema.Struct({ ...session, method_id: Id })
export const PaymentMethodSelectedSeen = Schema.Struct({ ...session, method_id: Id })
export const PaymentMethodInvalidatedSeen = Schema.Struct({ ...session, method_id: Id })
export const PaymentInitializedSeen = Schema.Struct({ ...ofTransaction, redirect_url: Schema.optionalKey(Schema.String), gateway: Schema.optionalKey(Schema.String) })
export const PaymentOutcomeSeen = Schema.Struct(ofTransaction)
export const PaymentRefundedSeen = Schema.Struct({ ...ofTransaction, fully_refunded: Schema.Boolean })
export const InventorySeen = Schema.Struct({ ...ofOrder, reservation_id: Id })
export const OrderCreatedSeen = Schema.Struct({ ...ofOrder, cart_version: Schema.Int })
export const OrderEventSeen = Schema.Struct(ofOrder)

type CartEventName = "cart.item_added" | "cart.item_removed" | "cart.item_quantity_changed" | "cart.cleared"

/** Every event name the projection takes, with the Schema of the payload it reads (for the consumer's event router). */
export const ProjectedEventPayloads = {
  ...(Object.fromEntries(CART_EVENT_NAMES.map((name) => [name, ConsumedCartSnapshot])) as Record<CartEventName, typeof ConsumedCartSnapshot>),
  "shipping.method_selected": ShippingMethodSelectedSeen,
  "shipping.address_provided": ShippingAddressProvidedSeen,
  "shipping.delivery_date_selected": DeliveryDateSelectedSeen,
  "shipping.addons_selected": AddonsSelectedSeen,
  "shipping.method_invalidated": ShippingMethodInvalidatedSeen,
  ...DiscountEventPayloads,
  "payment.method_selected": PaymentMethodSelectedSeen,
  "payment.method_invalidated": PaymentMethodInvalidatedSeen,
  "payment.initialized": PaymentInitializedSeen,
  "payment.pending": PaymentOutcomeSeen,
  "payment.succeeded": PaymentOutcomeSeen,
  "payment.failed": PaymentOutcomeSeen,
  "payment.cancelled": PaymentOutcomeSeen,
  "payment.refund_initiated": PaymentOutcomeSeen,
  "payment.refunded": PaymentRefundedSeen,
  "inventory.reserved": InventorySeen,
  "inventory.committed": InventorySeen,
  "inventory.released": InventorySeen,
  "checkout.order_created": OrderCreatedSeen,
  "checkout.completed": OrderEventSeen,
  "checkout.payment_retry_expired": OrderEventSeen
} as const
type Payloads = typeof ProjectedEventPayloads
export type ProjectedEventName = keyof Payloads
export type ProjectedPayload<N extends ProjectedEventName> = Payloads[N]["Type"]
export type ProjectedEvent = NamedEvent<Payloads>
