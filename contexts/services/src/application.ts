/**
 * The services context's queries as Effect programs over its ports (SPEC §4.6): what a cart may have
 * (with what its services cost now), what one line may have, what any cart may have. They read the
 * context's own projection of the cart, never the cart itself; a session no cart event was seen for
 * is an empty cart. The availability cached for a cart hash is used while it was computed under the
 * rules in force, else recomputed (it is a pure function of the cart and the rules).
 */
import { Effect } from "effect"
import { LineNotFound } from "./errors.ts"
import { type Availability, availability, type OfferedService, servicesForLine, standaloneServices } from "./offering.ts"
import { ServiceRulebook, ServicesStore } from "./ports.ts"

/** The body of `GET /services/for-item/{item_id}` and `GET /services/standalone`. */
export interface ServiceList {
  readonly services: ReadonlyArray<OfferedService>
}

/** Every service the cart may have, and `total_services_price` = what the services in it cost now. */
export const availableForCart = Effect.fn("Services.availableForCart")(function* (cartId: string) {
  const { rules } = yield* ServiceRulebook
  const store = yield* ServicesStore
  const { cart } = yield* store.loadCart(cartId)
  if (cart === undefined) return availability(rules, [])
  const cached = yield* store.loadAvailability(cart.cart_hash)
  if (cached !== undefined && cached.rules_fingerprint === rules.fingerprint) {
    return { services: cached.services, total_services_price: cached.total_services_price } satisfies Availability
  }
  return availability(rules, cart.lines)
})

/** The item services one line of the cart may have; LineNotFound when the cart has no such line. */
export const servicesForItem = Effect.fn("Services.servicesForItem")(function* (cartId: string, itemId: string) {
  const { rules } = yield* ServiceRulebook
  const { cart } = yield* (yield* ServicesStore).loadCart(cartId)
  const line = cart?.lines.find((l) => l.item_id === itemId)
  if (line === undefined) return yield* new LineNotFound({ cart_id: cartId, item_id: itemId })
  return { services: servicesForLine(rules, line) } satisfies ServiceList
})

/** The standalone services, which any cart may have. */
export const listStandaloneServices = Effect.fn("Services.listStandaloneServices")(function* () {
  const { rules } = yield* ServiceRulebook
  return { services: standaloneServices(rules) } satisfies ServiceList
})

/** Records the rules in force under `services:rules` (at start). */
export const recordRules = Effect.fn("Services.recordRules")(function* () {
  const { rules } = yield* ServiceRulebook
  yield* (yield* ServicesStore).recordRules(rules)
})
