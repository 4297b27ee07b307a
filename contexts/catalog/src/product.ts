/**
 * The catalog's product (an "offer", SPEC §4.1): what a shopper can put in a cart, with its price in
 * minor units, weight, size class and stock. Warranties are offers too: `warranty_for` lists the
 * parent categories a warranty may be attached to (priced per parent category by having one warranty
 * offer per category). The shipped data file is validated against this Schema when it is loaded.
 */
import { Schema } from "effect"
import { CurrencyCode, MinorUnits } from "@kasa/shared/money"

export const Category = Schema.Literals(["appliance", "tv", "furniture", "equipment", "accessory", "warranty"])
export type Category = typeof Category.Type

export const SizeClass = Schema.Literals(["small", "medium", "large", "oversize"])
export type SizeClass = typeof SizeClass.Type

export const Product = Schema.Struct({
  offer_id: Schema.String.check(Schema.isPattern(/^[a-z0-9][a-z0-9-]{1,63}$/)),
  name: Schema.String.check(Schema.isNonEmpty()),
  category: Category,
  price: MinorUnits.check(Schema.isGreaterThanOrEqualTo(0)),
  currency: CurrencyCode,
  weight_g: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  size_class: SizeClass,
  /** Units available for sale when the shop starts (the live figure is the stock store's). */
  stock: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  /** Warranties only: the categories whose lines this warranty may be attached to. */
  warranty_for: Schema.optionalKey(Schema.Array(Category))
})
export type Product = typeof Product.Type

export const ProductList = Schema.Array(Product)
