/**
 * PromotionStore over the kernel's StateStore, so it runs unchanged over memory (embedded) and Redis
 * (distributed). Keys: `promotions:cart:{session_id}` (this context's projection of cart-events: the
 * newest snapshot), `promotions:applied:{session_id}` (what is applied, with amounts),
 * `promotions:available:{cart_hash}` (a cart content's available promotions, kept an hour) and
 * `promotions:order:{order_id}` (an order's discounts when it was created, for its completion). A save
 * is one StateStore commit of those keys plus the envelopes on promotion-events keyed by session,
 * applied only if the cart projection and the applied discounts still hold what was loaded, which is
 * what keeps the consumer and concurrent requests from overwriting each other. Every save gives both
 * session keys the session lifetime (SessionTtl) afresh, the unchanged one included.
 */
import { Effect, Layer, Result, Schema } from "effect"
import { type AtomicWrite, CartSnapshot, cartHash, DEFAULT_SESSION_TTL_SECONDS, type Envelope, SessionTtl, type StateOp, StateStore, storedJson, storedJsonDecoder, type StoreUnavailable } from "@kasa/shared"
import { Applied, emptyCart, isEmpty, nothingApplied, OrderRecord } from "./domain.ts"
import { PromotionsUnavailable } from "./errors.ts"
import { toOutboxEvents } from "./events.ts"
import { type CachedAvailable, PromotionStore, type SessionWrite } from "./ports.ts"
import { AvailablePromotion } from "./view.ts"

export const PromotionKeys = {
  cart: (sessionId: string): string => `promotions:cart:${sessionId}`,
  applied: (sessionId: string): string => `promotions:applied:${sessionId}`,
  available: (cartHash: string): string => `promotions:available:${cartHash}`,
  order: (orderId: string): string => `promotions:order:${orderId}`
} as const

/** How long a cart content's available promotions are cached (they are recomputed on every cart change anyway). */
export const AVAILABLE_TTL_SECONDS = 60 * 60
/** How long an order's record waits for its completion: longer than any payment retry window. */
export const ORDER_RECORD_TTL_SECONDS = 30 * 24 * 60 * 60

const CachedAvailableSchema = Schema.Struct({ rules: Schema.String, promotions: Schema.Array(AvailablePromotion) })

const cartJson = storedJson(CartSnapshot)
const appliedJson = storedJson(Applied)
const decodeAvailable = storedJsonDecoder(CachedAvailableSchema)
const decodeOrder = storedJsonDecoder(OrderRecord)

/** A stored value as its decoder read it; unreadable content is a typed failure naming the key. */
const parse = <A>(key: string, decoded: Result.Result<A, string>): Result.Result<A, PromotionsUnavailable> =>
  Result.mapError(decoded, (why) => new PromotionsUnavailable({ operation: "load", message: `${key} is unreadable: ${why}` }))

const unavailable = (error: StoreUnavailable) => new PromotionsUnavailable({ operation: error.operation, message: error.message })

export const toAtomicWrite = (write: SessionWrite, ttlSeconds: number = DEFAULT_SESSION_TTL_SECONDS): AtomicWrite => {
  const sessionId = write.loaded.cart.session_id
  const keys = { cart: PromotionKeys.cart(sessionId), applied: PromotionKeys.applied(sessionId) }
  const ops: Array<StateOp> = []
  const cart = write.cart !== undefined ? cartJson.encode(keys.cart, write.cart) : write.loaded.revision.cart
  if (cart !== undefined) ops.push({ op: "set", key: keys.cart, value: cart, ttlSeconds })
  if (!isEmpty(write.applied)) ops.push({ op: "set", key: keys.applied, value: appliedJson.encode(keys.applied, write.applied), ttlSeconds })
  else if (write.loaded.revision.applied !== undefined) ops.push({ op: "delete", key: keys.applied })
  if (write.available !== undefined) {
    const key = PromotionKeys.available(write.available.cartHash)
    ops.push({ op: "set", key, value: JSON.stringify(write.available.value), ttlSeconds: Math.min(AVAILABLE_TTL_SECONDS, ttlSeconds) })
    // The cache of the content this cart just left goes: cart hashes include line ids, so another session rarely shares it.
    const previous = write.loaded.revision.cart === undefined ? undefined : PromotionKeys.available(cartHash(write.loaded.cart))
    if (previous !== undefined && previous !== key) ops.push({ op: "delete", key: previous })
  }
  if (write.order !== undefined) ops.push({ op: "set", key: PromotionKeys.order(write.order.order_id), value: JSON.stringify(write.order), ttlSeconds: ORDER_RECORD_TTL_SECONDS })
  return {
    expect: [
      { key: keys.cart, value: write.loaded.revision.cart },
      { key: keys.applied, value: write.loaded.revision.applied }
    ],
    ops,
    events: toOutboxEvents(write.events)
  }
}

export const makePromotionStore = Effect.gen(function* () {
  const store = yield* StateStore
  const ttlSeconds = yield* SessionTtl
  const get = (key: string) => Effect.mapError(store.get(key), unavailable)
  return PromotionStore.of({
    load: Effect.fnUntraced(function* (sessionId: string) {
      const keys = { cart: PromotionKeys.cart(sessionId), applied: PromotionKeys.applied(sessionId) }
      const [rawCart, rawApplied] = yield* Effect.mapError(store.getMany([keys.cart, keys.applied]), unavailable)
      const cart = rawCart === undefined ? emptyCart(sessionId) : yield* Effect.fromResult(parse(keys.cart, cartJson.decode(keys.cart, rawCart)))
      const applied = rawApplied === undefined ? nothingApplied(cart) : yield* Effect.fromResult(parse(keys.applied, appliedJson.decode(keys.applied, rawApplied)))
      return { cart, applied, revision: { cart: rawCart, applied: rawApplied } }
    }),
    save: Effect.fnUntraced(function* (write: SessionWrite) {
      // The platform's store stamps the events with the current span's traceparent (idempotent-answer.ts).
      yield* store.commit(toAtomicWrite(write, ttlSeconds)).pipe(Effect.catchTag("StoreUnavailable", (error) => Effect.fail(unavailable(error))))
    }),
    toAtomicWrite: (write) => toAtomicWrite(write, ttlSeconds),
    publish: Effect.fnUntraced(function* (events: ReadonlyArray<Envelope>) {
      if (events.length === 0) return
      yield* store.commit({ events: toOutboxEvents(events) }).pipe(
        Effect.catchTags({ StoreUnavailable: (error) => Effect.fail(unavailable(error)), WriteConflict: (conflict) => Effect.die(conflict) })
      )
    }),
    cachedAvailable: Effect.fnUntraced(function* (cartHash: string) {
      const raw = yield* get(PromotionKeys.available(cartHash))
      if (raw === undefined) return undefined
      const parsed = decodeAvailable(raw)
      // A cache entry is only a shortcut: one that cannot be read is recomputed, not an error.
      return Result.isSuccess(parsed) ? (parsed.success as CachedAvailable) : undefined
    }),
    orderRecord: Effect.fnUntraced(function* (orderId: string) {
      const raw = yield* get(PromotionKeys.order(orderId))
      return raw === undefined ? undefined : yield* Effect.fromResult(parse(PromotionKeys.order(orderId), decodeOrder(raw)))
    })
  })
})

/** PromotionStore over the StateStore in context. */
export const layerPromotionStore: Layer.Layer<PromotionStore, never, StateStore> = Layer.effect(PromotionStore, makePromotionStore)
