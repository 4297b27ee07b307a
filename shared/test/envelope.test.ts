// The envelope: building, encoding, decoding, and rejecting what is not one.
import { describe, expect, test } from "bun:test"
import { decodeEnvelope, encodeEnvelope, makeEnvelope, toBusMessage } from "@kasa/shared"

const base = makeEnvelope({ eventName: "cart.item_added", aggregateId: "sess_abc", correlationId: "corr_1", producer: "cart", payload: { quantity: 2 } })

describe("envelope", () => {
  test("makeEnvelope fills the SPEC §3.1 fields", () => {
    expect(base.event_version).toBe(1)
    expect(base.causation_id).toBeNull()
    expect(base.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/)
    expect(new Date(base.occurred_at).toISOString()).toBe(base.occurred_at)
  })

  test("an event caused by another keeps its correlation id and names its cause", () => {
    const caused = makeEnvelope({ eventName: "cart.cleared", aggregateId: "sess_abc", correlationId: "ignored", producer: "cart", payload: {}, causedBy: base })
    expect(caused.correlation_id).toBe("corr_1")
    expect(caused.causation_id).toBe(base.event_id)
  })

  test("round-trips through bytes", () => {
    const decoded = decodeEnvelope(encodeEnvelope(base))
    expect(decoded).toEqual({ ok: true, envelope: base })
  })

  test("ignores unknown fields (schema evolution)", () => {
    const decoded = decodeEnvelope(new TextEncoder().encode(JSON.stringify({ ...base, added_later: 1 })))
    expect(decoded.ok).toBe(true)
  })

  test.each([
    ["not JSON", "{nope", "not JSON"],
    ["missing event_id", JSON.stringify({ ...base, event_id: undefined }), "not an envelope"],
    ["bad event name", JSON.stringify({ ...base, event_name: "Cart Added" }), "not an envelope"],
    ["version 0", JSON.stringify({ ...base, event_version: 0 }), "not an envelope"],
    ["payload not an object", JSON.stringify({ ...base, payload: 3 }), "not an envelope"],
    ["bad timestamp", JSON.stringify({ ...base, occurred_at: "yesterday" }), "not an envelope"]
  ])("rejects %s", (_, text, reason) => {
    const decoded = decodeEnvelope(new TextEncoder().encode(text))
    expect(decoded.ok).toBe(false)
    if (!decoded.ok) expect(decoded.reason).toContain(reason)
  })

  test("a bus message carries key and the SPEC headers", () => {
    const message = toBusMessage({ topic: "cart-events", key: "sess_abc", envelope: base, headers: { traceparent: "00-x" } })
    expect(message.key).toBe("sess_abc")
    expect(message.headers).toEqual({ traceparent: "00-x", correlation_id: "corr_1", event_name: "cart.item_added", "content-type": "application/json" })
  })
})
