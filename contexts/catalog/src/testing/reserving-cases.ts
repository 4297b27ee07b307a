/**
 * The StockReservations contract's cases about taking stock: seeding, reserving all or nothing,
 * never below zero, refusing invalid requests, idempotent replays and conflicting ones. Split from
 * the settling cases so each file reads as one part of the reservation's life.
 */
import { Effect } from "effect"
import { Topics } from "@kasa/shared"
import { assert, assertEqual } from "@kasa/shared/testing/eventually"
import { InventoryEvents } from "../events.ts"
import { StockReservations } from "../ports.ts"
import type { ReserveRequest } from "../reservation.ts"
import { inFreshSpace, levels, names, published, request, sorted, type StockReservationsCase, withSeeded } from "./stock-reservations-harness.ts"

export const reservingCases: ReadonlyArray<StockReservationsCase> = [
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
      withSeeded(h, [5, 3], (stock, [a, b]) =>
        Effect.gen(function* () {
          const order = h.name("order")
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
      withSeeded(h, [3], (stock, [a]) =>
        Effect.gen(function* () {
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
      withSeeded(h, [5], (stock, [a]) =>
        Effect.gen(function* () {
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
      withSeeded(h, [10], (stock, [a]) =>
        Effect.gen(function* () {
          const order = h.name("order")
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
  }
]
