/**
 * The cart as clients read it (SPEC §4.2 `GET /cart`): lines with their totals, the cart's totals,
 * currency, item count and version. It is also the materialized view the store keeps, so reading a
 * cart is one key read, and every mutating endpoint answers with the same body.
 */
import { Schema } from "effect"
import { CurrencyCode, MinorUnits } from "@kasa/shared/money"
import { type Cart, Line, type Line as LineType, lineTotal, totals } from "./domain.ts"

const Amount = MinorUnits.check(Schema.isGreaterThanOrEqualTo(0))

export const CartItemView = Schema.Struct({
  ...Line.fields,
  line_total: Amount
})
export type CartItemView = typeof CartItemView.Type

export const CartView = Schema.Struct({
  session_id: Schema.String.check(Schema.isNonEmpty()),
  items: Schema.Array(CartItemView),
  cart_total: Amount,
  services_total: Amount,
  currency: CurrencyCode,
  item_count: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  cart_version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
})
export type CartView = typeof CartView.Type

const itemView = (line: LineType): CartItemView => ({
  item_id: line.item_id,
  offer_id: line.offer_id,
  type: line.type,
  name: line.name,
  category: line.category,
  quantity: line.quantity,
  unit_price: line.unit_price,
  line_total: lineTotal(line),
  parent_item_id: line.parent_item_id
})

export const toView = (cart: Cart): CartView => {
  const sums = totals(cart)
  return {
    session_id: cart.session_id,
    items: cart.lines.map(itemView),
    cart_total: sums.cart_total,
    services_total: sums.services_total,
    currency: cart.currency,
    item_count: sums.item_count,
    cart_version: cart.version
  }
}

export const fromView = (view: CartView): Cart => ({
  session_id: view.session_id,
  version: view.cart_version,
  currency: view.currency,
  lines: view.items.map((item) => ({
    item_id: item.item_id,
    offer_id: item.offer_id,
    type: item.type,
    name: item.name,
    category: item.category,
    quantity: item.quantity,
    unit_price: item.unit_price,
    parent_item_id: item.parent_item_id
  }))
})
