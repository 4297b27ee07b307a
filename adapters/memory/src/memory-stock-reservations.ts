/**
 * The catalog's StockReservations over the embedded mode's in-memory state: stock counters and
 * reservations live in the same MemoryStateData as every other context's state, under the same keys
 * as in Redis, and each operation checks and writes (state plus its `inventory.*` outbox entry) in
 * one synchronous step, which nothing can interleave with in a single-threaded runtime. The rules
 * themselves are the catalog's pure reservation functions, shared with the Redis adapter. A settled
 * reservation (committed or released) is kept SessionTtl, then forgotten; a held one stays until settled.
 */
import { Clock, Effect, Layer } from "effect"
import { currentTraceparent, type OutboxEvent, SessionTtl, type StateOp, StoreUnavailable, uuidv7 } from "@kasa/shared"
import {
  checkReason,
  checkRequest,
  commitDecision,
  committedEvent,
  decodeReservation,
  deadlineMs,
  encodeReservation,
  type EventContext,
  InsufficientStock,
  InvalidReservation,
  isExpired,
  newReservation,
  type ReleaseOutcome,
  releaseDecision,
  ReleaseReasons,
  releasedEvent,
  replayDecision,
  type Reservation,
  ReservationConflict,
  ReservationNotFound,
  ReservationReleased,
  type ReserveRequest,
  reservedEvent,
  shortages,
  type StockLevel,
  StockKeys,
  StockReservations
} from "@kasa/catalog"
import type { MemoryStateData } from "./memory-state-store.ts"

const stockOf = (data: MemoryStateData, offerId: string): number => Number(data.read(StockKeys.stock(offerId)) ?? "0")

const unreadable = (key: string, why: string) => new StoreUnavailable({ operation: "read", message: `${key}: ${why}` })

/** The stored reservation of an order: undefined when there is none, a StoreUnavailable when it is unreadable. */
const readReservation = (data: MemoryStateData, orderId: string): Reservation | undefined | StoreUnavailable => {
  const key = StockKeys.reservation(orderId)
  const text = data.read(key)
  if (text === undefined) return undefined
  const decoded = decodeReservation(text)
  return typeof decoded === "string" ? unreadable(key, decoded) : decoded
}

/** The state ops and event of one release (units back, record updated). */
const releaseWrite = (
  next: Reservation,
  returned: ReadonlyArray<{ readonly offer_id: string; readonly quantity: number }>,
  reason: string,
  meta: { readonly occurredAt: Date; readonly context?: EventContext | undefined; readonly traceparent: string | undefined },
  ttlSeconds: number
): { readonly ops: ReadonlyArray<StateOp>; readonly events: ReadonlyArray<OutboxEvent> } => ({
  ops: [
    ...returned.map((line): StateOp => ({ op: "incrementBy", key: StockKeys.stock(line.offer_id), by: line.quantity })),
    { op: "set", key: StockKeys.reservation(next.order_id), value: encodeReservation(next), ttlSeconds }
  ],
  events: [releasedEvent(next, reason, meta)]
})

export const makeMemoryStockReservations = (data: MemoryStateData): typeof StockReservations.Service => {
  const reserve = Effect.fn("MemoryStockReservations.reserve")(function* (request: ReserveRequest) {
    const { problems, lines } = checkRequest(request)
    if (problems.length > 0) return yield* new InvalidReservation({ problems })
    const now = yield* Clock.currentTimeMillis
    const traceparent = yield* currentTraceparent
    const candidate = newReservation(request, lines, uuidv7(now), now)
    // Everything from the first read to the write happens in this one synchronous block.
    return yield* Effect.suspend((): Effect.Effect<Reservation, InsufficientStock | ReservationConflict | StoreUnavailable> => {
      const existing = readReservation(data, request.orderId)
      if (existing instanceof StoreUnavailable) return Effect.fail(existing)
      if (existing !== undefined) {
        const decision = replayDecision(existing, lines)
        return decision._tag === "Replay" ? Effect.succeed(existing) : Effect.fail(new ReservationConflict({ order_id: request.orderId, reason: decision.reason }))
      }
      const short = shortages(lines, (offerId) => stockOf(data, offerId))
      if (short.length > 0) return Effect.fail(new InsufficientStock({ order_id: request.orderId, lines: short }))
      data.commit({
        ops: [
          ...lines.map((line): StateOp => ({ op: "incrementBy", key: StockKeys.stock(line.offer_id), by: -line.quantity })),
          { op: "set", key: StockKeys.reservation(request.orderId), value: encodeReservation(candidate) }
        ],
        events: [reservedEvent(candidate, { occurredAt: new Date(now), traceparent })]
      })
      return Effect.succeed(candidate)
    })
  })

  const commit = Effect.fn("MemoryStockReservations.commit")(function* (orderId: string, context?: EventContext) {
    const now = yield* Clock.currentTimeMillis
    const ttlSeconds = yield* SessionTtl
    const traceparent = yield* currentTraceparent
    return yield* Effect.suspend((): Effect.Effect<Reservation, ReservationNotFound | ReservationReleased | StoreUnavailable> => {
      const existing = readReservation(data, orderId)
      if (existing instanceof StoreUnavailable) return Effect.fail(existing)
      if (existing === undefined) return Effect.fail(new ReservationNotFound({ order_id: orderId }))
      const decision = commitDecision(existing, now)
      switch (decision._tag) {
        case "AlreadyCommitted":
          return Effect.succeed(existing)
        case "Released":
          return Effect.fail(new ReservationReleased({ order_id: orderId, reason: decision.reason }))
        case "Commit":
          data.commit({
            ops: [{ op: "set", key: StockKeys.reservation(orderId), value: encodeReservation(decision.next), ttlSeconds }],
            events: [committedEvent(decision.next, { occurredAt: new Date(now), context, traceparent })]
          })
          return Effect.succeed(decision.next)
      }
    })
  })

  const release = Effect.fn("MemoryStockReservations.release")(function* (orderId: string, reason: string, context?: EventContext) {
    const problems = checkReason(reason)
    if (problems.length > 0) return yield* new InvalidReservation({ problems })
    const now = yield* Clock.currentTimeMillis
    const ttlSeconds = yield* SessionTtl
    const traceparent = yield* currentTraceparent
    return yield* Effect.suspend((): Effect.Effect<ReleaseOutcome, ReservationNotFound | StoreUnavailable> => {
      const existing = readReservation(data, orderId)
      if (existing instanceof StoreUnavailable) return Effect.fail(existing)
      if (existing === undefined) return Effect.fail(new ReservationNotFound({ order_id: orderId }))
      const decision = releaseDecision(existing, reason, now)
      if (decision._tag === "AlreadyReleased") return Effect.succeed({ reservation: existing, returned: [] })
      data.commit(releaseWrite(decision.next, decision.returned, reason, { occurredAt: new Date(now), context, traceparent }, ttlSeconds))
      return Effect.succeed({ reservation: decision.next, returned: decision.returned })
    })
  })

  const releaseExpired = Effect.fn("MemoryStockReservations.releaseExpired")(function* (now: Date) {
    const traceparent = yield* currentTraceparent
    const ttlSeconds = yield* SessionTtl
    const nowMs = now.getTime()
    const occurredAt = yield* Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))
    return yield* Effect.suspend((): Effect.Effect<ReadonlyArray<ReleaseOutcome>, StoreUnavailable> => {
      const expired: Array<Reservation> = []
      for (const key of [...data.values.keys(StockKeys.reservationPrefix)]) {
        const found = readReservation(data, key.slice(StockKeys.reservationPrefix.length))
        if (found instanceof StoreUnavailable) return Effect.fail(found)
        if (found !== undefined && isExpired(found, nowMs)) expired.push(found)
      }
      expired.sort((a, b) => deadlineMs(a) - deadlineMs(b))
      const outcomes: Array<ReleaseOutcome> = []
      for (const reservation of expired) {
        const decision = releaseDecision(reservation, ReleaseReasons.expired, occurredAt.getTime())
        if (decision._tag === "AlreadyReleased") continue
        data.commit(releaseWrite(decision.next, decision.returned, ReleaseReasons.expired, { occurredAt, traceparent }, ttlSeconds))
        outcomes.push({ reservation: decision.next, returned: decision.returned })
      }
      return Effect.succeed(outcomes)
    })
  })

  return StockReservations.of({
    reserve,
    commit,
    release,
    releaseExpired,
    reservation: Effect.fn("MemoryStockReservations.reservation")(function* (orderId: string) {
      const found = readReservation(data, orderId)
      if (found instanceof StoreUnavailable) return yield* found
      return found
    }),
    stock: Effect.fn("MemoryStockReservations.stock")(function* (offerIds: ReadonlyArray<string>) {
      return offerIds.map((offerId): StockLevel => ({ offer_id: offerId, stock: stockOf(data, offerId) }))
    }),
    seed: Effect.fn("MemoryStockReservations.seed")(function* (levels: ReadonlyArray<StockLevel>) {
      const bad = levels.find((l) => !(Number.isSafeInteger(l.stock) && l.stock >= 0))
      if (bad !== undefined) return yield* new StoreUnavailable({ operation: "seed", message: `refused: stock of ${bad.offer_id} must be a whole number ≥ 0, got ${bad.stock}` })
      const unset = levels.filter((level) => data.read(StockKeys.stock(level.offer_id)) === undefined)
      data.commit({ ops: unset.map((level): StateOp => ({ op: "set", key: StockKeys.stock(level.offer_id), value: String(level.stock) })) })
      return unset.map((level) => level.offer_id)
    })
  })
}

/** StockReservations over `data`, writing its events into the same in-memory outbox the relay drains. */
export const layerMemoryStockReservations = (data: MemoryStateData): Layer.Layer<StockReservations> =>
  Layer.succeed(StockReservations, makeMemoryStockReservations(data))
