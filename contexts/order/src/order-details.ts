/**
 * What the shopper ordered, as checkout hands it over in `checkout.order_created` (SPEC §3.4, §4.7):
 * the lines (the cart's lines with their totals), the chosen shipping and the customer's data. The
 * order keeps them as they were at finalize, so a later change to the catalog or the rules files
 * never rewrites an order. `order.created` carries them too, so a consumer (notification, analytics)
 * learns an order's contents from its events alone.
 */
import { Schema } from "effect"
import { CartSnapshotLine } from "@kasa/shared"
import { CurrencyCode } from "@kasa/shared/money"

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Id = Schema.String.check(Schema.isNonEmpty())

export const Address = Schema.Struct({ street: Schema.String, city: Schema.String, postal_code: Schema.String, country: Schema.String })
export type Address = typeof Address.Type

/** One cart line as ordered: the cart's published line (SPEC §3.4) with `line_total` = unit_price × quantity. */
export const OrderLine = Schema.Struct({ ...CartSnapshotLine.fields, line_total: Amount })
export type OrderLine = typeof OrderLine.Type

export const ShippingAddon = Schema.Struct({ addon_id: Id, name: Schema.String, price_amount: Amount })
export type ShippingAddon = typeof ShippingAddon.Type

export const OrderShipping = Schema.Struct({
  method_id: Id,
  method_name: Schema.String,
  price_amount: Amount,
  /** null for store pickup, which needs none. */
  address: Schema.NullOr(Address),
  /** `YYYY-MM-DD`; null where the method takes no date. */
  delivery_date: Schema.NullOr(Schema.String),
  is_express: Schema.Boolean,
  express_fee_amount: Amount,
  addons: Schema.Array(ShippingAddon)
})
export type OrderShipping = typeof OrderShipping.Type

export const Invoice = Schema.Struct({ company_name: Schema.String, tax_id: Schema.String, address: Address })
export type Invoice = typeof Invoice.Type

export const Customer = Schema.Struct({
  email: Schema.String.check(Schema.isNonEmpty()),
  first_name: Schema.String,
  last_name: Schema.String,
  phone: Schema.NullOr(Schema.String),
  invoice: Schema.NullOr(Invoice)
})
export type Customer = typeof Customer.Type

/** The money of an order: its grand total (checkout's authoritative figure) and currency. */
export const OrderTotal = { grand_total: Amount, currency: CurrencyCode }
