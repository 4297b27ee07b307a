/**
 * Shipping's projection of the cart (SPEC §3.3: group `shipping-consumer` on cart-events). Every
 * cart event carries the cart snapshot after it; a snapshot newer than the one held replaces it, an
 * older or equal one (stale, replayed) is ignored. With the new cart the chosen method is assessed
 * again: if the cart no longer allows it, the choice is cleared and `shipping.method_invalidated`
 * is published; if its price changed, `shipping.method_selected` is published again. The methods
 * cached for the previous cart hash are dropped. The handler only decides: the consumer runtime
 * writes the state, its events and the processed marker in one commit, so a redelivered event
 * changes nothing and a write conflict (a request writing the session at once) retries the handler
 * on the fresh state. The kernel's event router decodes the snapshot (one that does not fit, or
 * names no session id, goes to the DLQ) and ignores other event names.
 */
import { Clock, Effect } from "effect"
import { cartEventRoutes, cartHash, type CartSnapshot, type ConsumerOptions, eventRouter, isNewerSnapshot, type PermanentFailure, type RoutedEvent, Topics } from "@kasa/shared"
import { assessCart } from "./assessment.ts"
import { applyCart } from "./domain.ts"
import type { ShippingUnavailable } from "./errors.ts"
import { shippingEnvelopes } from "./events.ts"
import { type ParcelSpecs, ShippingStore } from "./ports.ts"
import type { CurrentShippingRules } from "./rules.ts"
import type { CartProjection } from "./shipment.ts"

export const SHIPPING_CONSUMER_GROUP = "shipping-consumer"
export const SHIPPING_CONSUMER_TOPICS: ReadonlyArray<string> = [Topics.cart]

const project = Effect.fnUntraced(function* (event: RoutedEvent<CartSnapshot>) {
  const snapshot = event.payload
  const store = yield* ShippingStore
  const loaded = yield* store.load(snapshot.session_id)
  if (!isNewerSnapshot(loaded.session.cart, snapshot)) return undefined
  const cart: CartProjection = { cart_version: snapshot.cart_version, currency: snapshot.currency, lines: snapshot.lines }
  const decision = applyCart(loaded.session, snapshot, yield* assessCart(cart))
  if (decision === undefined) return undefined
  const occurred_at = new Date(yield* Clock.currentTimeMillis)
  const events = shippingEnvelopes(snapshot.session_id, decision.changes, { correlation_id: event.envelope.correlation_id, occurred_at, caused_by: event.envelope })
  const previous = loaded.session.cart
  const evictMethods = previous !== undefined && cartHash(previous) !== cartHash(cart) ? [cartHash(previous)] : []
  return store.toAtomicWrite({ loaded, session: decision.session, events, evictMethods })
})

/** The handler for cart-events: every cart event's snapshot is projected, other names are ignored. */
export const makeCartEventsHandler = () => eventRouter(SHIPPING_CONSUMER_GROUP, cartEventRoutes(project))

/** Options for the kernel's `runConsumer`: group, topics and handler. */
export const shippingConsumer = (): ConsumerOptions<PermanentFailure | ShippingUnavailable, ShippingStore | ParcelSpecs | CurrentShippingRules> => ({
  group: SHIPPING_CONSUMER_GROUP,
  topics: SHIPPING_CONSUMER_TOPICS,
  handler: makeCartEventsHandler()
})
