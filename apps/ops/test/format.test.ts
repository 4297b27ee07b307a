// How the ops CLI prints: tables, envelopes, dead letters, and what a replay sends back.
import { describe, expect, test } from "bun:test"
import { DlqHeaders, encodeEnvelope, makeEnvelope, type DeliveredMessage } from "@kasa/shared"
import { formatDeadLetter, formatDeadOutboxEntry, formatLag, formatMessage, formatOutboxStats, formatTopics, replayOf, table } from "../src/format.ts"

const envelope = makeEnvelope({ eventName: "cart.item_added", aggregateId: "sess_1", correlationId: "corr_1", producer: "cart", payload: { quantity: 1 }, eventId: "e1" })
const message = (overrides: Partial<DeliveredMessage> = {}): DeliveredMessage => ({
  topic: "cart-events",
  key: "sess_1",
  value: encodeEnvelope(envelope),
  headers: { correlation_id: "corr_1" },
  partition: 2,
  offset: 7,
  timestamp: Date.UTC(2026, 10, 22, 12, 0, 0),
  ...overrides
})

describe("ops formatting", () => {
  test("tables align columns", () => {
    expect(table(["A", "LONGER"], [["xx", 1], ["y", 22]])).toBe("A   LONGER\nxx  1\ny   22")
  })

  test("topics are sorted by name", () => {
    expect(formatTopics([{ name: "b", partitions: 3 }, { name: "a", partitions: 1 }])).toBe("TOPIC  PARTITIONS\na      1\nb      3")
  })

  test("lag rows and the total", () => {
    const text = formatLag("g", [
      { topic: "t", partition: 0, committed: 5, end: 9, lag: 4 },
      { topic: "t", partition: 1, committed: 3, end: 3, lag: 0 }
    ])
    expect(text.split("\n")).toEqual(["TOPIC  PARTITION  COMMITTED  END  LAG", "t      0          5          9    4", "t      1          3          3    0", "group g: total lag 4"])
  })

  test("a message shows where it sits and its envelope", () => {
    const text = formatMessage(message())
    expect(text.split("\n")[0]).toBe("cart-events[2]@7 key=sess_1 2026-11-22T12:00:00.000Z")
    expect(text).toContain('"event_name": "cart.item_added"')
  })

  test("bytes that are not an envelope are shown raw with the reason", () => {
    expect(formatMessage(message({ value: new TextEncoder().encode("hello") }))).toContain("(not an envelope: not JSON")
  })

  const letter = message({
    topic: "cart-events.dlq",
    offset: 0,
    headers: {
      correlation_id: "corr_1",
      [DlqHeaders.error]: "Boom: exploded",
      [DlqHeaders.group]: "shipping-consumer",
      [DlqHeaders.topic]: "cart-events",
      [DlqHeaders.partition]: "2",
      [DlqHeaders.offset]: "7",
      [DlqHeaders.attempts]: "5"
    }
  })

  test("a dead letter shows its origin and error", () => {
    expect(formatDeadLetter(letter).split("\n")).toEqual([
      "cart-events.dlq@0 key=sess_1 cart.item_added e1",
      "  from cart-events[2]@7 group=shipping-consumer attempts=5",
      "  error: Boom: exploded"
    ])
  })

  test("a replay goes to the original topic with the original headers only", () => {
    const replay = replayOf(letter)
    expect(replay.topic).toBe("cart-events")
    expect(replay.key).toBe("sess_1")
    expect(replay.headers).toEqual({ correlation_id: "corr_1" })
    expect(replay.value).toEqual(letter.value)
  })

  test("an outbox's status and an entry set aside, with its reason and fields", () => {
    expect(formatOutboxStats("cart", { pending: 3, oldestAgeMs: 1250, dead: 1 })).toBe("outbox cart: 3 pending, oldest 1.3 s old, 1 set aside")
    expect(
      formatDeadOutboxEntry({ id: "9-0", outboxId: "5-0", reason: "not JSON", setAsideAt: Date.UTC(2026, 10, 22, 12, 0, 0), fields: { topic: "cart-events", key: "s1" } })
    ).toBe("9-0 (outbox entry 5-0) set aside 2026-11-22T12:00:00.000Z\n  reason: not JSON\n  key: s1\n  topic: cart-events")
  })
})
