/**
 * The cart snapshot every cart event carries (SPEC §3.4): the published language between the cart
 * and the contexts that project it (shipping, promotion, services, checkout, payment). Each of them
 * decodes the snapshot from the event alone (the event router's `cartEventRoutes`), keeps the newest
 * `cart_version` it has seen and drops older ones, so no context ever asks the cart for the cart. The cart hash names caches
 * (`shipping:methods:{cart_hash}` and the like): equal contents, equal hash, whatever the version.
 */
import { Schema } from "effect"
import { SessionIdString } from "./session-id-schema.ts"
import { textDigest } from "./text-digest.ts"

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

/** The snapshot as a consumer accepts it from a cart event: its session_id must be a session id (it names state keys). */
export const ConsumedCartSnapshot = Schema.Struct({ ...CartSnapshot.fields, session_id: SessionIdString })

export const CART_EVENT_NAMES: ReadonlyArray<string> = ["cart.item_added", "cart.item_removed", "cart.item_quantity_changed", "cart.cleared"]

/** Whether `incoming` should replace `held`: only a newer version does (stale and replayed events are ignored). */
export const isNewerSnapshot = (held: { readonly cart_version: number } | undefined, incoming: CartSnapshot): boolean =>
  held === undefined || incoming.cart_version > held.cart_version

/** Subtotal of the non-service lines, as the cart computes `cart_total`. */
export const snapshotGoodsTotal = (snapshot: CartSnapshot): number =>
  snapshot.lines.reduce((sum, line) => (line.type === "service" ? sum : sum + line.unit_price * line.quantity), 0)

/**
 * Hashes already computed, by lines array: a snapshot's lines are never changed after decoding, and one
 * consumed cart event has its hash asked for several times (shipping alone asks three times).
 */
const hashes = new WeakMap<object, { readonly currency: string; readonly hash: string }>()

/** A stable hash of what is in the cart (offers, types, quantities, parents, prices), not of its version. */
export const cartHash = (snapshot: Pick<CartSnapshot, "lines" | "currency">): string => {
  const known = hashes.get(snapshot.lines)
  if (known !== undefined && known.currency === snapshot.currency) return known.hash
  const hash = computeCartHash(snapshot)
  hashes.set(snapshot.lines, { currency: snapshot.currency, hash })
  return hash
}

const computeCartHash = (snapshot: Pick<CartSnapshot, "lines" | "currency">): string => {
  const parts = snapshot.lines
    .map((l) => `${l.item_id}|${l.offer_id}|${l.type}|${l.quantity}|${l.unit_price}|${l.parent_item_id ?? ""}`)
    .sort()
  return textDigest(`${snapshot.currency};${parts.join(";")}`)
}
