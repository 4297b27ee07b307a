/**
 * ServicesStore over the kernel's StateStore, so it runs unchanged over memory (embedded) and Redis
 * (distributed). Keys: SPEC §4.6's `services:available:{cart_hash}` (the availability computed for
 * that cart content, a cache that expires) and `services:rules` (the rules in force), plus
 * `services:cart:{session_id}`, this context's own projection of the session's cart (newest
 * snapshot seen), which is what ties a session to its cart hash. A projection write is one commit:
 * projection, availability and the outbox envelopes (services-events, key = session id), applied
 * only if the projection still holds what was loaded. The projection lives the session lifetime
 * (SessionTtl) from its latest write.
 */
import { Effect, Layer, Result, Schema } from "effect"
import { type AtomicWrite, CartSnapshotLine, DEFAULT_SESSION_TTL_SECONDS, SessionTtl, StateStore, storedJson, storedJsonDecoder, type StoreUnavailable, Topics } from "@kasa/shared"
import { ServicesUnavailable } from "./errors.ts"
import { OfferedServiceSchema } from "./events.ts"
import { type ProjectedCart, type ProjectionWrite, type RecordedRules, ServicesStore, type StoredAvailability } from "./ports.ts"
import { rulesFile, ServicesRulesFile, type ServicesRules } from "./rules.ts"

export const ServicesKeys = {
  cart: (sessionId: string): string => `services:cart:${sessionId}`,
  available: (cartHash: string): string => `services:available:${cartHash}`,
  rules: "services:rules"
} as const

/** How long a computed availability is kept; a later read recomputes it from the projection. */
export const AVAILABILITY_TTL_SECONDS = 24 * 60 * 60

const ProjectedCartSchema = Schema.Struct({
  session_id: Schema.String,
  cart_version: Schema.Int,
  cart_hash: Schema.String,
  currency: Schema.String,
  lines: Schema.Array(CartSnapshotLine)
})

const StoredAvailabilitySchema = Schema.Struct({
  cart_hash: Schema.String,
  rules_fingerprint: Schema.String,
  services: Schema.Array(OfferedServiceSchema),
  total_services_price: Schema.Int
})

const RecordedRulesSchema = Schema.Struct({ ...ServicesRulesFile.fields, fingerprint: Schema.String })

const unavailable = (error: StoreUnavailable) => new ServicesUnavailable({ operation: error.operation, message: error.message })

const cartJson = storedJson(ProjectedCartSchema)
const decodeAvailability = storedJsonDecoder(StoredAvailabilitySchema)
const decodeRules = storedJsonDecoder(RecordedRulesSchema)

/** A stored value as its decoder read it; unreadable content is a typed failure naming the key, not a defect. */
const parseStored = <A>(key: string, decoded: Result.Result<A, string>): Effect.Effect<A, ServicesUnavailable> =>
  Effect.fromResult(Result.mapError(decoded, (why) => new ServicesUnavailable({ operation: "read", message: `${key} is unreadable: ${why}` })))

export const toAtomicWrite = (write: ProjectionWrite, ttlSeconds: number = DEFAULT_SESSION_TTL_SECONDS): AtomicWrite => {
  const key = ServicesKeys.cart(write.cart.session_id)
  const cart: ProjectedCart = write.cart
  const availability: StoredAvailability = write.availability
  const previousHash = write.loaded.cart?.cart_hash
  return {
    expect: [{ key, value: write.loaded.revision }],
    ops: [
      { op: "set", key, value: cartJson.encode(key, cart), ttlSeconds },
      // A cache need not outlive the sessions it serves; the one of the content this cart just left
      // goes (cart hashes include line ids, so another session rarely shares it, and a miss recomputes).
      { op: "set", key: ServicesKeys.available(availability.cart_hash), value: JSON.stringify(availability), ttlSeconds: Math.min(AVAILABILITY_TTL_SECONDS, ttlSeconds) },
      ...(previousHash === undefined || previousHash === availability.cart_hash ? [] : [{ op: "delete" as const, key: ServicesKeys.available(previousHash) }])
    ],
    events: write.events.map((envelope) => ({ topic: Topics.services, key: write.cart.session_id, envelope }))
  }
}

export const makeServicesStore = Effect.gen(function* () {
  const store = yield* StateStore
  const ttlSeconds = yield* SessionTtl
  const get = (key: string) => Effect.mapError(store.get(key), unavailable)
  return ServicesStore.of({
    loadCart: Effect.fnUntraced(function* (sessionId: string) {
      const key = ServicesKeys.cart(sessionId)
      const raw = yield* get(key)
      if (raw === undefined) return { cart: undefined, revision: undefined }
      return { cart: yield* parseStored(key, cartJson.decode(key, raw)), revision: raw }
    }),
    loadAvailability: Effect.fnUntraced(function* (cartHash: string) {
      const key = ServicesKeys.available(cartHash)
      const raw = yield* get(key)
      return raw === undefined ? undefined : yield* parseStored(key, decodeAvailability(raw))
    }),
    toAtomicWrite: (write) => toAtomicWrite(write, ttlSeconds),
    save: Effect.fnUntraced(function* (write: ProjectionWrite) {
      yield* store.commit(toAtomicWrite(write, ttlSeconds)).pipe(Effect.catchTag("StoreUnavailable", (error) => Effect.fail(unavailable(error))))
    }),
    recordRules: Effect.fnUntraced(function* (rules: ServicesRules) {
      const recorded: RecordedRules = { ...rulesFile(rules), fingerprint: rules.fingerprint }
      yield* store.commit({ ops: [{ op: "set", key: ServicesKeys.rules, value: JSON.stringify(recorded) }] }).pipe(
        Effect.catchTags({ StoreUnavailable: (error) => Effect.fail(unavailable(error)), WriteConflict: (error) => Effect.die(error) })
      )
    }),
    loadRules: Effect.fnUntraced(function* () {
      const raw = yield* get(ServicesKeys.rules)
      return raw === undefined ? undefined : yield* parseStored(ServicesKeys.rules, decodeRules(raw))
    })
  })
})

/** ServicesStore over the StateStore in context. */
export const layerServicesStore: Layer.Layer<ServicesStore, never, StateStore> = Layer.effect(ServicesStore, makeServicesStore)
