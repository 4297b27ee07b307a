/**
 * The StockReservations contract: one suite every stock adapter must pass unchanged (memory, Redis).
 * All or nothing across lines, never below zero, commit keeps units out, release returns them (also
 * after a commit: a cancelled paid order), replays are idempotent and different requests conflict,
 * expiry releases, every change publishes its `inventory.*` event through the outbox, and concurrent
 * reservations from several processes never oversell. Framework-free: a test file registers each case.
 */
import { Effect } from "effect"
import type { Scope } from "effect"
import { type Envelope, makeEnvelope, OutboxReader, SessionTtl, Topics } from "@kasa/shared"
import { assert, assertEqual, waitUntilEffect } from "@kasa/shared/testing/eventually"
import { InventoryEvents } from "./events.ts"
import { StockReservations } from "./ports.ts"
import type { ReserveRequest } from "./reservation.ts"

/** The port as one process sees it; several opened on the same space share their data, as processes over one server do. */
export interface OpenReservations {
  readonly run: <A, E>(effect: Effect.Effect<A, E, StockReservations | OutboxReader | Scope.Scope>) => Promise<A>
  /** Closes its connections, as a process that stops would. */
  readonly close: () => Promise<void>
}

export interface StockReservationsHarness {
  /** Opens the port (fresh connections) over the data named `space`, with its own outbox. */
  readonly open: (space: string) => Promise<OpenReservations>
  /** A name (for spaces, offers, orders) no other case uses. */
  readonly name: (base: string) => string
}

export interface ContractCase<H> {
  readonly name: string
  readonly run: (harness: H) => Promise<void>
}

const withOpen = async <A>(h: StockReservationsHarness, space: string, body: (s: OpenReservations) => Promise<A>): Promise<A> => {
  const opened = await h.open(space)
  try {
    return await body(opened)
  } finally {
    await opened.close()
  }
}

/** Runs `body` in a fresh space of its own. */
const inFreshSpace = <A>(h: StockReservationsHarness, body: Effect.Effect<A, unknown, StockReservations | OutboxReader | Scope.Scope>) =>
  withOpen(h, h.name("space"), (s) => s.run(body))

const request = (orderId: string, lines: ReserveRequest["lines"], extra: Partial<ReserveRequest> = {}): ReserveRequest => ({
  orderId,
  sessionId: `sess_${orderId}`,
  correlationId: `corr_${orderId}`,
  lines,
  ttlSeconds: 900,
  ...extra
})

const levels = (offerIds: ReadonlyArray<string>) => Effect.flatMap(StockReservations, (s) => Effect.map(s.stock(offerIds), (found) => found.map((l) => l.stock)))

/** The envelopes waiting in this process's outbox, oldest first. */
const published = Effect.flatMap(OutboxReader, (outbox) => Effect.map(outbox.pending(10_000), (pending) => pending.map((p) => p.event)))

const names = (events: ReadonlyArray<{ readonly envelope: Envelope }>) => events.map((e) => e.envelope.event_name)

const sorted = (ids: ReadonlyArray<string>) => [...ids].sort()

export const stockReservationsContract: ReadonlyArray<ContractCase<StockReservationsHarness>> = [
  {
    name: "seed sets stock only where none is set yet; an offer never stocked has 0",
    run: (h) =>
      inFreshSpace(
        h,
        Effect.gen(function* () {
          const stock = yield* StockReservations
          const [a, b, c] = [h.name("a"), h.name("b"), h.name("c")]
          assertEqual(sorted(yield* stock.seed([{ offer_id: a, stock: 5 }, { offer_id: b, stock: 0 }])), sorted([a, b]), "first seed sets both")
          assertEqual(yield* levels([a, b, c]), [5, 0, 0], "levels after seeding")
          yield* stock.reserve(request(h.name("order"), [{ offer_id: a, quantity: 2 }]))
          assertEqual([...(yield* stock.seed([{ offer_id: a, stock: 5 }, { offer_id: b, stock: 9 }, { offer_id: c, stock: 3 }]))], [c], "a second seed sets only the new offer")
          assertEqual(yield* levels([a, b, c]), [3, 0, 3], "live stock is kept across a re-seed")
          assertEqual((yield* stock.stock([c, a])).map((l) => l.offer_id), [c, a], "stock answers in the order asked")
          assertEqual([...(yield* stock.stock([]))], [], "stock of nothing")
        })
      )
  },
  {
    name: "reserve takes every line (merged per offer), holds it until its deadline and publishes inventory.reserved",
    run: (h) =>
      inFreshSpace(
        h,
        Effect.gen(function* () {
          const stock = yield* StockReservations
          const [a, b] = [h.name("a"), h.name("b")]
          const order = h.name("order")
          yield* stock.seed([{ offer_id: a, stock: 5 }, { offer_id: b, stock: 3 }])
          const reservation = yield* stock.reserve(request(order, [{ offer_id: b, quantity: 1 }, { offer_id: a, quantity: 2 }, { offer_id: a, quantity: 1 }], { ttlSeconds: 600 }))
          const lines = [{ offer_id: a, quantity: 3 }, { offer_id: b, quantity: 1 }].sort((x, y) => (x.offer_id < y.offer_id ? -1 : 1))
          assertEqual(reservation.lines, lines, "lines merged per offer, sorted by offer id")
          assertEqual([reservation.status, reservation.order_id, reservation.session_id, reservation.correlation_id], ["reserved", order, `sess_${order}`, `corr_${order}`], "identity")
          assert(reservation.reservation_id.length > 0, "has a reservation id")
          assertEqual(Date.parse(reservation.expires_at) - Date.parse(reservation.reserved_at), 600_000, "held for ttlSeconds")
          assertEqual(yield* levels([a, b]), [2, 2], "units taken")
          assertEqual(yield* stock.reservation(order), reservation, "the reservation is stored")
          assertEqual(yield* stock.reservation(h.name("other")), undefined, "no reservation for another order")
          const events = yield* published
          assertEqual(names(events), [InventoryEvents.reserved], "one event")
          const [event] = events
          assertEqual([event!.topic, event!.key], [Topics.inventory, `sess_${order}`], "topic and key (the session)")
          const envelope = event!.envelope
          assertEqual([envelope.producer, envelope.aggregate_id, envelope.correlation_id, envelope.causation_id], ["catalog", `sess_${order}`, `corr_${order}`, null], "envelope")
          assertEqual(
            envelope.payload,
            { session_id: `sess_${order}`, order_id: order, reservation_id: reservation.reservation_id, lines, expires_at: reservation.expires_at },
            "payload"
          )
        })
      )
  },
  {
    name: "reserve is all or nothing: a short line takes nothing, names only the short lines and publishes nothing",
    run: (h) =>
      inFreshSpace(
        h,
        Effect.gen(function* () {
          const stock = yield* StockReservations
          const [a, b, c, never] = [h.name("a"), h.name("b"), h.name("c"), h.name("never")]
          const order = h.name("order")
          yield* stock.seed([{ offer_id: a, stock: 5 }, { offer_id: b, stock: 1 }, { offer_id: c, stock: 0 }])
          const error = yield* Effect.flip(
            stock.reserve(request(order, [{ offer_id: a, quantity: 2 }, { offer_id: b, quantity: 2 }, { offer_id: c, quantity: 1 }, { offer_id: never, quantity: 1 }]))
          )
          assertEqual(error._tag, "InsufficientStock", "error")
          const short = [
            { offer_id: b, requested: 2, available: 1 },
            { offer_id: c, requested: 1, available: 0 },
            { offer_id: never, requested: 1, available: 0 }
          ].sort((x, y) => (x.offer_id < y.offer_id ? -1 : 1))
          assertEqual(error._tag === "InsufficientStock" ? [error.order_id, error.lines] : undefined, [order, short], "the short lines only")
          assertEqual(yield* levels([a, b, c, never]), [5, 1, 0, 0], "nothing taken")
          assertEqual(yield* stock.reservation(order), undefined, "no reservation")
          assertEqual(names(yield* published), [], "nothing published")
        })
      )
  },
  {
    name: "the last units can be taken, never more: stock reaches 0 and stays there",
    run: (h) =>
      inFreshSpace(
        h,
        Effect.gen(function* () {
          const stock = yield* StockReservations
          const a = h.name("a")
          yield* stock.seed([{ offer_id: a, stock: 3 }])
          yield* stock.reserve(request(h.name("order"), [{ offer_id: a, quantity: 3 }]))
          assertEqual(yield* levels([a]), [0], "all taken")
          const error = yield* Effect.flip(stock.reserve(request(h.name("order"), [{ offer_id: a, quantity: 1 }])))
          assertEqual(error._tag === "InsufficientStock" ? error.lines : error._tag, [{ offer_id: a, requested: 1, available: 0 }], "one more is refused")
          assertEqual(yield* levels([a]), [0], "still 0, never negative")
        })
      )
  },
  {
    name: "invalid requests are refused, naming the problem, and change nothing",
    run: (h) =>
      inFreshSpace(
        h,
        Effect.gen(function* () {
          const stock = yield* StockReservations
          const a = h.name("a")
          yield* stock.seed([{ offer_id: a, stock: 5 }])
          const cases: ReadonlyArray<readonly [ReserveRequest, string]> = [
            [request(h.name("o"), []), "lines"],
            [request(h.name("o"), [{ offer_id: a, quantity: 0 }]), "lines.0.quantity"],
            [request(h.name("o"), [{ offer_id: a, quantity: 1.5 }]), "lines.0.quantity"],
            [request(h.name("o"), [{ offer_id: a, quantity: -2 }]), "lines.0.quantity"],
            [request(h.name("o"), [{ offer_id: "", quantity: 1 }]), "lines.0.offer_id"],
            [request(h.name("o"), [{ offer_id: a, quantity: 1 }], { ttlSeconds: 0 }), "ttl_seconds"],
            [request(h.name("o"), [{ offer_id: a, quantity: 1 }], { ttlSeconds: Number.NaN }), "ttl_seconds"],
            [request("", [{ offer_id: a, quantity: 1 }]), "order_id"],
            [request(h.name("o"), [{ offer_id: a, quantity: 1 }], { sessionId: "" }), "session_id"]
          ]
          for (const [bad, field] of cases) {
            const error = yield* Effect.flip(stock.reserve(bad))
            assertEqual(error._tag, "InvalidReservation", `${JSON.stringify(bad.lines)} ${field}`)
            assert(error._tag === "InvalidReservation" && error.problems.some((p) => p.startsWith(`${field}:`)), `names ${field}: ${error.message}`)
            if (bad.orderId !== "") assertEqual(yield* stock.reservation(bad.orderId), undefined, "no reservation")
          }
          const order = h.name("order")
          yield* stock.reserve(request(order, [{ offer_id: a, quantity: 1 }]))
          const badReason = yield* Effect.flip(stock.release(order, "Not A Reason"))
          assertEqual(badReason._tag, "InvalidReservation", "a release reason must be a snake_case word")
          assertEqual(yield* levels([a]), [4], "only the valid reservation took stock")
          assertEqual((yield* stock.reservation(order))?.status, "reserved", "the bad release changed nothing")
          assertEqual(names(yield* published), [InventoryEvents.reserved], "only the valid reservation published")
        })
      )
  },
  {
    name: "reserving an order again with the same lines is idempotent; other lines conflict and change nothing",
    run: (h) =>
      inFreshSpace(
        h,
        Effect.gen(function* () {
          const stock = yield* StockReservations
          const a = h.name("a")
          const order = h.name("order")
          yield* stock.seed([{ offer_id: a, stock: 10 }])
          const first = yield* stock.reserve(request(order, [{ offer_id: a, quantity: 2 }]))
          const again = yield* stock.reserve(request(order, [{ offer_id: a, quantity: 1 }, { offer_id: a, quantity: 1 }], { correlationId: "corr_retry" }))
          assertEqual(again, first, "the same reservation comes back")
          assertEqual(yield* levels([a]), [8], "units taken once")
          const conflict = yield* Effect.flip(stock.reserve(request(order, [{ offer_id: a, quantity: 3 }])))
          assertEqual(conflict._tag, "ReservationConflict", "other lines for the same order")
          assertEqual(yield* levels([a]), [8], "the conflict took nothing")
          assertEqual(yield* stock.reservation(order), first, "the reservation is unchanged")
          assertEqual(names(yield* published), [InventoryEvents.reserved], "one event")
        })
      )
  },
  {
    name: "commit keeps the units out, publishes inventory.committed once, and a committed reservation never expires",
    run: (h) =>
      inFreshSpace(
        h,
        Effect.gen(function* () {
          const stock = yield* StockReservations
          const a = h.name("a")
          const order = h.name("order")
          yield* stock.seed([{ offer_id: a, stock: 4 }])
          const held = yield* stock.reserve(request(order, [{ offer_id: a, quantity: 3 }], { ttlSeconds: 60 }))
          const cause = makeEnvelope({ eventName: "checkout.completed", aggregateId: `sess_${order}`, correlationId: "corr_checkout", producer: "checkout", payload: { order_id: order } })
          const committed = yield* stock.commit(order, { causedBy: cause })
          assertEqual([committed.status, committed.reservation_id, committed.lines], ["committed", held.reservation_id, held.lines], "committed")
          assert(committed.committed_at !== undefined, "has committed_at")
          assertEqual(yield* stock.commit(order), committed, "committing again changes nothing")
          assertEqual(yield* levels([a]), [1], "the units stay out")
          assertEqual([...(yield* stock.releaseExpired(new Date(Date.parse(held.expires_at) + 86_400_000)))], [], "past its deadline a committed reservation is not released")
          assertEqual(yield* levels([a]), [1], "still out")
          const events = yield* published
          assertEqual(names(events), [InventoryEvents.reserved, InventoryEvents.committed], "one committed event")
          const envelope = events[1]!.envelope
          assertEqual([envelope.correlation_id, envelope.causation_id, events[1]!.key], ["corr_checkout", cause.event_id, `sess_${order}`], "caused by the event that asked")
          assertEqual(envelope.payload, { session_id: `sess_${order}`, order_id: order, reservation_id: held.reservation_id }, "payload")
        })
      )
  },
  {
    name: "release returns held units and publishes inventory.released with its reason; releasing again returns nothing",
    run: (h) =>
      inFreshSpace(
        h,
        Effect.gen(function* () {
          const stock = yield* StockReservations
          const [a, b] = [h.name("a"), h.name("b")]
          const order = h.name("order")
          yield* stock.seed([{ offer_id: a, stock: 4 }, { offer_id: b, stock: 2 }])
          const held = yield* stock.reserve(request(order, [{ offer_id: a, quantity: 3 }, { offer_id: b, quantity: 2 }]))
          assertEqual(yield* levels([a, b]), [1, 0], "taken")
          const released = yield* stock.release(order, "payment_failed", { correlationId: "corr_payment" })
          assertEqual([released.reservation.status, released.reservation.release_reason], ["released", "payment_failed"], "released with its reason")
          assertEqual(released.returned, held.lines, "every line returned")
          assertEqual(yield* levels([a, b]), [4, 2], "units back in stock")
          const again = yield* stock.release(order, "payment_failed")
          assertEqual([again.reservation, again.returned], [released.reservation, []], "a second release returns nothing")
          assertEqual(yield* levels([a, b]), [4, 2], "not returned twice")
          const events = yield* published
          assertEqual(names(events), [InventoryEvents.reserved, InventoryEvents.released], "one released event")
          assertEqual(events[1]!.envelope.correlation_id, "corr_payment", "correlation of the caller")
          assertEqual(
            events[1]!.envelope.payload,
            { session_id: `sess_${order}`, order_id: order, reservation_id: held.reservation_id, reason: "payment_failed", lines: held.lines },
            "payload"
          )
        })
      )
  },
  {
    name: "a settled reservation (committed or released) is forgotten SessionTtl after it settled; a held one stays",
    run: (h) =>
      inFreshSpace(
        h,
        Effect.gen(function* () {
          const stock = yield* StockReservations
          const a = h.name("a")
          const [committed, released, held] = [h.name("committed"), h.name("released"), h.name("held")]
          yield* stock.seed([{ offer_id: a, stock: 10 }])
          for (const order of [committed, released, held]) yield* stock.reserve(request(order, [{ offer_id: a, quantity: 2 }]))
          yield* Effect.provideService(stock.commit(committed), SessionTtl, 1)
          yield* Effect.provideService(stock.release(released, "payment_failed"), SessionTtl, 1)
          let last = ""
          yield* waitUntilEffect(
            Effect.map(Effect.all([stock.reservation(committed), stock.reservation(released)]), (found) => {
              last = JSON.stringify(found.map((r) => r?.status))
              return found.every((r) => r === undefined)
            }),
            { timeoutMs: 10_000, describe: () => `still held: ${last}` }
          )
          assertEqual((yield* stock.reservation(held))?.status, "reserved", "a held reservation stays until it is settled")
          assertEqual(yield* levels([a]), [10 - 2 - 2], "the committed units stay out, the released ones came back")
        })
      )
  },
  {
    name: "releasing a committed reservation (a cancelled paid order) puts its units back",
    run: (h) =>
      inFreshSpace(
        h,
        Effect.gen(function* () {
          const stock = yield* StockReservations
          const a = h.name("a")
          const order = h.name("order")
          yield* stock.seed([{ offer_id: a, stock: 2 }])
          yield* stock.reserve(request(order, [{ offer_id: a, quantity: 2 }]))
          yield* stock.commit(order)
          assertEqual(yield* levels([a]), [0], "sold")
          const released = yield* stock.release(order, "order_cancelled")
          assertEqual([released.reservation.status, released.returned], ["released", [{ offer_id: a, quantity: 2 }]], "returned")
          assertEqual(yield* levels([a]), [2], "back in stock")
          assertEqual(names(yield* published), [InventoryEvents.reserved, InventoryEvents.committed, InventoryEvents.released], "events")
        })
      )
  },
  {
    name: "a released reservation can be neither committed nor reserved again; unknown orders are not found",
    run: (h) =>
      inFreshSpace(
        h,
        Effect.gen(function* () {
          const stock = yield* StockReservations
          const a = h.name("a")
          const order = h.name("order")
          yield* stock.seed([{ offer_id: a, stock: 5 }])
          yield* stock.reserve(request(order, [{ offer_id: a, quantity: 1 }]))
          yield* stock.release(order, "checkout_cancelled")
          const late = yield* Effect.flip(stock.commit(order))
          assertEqual(late._tag === "ReservationReleased" ? [late._tag, late.reason] : late._tag, ["ReservationReleased", "checkout_cancelled"], "commit after release")
          const again = yield* Effect.flip(stock.reserve(request(order, [{ offer_id: a, quantity: 1 }])))
          assertEqual(again._tag, "ReservationConflict", "reserve after release")
          assertEqual(yield* levels([a]), [5], "nothing taken")
          const unknown = h.name("unknown")
          assertEqual((yield* Effect.flip(stock.commit(unknown)))._tag, "ReservationNotFound", "commit unknown")
          assertEqual((yield* Effect.flip(stock.release(unknown, "order_cancelled")))._tag, "ReservationNotFound", "release unknown")
          assertEqual(names(yield* published), [InventoryEvents.reserved, InventoryEvents.released], "no more events")
        })
      )
  },
  {
    name: "releaseExpired releases only reservations still held past their deadline, with reason expired, once",
    run: (h) =>
      inFreshSpace(
        h,
        Effect.gen(function* () {
          const stock = yield* StockReservations
          const a = h.name("a")
          const [short, long, paid] = [h.name("short"), h.name("long"), h.name("paid")]
          yield* stock.seed([{ offer_id: a, stock: 10 }])
          const first = yield* stock.reserve(request(short, [{ offer_id: a, quantity: 2 }], { ttlSeconds: 60 }))
          yield* stock.reserve(request(long, [{ offer_id: a, quantity: 3 }], { ttlSeconds: 3_600 }))
          yield* stock.reserve(request(paid, [{ offer_id: a, quantity: 1 }], { ttlSeconds: 60 }))
          yield* stock.commit(paid)
          const deadline = Date.parse(first.expires_at)
          assertEqual([...(yield* stock.releaseExpired(new Date(deadline - 1)))], [], "nothing before the deadline")
          const outcomes = yield* stock.releaseExpired(new Date(deadline + 1_000))
          assertEqual(outcomes.map((o) => [o.reservation.order_id, o.reservation.status, o.reservation.release_reason, o.returned]), [[short, "released", "expired", [{ offer_id: a, quantity: 2 }]]], "the short hold only")
          assertEqual(yield* levels([a]), [6], "its units are back")
          assertEqual([...(yield* stock.releaseExpired(new Date(deadline + 1_000)))], [], "a second sweep releases nothing")
          assertEqual((yield* stock.reservation(long))?.status, "reserved", "the long hold is still held")
          const released = (yield* published).filter((e) => e.envelope.event_name === InventoryEvents.released)
          assertEqual(released.map((e) => [e.envelope.payload.order_id, e.envelope.payload.reason]), [[short, "expired"]], "one released event, reason expired")
        })
      )
  },
  {
    name: "a reservation made by one process is committed or released by another",
    run: async (h) => {
      const space = h.name("space")
      const a = h.name("a")
      const order = h.name("order")
      const held = await withOpen(h, space, (s) =>
        s.run(
          Effect.gen(function* () {
            const stock = yield* StockReservations
            yield* stock.seed([{ offer_id: a, stock: 3 }])
            return yield* stock.reserve(request(order, [{ offer_id: a, quantity: 2 }]))
          })
        )
      )
      await withOpen(h, space, (s) =>
        s.run(
          Effect.gen(function* () {
            const stock = yield* StockReservations
            assertEqual(yield* stock.reservation(order), held, "the other process sees it")
            yield* stock.commit(order)
            yield* stock.release(order, "order_cancelled")
            assertEqual(yield* levels([a]), [3], "stock after commit and release")
          })
        )
      )
    }
  },
  {
    name: "concurrent reservations from several processes never oversell, across single and multi-line orders",
    run: async (h) => {
      const space = h.name("space")
      const [a, b] = [h.name("a"), h.name("b")]
      const opens = await Promise.all(Array.from({ length: 3 }, () => h.open(space)))
      try {
        await opens[0]!.run(Effect.flatMap(StockReservations, (s) => s.seed([{ offer_id: a, stock: 7 }, { offer_id: b, stock: 4 }])))
        const attempt = (i: number) =>
          opens[i % opens.length]!.run(
            Effect.flatMap(StockReservations, (s) =>
              s.reserve(request(h.name("order"), i % 2 === 0 ? [{ offer_id: a, quantity: 1 }] : [{ offer_id: a, quantity: 1 }, { offer_id: b, quantity: 1 }])).pipe(
                Effect.as("ok" as const),
                Effect.catchTag("InsufficientStock", () => Effect.succeed("short" as const))
              )
            )
          )
        const results = await Promise.all(Array.from({ length: 60 }, (_, i) => attempt(i)))
        const ok = results.filter((r) => r === "ok").length
        const okWithB = results.filter((r, i) => r === "ok" && i % 2 === 1).length
        assertEqual(ok, 7, "exactly as many orders as there were units of a")
        assert(okWithB <= 4, `at most 4 orders with b: ${okWithB}`)
        assertEqual(await opens[1]!.run(levels([a, b])), [0, 4 - okWithB], "a sold out, b down by the orders that took it")
        const events = await opens[2]!.run(published)
        assertEqual(names(events), Array.from({ length: 7 }, () => InventoryEvents.reserved), "one event per reservation")
      } finally {
        await Promise.all(opens.map((o) => o.close()))
      }
    }
  }
]
