/**
 * The ShippingStore contract: one framework-free suite every ShippingStore must pass over every
 * StateStore it runs on (memory, Redis): what a new session loads as, what a save writes (SPEC's
 * three session keys and the outbox), that a part emptied is deleted, that a save over a stale load
 * of any of the three keys writes nothing, that concurrent writers lose no update, that the
 * write-as-data commits atomically with a consumer's marker, the per-cart methods cache and its
 * eviction, and a typed failure for unreadable state. A test file registers each case with its runner.
 */
import { Effect } from "effect"
import { type Envelope, OutboxReader, StateStore, Topics } from "@kasa/shared"
import { type ContractCase, type OpenHarness, type Opened, withOpened } from "@kasa/shared/testing/contract"
import { assert, assertEqual, AssertionFailed } from "@kasa/shared/testing/eventually"
import type { Address } from "../address.ts"
import { type Decision, emptySession, type ShippingChange, type ShippingSession } from "../domain.ts"
import { shippingEnvelopes } from "../events.ts"
import { type LoadedSession, ShippingStore } from "../ports.ts"
import { ShippingKeys } from "../shipping-store.ts"
import type { MethodView } from "../view.ts"
import { cartLine } from "./fixtures.ts"

/** One store as a process sees it; stores opened on the same name share their data, as processes over one server do. */
export type OpenShippingStore = Opened<ShippingStore | StateStore | OutboxReader>

export interface ShippingStoreHarness extends OpenHarness<ShippingStore | StateStore | OutboxReader> {
  /** A fresh, well-formed session id. */
  readonly sessionId: () => string
}

export type ShippingStoreContractCase = ContractCase<ShippingStoreHarness>

const eventContext = { correlation_id: "corr_contract", occurred_at: new Date("2026-02-11T12:00:00.000Z") }

const address: Address = { street: "ul. Marszałkowska 1", city: "Warszawa", postal_code: "00-950", country: "PL" }

/** A session with every part filled: cart, method, date, address, addons. */
const fullSession = (sessionId: string): ShippingSession => ({
  session_id: sessionId,
  cart: { cart_version: 3, currency: "PLN", lines: [cartLine("washer"), cartLine("hdmi-cable", { quantity: 2 })] },
  method: { method_id: "pallet", method_name: "Pallet delivery (two-person)", price_amount: 14_900, price_currency: "PLN" },
  delivery: { delivery_date: "2026-02-13", is_express: false, express_fee_amount: 0 },
  address,
  addons: [{ addon_id: "sunday_delivery", name: "Sunday delivery", price_amount: 2_999 }]
})

const changesOf = (session: ShippingSession): ReadonlyArray<ShippingChange> => [
  { _tag: "MethodSelected", method: session.method! },
  { _tag: "AddressProvided", address: session.address! }
]

/** Saves `decision` over `loaded` with its events; returns the envelopes written. */
const saveDecision = (loaded: LoadedSession, decision: Decision, evictMethods: ReadonlyArray<string> = []) =>
  Effect.gen(function* () {
    const store = yield* ShippingStore
    const events = shippingEnvelopes(decision.session.session_id, decision.changes, eventContext)
    yield* store.save({ loaded, session: decision.session, events, evictMethods })
    return events
  })

/** The session's three keys as stored, to compare before and after. */
const sessionState = (sessionId: string) =>
  Effect.flatMap(StateStore, (state) => state.getMany([ShippingKeys.session(sessionId), ShippingKeys.address(sessionId), ShippingKeys.addons(sessionId)]))

const pendingFor = (sessionId: string) =>
  Effect.map(Effect.flatMap(OutboxReader, (outbox) => outbox.pending(10_000)), (pending) => pending.filter((p) => p.event.key === sessionId))

const tagOf = (error: unknown): string | undefined => (error as { _tag?: string })._tag

const methods: ReadonlyArray<MethodView> = [
  { method_id: "courier", name: "Courier", price_amount: 1_999, price_currency: "PLN", supports_express: true, addons: [{ addon_id: "sunday_delivery", name: "Sunday delivery", price_amount: 2_999 }] },
  { method_id: "store_pickup", name: "Store pickup", price_amount: 0, price_currency: "PLN", supports_express: false, addons: [] }
]

export const shippingStoreContract: ReadonlyArray<ShippingStoreContractCase> = [
  {
    name: "a new session loads as empty (no cart seen, nothing chosen), with nothing stored",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const sessionId = h.sessionId()
            const loaded = yield* (yield* ShippingStore).load(sessionId)
            assertEqual(loaded.session, emptySession(sessionId), "empty session")
            assertEqual(loaded.revision, { session: undefined, address: undefined, addons: undefined }, "no revision")
            assertEqual(yield* sessionState(sessionId), [undefined, undefined, undefined], "nothing stored by a load")
          })
        )
      )
  },
  {
    name: "save writes shipping:session, shipping:address and shipping:addons and the events on shipping-events keyed by session; load reads it back",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* ShippingStore
            const sessionId = h.sessionId()
            const session = fullSession(sessionId)
            const written = yield* saveDecision(yield* store.load(sessionId), { session, changes: changesOf(session) })
            const loaded = yield* store.load(sessionId)
            assertEqual(loaded.session, session, "load returns the saved session")
            const [rawSession, rawAddress, rawAddons] = yield* sessionState(sessionId)
            assertEqual(JSON.parse(rawSession!), { cart: session.cart, method: session.method, delivery: session.delivery }, "the session key")
            assertEqual(JSON.parse(rawAddress!), address, "the address key")
            assertEqual(JSON.parse(rawAddons!), session.addons, "the addons key")
            const pending = yield* pendingFor(sessionId)
            assertEqual(
              pending.map((p) => ({ topic: p.event.topic, key: p.event.key, envelope: p.event.envelope })),
              written.map((envelope) => ({ topic: Topics.shipping, key: sessionId, envelope })),
              "the envelopes are in the outbox, in order, on shipping-events keyed by session"
            )
          })
        )
      )
  },
  {
    name: "a part emptied by a save is deleted; the others stay",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* ShippingStore
            const sessionId = h.sessionId()
            const session = fullSession(sessionId)
            yield* saveDecision(yield* store.load(sessionId), { session, changes: [] })
            const cleared: ShippingSession = { ...session, method: undefined, delivery: undefined, addons: [] }
            yield* saveDecision(yield* store.load(sessionId), { session: cleared, changes: [{ _tag: "MethodInvalidated", method_id: "pallet", reason: "no_large_item" }] })
            const [rawSession, rawAddress, rawAddons] = yield* sessionState(sessionId)
            assertEqual(JSON.parse(rawSession!), { cart: session.cart, method: null, delivery: null }, "the session key keeps the cart")
            assert(rawAddress !== undefined, "the address stays")
            assertEqual(rawAddons, undefined, "no addons: the key is gone")
            assertEqual((yield* store.load(sessionId)).session, cleared, "loads back as saved")
            assertEqual((yield* pendingFor(sessionId)).map((p) => p.event.envelope.event_name), ["shipping.method_invalidated"], "its event")
          })
        )
      )
  },
  {
    name: "a save over a stale load of any of the three keys fails with WriteConflict and writes nothing",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* ShippingStore
            for (const part of ["session", "address", "addons"] as const) {
              const sessionId = h.sessionId()
              const stale = yield* store.load(sessionId)
              const base = emptySession(sessionId)
              const winner: ShippingSession =
                part === "session"
                  ? { ...base, cart: { cart_version: 1, currency: "PLN", lines: [] } }
                  : part === "address"
                    ? { ...base, address }
                    : { ...base, addons: [{ addon_id: "sunday_delivery", name: "Sunday delivery", price_amount: 2_999 }] }
              yield* saveDecision(stale, { session: winner, changes: [] })
              const before = yield* sessionState(sessionId)
              // The loser writes another part than the winner did: the precondition covers all three.
              const loser: ShippingSession = part === "address" ? { ...base, cart: { cart_version: 9, currency: "PLN", lines: [] } } : { ...base, address }
              const refused = yield* Effect.flip(saveDecision(stale, { session: loser, changes: [{ _tag: "AddressProvided", address }] }))
              assertEqual(tagOf(refused), "WriteConflict", `a save over a stale ${part} conflicts`)
              assertEqual(yield* sessionState(sessionId), before, `state unchanged after the stale ${part} save`)
              assertEqual((yield* pendingFor(sessionId)).length, 0, `no event from the stale ${part} save`)
            }
          })
        )
      )
  },
  {
    name: "concurrent writers through two stores, each retrying on conflict, never lose an update",
    run: (h) => {
      const outbox = h.name("outbox")
      const sessionId = h.sessionId()
      const perWriter = 15
      const bump = Effect.gen(function* () {
        const store = yield* ShippingStore
        for (let attempt = 1; ; attempt++) {
          const loaded = yield* store.load(sessionId)
          // Let the other writers read the same state, so that conflicts really happen.
          yield* Effect.yieldNow
          const version = (loaded.session.cart?.cart_version ?? 0) + 1
          const session: ShippingSession = { ...loaded.session, cart: { cart_version: version, currency: "PLN", lines: [] } }
          const saved = yield* Effect.result(saveDecision(loaded, { session, changes: [] }))
          if (saved._tag === "Success") return attempt
          if (tagOf(saved.failure) !== "WriteConflict") return yield* Effect.die(saved.failure)
          if (attempt > 500) return yield* Effect.die(new AssertionFailed("a writer never got through"))
          yield* Effect.yieldNow
        }
      })
      return withOpened(h, outbox, (one) =>
        withOpened(h, outbox, async (two) => {
          const writers = (s: OpenShippingStore) => s.run(Effect.all(Array.from({ length: perWriter }, () => bump), { concurrency: "unbounded" }))
          const attempts = (await Promise.all([writers(one), writers(two)])).flat()
          const final = await one.run(Effect.flatMap(ShippingStore, (store) => store.load(sessionId)))
          assertEqual(final.session.cart?.cart_version, perWriter * 2, "every update counted once")
          assert(attempts.some((n) => n > 1), "writers did conflict (the case tests what it claims)")
        })
      )
    }
  },
  {
    name: "the write as data, committed with a consumer's processed marker, applies state, events and marker together",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* ShippingStore
            const state = yield* StateStore
            const sessionId = h.sessionId()
            const loaded = yield* store.load(sessionId)
            const session = fullSession(sessionId)
            const events: ReadonlyArray<Envelope> = shippingEnvelopes(sessionId, changesOf(session), eventContext)
            const write = store.toAtomicWrite({ loaded, session, events })
            const group = h.name("group")
            yield* state.commit({ ...write, processed: [{ group, eventId: "evt-1" }] })
            assertEqual((yield* store.load(sessionId)).session, session, "state written")
            assertEqual([...(yield* state.processed(group, ["evt-1"]))], ["evt-1"], "marker written")
            assertEqual((yield* pendingFor(sessionId)).length, 2, "events written")
            const again = yield* Effect.flip(state.commit({ ...write, processed: [{ group, eventId: "evt-2" }] }))
            assertEqual(tagOf(again), "WriteConflict", "the same write again is stale")
            assertEqual([...(yield* state.processed(group, ["evt-2"]))], [], "no marker for the refused write")
          })
        )
      )
  },
  {
    name: "the methods cache: a miss, then what was cached; an unreadable entry is a miss; a save evicting the hash drops it",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* ShippingStore
            const state = yield* StateStore
            const hash = h.name("hash")
            assertEqual(yield* store.cachedMethods(hash), undefined, "a miss")
            yield* store.cacheMethods(hash, methods)
            assertEqual(yield* store.cachedMethods(hash), methods, "a hit")
            const sessionId = h.sessionId()
            yield* saveDecision(yield* store.load(sessionId), { session: fullSession(sessionId), changes: [] }, [hash])
            assertEqual(yield* state.get(ShippingKeys.methods(hash)), undefined, "evicted by the save")
            yield* state.commit({ ops: [{ op: "set", key: ShippingKeys.methods(hash), value: '{"methods":[{"method_id":"teleport"}]}' }] })
            assertEqual(yield* store.cachedMethods(hash), undefined, "an unreadable entry is a miss")
          })
        )
      )
  },
  {
    name: "unreadable stored state fails the load with ShippingUnavailable, not a defect",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const state = yield* StateStore
            for (const key of [ShippingKeys.session, ShippingKeys.address, ShippingKeys.addons]) {
              const sessionId = h.sessionId()
              yield* state.commit({ ops: [{ op: "set", key: key(sessionId), value: '{"not":"shipping"}' }] })
              const failure = yield* Effect.flip((yield* ShippingStore).load(sessionId))
              assertEqual(failure._tag, "ShippingUnavailable", `typed failure for ${key(sessionId)}`)
            }
          })
        )
      )
  },
  {
    name: "sessions are independent",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* ShippingStore
            const one = h.sessionId()
            const two = h.sessionId()
            yield* saveDecision(yield* store.load(one), { session: fullSession(one), changes: [] })
            assertEqual((yield* store.load(two)).session, emptySession(two), "the other session is still empty")
            yield* saveDecision(yield* store.load(two), { session: { ...emptySession(two), address }, changes: [] })
            assertEqual((yield* store.load(one)).session, fullSession(one), "first session untouched")
          })
        )
      )
  }
]
