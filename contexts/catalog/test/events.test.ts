// The inventory events: names, topic, key, correlation and causation, payloads that decode with
// their own Schemas (what a consumer will check).
import { describe, expect, test } from "bun:test"
import { Schema } from "effect"
import { makeEnvelope, Topics } from "@kasa/shared"
import {
  committedEvent,
  InventoryCommitted,
  InventoryReleased,
  InventoryReserved,
  newReservation,
  releasedEvent,
  reservedEvent
} from "@kasa/catalog"

const at = new Date("2026-03-01T10:00:00.000Z")
const reservation = newReservation(
  { orderId: "ord_7", sessionId: "sess_7", correlationId: "corr_7", lines: [], ttlSeconds: 60 },
  [{ offer_id: "tv-1", quantity: 2 }],
  "rsv_7",
  at.getTime()
)
const cause = makeEnvelope({ eventName: "payment.failed", aggregateId: "sess_7", correlationId: "corr_pay", producer: "payment", payload: {} })

describe("inventory events", () => {
  test.each([
    ["inventory.reserved", reservedEvent(reservation, { occurredAt: at }), InventoryReserved, "corr_7", null],
    ["inventory.committed", committedEvent(reservation, { occurredAt: at, context: { correlationId: "corr_done" } }), InventoryCommitted, "corr_done", null],
    ["inventory.released", releasedEvent(reservation, "payment_failed", { occurredAt: at, context: { causedBy: cause } }), InventoryReleased, "corr_pay", cause.event_id]
  ] as const)("%s", (name, event, schema, correlation, causation) => {
    expect([event.topic, event.key]).toEqual([Topics.inventory, "sess_7"])
    expect(event.envelope).toMatchObject({ event_name: name, aggregate_id: "sess_7", producer: "catalog", correlation_id: correlation, causation_id: causation, occurred_at: at.toISOString() })
    expect(Schema.decodeUnknownResult(schema as Schema.Codec<unknown>)(event.envelope.payload)._tag).toBe("Success")
    expect(event.envelope.payload).toMatchObject({ session_id: "sess_7", order_id: "ord_7", reservation_id: "rsv_7" })
  })

  test("payloads carry the lines, the deadline and the reason", () => {
    expect(reservedEvent(reservation, { occurredAt: at }).envelope.payload).toEqual({
      session_id: "sess_7",
      order_id: "ord_7",
      reservation_id: "rsv_7",
      lines: [{ offer_id: "tv-1", quantity: 2 }],
      expires_at: "2026-03-01T10:01:00.000Z"
    })
    expect(releasedEvent(reservation, "expired", { occurredAt: at }).envelope.payload).toMatchObject({ reason: "expired", lines: [{ offer_id: "tv-1", quantity: 2 }] })
  })

  test("the writer's traceparent rides along as a header", () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    expect(reservedEvent(reservation, { occurredAt: at, traceparent }).headers).toEqual({ traceparent })
    expect(reservedEvent(reservation, { occurredAt: at }).headers).toBeUndefined()
  })
})
