/**
 * The CartStore contract: one framework-free suite every CartStore must pass over every StateStore
 * it runs on (memory, Redis): what a load of a new session gives, what a save writes (view, counter,
 * event stream, outbox), that a stale save writes nothing, that concurrent writers lose no update,
 * that the write-as-data commits atomically with a consumer's marker, the stream cap, and a typed
 * failure for an unreadable view. A test file registers each case with its runner.
 */
import { Effect, Result } from "effect"
import { type Envelope, OutboxReader, StateStore, Topics, type WriteConflict } from "@kasa/shared"
import { type ContractCase, type OpenHarness, type Opened, withOpened } from "@kasa/shared/testing/contract"
import { assert, assertEqual, AssertionFailed } from "@kasa/shared/testing/eventually"
import { CartKeys, EVENT_STREAM_CAP } from "../cart-store.ts"
import { changeQuantity, type Decision, emptyCart, totals } from "../domain.ts"
import { cartEnvelopes } from "../events.ts"
import { CartStore, type LoadedCart } from "../ports.ts"
import { toView } from "../view.ts"
import { withLine } from "./fixtures.ts"

/** One store as a process sees it; stores opened on the same name share their data, as processes over one server do. */
export type OpenCartStore = Opened<CartStore | StateStore | OutboxReader>

export interface CartStoreHarness extends OpenHarness<CartStore | StateStore | OutboxReader> {
  /** A fresh, well-formed session id. */
  readonly sessionId: () => string
}

export type CartStoreContractCase = ContractCase<CartStoreHarness>

const eventContext = { correlation_id: "corr_contract", occurred_at: new Date("2026-02-11T12:00:00.000Z") }

/** Saves `decision` over `loaded` with its events; returns the envelopes written. */
const saveDecision = (loaded: LoadedCart, decision: Decision) =>
  Effect.gen(function* () {
    const store = yield* CartStore
    const events = cartEnvelopes(decision.changes, eventContext)
    yield* store.save({ loaded, cart: decision.cart, events })
    return events
  })

/** Everything a session has in the store, to compare before and after. */
const sessionState = (sessionId: string) =>
  Effect.gen(function* () {
    const state = yield* StateStore
    const [view, counter] = yield* state.getMany([CartKeys.view(sessionId), CartKeys.counter(sessionId)])
    const stream = yield* state.readStream(CartKeys.events(sessionId))
    return { view, counter, stream }
  })

const pendingFor = (sessionId: string) =>
  Effect.map(Effect.flatMap(OutboxReader, (outbox) => outbox.pending(10_000)), (pending) => pending.filter((p) => p.event.key === sessionId))

export const cartStoreContract: ReadonlyArray<CartStoreContractCase> = [
  {
    name: "a session with no cart loads as an empty cart at version 0, with nothing stored",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* CartStore
            const sessionId = h.sessionId()
            const loaded = yield* store.load(sessionId)
            assertEqual(loaded.cart, emptyCart(sessionId), "empty cart")
            assertEqual(loaded.revision, undefined, "no revision")
            assertEqual(yield* sessionState(sessionId), { view: undefined, counter: undefined, stream: [] }, "nothing stored by a load")
          })
        )
      )
  },
  {
    name: "save writes the view, the item counter, one stream entry per event and the events on cart-events keyed by session; load reads it back",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* CartStore
            const sessionId = h.sessionId()
            const first = yield* store.load(sessionId)
            const added = withLine(first.cart, "tv-55-oled", { quantity: 2 })
            const written: Array<Envelope> = [...(yield* saveDecision(first, added))]
            const second = yield* store.load(sessionId)
            assertEqual(second.cart, added.cart, "load returns the saved cart")
            const warranty = withLine(second.cart, "warranty-2y-tv", { type: "warranty", parent_item_id: "item_1", quantity: 2 })
            written.push(...(yield* saveDecision(second, warranty)))

            const after = yield* store.load(sessionId)
            assertEqual(after.cart, warranty.cart, "load after two saves")
            const state = yield* sessionState(sessionId)
            assertEqual(state.view === undefined ? undefined : JSON.parse(state.view), toView(warranty.cart), "the view is the GET /cart body")
            assertEqual(state.counter, String(totals(warranty.cart).item_count), "counter holds the item count")
            assertEqual(
              state.stream.map((entry) => [entry.event_id, entry.event_name, entry.cart_version]),
              written.map((e) => [e.event_id, e.event_name, String(e.payload.cart_version)]),
              "one stream entry per event, in order"
            )
            const { lines: _lines, ...payload } = written[0]!.payload
            assertEqual(JSON.parse(state.stream[0]!.envelope!), { ...written[0]!, payload }, "a stream entry holds the envelope without the snapshot's lines")
            const pending = yield* pendingFor(sessionId)
            assertEqual(
              pending.map((p) => ({ topic: p.event.topic, key: p.event.key, envelope: p.event.envelope })),
              written.map((envelope) => ({ topic: Topics.cart, key: sessionId, envelope })),
              "the envelopes are in the outbox, in order, on cart-events keyed by session"
            )
          })
        )
      )
  },
  {
    name: "a save over a stale load fails with WriteConflict and writes nothing: no view, stream entry, counter or event",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* CartStore
            const sessionId = h.sessionId()
            const a = yield* store.load(sessionId)
            const b = yield* store.load(sessionId)
            yield* saveDecision(a, withLine(a.cart, "tv-55-oled"))
            const before = yield* sessionState(sessionId)
            const pendingBefore = yield* pendingFor(sessionId)
            const refused: WriteConflict | unknown = yield* Effect.flip(saveDecision(b, withLine(b.cart, "sofa-3")))
            assertEqual((refused as { _tag?: string })._tag, "WriteConflict", "the stale save conflicts")
            assertEqual(yield* sessionState(sessionId), before, "state unchanged")
            assertEqual((yield* pendingFor(sessionId)).length, pendingBefore.length, "no event added")

            // Also stale: a load of the same version number whose content was since replaced.
            const c = yield* store.load(sessionId)
            const d = yield* store.load(sessionId)
            yield* saveDecision(c, withLine(c.cart, "hdmi-cable"))
            const stale = yield* Effect.flip(saveDecision(d, withLine(d.cart, "fridge-a")))
            assertEqual((stale as { _tag?: string })._tag, "WriteConflict", "a second stale save conflicts")
            assertEqual((yield* store.load(sessionId)).cart.lines.map((l) => l.offer_id), ["tv-55-oled", "hdmi-cable"], "only the winners' lines")
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
      const increment = Effect.gen(function* () {
        const store = yield* CartStore
        for (let attempt = 1; ; attempt++) {
          const loaded = yield* store.load(sessionId)
          // Let the other writers read the same version, so that conflicts really happen.
          yield* Effect.yieldNow
          const saved = yield* Effect.result(saveDecision(loaded, withLine(loaded.cart, "hdmi-cable")))
          if (saved._tag === "Success") return attempt
          if ((saved.failure as { _tag?: string })._tag !== "WriteConflict") return yield* Effect.die(saved.failure)
          if (attempt > 500) return yield* Effect.die(new AssertionFailed("a writer never got through"))
          yield* Effect.yieldNow
        }
      })
      return withOpened(h, outbox, (one) =>
        withOpened(h, outbox, async (two) => {
          const writers = (s: OpenCartStore) => s.run(Effect.all(Array.from({ length: perWriter }, () => increment), { concurrency: "unbounded" }))
          const attempts = (await Promise.all([writers(one), writers(two)])).flat()
          await one.run(
            Effect.gen(function* () {
              const loaded = yield* (yield* CartStore).load(sessionId)
              const total = perWriter * 2
              assertEqual(loaded.cart.lines.map((l) => l.quantity), [total], "every increment counted once")
              assertEqual(loaded.cart.version, total, "one version per applied change")
              const versions = (yield* pendingFor(sessionId)).map((p) => p.event.envelope.payload.cart_version)
              assertEqual(versions, Array.from({ length: total }, (_, i) => i + 1), "one event per applied change, versions in order")
              assert(attempts.length === total, "every writer finished")
              assert(attempts.some((n) => n > 1), "writers did conflict (the case tests what it claims)")
            })
          )
        })
      )
    }
  },
  {
    name: "the write as data, committed with a consumer's processed marker, applies cart, events and marker together",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* CartStore
            const state = yield* StateStore
            const sessionId = h.sessionId()
            const loaded = yield* store.load(sessionId)
            const decision = withLine(loaded.cart, "fridge-a")
            const events = cartEnvelopes(decision.changes, eventContext)
            const write = store.toAtomicWrite({ loaded, cart: decision.cart, events })
            const group = h.name("group")
            yield* state.commit({ ...write, processed: [{ group, eventId: "evt-1" }] })
            assertEqual((yield* store.load(sessionId)).cart, decision.cart, "cart written")
            assertEqual([...(yield* state.processed(group, ["evt-1"]))], ["evt-1"], "marker written")
            assertEqual((yield* pendingFor(sessionId)).length, 1, "event written")
            const again = yield* Effect.flip(state.commit({ ...write, processed: [{ group, eventId: "evt-2" }] }))
            assertEqual((again as { _tag?: string })._tag, "WriteConflict", "the same write again is stale")
            assertEqual([...(yield* state.processed(group, ["evt-2"]))], [], "no marker for the refused write")
          })
        )
      )
  },
  {
    name: "carts of different sessions are independent",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* CartStore
            const one = h.sessionId()
            const two = h.sessionId()
            const a = yield* store.load(one)
            yield* saveDecision(a, withLine(a.cart, "tv-55-oled"))
            const b = yield* store.load(two)
            assertEqual(b.cart, emptyCart(two), "the other session is still empty")
            yield* saveDecision(b, withLine(b.cart, "sofa-3", { quantity: 3 }))
            assertEqual((yield* store.load(one)).cart.lines.map((l) => [l.offer_id, l.quantity]), [["tv-55-oled", 1]], "first session")
            assertEqual((yield* store.load(two)).cart.lines.map((l) => [l.offer_id, l.quantity]), [["sofa-3", 3]], "second session")
          })
        )
      )
  },
  {
    name: `the event stream keeps about the last ${EVENT_STREAM_CAP} events, newest last`,
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const store = yield* CartStore
            const sessionId = h.sessionId()
            const total = EVENT_STREAM_CAP * 3
            const first = yield* store.load(sessionId)
            yield* saveDecision(first, withLine(first.cart, "hdmi-cable"))
            for (let i = 1; i < total; i++) {
              const loaded = yield* store.load(sessionId)
              const changed = changeQuantity(loaded.cart, "item_1", i % 2 === 0 ? 1 : 2)
              if (Result.isFailure(changed)) return yield* Effect.die(changed.failure)
              yield* saveDecision(loaded, changed.success)
            }
            const stream = (yield* StateStore).readStream(CartKeys.events(sessionId))
            const versions = (yield* stream).map((entry) => Number(entry.cart_version))
            const last = (yield* store.load(sessionId)).cart.version
            assert(versions.length >= EVENT_STREAM_CAP, `kept at least ${EVENT_STREAM_CAP}; kept ${versions.length}`)
            assert(versions.length <= EVENT_STREAM_CAP + 100, `trimmed to about ${EVENT_STREAM_CAP}; kept ${versions.length}`)
            assertEqual(versions, Array.from({ length: versions.length }, (_, i) => last - versions.length + 1 + i), "the newest events, in order")
          })
        )
      )
  },
  {
    name: "a stored view that is not a cart fails the load with CartUnavailable, not a defect",
    run: (h) =>
      withOpened(h, h.name("outbox"), (s) =>
        s.run(
          Effect.gen(function* () {
            const sessionId = h.sessionId()
            yield* (yield* StateStore).commit({ ops: [{ op: "set", key: CartKeys.view(sessionId), value: '{"not":"a cart"}' }] })
            const failure = yield* Effect.flip((yield* CartStore).load(sessionId))
            assertEqual(failure._tag, "CartUnavailable", "typed failure")
          })
        )
      )
  }
]
