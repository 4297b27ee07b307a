/**
 * `GET /checkout/summary` (SPEC §4.7) as a pure view of the projection and the shopper's stored data:
 * exactly SPEC's fields, the totals computed as finalize computes them. `customer` and `consents` are
 * null until the shopper has given them (not a guessed default).
 */
import { Schema } from "effect"
import { Consents, CustomerData } from "./customer.ts"
import { Address, ShippingAddon } from "./consumed-events.ts"
import { CheckoutItem, type CheckoutProjection, CheckoutStatus, ProjectedPayment } from "./projection.ts"
import { computeTotals, Totals } from "./totals.ts"

export const SummaryShipping = Schema.Struct({
  method_id: Schema.NullOr(Schema.String),
  method_name: Schema.NullOr(Schema.String),
  price_amount: Schema.Int,
  address: Schema.NullOr(Address),
  delivery_date: Schema.NullOr(Schema.String),
  is_express: Schema.Boolean,
  addons: Schema.Array(ShippingAddon)
})

export const CheckoutSummary = Schema.Struct({
  session_id: Schema.String,
  status: CheckoutStatus,
  items: Schema.Array(CheckoutItem),
  ...Totals.fields,
  shipping: SummaryShipping,
  payment: ProjectedPayment,
  customer: Schema.NullOr(CustomerData),
  consents: Schema.NullOr(Consents),
  order_id: Schema.NullOr(Schema.String)
})
export type CheckoutSummary = typeof CheckoutSummary.Type

export const summaryView = (p: CheckoutProjection, customer: CustomerData | undefined, consents: Consents | undefined): CheckoutSummary => {
  const { method_id, method_name, price_amount, address, delivery_date, is_express, addons } = p.shipping
  const { cart_total, promotion_discount, shipping_total, services_total, grand_total, currency } = computeTotals(p)
  return {
    session_id: p.session_id,
    status: p.status,
    items: p.items,
    cart_total,
    promotion_discount,
    shipping_total,
    services_total,
    grand_total,
    currency,
    shipping: { method_id, method_name, price_amount, address, delivery_date, is_express, addons },
    payment: p.payment,
    customer: customer ?? null,
    consents: consents ?? null,
    order_id: p.order_id
  }
}
