/**
 * The cart's use cases as Effect programs over its ports. Each command is one transaction: load the
 * cart (one read), decide with the pure domain, save the new cart with its events (one atomic write
 * that applies only if nobody wrote since the read). When someone did, the whole command runs
 * again on the fresh cart, a few times, then gives up with CartChangedConcurrently; an update is
 * never lost and never applied twice. A command that changes nothing writes and publishes nothing.
 */
import { Clock, Effect } from "effect"
import { answering, type CommandContext, retryOnConflict } from "@kasa/shared"
import { CartVersionFloor } from "./version-floor.ts"
import { addLine, changeQuantity, clear, type Cart, type Decision, type LineRequest, type PricedItem, removeLine, resolveParent, restartedCart, SERVICE_CATEGORY } from "./domain.ts"
import { CartChangedConcurrently, OfferNotFound } from "./errors.ts"
import { cartEnvelopes } from "./events.ts"
import { CartStore, OfferLookup, ServicePricing } from "./ports.ts"
import { toView } from "./view.ts"

export type { CommandContext } from "@kasa/shared"

/** How many times a command runs before a write conflict becomes CartChangedConcurrently. */
export const MAX_ATTEMPTS = 5

const transact = <E extends { readonly _tag: string }, R>(context: CommandContext, decide: (cart: Cart) => Effect.Effect<Decision, E, R>) =>
  Effect.gen(function* () {
    const store = yield* CartStore
    const loaded = yield* store.load(context.session_id)
    const now = yield* Clock.currentTimeMillis
    const floor = yield* CartVersionFloor
    const decision = yield* decide(loaded.revision === undefined ? restartedCart(loaded.cart, floor(now)) : loaded.cart)
    const view = toView(decision.cart)
    if (decision.changes.length > 0) {
      const occurred_at = new Date(now)
      const events = cartEnvelopes(decision.changes, { correlation_id: context.correlation_id, user_id: context.user_id, occurred_at })
      // An Idempotency-Key request's answer is committed with the cart (SPEC §2).
      yield* store.save({ loaded, cart: decision.cart, events, view }).pipe(answering(view))
    }
    return view
  }).pipe(retryOnConflict(MAX_ATTEMPTS, () => new CartChangedConcurrently({ attempts: MAX_ATTEMPTS })))

// Pricing is a lookup inside the use case's span: untraced, so a request pays for one span, not three.
const priceOffer = Effect.fnUntraced(function* (request: LineRequest) {
  const offers = yield* OfferLookup
  const offer = yield* offers.find(request.offer_id)
  if (offer === undefined) return yield* new OfferNotFound({ offer_id: request.offer_id })
  return { name: offer.name, category: offer.category, unit_price: offer.price, currency: offer.currency, warranty_for: offer.warranty_for } satisfies PricedItem
})

const priceService = Effect.fnUntraced(function* (cart: Cart, request: LineRequest) {
  const parent = yield* Effect.fromResult(resolveParent(cart, request))
  const pricing = yield* ServicePricing
  const quote = yield* pricing.quote({ service_id: request.offer_id, parent, quantity: request.quantity })
  return { name: quote.name, category: SERVICE_CATEGORY, unit_price: quote.unit_price, currency: quote.currency } satisfies PricedItem
})

/** The session's cart as clients see it. */
export const getCart = Effect.fn("Cart.getCart")(function* (sessionId: string) {
  const store = yield* CartStore
  const { cart } = yield* store.load(sessionId)
  return toView(cart)
})

/** Adds an offer, warranty, accessory or service, priced server side. */
export const addItem = Effect.fn("Cart.addItem")(function* (context: CommandContext, request: LineRequest) {
  return yield* transact(context, (cart) =>
    Effect.gen(function* () {
      const item: PricedItem = request.type === "service" ? yield* priceService(cart, request) : yield* priceOffer(request)
      return yield* Effect.fromResult(addLine(cart, request, item))
    })
  )
})

export const changeItemQuantity = Effect.fn("Cart.changeItemQuantity")(function* (context: CommandContext, itemId: string, quantity: number) {
  return yield* transact(context, (cart) => Effect.fromResult(changeQuantity(cart, itemId, quantity)))
})

/** Removes a line and the warranty and service lines attached to it. */
export const removeItem = Effect.fn("Cart.removeItem")(function* (context: CommandContext, itemId: string) {
  return yield* transact(context, (cart) => Effect.fromResult(removeLine(cart, itemId)))
})

export const clearCart = Effect.fn("Cart.clearCart")(function* (context: CommandContext) {
  return yield* transact(context, (cart) => Effect.succeed(clear(cart)))
})
