/**
 * ShippingStore over the kernel's StateStore port, so it runs unchanged over memory (embedded) and
 * Redis (distributed). Keys are SPEC §4.3's: `shipping:session:{session_id}` holds the cart
 * projection with the chosen method and date, `shipping:address:{session_id}` the address,
 * `shipping:addons:{session_id}` the booked addons, `shipping:methods:{cart_hash}` the available
 * methods cached per cart contents (with a TTL: a cache, not a record). A save is one StateStore
 * commit: the keys that changed plus the envelopes on the outbox (topic shipping-events, key = the
 * session), applied only if all three session keys still hold what was loaded, which is what makes
 * a request and the cart-events consumer writing the same session at once safe. Every save writes
 * each present session key again with the session lifetime (SessionTtl), so the three expire together.
 */
import { Effect, Layer, Result, Schema } from "effect"
import { type AtomicWrite, DEFAULT_SESSION_TTL_SECONDS, SessionTtl, type StateOp, StateStore, storedJson, storedJsonDecoder, type StoreUnavailable, Topics } from "@kasa/shared"
import { Address } from "./address.ts"
import { DeliverySelection, emptySession, SelectedAddon, SelectedMethod, type ShippingSession } from "./domain.ts"
import { ShippingUnavailable } from "./errors.ts"
import { type LoadedSession, ShippingStore, type ShippingWrite } from "./ports.ts"
import { CartProjection } from "./shipment.ts"
import { MethodView } from "./view.ts"

export const ShippingKeys = {
  session: (sessionId: string): string => `shipping:session:${sessionId}`,
  address: (sessionId: string): string => `shipping:address:${sessionId}`,
  addons: (sessionId: string): string => `shipping:addons:${sessionId}`,
  methods: (cartHash: string): string => `shipping:methods:${cartHash}`,
  /** `location` names the place the days are for: see `calendarLocation`. */
  calendar: (methodId: string, location: string): string => `calendar:${methodId}:${location}`
} as const

/**
 * The postal-code part of a calendar key: country-qualified (`PL-00-950`, `GB-SW1A1AA`) because
 * codes of different countries overlap (`10115` is Berlin, and could be elsewhere), or `any`
 * before the shopper has given an address.
 */
export const calendarLocation = (country: string | undefined, postalCode: string | undefined): string =>
  country === undefined || postalCode === undefined ? "any" : `${country}-${postalCode.replace(/\s+/g, "")}`

/** How long a cart's computed methods are kept (rules or catalog data may change with a deploy). */
export const METHODS_CACHE_TTL_SECONDS = 600

const StoredSession = Schema.Struct({
  cart: Schema.NullOr(CartProjection),
  method: Schema.NullOr(SelectedMethod),
  delivery: Schema.NullOr(DeliverySelection)
})
const StoredAddons = Schema.Array(SelectedAddon)
const StoredMethods = Schema.Struct({ methods: Schema.Array(MethodView) })

const sessionJson = storedJson(StoredSession)
const decodeAddress = storedJsonDecoder(Address)
const decodeAddons = storedJsonDecoder(StoredAddons)
const decodeMethods = storedJsonDecoder(StoredMethods)

const unavailable = (error: StoreUnavailable) => new ShippingUnavailable({ operation: error.operation, message: error.message })

/** The raw value of each session key for a state; undefined where the key is to be absent. */
const encode = (session: ShippingSession) => ({
  session:
    session.cart === undefined && session.method === undefined && session.delivery === undefined
      ? undefined
      : sessionJson.encode(ShippingKeys.session(session.session_id), { cart: session.cart ?? null, method: session.method ?? null, delivery: session.delivery ?? null }),
  address: session.address === undefined ? undefined : JSON.stringify(session.address),
  addons: session.addons.length === 0 ? undefined : JSON.stringify(session.addons)
})

export const toAtomicWrite = (write: ShippingWrite, ttlSeconds: number = DEFAULT_SESSION_TTL_SECONDS): AtomicWrite => {
  const sessionId = write.session.session_id
  const before = write.loaded.revision
  const after = encode(write.session)
  const keys = { session: ShippingKeys.session(sessionId), address: ShippingKeys.address(sessionId), addons: ShippingKeys.addons(sessionId) }
  const ops: Array<StateOp> = []
  for (const part of ["session", "address", "addons"] as const) {
    const value = after[part]
    // An unchanged present key is written again all the same: its lifetime starts over with the others'.
    if (value !== undefined) ops.push({ op: "set", key: keys[part], value, ttlSeconds })
    else if (before[part] !== undefined) ops.push({ op: "delete", key: keys[part] })
  }
  for (const hash of write.evictMethods ?? []) ops.push({ op: "delete", key: ShippingKeys.methods(hash) })
  return {
    expect: [
      { key: keys.session, value: before.session },
      { key: keys.address, value: before.address },
      { key: keys.addons, value: before.addons }
    ],
    ops,
    events: write.events.map((envelope) => ({ topic: Topics.shipping, key: sessionId, envelope }))
  }
}

export const makeShippingStore = Effect.gen(function* () {
  const store = yield* StateStore
  const ttlSeconds = yield* SessionTtl

  const load = Effect.fnUntraced(function* (sessionId: string) {
    const [rawSession, rawAddress, rawAddons] = yield* Effect.mapError(
      store.getMany([ShippingKeys.session(sessionId), ShippingKeys.address(sessionId), ShippingKeys.addons(sessionId)]),
      unavailable
    )
    const unreadable = (what: string, why: string) => new ShippingUnavailable({ operation: "load", message: `the stored ${what} is unreadable: ${why}` })
    let session = emptySession(sessionId)
    if (rawSession !== undefined) {
      const parsed = sessionJson.decode(ShippingKeys.session(sessionId), rawSession)
      if (Result.isFailure(parsed)) return yield* unreadable("session", parsed.failure)
      session = { ...session, cart: parsed.success.cart ?? undefined, method: parsed.success.method ?? undefined, delivery: parsed.success.delivery ?? undefined }
    }
    if (rawAddress !== undefined) {
      const parsed = decodeAddress(rawAddress)
      if (Result.isFailure(parsed)) return yield* unreadable("address", parsed.failure)
      session = { ...session, address: parsed.success }
    }
    if (rawAddons !== undefined) {
      const parsed = decodeAddons(rawAddons)
      if (Result.isFailure(parsed)) return yield* unreadable("addons", parsed.failure)
      session = { ...session, addons: parsed.success }
    }
    return { session, revision: { session: rawSession, address: rawAddress, addons: rawAddons } } satisfies LoadedSession
  })

  return ShippingStore.of({
    load,
    save: Effect.fnUntraced(function* (write: ShippingWrite) {
      // The platform's store stamps the events with the current span's traceparent (idempotent-answer.ts).
      yield* store.commit(toAtomicWrite(write, ttlSeconds)).pipe(Effect.catchTag("StoreUnavailable", (error) => Effect.fail(unavailable(error))))
    }),
    toAtomicWrite: (write) => toAtomicWrite(write, ttlSeconds),
    cachedMethods: (cartHash) =>
      store.get(ShippingKeys.methods(cartHash)).pipe(
        Effect.map((raw) => {
          if (raw === undefined) return undefined
          const parsed = decodeMethods(raw)
          return Result.isSuccess(parsed) ? parsed.success.methods : undefined
        }),
        Effect.orElseSucceed(() => undefined)
      ),
    cacheMethods: (cartHash, methods) =>
      store
        .commit({ ops: [{ op: "set", key: ShippingKeys.methods(cartHash), value: JSON.stringify({ methods }), ttlSeconds: METHODS_CACHE_TTL_SECONDS }] })
        .pipe(Effect.ignore)
  })
})

/** ShippingStore over the StateStore in context. */
export const layerShippingStore: Layer.Layer<ShippingStore, never, StateStore> = Layer.effect(ShippingStore, makeShippingStore)
