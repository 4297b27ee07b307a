/**
 * The events the cart publishes on `cart-events` (SPEC §3.4), their names and payload Schemas, and
 * the one function that turns a decision's changes into envelopes. Every payload carries the cart
 * snapshot after its change (`cart_version`, `lines[]`, `currency`), so other contexts rebuild their
 * own view from the event alone and drop events older than the version they hold. Snapshot lines
 * are the domain's `Line`, which is the kernel's `CartSnapshotLine` (the published language other
 * contexts decode with) under the cart's own rules, exactly as `GET /cart` shows them.
 */
import { Schema } from "effect"
import { type Envelope, envelopeIn, type EventContext as KernelEventContext } from "@kasa/shared"
import { CurrencyCode, MinorUnits } from "@kasa/shared/money"
import { type CartChange, Line, Quantity, totals } from "./domain.ts"

export const CART_PRODUCER = "cart"

export const CartEventName = {
  itemAdded: "cart.item_added",
  itemRemoved: "cart.item_removed",
  itemQuantityChanged: "cart.item_quantity_changed",
  cleared: "cart.cleared"
} as const
export type CartEventName = (typeof CartEventName)[keyof typeof CartEventName]

const Amount = MinorUnits.check(Schema.isGreaterThanOrEqualTo(0))

const identity = {
  session_id: Schema.String.check(Schema.isNonEmpty()),
  user_id: Schema.optionalKey(Schema.String)
}

const snapshot = {
  cart_version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  lines: Schema.Array(Line),
  currency: CurrencyCode
}

export const CartItemAdded = Schema.Struct({
  ...identity,
  item_id: Schema.String,
  offer_id: Schema.String,
  /** Units this event added (the line's quantity after it is in the snapshot). */
  quantity: Quantity,
  /** Unit price in minor units. */
  price: Amount,
  cart_total: Amount,
  ...snapshot
})
export type CartItemAdded = typeof CartItemAdded.Type

export const CartItemRemoved = Schema.Struct({ ...identity, item_id: Schema.String, cart_total: Amount, ...snapshot })
export type CartItemRemoved = typeof CartItemRemoved.Type

export const CartItemQuantityChanged = Schema.Struct({
  ...identity,
  item_id: Schema.String,
  old_quantity: Quantity,
  new_quantity: Quantity,
  cart_total: Amount,
  ...snapshot
})
export type CartItemQuantityChanged = typeof CartItemQuantityChanged.Type

export const CartCleared = Schema.Struct({ ...identity, ...snapshot })
export type CartCleared = typeof CartCleared.Type

/** Each event name with the Schema of its payload. */
export const CartEventPayloads = {
  [CartEventName.itemAdded]: CartItemAdded,
  [CartEventName.itemRemoved]: CartItemRemoved,
  [CartEventName.itemQuantityChanged]: CartItemQuantityChanged,
  [CartEventName.cleared]: CartCleared
} as const

/** Who and what caused the changes: the request (correlation, user) or the consumed event. */
export interface EventContext extends KernelEventContext {
  readonly user_id?: string | undefined
}

const payloadOf = (change: CartChange, user_id: string | undefined): { readonly name: CartEventName; readonly payload: Record<string, unknown> } => {
  const cart = change.cart
  const who = user_id === undefined ? { session_id: cart.session_id } : { session_id: cart.session_id, user_id }
  const after = { cart_version: cart.version, lines: cart.lines, currency: cart.currency }
  switch (change._tag) {
    case "ItemAdded":
      return {
        name: CartEventName.itemAdded,
        payload: {
          ...who,
          item_id: change.line.item_id,
          offer_id: change.line.offer_id,
          quantity: change.quantity,
          price: change.line.unit_price,
          cart_total: totals(cart).cart_total,
          ...after
        } satisfies CartItemAdded
      }
    case "ItemRemoved":
      return { name: CartEventName.itemRemoved, payload: { ...who, item_id: change.line.item_id, cart_total: totals(cart).cart_total, ...after } satisfies CartItemRemoved }
    case "QuantityChanged":
      return {
        name: CartEventName.itemQuantityChanged,
        payload: {
          ...who,
          item_id: change.line.item_id,
          old_quantity: change.old_quantity,
          new_quantity: change.line.quantity,
          cart_total: totals(cart).cart_total,
          ...after
        } satisfies CartItemQuantityChanged
      }
    case "Cleared":
      return { name: CartEventName.cleared, payload: { ...who, ...after } satisfies CartCleared }
  }
}

/** One envelope per change, in order, keyed by the session (the cart's aggregate). */
export const cartEnvelopes = (changes: ReadonlyArray<CartChange>, context: EventContext): ReadonlyArray<Envelope> =>
  changes.map((change) => {
    const { name, payload } = payloadOf(change, context.user_id)
    return envelopeIn(context, { eventName: name, aggregateId: change.cart.session_id, producer: CART_PRODUCER, payload })
  })
