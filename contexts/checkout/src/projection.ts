/**
 * What checkout knows about a session (SPEC §4.7): its own projection, kept current from events only
 * (never an HTTP call), reduced by the pure `applyEvent`, which returns the very same object when an
 * event changes nothing (a replay, a stale cart version, another order's payment), so a caller can
 * skip the write.
 * - cart-events: the snapshot; a newer `cart_version` replaces the cart, an older or equal one is
 *   ignored. Services are cart lines of type `service` (`services_total`), everything else is the
 *   `cart_total`, as the cart computes them.
 * - shipping-events: mirrors shipping's own rules (contexts/shipping/src/domain.ts): choosing another
 *   method clears the date (shipping publishes only `shipping.method_selected` for that), a re-priced
 *   method keeps it, `shipping.method_invalidated` clears method, date and addons but not the address.
 * - promotion-events: promotions by `promotion_id` (re-published with the new amount) and the one
 *   code; `promotion.removed` names a code by carrying `code`, else it names a promotion or a code.
 * - payment-events: the selected method, and the transaction of the session's current order (events
 *   of another order are ignored); a failed or cancelled payment makes the checkout `payment_failed`
 *   (the shopper may retry), a new `payment.initialized` makes it `finalized` again; one from the
 *   `offline` gateway (cash on delivery: paid to the courier) has the status `offline`.
 * - inventory-events: the current order's reservation; released while the order is unpaid, the order
 *   cannot go on, so the checkout is `cancelled`.
 * - checkout-events (its own decisions, applied the same way): `checkout.order_created` starts an
 *   order (`finalized`), `checkout.completed` ends it, `checkout.payment_retry_expired` cancels it.
 *   After `completed` or `cancelled`, a cart event with goods in it starts a new round (`open`).
 * `services.availability_calculated` is not read: it repeats what the cart snapshot already carries.
 */
import { Schema } from "effect"
import { AppliedCode, AppliedPromotion, applyDiscountEvent, CartSnapshotLine, type CartSnapshot, isNewerSnapshot } from "@kasa/shared"
import { DEFAULT_CURRENCY } from "@kasa/shared/money"
import { Address, type ProjectedEvent, type ProjectedEventName, type ProjectedPayload, ShippingAddon } from "./consumed-events.ts"

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

export const CheckoutStatus = Schema.Literals(["open", "finalized", "payment_failed", "completed", "cancelled"])
export type CheckoutStatus = typeof CheckoutStatus.Type

/** A cart line as the summary (and the order) shows it: the cart's line plus its total. */
export const CheckoutItem = Schema.Struct({ ...CartSnapshotLine.fields, line_total: Amount })
export type CheckoutItem = typeof CheckoutItem.Type

export const ProjectedShipping = Schema.Struct({
  method_id: Schema.NullOr(Schema.String),
  method_name: Schema.NullOr(Schema.String),
  price_amount: Amount,
  address: Schema.NullOr(Address),
  delivery_date: Schema.NullOr(Schema.String),
  is_express: Schema.Boolean,
  express_fee_amount: Amount,
  addons: Schema.Array(ShippingAddon),
  addons_total: Amount
})
export type ProjectedShipping = typeof ProjectedShipping.Type

/** Payment's gateway for cash on delivery: nothing to pay online, the order goes ahead unpaid. */
export const OFFLINE_GATEWAY = "offline"
/** The payment status of a cash-on-delivery order's transaction. */
export const OFFLINE_PAYMENT = "offline"

/** `status` is the transaction's (SPEC §4.4: initialized, pending, succeeded, failed, cancelled, refund_pending, ...). */
export const ProjectedPayment = Schema.Struct({
  method_id: Schema.NullOr(Schema.String),
  transaction_id: Schema.NullOr(Schema.String),
  status: Schema.NullOr(Schema.String),
  redirect_url: Schema.NullOr(Schema.String)
})
export type ProjectedPayment = typeof ProjectedPayment.Type


export const ProjectedReservation = Schema.Struct({ reservation_id: Schema.String, status: Schema.Literals(["reserved", "committed", "released"]) })

export const CheckoutProjection = Schema.Struct({
  session_id: Schema.String,
  /** 0 before the first cart event. */
  cart_version: Schema.Int,
  currency: Schema.String,
  items: Schema.Array(CheckoutItem),
  /** Non-service lines, as the cart's `cart_total`. */
  cart_total: Amount,
  /** Service lines, as the cart's `services_total`. */
  services_total: Amount,
  promotions: Schema.Array(AppliedPromotion),
  code: Schema.NullOr(AppliedCode),
  shipping: ProjectedShipping,
  payment: ProjectedPayment,
  status: CheckoutStatus,
  order_id: Schema.NullOr(Schema.String),
  /** The cart version the current order was created from. */
  order_cart_version: Schema.NullOr(Schema.Int),
  reservation: Schema.NullOr(ProjectedReservation)
})
export type CheckoutProjection = typeof CheckoutProjection.Type

const noShipping: ProjectedShipping = {
  method_id: null,
  method_name: null,
  price_amount: 0,
  address: null,
  delivery_date: null,
  is_express: false,
  express_fee_amount: 0,
  addons: [],
  addons_total: 0
}

const noTransaction = { transaction_id: null, status: null, redirect_url: null } as const

export const emptyProjection = (session_id: string): CheckoutProjection => ({
  session_id,
  cart_version: 0,
  currency: DEFAULT_CURRENCY,
  items: [],
  cart_total: 0,
  services_total: 0,
  promotions: [],
  code: null,
  shipping: noShipping,
  payment: { method_id: null, ...noTransaction },
  status: "open",
  order_id: null,
  order_cart_version: null,
  reservation: null
})

/** Whether the cart holds anything to order (service lines alone are not an order). */
export const hasGoods = (p: Pick<CheckoutProjection, "items">): boolean => p.items.some((item) => item.type !== "service")

const applyCart = (p: CheckoutProjection, snapshot: CartSnapshot): CheckoutProjection => {
  if (!isNewerSnapshot(p.cart_version === 0 ? undefined : p, snapshot)) return p
  const items = snapshot.lines.map((line): CheckoutItem => ({ ...line, line_total: line.unit_price * line.quantity }))
  const sum = (services: boolean) => items.reduce((total, item) => ((item.type === "service") === services ? total + item.line_total : total), 0)
  const next = { ...p, cart_version: snapshot.cart_version, currency: snapshot.currency, items, cart_total: sum(false), services_total: sum(true) }
  const roundOver = p.status === "completed" || p.status === "cancelled"
  return roundOver && hasGoods(next) ? { ...next, status: "open", order_id: null, order_cart_version: null, reservation: null, payment: { ...p.payment, ...noTransaction } } : next
}

/** The current order's transaction with `change` (an event of another order or transaction changes nothing). */
const onTransaction = (
  p: CheckoutProjection,
  payload: { readonly order_id: string; readonly transaction_id: string },
  change: Partial<ProjectedPayment>,
  status: CheckoutStatus = p.status
): CheckoutProjection => {
  if (payload.order_id !== p.order_id || (p.payment.transaction_id !== null && payload.transaction_id !== p.payment.transaction_id)) return p
  return { ...p, status, payment: { ...p.payment, transaction_id: payload.transaction_id, ...change } }
}

/** An order made and not paid yet (its payment may still be tried again). */
export const unpaid = (p: Pick<CheckoutProjection, "status">): boolean => p.status === "finalized" || p.status === "payment_failed"

const reduce = (p: CheckoutProjection, event: ProjectedEvent): CheckoutProjection => {
  switch (event.name) {
    case "cart.item_added":
    case "cart.item_removed":
    case "cart.item_quantity_changed":
    case "cart.cleared":
      return applyCart(p, event.payload)
    case "shipping.method_selected": {
      const { method_id, method_name, price_amount } = event.payload
      const date = p.shipping.method_id === method_id ? {} : { delivery_date: null, is_express: false, express_fee_amount: 0 }
      return { ...p, shipping: { ...p.shipping, method_id, method_name, price_amount, ...date } }
    }
    case "shipping.address_provided": {
      const { street, city, postal_code, country } = event.payload
      return { ...p, shipping: { ...p.shipping, address: { street, city, postal_code, country } } }
    }
    case "shipping.delivery_date_selected": {
      const { delivery_date, is_express, express_fee_amount } = event.payload
      return { ...p, shipping: { ...p.shipping, delivery_date, is_express, express_fee_amount } }
    }
    case "shipping.addons_selected":
      return { ...p, shipping: { ...p.shipping, addons: event.payload.addons, addons_total: event.payload.addons_total } }
    case "shipping.method_invalidated":
      return event.payload.method_id === p.shipping.method_id ? { ...p, shipping: { ...noShipping, address: p.shipping.address } } : p
    case "promotion.applied":
    case "promotion.code_applied":
    case "promotion.removed":
      return { ...p, ...applyDiscountEvent(p, event) }
    case "payment.method_selected":
      return { ...p, payment: { ...p.payment, method_id: event.payload.method_id } }
    case "payment.method_invalidated":
      return event.payload.method_id === p.payment.method_id ? { ...p, payment: { ...p.payment, method_id: null } } : p
    case "payment.initialized": {
      // A new transaction (a retry) replaces the one that failed.
      if (event.payload.order_id !== p.order_id || !unpaid(p)) return p
      const { transaction_id, redirect_url, gateway } = event.payload
      const status = gateway === OFFLINE_GATEWAY ? OFFLINE_PAYMENT : "initialized"
      return { ...p, status: "finalized", payment: { ...p.payment, transaction_id, status, redirect_url: redirect_url ?? null } }
    }
    case "payment.pending":
      return onTransaction(p, event.payload, { status: "pending" })
    case "payment.succeeded":
      return onTransaction(p, event.payload, { status: "succeeded", redirect_url: null })
    case "payment.failed":
    case "payment.cancelled":
      return onTransaction(p, event.payload, { status: event.name === "payment.failed" ? "failed" : "cancelled" }, unpaid(p) ? "payment_failed" : p.status)
    case "payment.refund_initiated":
      return onTransaction(p, event.payload, { status: "refund_pending" })
    case "payment.refunded":
      return onTransaction(p, event.payload, { status: event.payload.fully_refunded ? "refunded" : "partially_refunded" })
    case "inventory.reserved":
    case "inventory.committed":
      if (event.payload.order_id !== p.order_id) return p
      return { ...p, reservation: { reservation_id: event.payload.reservation_id, status: event.name === "inventory.reserved" ? "reserved" : "committed" } }
    case "inventory.released": {
      if (event.payload.order_id !== p.order_id) return p
      const cancelled = unpaid(p) && p.payment.status !== "succeeded"
      return { ...p, status: cancelled ? "cancelled" : p.status, reservation: { reservation_id: event.payload.reservation_id, status: "released" } }
    }
    case "checkout.order_created":
      return {
        ...p,
        status: "finalized",
        order_id: event.payload.order_id,
        order_cart_version: event.payload.cart_version,
        reservation: null,
        payment: { ...p.payment, ...noTransaction }
      }
    case "checkout.completed":
      return event.payload.order_id === p.order_id ? { ...p, status: "completed" } : p
    case "checkout.payment_retry_expired":
      return event.payload.order_id === p.order_id && unpaid(p) ? { ...p, status: "cancelled" } : p
  }
}

/** Structural equality of plain data (what a projection is made of). */
const sameData = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const keysA = Object.keys(a)
  if (keysA.length !== Object.keys(b).length) return false
  return keysA.every((key) => Object.hasOwn(b, key) && sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
}

const step = (projection: CheckoutProjection, event: ProjectedEvent): CheckoutProjection => {
  const next = reduce(projection, event)
  return next === projection || sameData(projection, next) ? projection : next
}

/** The projection after one event of `event_name` with its decoded payload; the same object when it changes nothing. */
export const applyEvent = <N extends ProjectedEventName>(projection: CheckoutProjection, event_name: N, payload: ProjectedPayload<N>): CheckoutProjection =>
  step(projection, { name: event_name, payload } as ProjectedEvent)

/** The projection after the events, in order. */
export const applyEvents = (projection: CheckoutProjection, events: ReadonlyArray<ProjectedEvent>): CheckoutProjection => events.reduce(step, projection)
