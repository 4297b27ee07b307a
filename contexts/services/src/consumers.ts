/**
 * What the services context does with cart events (SPEC §3.3: group `services-consumer` on
 * cart-events): each event's snapshot newer than the projection replaces it, the cart's availability
 * is computed, cached under its hash, and published as `services.availability_calculated` caused by
 * the cart event. An older or equal `cart_version` (a stale or replayed event) changes nothing and
 * publishes nothing. The handler only decides; the consumer runtime writes the projection, the
 * cache, the event and the processed marker in one commit, and a write conflict reruns the handler
 * on the fresh projection. The kernel's event router decodes the snapshot (one that does not fit,
 * or names no session id, goes to the DLQ) and ignores other event names.
 */
import { Clock, Effect } from "effect"
import { cartEventRoutes, cartHash, type CartSnapshot, type ConsumerOptions, eventRouter, isNewerSnapshot, type PermanentFailure, type RoutedEvent, Topics } from "@kasa/shared"
import type { ServicesUnavailable } from "./errors.ts"
import { availabilityEnvelope } from "./events.ts"
import { availability } from "./offering.ts"
import { type ProjectedCart, ServiceRulebook, ServicesStore } from "./ports.ts"

export const SERVICES_CONSUMER_GROUP = "services-consumer"
export const SERVICES_CONSUMER_TOPICS: ReadonlyArray<string> = [Topics.cart]

const project = Effect.fnUntraced(function* (event: RoutedEvent<CartSnapshot>) {
  const snapshot = event.payload
  const store = yield* ServicesStore
  const { rules } = yield* ServiceRulebook
  const loaded = yield* store.loadCart(snapshot.session_id)
  if (!isNewerSnapshot(loaded.cart, snapshot)) return undefined
  const cart: ProjectedCart = {
    session_id: snapshot.session_id,
    cart_version: snapshot.cart_version,
    cart_hash: cartHash(snapshot),
    currency: snapshot.currency,
    lines: snapshot.lines
  }
  const offered = availability(rules, cart.lines)
  const userId = event.envelope.payload.user_id
  const envelope = availabilityEnvelope({
    session_id: cart.session_id,
    user_id: typeof userId === "string" ? userId : undefined,
    cart_hash: cart.cart_hash,
    cart_version: cart.cart_version,
    currency: cart.currency,
    availability: offered,
    occurred_at: new Date(yield* Clock.currentTimeMillis),
    caused_by: event.envelope
  })
  return store.toAtomicWrite({
    loaded,
    cart,
    availability: { cart_hash: cart.cart_hash, rules_fingerprint: rules.fingerprint, ...offered },
    events: [envelope]
  })
})

/** The handler for cart-events: every cart event's snapshot is projected, other names are ignored. */
export const makeCartEventsHandler = () => eventRouter(SERVICES_CONSUMER_GROUP, cartEventRoutes(project))

/** Options for the kernel's `runConsumer`: group, topics and handler. */
export const servicesConsumer = (): ConsumerOptions<PermanentFailure | ServicesUnavailable, ServicesStore | ServiceRulebook> => ({
  group: SERVICES_CONSUMER_GROUP,
  topics: SERVICES_CONSUMER_TOPICS,
  handler: makeCartEventsHandler()
})
