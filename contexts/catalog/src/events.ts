/**
 * What the catalog publishes on `inventory-events` (SPEC §3.4): `inventory.reserved`,
 * `inventory.released` and `inventory.committed`, each carrying the order, the reservation and the
 * session it belongs to (the topic is keyed by session). The payload Schemas document the contract
 * for consumers; the builders turn a reservation into the outbox event a store writes atomically
 * with the stock change.
 */
import { Schema } from "effect"
import { type Envelope, Headers, makeEnvelope, type OutboxEvent, Topics } from "@kasa/shared"
import { type Reservation, ReservationLine } from "./reservation.ts"

export const PRODUCER = "catalog"

export const InventoryEvents = {
  reserved: "inventory.reserved",
  released: "inventory.released",
  committed: "inventory.committed"
} as const

export const InventoryReserved = Schema.Struct({
  session_id: Schema.String,
  order_id: Schema.String,
  reservation_id: Schema.String,
  lines: Schema.Array(ReservationLine),
  expires_at: Schema.String
})
export type InventoryReserved = typeof InventoryReserved.Type

export const InventoryReleased = Schema.Struct({
  session_id: Schema.String,
  order_id: Schema.String,
  reservation_id: Schema.String,
  reason: Schema.String,
  /** The units that went back to stock. */
  lines: Schema.Array(ReservationLine)
})
export type InventoryReleased = typeof InventoryReleased.Type

export const InventoryCommitted = Schema.Struct({
  session_id: Schema.String,
  order_id: Schema.String,
  reservation_id: Schema.String
})
export type InventoryCommitted = typeof InventoryCommitted.Type

export const reservedPayload = (r: Reservation): InventoryReserved => ({
  session_id: r.session_id,
  order_id: r.order_id,
  reservation_id: r.reservation_id,
  lines: r.lines,
  expires_at: r.expires_at
})

export const releasedPayload = (r: Reservation, reason: string): InventoryReleased => ({
  session_id: r.session_id,
  order_id: r.order_id,
  reservation_id: r.reservation_id,
  reason,
  lines: r.lines
})

export const committedPayload = (r: Reservation): InventoryCommitted => ({
  session_id: r.session_id,
  order_id: r.order_id,
  reservation_id: r.reservation_id
})

/**
 * Who asked: a commit or release caused by an event keeps that event's correlation id and names it as
 * the cause; without one the correlation id of the original reservation is kept.
 */
export interface EventContext {
  readonly correlationId?: string
  readonly causedBy?: Envelope
}

/** When and in what context an event is written; `traceparent` (of the span that wrote it) lets the trace cross the bus. */
export interface EventMeta {
  readonly occurredAt: Date
  readonly context?: EventContext | undefined
  readonly traceparent?: string | undefined
  readonly eventId?: string
}

export const inventoryEvent = (eventName: string, reservation: Reservation, payload: Readonly<Record<string, unknown>>, meta: EventMeta): OutboxEvent => ({
  topic: Topics.inventory,
  key: reservation.session_id,
  envelope: makeEnvelope({
    eventName,
    aggregateId: reservation.session_id,
    correlationId: meta.context?.correlationId ?? reservation.correlation_id,
    producer: PRODUCER,
    payload,
    occurredAt: meta.occurredAt,
    ...(meta.context?.causedBy === undefined ? {} : { causedBy: meta.context.causedBy }),
    ...(meta.eventId === undefined ? {} : { eventId: meta.eventId })
  }),
  ...(meta.traceparent === undefined ? {} : { headers: { [Headers.traceparent]: meta.traceparent } })
})

export const reservedEvent = (r: Reservation, meta: EventMeta): OutboxEvent => inventoryEvent(InventoryEvents.reserved, r, reservedPayload(r), meta)

export const releasedEvent = (r: Reservation, reason: string, meta: EventMeta): OutboxEvent =>
  inventoryEvent(InventoryEvents.released, r, releasedPayload(r, reason), meta)

export const committedEvent = (r: Reservation, meta: EventMeta): OutboxEvent => inventoryEvent(InventoryEvents.committed, r, committedPayload(r), meta)
