/**
 * What payment knows about a session to decide its payment methods (SPEC §4.4, §9): its own projection,
 * kept current from events only (never an HTTP call), reduced by the pure `applyEvent`.
 * - cart-events: every event carries the cart snapshot; a newer `cart_version` replaces the cart,
 *   an older or equal one (stale, replayed) is ignored (shared/src/cart-snapshot.ts).
 * - shipping-events: the chosen method's price, the express fee of the chosen date, the addons'
 *   total. Mirrors shipping's own rules (contexts/shipping/src/domain.ts): choosing another method
 *   clears the date (shipping publishes only `shipping.method_selected` for that), a re-priced method
 *   keeps it, and `shipping.method_invalidated` clears method, date and addons.
 * - promotion-events: the applied promotions and the one code (the kernel's applied-discounts.ts).
 * Value-added services are cart lines of type `service`: the cart's `cart_total` sums the other lines
 * and `services_total` these (contexts/cart/src/domain.ts `totals`), priced per unit of their parent
 * (their quantity follows the parent's). So the snapshot alone gives both, and `grandTotal` adds the
 * services on top of `cart_total`, exactly as SPEC §4.7 defines the checkout's grand total:
 * `cart_total + services_total + shipping_total − promotion_discount`, never below 0, where
 * `shipping_total` = method price + express fee + addons. `services.availability_calculated` is
 * not needed (it repeats the services price a cart change already carried).
 */
import { Schema } from "effect"
import {
  AppliedCode,
  AppliedPromotion,
  applyDiscountEvent,
  CART_EVENT_NAMES,
  ConsumedCartSnapshot,
  type CartSnapshot,
  DiscountEventPayloads,
  discountTotal,
  isNewerSnapshot,
  type NamedEvent,
  snapshotGoodsTotal
} from "@kasa/shared"
import { DEFAULT_CURRENCY } from "@kasa/shared/money"

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const SessionId = Schema.String.check(Schema.isNonEmpty())

export const ProjectedCart = Schema.Struct({
  cart_version: Schema.Int,
  currency: Schema.String,
  /** Non-service lines, as the cart's `cart_total`. */
  cart_total: Amount,
  /** Service lines, as the cart's `services_total`. */
  services_total: Amount,
  line_count: Schema.Int
})
export type ProjectedCart = typeof ProjectedCart.Type

export const ProjectedShipping = Schema.Struct({ method_id: Schema.String, price_amount: Amount })
export type ProjectedShipping = typeof ProjectedShipping.Type


export const PaymentProjection = Schema.Struct({
  session_id: SessionId,
  cart: Schema.NullOr(ProjectedCart),
  shipping_method: Schema.NullOr(ProjectedShipping),
  express_fee_amount: Amount,
  addons_total: Amount,
  promotions: Schema.Array(AppliedPromotion),
  code: Schema.NullOr(AppliedCode)
})
export type PaymentProjection = typeof PaymentProjection.Type

export const emptyProjection = (session_id: string): PaymentProjection => ({
  session_id,
  cart: null,
  shipping_method: null,
  express_fee_amount: 0,
  addons_total: 0,
  promotions: [],
  code: null
})

// The consumed payloads: only the fields payment reads (unknown fields are ignored on decoding).
const session = { session_id: SessionId }
export const ShippingMethodSelectedSeen = Schema.Struct({ ...session, method_id: Schema.String, price_amount: Amount })
export const DeliveryDateSelectedSeen = Schema.Struct({ ...session, express_fee_amount: Amount })
export const AddonsSelectedSeen = Schema.Struct({ ...session, addons_total: Amount })
export const ShippingMethodInvalidatedSeen = Schema.Struct({ ...session, method_id: Schema.String })

/** Every event name the projection takes, with the Schema of the payload it reads (for the consumer's event router). */
export const ProjectedEventPayloads = {
  ...(Object.fromEntries(CART_EVENT_NAMES.map((name) => [name, ConsumedCartSnapshot])) as Record<
    "cart.item_added" | "cart.item_removed" | "cart.item_quantity_changed" | "cart.cleared",
    typeof ConsumedCartSnapshot
  >),
  "shipping.method_selected": ShippingMethodSelectedSeen,
  "shipping.delivery_date_selected": DeliveryDateSelectedSeen,
  "shipping.addons_selected": AddonsSelectedSeen,
  "shipping.method_invalidated": ShippingMethodInvalidatedSeen,
  ...DiscountEventPayloads
} as const
type Payloads = typeof ProjectedEventPayloads
export type ProjectedEventName = keyof Payloads
export type ProjectedPayload<N extends ProjectedEventName> = Payloads[N]["Type"]
export type ProjectedEvent = NamedEvent<Payloads>

const servicesTotal = (snapshot: CartSnapshot): number =>
  snapshot.lines.reduce((sum, line) => (line.type === "service" ? sum + line.unit_price * line.quantity : sum), 0)

const applyCart = (p: PaymentProjection, snapshot: CartSnapshot): PaymentProjection => {
  if (!isNewerSnapshot(p.cart ?? undefined, snapshot)) return p
  return {
    ...p,
    cart: {
      cart_version: snapshot.cart_version,
      currency: snapshot.currency,
      cart_total: snapshotGoodsTotal(snapshot),
      services_total: servicesTotal(snapshot),
      line_count: snapshot.lines.length
    }
  }
}

const reduce = (p: PaymentProjection, event: ProjectedEvent): PaymentProjection => {
  switch (event.name) {
    case "cart.item_added":
    case "cart.item_removed":
    case "cart.item_quantity_changed":
    case "cart.cleared":
      return applyCart(p, event.payload)
    case "shipping.method_selected": {
      const { method_id, price_amount } = event.payload
      const sameMethod = p.shipping_method?.method_id === method_id
      return { ...p, shipping_method: { method_id, price_amount }, express_fee_amount: sameMethod ? p.express_fee_amount : 0 }
    }
    case "shipping.delivery_date_selected":
      return { ...p, express_fee_amount: event.payload.express_fee_amount }
    case "shipping.addons_selected":
      return { ...p, addons_total: event.payload.addons_total }
    case "shipping.method_invalidated":
      return { ...p, shipping_method: null, express_fee_amount: 0, addons_total: 0 }
    case "promotion.applied":
    case "promotion.code_applied":
    case "promotion.removed":
      return { ...p, ...applyDiscountEvent(p, event) }
  }
}

/** The projection after one event of `event_name` with its decoded payload (a stale cart snapshot changes nothing). */
export const applyEvent = <N extends ProjectedEventName>(projection: PaymentProjection, event_name: N, payload: ProjectedPayload<N>): PaymentProjection =>
  reduce(projection, { name: event_name, payload } as ProjectedEvent)

/** The projection after the events, in order. */
export const applyEvents = (projection: PaymentProjection, events: ReadonlyArray<ProjectedEvent>): PaymentProjection => events.reduce(reduce, projection)

export interface SessionTotals {
  readonly cart_total: number
  readonly services_total: number
  readonly shipping_total: number
  readonly promotion_discount: number
  readonly grand_total: number
  readonly currency: string
}

/** The session's totals as SPEC §4.7's checkout summary defines them. */
export const sessionTotals = (p: PaymentProjection): SessionTotals => {
  const cart_total = p.cart?.cart_total ?? 0
  const services_total = p.cart?.services_total ?? 0
  const shipping_total = (p.shipping_method?.price_amount ?? 0) + p.express_fee_amount + p.addons_total
  const promotion_discount = discountTotal(p)
  const grand_total = Math.max(0, cart_total + services_total + shipping_total - promotion_discount)
  return { cart_total, services_total, shipping_total, promotion_discount, grand_total, currency: p.cart?.currency ?? DEFAULT_CURRENCY }
}

/** cart total + services − discounts + shipping, never below 0. */
export const grandTotal = (p: PaymentProjection): number => sessionTotals(p).grand_total
