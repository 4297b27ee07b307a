/**
 * The StockReservations contract's cases about what follows a reservation: commit, release (also
 * after a commit), forgetting settled ones after SessionTtl, expiry, another process settling it,
 * and concurrent reservations from several processes never overselling.
 */
import { Effect } from "effect"
import { makeEnvelope, SessionTtl } from "@kasa/shared"
import { withOpened } from "@kasa/shared/testing/contract"
import { assert, assertEqual, waitUntilEffect } from "@kasa/shared/testing/eventually"
import { InventoryEvents } from "../events.ts"
import { StockReservations } from "../ports.ts"
import { levels, names, published, request, type StockReservationsCase, withSeeded } from "./stock-reservations-harness.ts"

export const settlingCases: ReadonlyArray<StockReservationsCase> = [
  {
    name: "commit keeps the units out, publishes inventory.committed once, and a committed reservation never expires",
    run: (h) =>
      withSeeded(h, [4], (stock, [a]) =>
        Effect.gen(function* () {
          const order = h.name("order")
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
      withSeeded(h, [4, 2], (stock, [a, b]) =>
        Effect.gen(function* () {
          const order = h.name("order")
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
      withSeeded(h, [10], (stock, [a]) =>
        Effect.gen(function* () {
          const [committed, released, held] = [h.name("committed"), h.name("released"), h.name("held")]
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
      withSeeded(h, [2], (stock, [a]) =>
        Effect.gen(function* () {
          const order = h.name("order")
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
      withSeeded(h, [5], (stock, [a]) =>
        Effect.gen(function* () {
          const order = h.name("order")
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
      withSeeded(h, [10], (stock, [a]) =>
        Effect.gen(function* () {
          const [short, long, paid] = [h.name("short"), h.name("long"), h.name("paid")]
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
      const held = await withOpened(h, space, (s) =>
        s.run(
          Effect.gen(function* () {
            const stock = yield* StockReservations
            yield* stock.seed([{ offer_id: a, stock: 3 }])
            return yield* stock.reserve(request(order, [{ offer_id: a, quantity: 2 }]))
          })
        )
      )
      await withOpened(h, space, (s) =>
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
