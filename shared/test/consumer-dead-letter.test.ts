// Dead letters and markers as pure data: the original message byte for byte plus the dlq.* headers,
// a marker by event_id or, for bytes that are no envelope, by place on the log (table-driven).
import { describe, expect, test } from "bun:test"
import { deadLetter, type DeliveredMessage, DlqHeaders, type Envelope, makeEnvelope, markerOf, toBusMessage } from "@kasa/shared"

const bytes = new Uint8Array([0xff, 0x00, 0x41])
const delivered: DeliveredMessage = { topic: "cart-events", partition: 2, offset: 41, key: "sess_1", value: bytes, headers: { correlation_id: "corr_1", "x-any": "kept" }, timestamp: 0 }
const envelope: Envelope = makeEnvelope({ eventName: "cart.item_added", aggregateId: "sess_1", correlationId: "corr_1", producer: "cart", payload: {}, eventId: "evt_1" })

describe("dead letters", () => {
  test.each<[string, Envelope | undefined, string]>([
    ["a decoded message", envelope, "evt_1"],
    ["bytes that are no envelope", undefined, "@cart-events/2/41"]
  ])("%s: marked by %s, published as it came with the dlq headers", (_, decoded, id) => {
    expect(markerOf("shipping", delivered, decoded)).toEqual({ group: "shipping", eventId: id })
    const letter = toBusMessage(deadLetter("shipping", delivered, decoded, "x".repeat(5_000), 3))
    expect(letter.topic).toBe("cart-events.dlq")
    expect(letter.key).toBe("sess_1")
    expect([...letter.value]).toEqual([...bytes])
    expect(letter.headers).toEqual({
      correlation_id: "corr_1",
      "x-any": "kept",
      [DlqHeaders.error]: "x".repeat(2_000),
      [DlqHeaders.group]: "shipping",
      [DlqHeaders.topic]: "cart-events",
      [DlqHeaders.partition]: "2",
      [DlqHeaders.offset]: "41",
      [DlqHeaders.attempts]: "3"
    })
  })
})
