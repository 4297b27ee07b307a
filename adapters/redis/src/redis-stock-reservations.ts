/**
 * The catalog's StockReservations over Redis (SPEC §4.1, §5): counters `inventory:stock:{offer_id}`,
 * reservations `inventory:reservation:{order_id}` (JSON), held deadlines in the sorted set
 * `inventory:reservation-deadlines`, all under the connection's prefix, and the app's outbox stream
 * written by the same Lua script as the stock change (stock-scripts.ts). Reserve decides in the
 * script, so concurrent finalizes on any number of connections cannot oversell; commit and release
 * read the record, let the catalog's pure rules decide, and apply with compare and set, retrying if
 * another writer moved the record first. Driver errors become StoreUnavailable.
 */
import { Clock, Effect, Layer } from "effect"
import { currentTraceparent, type OutboxEvent, SessionTtl, StoreUnavailable, uuidv7 } from "@kasa/shared"
import {
  checkReason,
  checkRequest,
  commitDecision,
  committedEvent,
  deadlineMs,
  decodeReservation,
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
  type ReservationLine,
  ReservationNotFound,
  ReservationReleased,
  type ReserveRequest,
  reservedEvent,
  shortages,
  type StockLevel,
  StockKeys,
  StockReservations
} from "@kasa/catalog"
import { encodeOutboxEvent, outboxStreamKey } from "./outbox-stream.ts"
import { type RedisClient, RedisConnection, type RedisError } from "./redis-connection.ts"
import { toStoreUnavailable } from "./redis-state-store.ts"
import { flattenFields, RESERVE_SCRIPT, SEED_SCRIPT, TRANSITION_SCRIPT } from "./stock-scripts.ts"

export interface RedisStockReservationsOptions {
  /** The app's outbox (`outbox:{name}`), the one its relay drains. */
  readonly outboxName: string
  /** How many times commit/release re-read a record another writer moved first. Default 20. */
  readonly maxAttempts?: number
}

/** Expired holds released per sweep round trip. */
const sweepBatch = 100

export const makeRedisStockReservations = (options: RedisStockReservationsOptions) =>
  Effect.gen(function* () {
    const redis = yield* RedisConnection
    const outbox = redis.key(outboxStreamKey(options.outboxName))
    const deadlines = redis.key(StockKeys.deadlines)
    const maxAttempts = options.maxAttempts ?? 20
    const scripts = { reserve: RESERVE_SCRIPT, transition: TRANSITION_SCRIPT, seed: SEED_SCRIPT }
    const shas = {
      reserve: yield* redis.run("SCRIPT LOAD", (c) => c.scriptLoad(RESERVE_SCRIPT)),
      transition: yield* redis.run("SCRIPT LOAD", (c) => c.scriptLoad(TRANSITION_SCRIPT)),
      seed: yield* redis.run("SCRIPT LOAD", (c) => c.scriptLoad(SEED_SCRIPT))
    }

    /** Runs a loaded script, loading it again if the server lost it (a restart flushes the script cache). */
    const script = (name: keyof typeof scripts, keys: Array<string>, args: Array<string>): Effect.Effect<unknown, StoreUnavailable> =>
      redis
        .run(name, async (client: RedisClient) => {
          try {
            return await client.evalSha(shas[name], { keys, arguments: args })
          } catch (error) {
            if (!String(error).includes("NOSCRIPT")) throw error
            return await client.eval(scripts[name], { keys, arguments: args })
          }
        })
        .pipe(Effect.mapError(toStoreUnavailable))

    const read = (orderId: string): Effect.Effect<{ readonly text: string; readonly reservation: Reservation } | undefined, StoreUnavailable> =>
      Effect.gen(function* () {
        const key = StockKeys.reservation(orderId)
        const text = yield* redis.run("reservation", (c) => c.get(redis.key(key))).pipe(Effect.mapError(toStoreUnavailable))
        if (text === null || text === undefined) return undefined
        const decoded = decodeReservation(String(text))
        if (typeof decoded === "string") return yield* new StoreUnavailable({ operation: "reservation", message: `${key}: ${decoded}` })
        return { text: String(text), reservation: decoded }
      })

    const eventFields = (event: OutboxEvent): Array<string> => flattenFields(encodeOutboxEvent(event))

    /** Applies a decided transition if the record is still `expected`; false when another writer moved it first. */
    const transition = (expected: string, next: Reservation, returned: ReadonlyArray<ReservationLine>, event: OutboxEvent) =>
      Effect.flatMap(SessionTtl, (ttlSeconds) =>
        Effect.map(
          script(
            "transition",
            [redis.key(StockKeys.reservation(next.order_id)), deadlines, outbox, ...returned.map((l) => redis.key(StockKeys.stock(l.offer_id)))],
            [
              expected,
              encodeReservation(next),
              next.order_id,
              String(returned.length),
              ...returned.map((l) => String(l.quantity)),
              String(Math.max(1, Math.round(ttlSeconds * 1000))),
              ...eventFields(event)
            ]
          ),
          (reply) => reply === "ok"
        )
      )

    const contention = (operation: string, orderId: string) =>
      new StoreUnavailable({ operation, message: `reservation of order ${orderId} kept changing under ${maxAttempts} attempts` })

    const reserve = Effect.fn("RedisStockReservations.reserve")(function* (request: ReserveRequest) {
      const { problems, lines } = checkRequest(request)
      if (problems.length > 0) return yield* new InvalidReservation({ problems })
      const now = yield* Clock.currentTimeMillis
      const traceparent = yield* currentTraceparent
      const candidate = newReservation(request, lines, uuidv7(now), now)
      const event = reservedEvent(candidate, { occurredAt: new Date(now), traceparent })
      const reply = (yield* script(
        "reserve",
        [redis.key(StockKeys.reservation(request.orderId)), deadlines, outbox, ...lines.map((l) => redis.key(StockKeys.stock(l.offer_id)))],
        [encodeReservation(candidate), String(deadlineMs(candidate)), request.orderId, String(lines.length), ...lines.map((l) => String(l.quantity)), ...eventFields(event)]
      )) as ReadonlyArray<string>
      switch (reply[0]) {
        case "ok":
          return candidate
        case "short": {
          const have = reply.slice(1).map(Number)
          const byOffer = new Map(lines.map((line, i) => [line.offer_id, have[i] ?? 0]))
          return yield* new InsufficientStock({ order_id: request.orderId, lines: shortages(lines, (id) => byOffer.get(id) ?? 0) })
        }
        case "exists": {
          const existing = decodeReservation(String(reply[1]))
          if (typeof existing === "string") return yield* new StoreUnavailable({ operation: "reserve", message: existing })
          const decision = replayDecision(existing, lines)
          if (decision._tag === "Replay") return existing
          return yield* new ReservationConflict({ order_id: request.orderId, reason: decision.reason })
        }
        default:
          return yield* new StoreUnavailable({ operation: "reserve", message: `unexpected reply ${JSON.stringify(reply)}` })
      }
    })

    const commit = Effect.fn("RedisStockReservations.commit")(function* (orderId: string, context?: EventContext) {
      const traceparent = yield* currentTraceparent
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const found = yield* read(orderId)
        if (found === undefined) return yield* new ReservationNotFound({ order_id: orderId })
        const now = yield* Clock.currentTimeMillis
        const decision = commitDecision(found.reservation, now)
        if (decision._tag === "AlreadyCommitted") return found.reservation
        if (decision._tag === "Released") return yield* new ReservationReleased({ order_id: orderId, reason: decision.reason })
        const event = committedEvent(decision.next, { occurredAt: new Date(now), context, traceparent })
        if (yield* transition(found.text, decision.next, [], event)) return decision.next
      }
      return yield* contention("commit", orderId)
    })

    /** Releases `orderId` if `applies` still holds for its current record; undefined when it does not. */
    const releaseIf = (
      orderId: string,
      reason: string,
      applies: (r: Reservation) => boolean,
      context: EventContext | undefined,
      traceparent: string | undefined
    ): Effect.Effect<ReleaseOutcome | "absent" | "not-applicable", StoreUnavailable> =>
      Effect.gen(function* () {
        for (let attempt = 0; attempt < maxAttempts; attempt++) {
          const found = yield* read(orderId)
          if (found === undefined) return "absent" as const
          if (!applies(found.reservation)) return "not-applicable" as const
          const now = yield* Clock.currentTimeMillis
          const decision = releaseDecision(found.reservation, reason, now)
          if (decision._tag === "AlreadyReleased") return { reservation: found.reservation, returned: [] }
          const event = releasedEvent(decision.next, reason, { occurredAt: new Date(now), context, traceparent })
          if (yield* transition(found.text, decision.next, decision.returned, event)) return { reservation: decision.next, returned: decision.returned }
        }
        return yield* contention("release", orderId)
      })

    const release = Effect.fn("RedisStockReservations.release")(function* (orderId: string, reason: string, context?: EventContext) {
      const problems = checkReason(reason)
      if (problems.length > 0) return yield* new InvalidReservation({ problems })
      const traceparent = yield* currentTraceparent
      const outcome = yield* releaseIf(orderId, reason, () => true, context, traceparent)
      if (typeof outcome === "string") return yield* new ReservationNotFound({ order_id: orderId })
      return outcome
    })

    const releaseExpired = Effect.fn("RedisStockReservations.releaseExpired")(function* (now: Date) {
      const traceparent = yield* currentTraceparent
      const nowMs = now.getTime()
      const outcomes: Array<ReleaseOutcome> = []
      const seen = new Set<string>()
      while (true) {
        const due = yield* redis
          .run("releaseExpired", (c) => c.zRangeByScore(deadlines, "-inf", nowMs, { LIMIT: { offset: 0, count: sweepBatch } }))
          .pipe(Effect.mapError(toStoreUnavailable))
        const fresh = due.map(String).filter((id) => !seen.has(id))
        if (fresh.length === 0) break
        for (const orderId of fresh) {
          seen.add(orderId)
          const outcome = yield* releaseIf(orderId, ReleaseReasons.expired, (r) => isExpired(r, nowMs), undefined, traceparent)
          if (typeof outcome === "string") {
            // Not held any more (or never stored): the deadline entry is stale, drop it so the sweep moves on.
            yield* redis.run("releaseExpired", (c) => c.zRem(deadlines, orderId)).pipe(Effect.mapError(toStoreUnavailable))
          } else if (outcome.returned.length > 0) {
            outcomes.push(outcome)
          }
        }
        if (due.length < sweepBatch) break
      }
      return outcomes
    })

    return StockReservations.of({
      reserve,
      commit,
      release,
      releaseExpired,
      reservation: Effect.fn("RedisStockReservations.reservation")(function* (orderId: string) {
        return (yield* read(orderId))?.reservation
      }),
      stock: Effect.fn("RedisStockReservations.stock")(function* (offerIds: ReadonlyArray<string>) {
        if (offerIds.length === 0) return []
        const values = yield* redis
          .run("stock", (c) => c.mGet(offerIds.map((id) => redis.key(StockKeys.stock(id)))))
          .pipe(Effect.mapError(toStoreUnavailable))
        return offerIds.map((offerId, i): StockLevel => ({ offer_id: offerId, stock: Number(values[i] ?? "0") }))
      }),
      seed: Effect.fn("RedisStockReservations.seed")(function* (levels: ReadonlyArray<StockLevel>) {
        if (levels.length === 0) return []
        const bad = levels.find((l) => !(Number.isSafeInteger(l.stock) && l.stock >= 0))
        if (bad !== undefined) return yield* new StoreUnavailable({ operation: "seed", message: `refused: stock of ${bad.offer_id} must be a whole number ≥ 0, got ${bad.stock}` })
        const set = (yield* script(
          "seed",
          levels.map((l) => redis.key(StockKeys.stock(l.offer_id))),
          levels.map((l) => String(l.stock))
        )) as ReadonlyArray<string>
        return set.map((position) => levels[Number(position) - 1]!.offer_id)
      })
    })
  })

/** StockReservations over the RedisConnection in context, appending its events to the app's outbox. */
export const layerRedisStockReservations = (options: RedisStockReservationsOptions): Layer.Layer<StockReservations, RedisError, RedisConnection> =>
  Layer.effect(StockReservations, makeRedisStockReservations(options))
