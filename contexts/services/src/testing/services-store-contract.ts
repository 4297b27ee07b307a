/**
 * The ServicesStore contract: one framework-free suite every ServicesStore must pass over every
 * StateStore it runs on (memory, Redis): what an unseen session loads as, what a projection write
 * stores (projection, availability under its cart hash, the event on services-events keyed by
 * session), that a stale write writes nothing, that the write-as-data commits atomically with a
 * consumer's marker, the rules record, and typed failures for unreadable content. A test file
 * registers each case with its runner.
 */
import { Effect } from "effect"
import { cartHash, type CartSnapshot, type Envelope, OutboxReader, StateStore, Topics } from "@kasa/shared"
import { type ContractCase, type OpenHarness, type Opened, withOpened } from "@kasa/shared/testing/contract"
import { assertEqual } from "@kasa/shared/testing/eventually"
import { availabilityEnvelope } from "../events.ts"
import { availability } from "../offering.ts"
import { type LoadedProjection, type ProjectionWrite, ServicesStore } from "../ports.ts"
import { ServicesKeys } from "../services-store.ts"
import { cartEvent, fixtureRules, productLine, serviceLine, snapshot } from "./fixtures.ts"

/** One store as a process sees it; stores opened on the same name share their data, as processes over one server do. */
export type OpenServicesStore = Opened<ServicesStore | StateStore | OutboxReader>

export interface ServicesStoreHarness extends OpenHarness<ServicesStore | StateStore | OutboxReader> {
  /** A fresh, well-formed session id. */
  readonly sessionId: () => string
}

export type ServicesStoreContractCase = ContractCase<ServicesStoreHarness>

/** Runs `body` with a store on an outbox of its own. */
const withStore = <A>(h: ServicesStoreHarness, body: (store: OpenServicesStore) => Promise<A>): Promise<A> => withOpened(h, h.name("outbox"), body)

/** The write the consumer would make for `cart` over `loaded`. */
const projectionWrite = (loaded: LoadedProjection, cart: CartSnapshot): ProjectionWrite => {
  const hash = cartHash(cart)
  const offered = availability(fixtureRules, cart.lines)
  const cause = cartEvent(cart)
  return {
    loaded,
    cart: { session_id: cart.session_id, cart_version: cart.cart_version, cart_hash: hash, currency: cart.currency, lines: cart.lines },
    availability: { cart_hash: hash, rules_fingerprint: fixtureRules.fingerprint, ...offered },
    events: [
      availabilityEnvelope({
        session_id: cart.session_id,
        cart_hash: hash,
        cart_version: cart.cart_version,
        currency: cart.currency,
        availability: offered,
        occurred_at: new Date("2026-02-11T12:00:00.000Z"),
        caused_by: cause
      })
    ]
  }
}

const tvCart = (sessionId: string, version = 1) => snapshot(sessionId, version, [productLine("item_1", "tv", { quantity: 2 })])

const pendingFor = (sessionId: string) =>
  Effect.map(Effect.flatMap(OutboxReader, (outbox) => outbox.pending(10_000)), (pending) => pending.filter((p) => p.event.key === sessionId))

const sessionKeys = (sessionId: string, hash: string) =>
  Effect.flatMap(StateStore, (state) => state.getMany([ServicesKeys.cart(sessionId), ServicesKeys.available(hash)]))

export const servicesStoreContract: ReadonlyArray<ServicesStoreContractCase> = [
  {
    name: "a session no cart event was seen for loads as no cart, with nothing stored",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const sessionId = h.sessionId()
            const loaded = yield* (yield* ServicesStore).loadCart(sessionId)
            assertEqual(loaded, { cart: undefined, revision: undefined }, "no projection")
            assertEqual(yield* (yield* ServicesStore).loadAvailability(cartHash(tvCart(sessionId))), undefined, "no availability")
          })
        )
      )
  },
  {
    name: "a projection write stores the cart, its availability under its hash, and the event on services-events keyed by session",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* ServicesStore
            const sessionId = h.sessionId()
            const write = projectionWrite(yield* store.loadCart(sessionId), tvCart(sessionId))
            yield* store.save(write)
            const loaded = yield* store.loadCart(sessionId)
            assertEqual(loaded.cart, write.cart, "the projection reads back")
            assertEqual(yield* store.loadAvailability(write.cart.cart_hash), write.availability, "the availability reads back under the hash")
            const [cart, available] = yield* sessionKeys(sessionId, write.cart.cart_hash)
            assertEqual(cart === undefined ? undefined : JSON.parse(cart), write.cart, `under ${ServicesKeys.cart(sessionId)}`)
            assertEqual(available === undefined ? undefined : JSON.parse(available), write.availability, `under ${ServicesKeys.available(write.cart.cart_hash)}`)
            const pending = yield* pendingFor(sessionId)
            assertEqual(
              pending.map((p) => ({ topic: p.event.topic, key: p.event.key, envelope: p.event.envelope })),
              write.events.map((envelope: Envelope) => ({ topic: Topics.services, key: sessionId, envelope })),
              "the event is in the outbox on services-events, keyed by session"
            )
          })
        )
      )
  },
  {
    name: "a write over a stale load fails with WriteConflict and writes nothing",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* ServicesStore
            const sessionId = h.sessionId()
            const a = yield* store.loadCart(sessionId)
            const b = yield* store.loadCart(sessionId)
            yield* store.save(projectionWrite(a, tvCart(sessionId, 1)))
            const later = snapshot(sessionId, 2, [productLine("item_1", "tv", { quantity: 2 }), serviceLine("item_2", "carry_in", 4_900, "item_1", 2)])
            const refused = yield* Effect.flip(store.save(projectionWrite(b, later)))
            assertEqual(refused._tag, "WriteConflict", "the stale write conflicts")
            assertEqual((yield* store.loadCart(sessionId)).cart?.cart_version, 1, "the projection is the first write's")
            assertEqual(yield* store.loadAvailability(cartHash(later)), undefined, "no availability of the refused write")
            assertEqual((yield* pendingFor(sessionId)).length, 1, "only the first write's event")
          })
        )
      )
  },
  {
    name: "the write as data, committed with a consumer's processed marker, applies projection, availability, event and marker together",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* ServicesStore
            const state = yield* StateStore
            const sessionId = h.sessionId()
            const write = projectionWrite(yield* store.loadCart(sessionId), tvCart(sessionId))
            const group = h.name("group")
            yield* state.commit({ ...store.toAtomicWrite(write), processed: [{ group, eventId: "evt-1" }] })
            assertEqual((yield* store.loadCart(sessionId)).cart, write.cart, "projection written")
            assertEqual(yield* store.loadAvailability(write.cart.cart_hash), write.availability, "availability written")
            assertEqual([...(yield* state.processed(group, ["evt-1"]))], ["evt-1"], "marker written")
            assertEqual((yield* pendingFor(sessionId)).length, 1, "event written")
            const again = yield* Effect.flip(state.commit({ ...store.toAtomicWrite(write), processed: [{ group, eventId: "evt-2" }] }))
            assertEqual(again._tag, "WriteConflict", "the same write again is stale")
            assertEqual([...(yield* state.processed(group, ["evt-2"]))], [], "no marker for the refused write")
          })
        )
      )
  },
  {
    name: "projections of different sessions are independent; equal contents share one availability",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* ServicesStore
            const one = h.sessionId()
            const two = h.sessionId()
            yield* store.save(projectionWrite(yield* store.loadCart(one), tvCart(one)))
            assertEqual((yield* store.loadCart(two)).cart, undefined, "the other session has none")
            yield* store.save(projectionWrite(yield* store.loadCart(two), tvCart(two, 4)))
            const [a, b] = [(yield* store.loadCart(one)).cart, (yield* store.loadCart(two)).cart]
            assertEqual([a?.session_id, a?.cart_version, b?.session_id, b?.cart_version], [one, 1, two, 4], "each its own")
            assertEqual(a?.cart_hash, b?.cart_hash, "same contents, same hash (the version is not part of it)")
          })
        )
      )
  },
  {
    name: "the rules in force are recorded under services:rules with their fingerprint, and replaced by a later record",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* ServicesStore
            yield* store.recordRules(fixtureRules)
            const recorded = yield* store.loadRules()
            assertEqual(recorded, { currency: fixtureRules.currency, services: fixtureRules.services, fingerprint: fixtureRules.fingerprint }, "rules read back")
            const raw = yield* (yield* StateStore).get(ServicesKeys.rules)
            assertEqual(raw === undefined ? undefined : JSON.parse(raw).fingerprint, fixtureRules.fingerprint, "under services:rules")
          })
        )
      )
  },
  {
    name: "stored content that is not what it should be fails the read with ServicesUnavailable, not a defect",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const sessionId = h.sessionId()
            const state = yield* StateStore
            yield* state.commit({ ops: [{ op: "set", key: ServicesKeys.cart(sessionId), value: '{"not":"a cart"}' }, { op: "set", key: ServicesKeys.available(`bad-${sessionId}`), value: "not json" }] })
            const store = yield* ServicesStore
            assertEqual((yield* Effect.flip(store.loadCart(sessionId)))._tag, "ServicesUnavailable", "an unreadable projection")
            assertEqual((yield* Effect.flip(store.loadAvailability(`bad-${sessionId}`)))._tag, "ServicesUnavailable", "an unreadable availability")
          })
        )
      )
  }
]
