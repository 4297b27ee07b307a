/**
 * Shipping's projection of the cart (SPEC §3.3: group `shipping-consumer` on cart-events). Every
 * cart event carries the cart snapshot after it; a snapshot newer than the one held replaces it, an
 * older or equal one (stale, replayed) is ignored. With the new cart the chosen method is assessed
 * again: if the cart no longer allows it, the choice is cleared and `shipping.method_invalidated`
 * is published; if its price changed, `shipping.method_selected` is published again. The methods
 * cached for the previous cart hash are dropped. The handler only decides: the consumer runtime
 * writes the state, its events and the processed marker in one commit, so a redelivered event
 * changes nothing and a write conflict (a request writing the session at once) retries the handler
 * on the fresh state. A cart event whose snapshot does not decode goes to the DLQ; other event
 * names are ignored (each logged once).
 */
import { Clock, Effect } from "effect"
import { CART_EVENT_NAMES, type CartSnapshot, cartHash, cartSnapshotOf, type ConsumedEvent, type ConsumerOptions, isNewerSnapshot, isSessionId, PermanentFailure, Topics } from "@kasa/shared"
import { assessCart } from "./assessment.ts"
import { applyCart } from "./domain.ts"
import type { ShippingUnavailable } from "./errors.ts"
import { shippingEnvelopes } from "./events.ts"
import { type ParcelSpecs, ShippingStore } from "./ports.ts"
import type { CurrentShippingRules } from "./rules.ts"
import type { CartProjection } from "./shipment.ts"

export const SHIPPING_CONSUMER_GROUP = "shipping-consumer"
export const SHIPPING_CONSUMER_TOPICS: ReadonlyArray<string> = [Topics.cart]

const project = Effect.fn("Shipping.projectCart")(function* (event: ConsumedEvent, snapshot: CartSnapshot) {
  if (!isSessionId(snapshot.session_id)) {
    return yield* new PermanentFailure({ reason: `cart snapshot names no session id: ${JSON.stringify(snapshot.session_id).slice(0, 80)}` })
  }
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

/** The handler for cart-events; each instance logs an unknown event name once. */
export const makeCartEventsHandler = () => {
  const ignored = new Set<string>()
  return (event: ConsumedEvent) => {
    const name = event.envelope.event_name
    if (CART_EVENT_NAMES.includes(name)) {
      const snapshot = cartSnapshotOf(event.envelope)
      if (typeof snapshot === "string") return Effect.fail(new PermanentFailure({ reason: snapshot }))
      if (snapshot !== undefined) return project(event, snapshot)
    }
    if (ignored.has(name)) return Effect.void
    ignored.add(name)
    return Effect.logInfo("shipping-consumer ignores this event name", { event_name: name })
  }
}

/** Options for the kernel's `runConsumer`: group, topics and handler. */
export const shippingConsumer = (): ConsumerOptions<PermanentFailure | ShippingUnavailable, ShippingStore | ParcelSpecs | CurrentShippingRules> => ({
  group: SHIPPING_CONSUMER_GROUP,
  topics: SHIPPING_CONSUMER_TOPICS,
  handler: makeCartEventsHandler()
})
