/**
 * CartStore over the kernel's StateStore port, so it runs unchanged over memory (embedded) and Redis
 * (distributed). Keys are SPEC §4.2's: `cart:view:{session_id}` holds the materialized view (the
 * `GET /cart` body, version included), `cart:events:{session_id}` the stream of the cart's events
 * (capped), `cart:counter:{session_id}` the item count. A save is one StateStore commit: those keys
 * plus the envelopes on the outbox (topic cart-events, key = session id), applied only if the view
 * still holds exactly what was loaded, which is what makes concurrent writers safe. Every save gives
 * all three keys the session lifetime (SessionTtl) afresh, so an abandoned cart leaves the store.
 */
import { Effect, Layer, Result } from "effect"
import { type AtomicWrite, DEFAULT_SESSION_TTL_SECONDS, SessionTtl, type StateOp, StateStore, storedJson, type StoreUnavailable, Topics } from "@kasa/shared"
import { type Cart, emptyCart, totals } from "./domain.ts"
import { CartUnavailable } from "./errors.ts"
import { CartStore, type CartWrite } from "./ports.ts"
import { CartView, fromView, toView } from "./view.ts"

export const CartKeys = {
  view: (sessionId: string): string => `cart:view:${sessionId}`,
  events: (sessionId: string): string => `cart:events:${sessionId}`,
  counter: (sessionId: string): string => `cart:counter:${sessionId}`
} as const

/** How many recent events `cart:events:{session_id}` keeps (a store may trim lazily, a little later). */
export const EVENT_STREAM_CAP = 100

/**
 * A stream entry's envelope: the event as published minus its snapshot's `lines`, which the view holds
 * (a ten-line cart's ten events would otherwise keep fifty-five copies of its lines per session).
 */
export const streamEnvelope = (envelope: CartWrite["events"][number]): string => {
  const { lines: _lines, ...payload } = envelope.payload
  return JSON.stringify({ ...envelope, payload })
}

const viewCodec = storedJson(CartView)

const parseView = (sessionId: string, raw: string): Result.Result<Cart, string> => Result.map(viewCodec.decode(CartKeys.view(sessionId), raw), fromView)

const unavailable = (error: StoreUnavailable) => new CartUnavailable({ operation: error.operation, message: error.message })

/** The stored view of a cart: what GET /cart answers, and the revision the next write expects. */
export const viewJson = (cart: Cart, view: CartView = toView(cart)): string => viewCodec.encode(CartKeys.view(cart.session_id), view)

export const toAtomicWrite = (write: CartWrite, json: string = viewJson(write.cart, write.view), ttlSeconds: number = DEFAULT_SESSION_TTL_SECONDS): AtomicWrite => {
  const sessionId = write.cart.session_id
  const ops: Array<StateOp> = [{ op: "set", key: CartKeys.view(sessionId), value: json, ttlSeconds }]
  for (const envelope of write.events) {
    ops.push({
      op: "append",
      key: CartKeys.events(sessionId),
      fields: {
        event_id: envelope.event_id,
        event_name: envelope.event_name,
        cart_version: String(envelope.payload.cart_version),
        envelope: streamEnvelope(envelope)
      },
      maxLength: EVENT_STREAM_CAP,
      ttlSeconds
    })
  }
  ops.push({ op: "set", key: CartKeys.counter(sessionId), value: String(totals(write.cart).item_count), ttlSeconds })
  return {
    expect: [{ key: CartKeys.view(sessionId), value: write.loaded.revision }],
    ops,
    events: write.events.map((envelope) => ({ topic: Topics.cart, key: sessionId, envelope }))
  }
}

/** Views this process wrote lately: the next load of the same string skips parsing it (carts are immutable). */
const WRITTEN_CACHE_SIZE = 512

export const makeCartStore = Effect.gen(function* () {
  const store = yield* StateStore
  const ttlSeconds = yield* SessionTtl
  const written = new Map<string, Cart>()
  const remember = (json: string, cart: Cart) => {
    written.set(json, cart)
    if (written.size > WRITTEN_CACHE_SIZE) written.delete(written.keys().next().value!)
  }
  // No spans of its own: the use case's span covers it and the StateStore adapter traces its I/O
  // (a span costs microseconds on the add-to-cart path, which is kept lean).
  return CartStore.of({
    load: Effect.fnUntraced(function* (sessionId: string) {
      const raw = yield* Effect.mapError(store.get(CartKeys.view(sessionId)), unavailable)
      if (raw === undefined) return { cart: emptyCart(sessionId), revision: undefined }
      const known = written.get(raw)
      if (known !== undefined) return { cart: known, revision: raw }
      const parsed = parseView(sessionId, raw)
      if (Result.isFailure(parsed)) return yield* new CartUnavailable({ operation: "load", message: `the stored cart is unreadable: ${parsed.failure}` })
      return { cart: parsed.success, revision: raw }
    }),
    save: Effect.fnUntraced(function* (write: CartWrite) {
      // The platform's store stamps the events with the current span's traceparent (idempotent-answer.ts).
      const json = viewJson(write.cart, write.view)
      yield* store.commit(toAtomicWrite(write, json, ttlSeconds)).pipe(Effect.catchTag("StoreUnavailable", (error) => Effect.fail(unavailable(error))))
      remember(json, write.cart)
    }),
    toAtomicWrite: (write) => toAtomicWrite(write, viewJson(write.cart, write.view), ttlSeconds)
  })
})

/** CartStore over the StateStore in context. */
export const layerCartStore: Layer.Layer<CartStore, never, StateStore> = Layer.effect(CartStore, makeCartStore)
