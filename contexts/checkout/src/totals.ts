/**
 * The checkout's authoritative totals (SPEC §4.7), from the projection alone, in integer minor units:
 * `shipping_total` = method price + express fee + addons; `grand_total` = `cart_total + services_total
 * + shipping_total − promotion_discount`, never below 0. The discount is every applied promotion plus
 * the code, as promotion computed them for the cart; it is shown whole even when it exceeds what it
 * could take off (the floor is on the grand total only).
 */
import { Schema } from "effect"
import { discountTotal } from "@kasa/shared"
import type { CheckoutProjection } from "./projection.ts"

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

export const Totals = Schema.Struct({
  cart_total: Amount,
  promotion_discount: Amount,
  shipping_total: Amount,
  services_total: Amount,
  grand_total: Amount,
  currency: Schema.String
})
export type Totals = typeof Totals.Type

export const computeTotals = (p: CheckoutProjection): Totals => {
  const shipping_total = p.shipping.price_amount + p.shipping.express_fee_amount + p.shipping.addons_total
  const promotion_discount = discountTotal(p)
  const grand_total = Math.max(0, p.cart_total + p.services_total + shipping_total - promotion_discount)
  return { cart_total: p.cart_total, promotion_discount, shipping_total, services_total: p.services_total, grand_total, currency: p.currency }
}

/** Whether two totals differ in any figure (a change is what `checkout.totals_updated` announces). */
export const totalsDiffer = (a: Totals, b: Totals): boolean =>
  a.cart_total !== b.cart_total ||
  a.promotion_discount !== b.promotion_discount ||
  a.shipping_total !== b.shipping_total ||
  a.services_total !== b.services_total ||
  a.grand_total !== b.grand_total ||
  a.currency !== b.currency
