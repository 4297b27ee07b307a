/**
 * The PromotionStore contract: one framework-free suite every PromotionStore must pass over every
 * StateStore it runs on (memory, Redis): what a new session loads as, what a save writes (cart
 * projection, applied discounts, the available cache, an order record, events on promotion-events
 * keyed by session), that a save over a stale load writes nothing, that the write-as-data commits
 * atomically with a consumer's marker, and typed failures for unreadable state. A test file
 * registers each case with its runner.
 */
import { Effect } from "effect"
import { cartHash, type Envelope, OutboxReader, StateStore, Topics } from "@kasa/shared"
import { type ContractCase, type OpenHarness, type Opened, withOpened } from "@kasa/shared/testing/contract"
import { assert, assertEqual } from "@kasa/shared/testing/eventually"
import { type Applied, emptyCart, nothingApplied, recompute, addPromotion, addCode } from "../domain.ts"
import { promotionEnvelopes } from "../events.ts"
import { PromotionStore, type LoadedSession } from "../ports.ts"
import { PromotionKeys } from "../promotion-store.ts"
import { availablePromotions } from "../view.ts"
import { accessories, snapshot, specRules } from "./fixtures.ts"

/** One store as a process sees it; stores opened on the same name share their data, as processes over one server do. */
export type OpenPromotionStore = Opened<PromotionStore | StateStore | OutboxReader>

export interface PromotionStoreHarness extends OpenHarness<PromotionStore | StateStore | OutboxReader> {
  /** A fresh, well-formed session id. */
  readonly sessionId: () => string
}

export type PromotionStoreContractCase = ContractCase<PromotionStoreHarness>

/** Runs `body` with a store on an outbox of its own. */
const withStore = <A>(h: PromotionStoreHarness, body: (store: OpenPromotionStore) => Promise<A>): Promise<A> => withOpened(h, h.name("outbox"), body)

const NOW = Date.parse("2026-02-11T12:00:00.000Z")
const context = (session_id: string) => ({ session_id, correlation_id: "corr_contract", occurred_at: new Date(NOW) })

const orThrow = <A>(result: { readonly _tag: "Success"; readonly success: A } | { readonly _tag: "Failure"; readonly failure: unknown }): A => {
  if (result._tag === "Failure") throw new Error(`fixture decision refused: ${JSON.stringify(result.failure)}`)
  return result.success
}

/** As the consumer would: the snapshot projected, applied recomputed, events and the available cache written. */
const project = (loaded: LoadedSession, cart = loaded.cart, applied: Applied = loaded.applied) =>
  Effect.gen(function* () {
    const store = yield* PromotionStore
    const decision = recompute(specRules, cart, applied, NOW)
    const events = promotionEnvelopes(decision.changes, decision.applied, context(cart.session_id))
    const available = { cartHash: cartHash(cart), value: { rules: specRules.fingerprint, promotions: availablePromotions(specRules, cart, NOW) } }
    yield* store.save({ loaded, cart, applied: decision.applied, events, available })
    return { decision, events }
  })

const sessionState = (sessionId: string) =>
  Effect.gen(function* () {
    const [cart, applied] = yield* (yield* StateStore).getMany([PromotionKeys.cart(sessionId), PromotionKeys.applied(sessionId)])
    return { cart, applied }
  })

const pendingFor = (sessionId: string) =>
  Effect.map(Effect.flatMap(OutboxReader, (outbox) => outbox.pending(10_000)), (pending) => pending.filter((p) => p.event.key === sessionId))

const failureTag = (failure: unknown): string | undefined => (failure as { readonly _tag?: string })._tag

export const promotionStoreContract: ReadonlyArray<PromotionStoreContractCase> = [
  {
    name: "a session never seen loads as an empty cart at version 0 with nothing applied, and a load stores nothing",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const sessionId = h.sessionId()
            const loaded = yield* (yield* PromotionStore).load(sessionId)
            assertEqual(loaded.cart, emptyCart(sessionId), "empty cart")
            assertEqual(loaded.applied, nothingApplied(emptyCart(sessionId)), "nothing applied")
            assertEqual(loaded.revision, { cart: undefined, applied: undefined }, "no revisions")
            assertEqual(yield* sessionState(sessionId), { cart: undefined, applied: undefined }, "nothing stored")
          })
        )
      )
  },
  {
    name: "a save writes the projection, the applied discounts, the available cache and the events on promotion-events keyed by session",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* PromotionStore
            const sessionId = h.sessionId()
            const cart = snapshot(sessionId, 3, accessories(4_999, 2), ["tv", "tv", 379_900, 1])
            yield* project(yield* store.load(sessionId), cart)
            const withProjection = yield* store.load(sessionId)
            assertEqual(withProjection.cart, cart, "the projection reads back")
            const decision = orThrow(addPromotion(specRules, cart, withProjection.applied, "second-item-half-price", NOW))
            const events = promotionEnvelopes(decision.changes, decision.applied, context(sessionId))
            yield* store.save({ loaded: withProjection, applied: decision.applied, events })

            const after = yield* store.load(sessionId)
            assertEqual(after.applied, decision.applied, "the applied discounts read back")
            assertEqual(after.applied.promotions.map((p) => [p.promotion_id, p.discount_amount]), [["second-item-half-price", 2_499]], "amount as computed")
            const cached = yield* store.cachedAvailable(cartHash(cart))
            assertEqual(cached?.rules, specRules.fingerprint, "the cache names the rules that filled it")
            assertEqual(cached?.promotions.map((p) => [p.promotion_id, p.discount_amount]), [["second-item-half-price", 2_499]], "the cache holds the available promotions")
            const pending = yield* pendingFor(sessionId)
            assertEqual(
              pending.map((p) => ({ topic: p.event.topic, key: p.event.key, envelope: p.event.envelope })),
              events.map((envelope: Envelope) => ({ topic: Topics.promotion, key: sessionId, envelope })),
              "the events are in the outbox, on promotion-events, keyed by session"
            )
          })
        )
      )
  },
  {
    name: "a save over a stale load fails with WriteConflict and writes nothing: neither when the discounts nor when the projection moved",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* PromotionStore
            const sessionId = h.sessionId()
            yield* project(yield* store.load(sessionId), snapshot(sessionId, 1, ["tv", "tv", 379_900, 1]))
            const a = yield* store.load(sessionId)
            const b = yield* store.load(sessionId)
            const first = orThrow(addCode(specRules, a.cart, a.applied, "WELCOME10", NOW, 0))
            yield* store.save({ loaded: a, applied: first.applied, events: promotionEnvelopes(first.changes, first.applied, context(sessionId)) })
            const before = yield* sessionState(sessionId)
            const eventsBefore = (yield* pendingFor(sessionId)).length
            const stale = orThrow(addCode(specRules, b.cart, b.applied, "MINUS50", NOW, 0))
            const refused = yield* Effect.flip(store.save({ loaded: b, applied: stale.applied, events: promotionEnvelopes(stale.changes, stale.applied, context(sessionId)) }))
            assertEqual(failureTag(refused), "WriteConflict", "a stale applied revision conflicts")
            assertEqual(yield* sessionState(sessionId), before, "state unchanged")
            assertEqual((yield* pendingFor(sessionId)).length, eventsBefore, "no event added")

            const c = yield* store.load(sessionId)
            yield* project(c, snapshot(sessionId, 2, ["tv", "tv", 379_900, 2]))
            const onOldCart = yield* Effect.flip(store.save({ loaded: c, applied: c.applied, events: [] }))
            assertEqual(failureTag(onOldCart), "WriteConflict", "a stale cart projection conflicts")
            assertEqual((yield* store.load(sessionId)).cart.cart_version, 2, "the newer projection stays")
          })
        )
      )
  },
  {
    name: "when nothing is applied any more the applied key is removed; a session with nothing applied stores none",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* PromotionStore
            const sessionId = h.sessionId()
            yield* project(yield* store.load(sessionId), snapshot(sessionId, 1, ["tv", "tv", 379_900, 1]))
            assertEqual((yield* sessionState(sessionId)).applied, undefined, "nothing applied, nothing stored")
            const loaded = yield* store.load(sessionId)
            const applied = orThrow(addCode(specRules, loaded.cart, loaded.applied, "WELCOME10", NOW, 0))
            yield* store.save({ loaded, applied: applied.applied, events: [] })
            assert((yield* sessionState(sessionId)).applied !== undefined, "the code is stored")
            const { decision } = yield* project(yield* store.load(sessionId), snapshot(sessionId, 2))
            assertEqual(decision.changes.map((c) => c._tag), ["CodeRemoved"], "an empty cart drops the code")
            assertEqual((yield* sessionState(sessionId)).applied, undefined, "the applied key is gone")
          })
        )
      )
  },
  {
    name: "the write as data, committed with a consumer's processed marker, applies state, events and marker together",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* PromotionStore
            const state = yield* StateStore
            const sessionId = h.sessionId()
            const loaded = yield* store.load(sessionId)
            const cart = snapshot(sessionId, 1, accessories(14_999, 4))
            const order = { order_id: `ord_${sessionId}`, session_id: sessionId, promotion_ids: ["buy-3-get-1"], code: null }
            const write = store.toAtomicWrite({ loaded, cart, applied: loaded.applied, events: [], order })
            const group = h.name("group")
            yield* state.commit({ ...write, processed: [{ group, eventId: "evt-1" }] })
            assertEqual((yield* store.load(sessionId)).cart, cart, "projection written")
            assertEqual(yield* store.orderRecord(order.order_id), order, "order record written")
            assertEqual([...(yield* state.processed(group, ["evt-1"]))], ["evt-1"], "marker written")
            const again = yield* Effect.flip(state.commit({ ...write, processed: [{ group, eventId: "evt-2" }] }))
            assertEqual(failureTag(again), "WriteConflict", "the same write again is stale")
            assertEqual([...(yield* state.processed(group, ["evt-2"]))], [], "no marker for the refused write")
          })
        )
      )
  },
  {
    name: "publish writes events only; an order never recorded reads as undefined",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* PromotionStore
            const sessionId = h.sessionId()
            const events = promotionEnvelopes([{ _tag: "CodeRemoved", code: "MINUS50", reason: "removed_by_shopper" }], { cart_version: 0, currency: "PLN" }, context(sessionId))
            yield* store.publish(events)
            assertEqual((yield* pendingFor(sessionId)).map((p) => p.event.envelope.event_id), events.map((e) => e.event_id), "the events are pending")
            assertEqual(yield* sessionState(sessionId), { cart: undefined, applied: undefined }, "no state")
            assertEqual(yield* store.orderRecord("ord_never"), undefined, "no record")
          })
        )
      )
  },
  {
    name: "unreadable stored state fails the load with PromotionsUnavailable; an unreadable cache entry is only a miss",
    run: (h) =>
      withStore(h, (s) =>
        s.run(
          Effect.gen(function* () {
            const state = yield* StateStore
            const sessionId = h.sessionId()
            yield* state.commit({ ops: [{ op: "set", key: PromotionKeys.applied(sessionId), value: '{"not":"applied"}' }, { op: "set", key: PromotionKeys.available("cafebabe"), value: "not json" }] })
            const failure = yield* Effect.flip((yield* PromotionStore).load(sessionId))
            assertEqual(failureTag(failure), "PromotionsUnavailable", "typed failure")
            assertEqual(yield* (yield* PromotionStore).cachedAvailable("cafebabe"), undefined, "a miss")
          })
        )
      )
  }
]
