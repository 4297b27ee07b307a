/**
 * What is to be shipped, from the shipping context's own projection of the cart: the snapshot the
 * last cart event carried (SPEC §3.4), joined with each offer's parcel facts (size class and weight,
 * which the cart's events do not carry and the app looks up in the catalog's data). Only product
 * lines travel: `offer` and `accessory` lines are shipped, warranties and services are not. A line
 * whose offer has no known parcel facts counts as `large` (never a parcel-locker item, a pallet
 * candidate): a shop that cannot measure a parcel must not promise that it fits a locker.
 */
import { Schema } from "effect"
import { CartSnapshotLine, snapshotGoodsTotal } from "@kasa/shared"

export const SizeClass = Schema.Literals(["small", "medium", "large", "oversize"])
export type SizeClass = typeof SizeClass.Type

/** The parcel facts of one unit of an offer. */
export interface ParcelSpec {
  readonly size_class: SizeClass
  readonly weight_g: number
}

/** The cart as the shipping context holds it: the newest snapshot it has seen. */
export const CartProjection = Schema.Struct({
  cart_version: Schema.Int,
  currency: Schema.String,
  lines: Schema.Array(CartSnapshotLine)
})
export type CartProjection = typeof CartProjection.Type

export interface ShipmentItem {
  readonly offer_id: string
  readonly quantity: number
  readonly size_class: SizeClass
  readonly weight_g: number
}

export interface Shipment {
  readonly items: ReadonlyArray<ShipmentItem>
  /** The cart's `cart_total` (goods, not services), which the free-courier threshold is about. */
  readonly goods_total: number
  readonly currency: string
}

/** Size class assumed for an offer whose parcel facts are unknown. */
export const UNKNOWN_SIZE: SizeClass = "large"

const isShipped = (line: CartSnapshotLine): boolean => line.type === "offer" || line.type === "accessory"

/** The offers whose parcel facts the shipment needs. */
export const shippedOfferIds = (cart: CartProjection): ReadonlyArray<string> => [...new Set(cart.lines.filter(isShipped).map((line) => line.offer_id))]

export const shipmentOf = (cart: CartProjection, specs: ReadonlyMap<string, ParcelSpec>): Shipment => ({
  items: cart.lines.filter(isShipped).map((line) => {
    const spec = specs.get(line.offer_id)
    return { offer_id: line.offer_id, quantity: line.quantity, size_class: spec?.size_class ?? UNKNOWN_SIZE, weight_g: spec?.weight_g ?? 0 }
  }),
  goods_total: snapshotGoodsTotal({ session_id: "", cart_version: cart.cart_version, currency: cart.currency, lines: cart.lines }),
  currency: cart.currency
})

export const totalWeightG = (shipment: Shipment): number => shipment.items.reduce((sum, item) => sum + item.weight_g * item.quantity, 0)
