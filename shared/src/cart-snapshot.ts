/**
 * The cart snapshot every cart event carries (SPEC §3.4): the published language between the cart
 * and the contexts that project it (shipping, promotion, services, checkout, payment). Each of them
 * decodes the snapshot from the event alone, keeps the newest `cart_version` it has seen and drops
 * older ones, so no context ever asks the cart for the cart. The cart hash names caches
 * (`shipping:methods:{cart_hash}` and the like): equal contents, equal hash, whatever the version.
 */
import { Schema } from "effect"
import type { Envelope } from "./envelope.ts"

export const CartSnapshotLine = Schema.Struct({
  item_id: Schema.String,
  offer_id: Schema.String,
  type: Schema.Literals(["offer", "warranty", "accessory", "service"]),
  name: Schema.String,
  category: Schema.String,
  quantity: Schema.Int,
  unit_price: Schema.Int,
  /** The line this one is attached to (warranty, service, accessory), null for top-level lines. */
  parent_item_id: Schema.NullOr(Schema.String)
})
export type CartSnapshotLine = typeof CartSnapshotLine.Type

export const CartSnapshot = Schema.Struct({
  session_id: Schema.String,
  cart_version: Schema.Int,
  lines: Schema.Array(CartSnapshotLine),
  currency: Schema.String
})
export type CartSnapshot = typeof CartSnapshot.Type

export const CART_EVENT_NAMES: ReadonlyArray<string> = ["cart.item_added", "cart.item_removed", "cart.item_quantity_changed", "cart.cleared"]

const decodeSnapshot = Schema.decodeUnknownResult(CartSnapshot)

/**
 * The snapshot inside a cart event; `undefined` for other events, a string (the reason) for a cart
 * event whose snapshot is malformed (the consumer sends that to the DLQ).
 */
export const cartSnapshotOf = (envelope: Envelope): CartSnapshot | string | undefined => {
  if (!CART_EVENT_NAMES.includes(envelope.event_name)) return undefined
  const result = decodeSnapshot(envelope.payload)
  return result._tag === "Success" ? result.success : `malformed cart snapshot in ${envelope.event_name}: ${String(result.failure)}`
}

/** Whether `incoming` should replace `held`: only a newer version does (stale and replayed events are ignored). */
export const isNewerSnapshot = (held: { readonly cart_version: number } | undefined, incoming: CartSnapshot): boolean =>
  held === undefined || incoming.cart_version > held.cart_version

/** Subtotal of the non-service lines, as the cart computes `cart_total`. */
export const snapshotGoodsTotal = (snapshot: CartSnapshot): number =>
  snapshot.lines.reduce((sum, line) => (line.type === "service" ? sum : sum + line.unit_price * line.quantity), 0)

/** A stable hash of what is in the cart (offers, types, quantities, parents, prices), not of its version. */
export const cartHash = (snapshot: Pick<CartSnapshot, "lines" | "currency">): string => {
  const parts = snapshot.lines
    .map((l) => `${l.item_id}|${l.offer_id}|${l.type}|${l.quantity}|${l.unit_price}|${l.parent_item_id ?? ""}`)
    .sort()
  let h1 = 0x811c9dc5
  let h2 = 0x01000193
  const text = `${snapshot.currency};${parts.join(";")}`
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995)
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0")
}
