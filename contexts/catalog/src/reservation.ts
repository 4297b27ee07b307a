/**
 * A stock reservation for one order and the rules of its life, as pure functions every store adapter
 * shares: a request is checked and its lines merged per offer; a reservation holds units until its
 * deadline, then is committed (the units leave for good) or released (they go back, also after a
 * commit when a paid order is cancelled). Replaying a request is idempotent; a different request for
 * the same order, or one after release, is a conflict. Adapters decide atomically, these decide what.
 */
import { Schema } from "effect"
import type { ShortLine } from "./errors.ts"

export const ReservationLine = Schema.Struct({
  offer_id: Schema.String,
  quantity: Schema.Int
})
export type ReservationLine = typeof ReservationLine.Type

export const ReservationStatus = Schema.Literals(["reserved", "committed", "released"])
export type ReservationStatus = typeof ReservationStatus.Type

export const Reservation = Schema.Struct({
  reservation_id: Schema.String,
  order_id: Schema.String,
  session_id: Schema.String,
  correlation_id: Schema.String,
  lines: Schema.Array(ReservationLine),
  status: ReservationStatus,
  reserved_at: Schema.String,
  expires_at: Schema.String,
  committed_at: Schema.optionalKey(Schema.String),
  released_at: Schema.optionalKey(Schema.String),
  release_reason: Schema.optionalKey(Schema.String)
})
export type Reservation = typeof Reservation.Type

/** What the checkout asks for. `ttlSeconds` bounds how long unpaid units are held. */
export interface ReserveRequest {
  readonly orderId: string
  readonly sessionId: string
  readonly correlationId: string
  readonly lines: ReadonlyArray<{ readonly offer_id: string; readonly quantity: number }>
  readonly ttlSeconds: number
}

/** Release reasons the shop uses; any short snake_case word is accepted. */
export const ReleaseReasons = {
  expired: "expired",
  paymentFailed: "payment_failed",
  checkoutCancelled: "checkout_cancelled",
  orderCancelled: "order_cancelled"
} as const

export const maxLinesPerReservation = 200
export const maxQuantityPerLine = 10_000
const idPattern = /^[0-9A-Za-z_.:-]{1,128}$/
const reasonPattern = /^[a-z][a-z0-9_]{0,63}$/

/** Problems of a request (empty when it can be taken), and its lines merged per offer, sorted by offer id. */
export const checkRequest = (request: ReserveRequest): { readonly problems: ReadonlyArray<string>; readonly lines: ReadonlyArray<ReservationLine> } => {
  const problems: Array<string> = []
  if (!idPattern.test(request.orderId)) problems.push("order_id: 1 to 128 letters, digits or _.:-")
  if (!idPattern.test(request.sessionId)) problems.push("session_id: 1 to 128 letters, digits or _.:-")
  if (!idPattern.test(request.correlationId)) problems.push("correlation_id: 1 to 128 letters, digits or _.:-")
  if (!(Number.isFinite(request.ttlSeconds) && request.ttlSeconds > 0)) problems.push(`ttl_seconds: must be a positive number, got ${request.ttlSeconds}`)
  if (request.lines.length === 0) problems.push("lines: at least one line")
  if (request.lines.length > maxLinesPerReservation) problems.push(`lines: at most ${maxLinesPerReservation}`)
  const merged = new Map<string, number>()
  request.lines.forEach((line, i) => {
    if (!idPattern.test(line.offer_id)) problems.push(`lines.${i}.offer_id: 1 to 128 letters, digits or _.:-`)
    if (!(Number.isSafeInteger(line.quantity) && line.quantity >= 1)) problems.push(`lines.${i}.quantity: a whole number of at least 1, got ${line.quantity}`)
    else merged.set(line.offer_id, (merged.get(line.offer_id) ?? 0) + line.quantity)
  })
  for (const [offerId, quantity] of merged) if (quantity > maxQuantityPerLine) problems.push(`lines: ${quantity} units of ${offerId}, at most ${maxQuantityPerLine}`)
  const lines = [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([offer_id, quantity]) => ({ offer_id, quantity }))
  return { problems, lines }
}

export const checkReason = (reason: string): ReadonlyArray<string> =>
  reasonPattern.test(reason) ? [] : [`reason: a snake_case word of up to 64 characters, got ${JSON.stringify(reason)}`]

/** A new reservation holding `lines` (already checked and merged) until `ttlSeconds` after `nowMs`. */
export const newReservation = (
  request: ReserveRequest,
  lines: ReadonlyArray<ReservationLine>,
  reservationId: string,
  nowMs: number
): Reservation => ({
  reservation_id: reservationId,
  order_id: request.orderId,
  session_id: request.sessionId,
  correlation_id: request.correlationId,
  lines,
  status: "reserved",
  reserved_at: new Date(nowMs).toISOString(),
  expires_at: new Date(nowMs + Math.ceil(request.ttlSeconds * 1000)).toISOString()
})

export const deadlineMs = (reservation: Reservation): number => Date.parse(reservation.expires_at)

/** The lines that cannot be taken with `available(offer_id)` units on hand (empty: all of them can). */
export const shortages = (lines: ReadonlyArray<ReservationLine>, available: (offerId: string) => number): ReadonlyArray<ShortLine> =>
  lines.flatMap((line) => {
    const have = Math.max(0, available(line.offer_id))
    return have < line.quantity ? [{ offer_id: line.offer_id, requested: line.quantity, available: have }] : []
  })

const sameLines = (a: ReadonlyArray<ReservationLine>, b: ReadonlyArray<ReservationLine>): boolean =>
  a.length === b.length && a.every((line, i) => line.offer_id === b[i]!.offer_id && line.quantity === b[i]!.quantity)

/** A reserve request for an order that already has a reservation: replay it, or refuse it. */
export type ReplayDecision = { readonly _tag: "Replay" } | { readonly _tag: "Conflict"; readonly reason: string }

export const replayDecision = (existing: Reservation, lines: ReadonlyArray<ReservationLine>): ReplayDecision => {
  if (existing.status === "released") return { _tag: "Conflict", reason: `its reservation ${existing.reservation_id} was released (${existing.release_reason ?? "released"})` }
  if (!sameLines(existing.lines, lines)) return { _tag: "Conflict", reason: `it already holds reservation ${existing.reservation_id} with other lines` }
  return { _tag: "Replay" }
}

export type CommitDecision =
  | { readonly _tag: "Commit"; readonly next: Reservation }
  | { readonly _tag: "AlreadyCommitted" }
  | { readonly _tag: "Released"; readonly reason: string }

export const commitDecision = (reservation: Reservation, nowMs: number): CommitDecision => {
  switch (reservation.status) {
    case "reserved":
      return { _tag: "Commit", next: { ...reservation, status: "committed", committed_at: new Date(nowMs).toISOString() } }
    case "committed":
      return { _tag: "AlreadyCommitted" }
    case "released":
      return { _tag: "Released", reason: reservation.release_reason ?? "released" }
  }
}

export type ReleaseDecision =
  | { readonly _tag: "Release"; readonly next: Reservation; readonly returned: ReadonlyArray<ReservationLine> }
  | { readonly _tag: "AlreadyReleased" }

/** Held or committed units go back to stock; a second release returns nothing. */
export const releaseDecision = (reservation: Reservation, reason: string, nowMs: number): ReleaseDecision =>
  reservation.status === "released"
    ? { _tag: "AlreadyReleased" }
    : {
        _tag: "Release",
        next: { ...reservation, status: "released", released_at: new Date(nowMs).toISOString(), release_reason: reason },
        returned: reservation.lines
      }

/** Still holding units and past its deadline: the sweeper releases it with reason `expired`. */
export const isExpired = (reservation: Reservation, nowMs: number): boolean => reservation.status === "reserved" && deadlineMs(reservation) <= nowMs

const decodeJson = Schema.decodeUnknownResult(Schema.fromJsonString(Reservation))

/** How a reservation is stored (JSON); `decodeReservation` gives a reason instead when the text is not one. */
export const encodeReservation = (reservation: Reservation): string => JSON.stringify(reservation)

export const decodeReservation = (text: string): Reservation | string => {
  const result = decodeJson(text)
  return result._tag === "Success" ? result.success : `not a reservation: ${String(result.failure)}`
}
