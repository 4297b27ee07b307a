/**
 * What the cart does with other contexts' events (SPEC §3.3: group `cart-consumer` on
 * checkout-events): when a checkout completes, the session's cart is cleared and `cart.cleared` is
 * published, caused by that event. The handler only decides; the consumer runtime writes the cleared
 * cart, its events and the processed marker in one commit, so a redelivered event changes nothing,
 * and a write conflict simply retries the handler on the fresh cart. The kernel's event router
 * decodes the payload (one that does not fit is dead-lettered) and ignores other checkout events.
 */
import { Clock, Effect, Schema } from "effect"
import { type ConsumerOptions, eventRouter, type PermanentFailure, route, type RoutedEvent, SessionIdString, Topics } from "@kasa/shared"
import { clear } from "./domain.ts"
import type { CartUnavailable } from "./errors.ts"
import { cartEnvelopes } from "./events.ts"
import { CartStore } from "./ports.ts"

export const CART_CONSUMER_GROUP = "cart-consumer"
export const CART_CONSUMER_TOPICS: ReadonlyArray<string> = [Topics.checkout]

export const CHECKOUT_COMPLETED = "checkout.completed"

/** The part of `checkout.completed` the cart reads (unknown fields are ignored). */
export const CheckoutCompleted = Schema.Struct({
  session_id: SessionIdString,
  order_id: Schema.String.check(Schema.isNonEmpty()),
  user_id: Schema.optionalKey(Schema.String)
})

const clearOnCompletion = Effect.fn("Cart.clearOnCheckoutCompleted")(function* (event: RoutedEvent<typeof CheckoutCompleted.Type>) {
  const { session_id, user_id } = event.payload
  const store = yield* CartStore
  const loaded = yield* store.load(session_id)
  const decision = clear(loaded.cart)
  if (decision.changes.length === 0) return undefined
  const occurred_at = new Date(yield* Clock.currentTimeMillis)
  const events = cartEnvelopes(decision.changes, { correlation_id: event.envelope.correlation_id, user_id, occurred_at, caused_by: event.envelope })
  return store.toAtomicWrite({ loaded, cart: decision.cart, events })
})

/** The handler for checkout-events: checkout.completed clears the cart, other names are ignored. */
export const makeCheckoutEventsHandler = () => eventRouter(CART_CONSUMER_GROUP, { [CHECKOUT_COMPLETED]: route(CheckoutCompleted, clearOnCompletion) })

/** Options for the kernel's `runConsumer`: group, topics and handler. */
export const cartConsumer = (): ConsumerOptions<PermanentFailure | CartUnavailable, CartStore> => ({
  group: CART_CONSUMER_GROUP,
  topics: CART_CONSUMER_TOPICS,
  handler: makeCheckoutEventsHandler()
})
