// One decode of a record for every group of the process: the same record delivered to two groups (each
// with its own copy of the bytes) gives both the same envelope; a different record, or what sits at the
// same position on another bus of the process or after the topic was made again, is decoded on its own;
// undecodable bytes stay undecodable. An in-process bus's message (one object for every group) keeps its
// decode with it, however many records come between.
import { describe, expect, test } from "bun:test"
import { DECODES_KEPT, deliveredEnvelope, type DeliveredMessage, encodeEnvelope, makeEnvelope, releaseCaches } from "@kasa/shared"

const topic = `delivered-${crypto.randomUUID()}`
const envelope = (n: number) => makeEnvelope({ eventName: "cart.item_added", aggregateId: "agg", correlationId: `corr_${n}`, producer: "test", payload: { n } })
const delivered = (value: Uint8Array, offset: number, timestamp = 1_000): DeliveredMessage => ({ topic, partition: 0, offset, timestamp, key: "agg", value, headers: {} })
const copy = (bytes: Uint8Array) => new Uint8Array(bytes)

describe("deliveredEnvelope", () => {
  test("the same record delivered twice (two copies of its bytes): one envelope, the same object", () => {
    const bytes = encodeEnvelope(envelope(1))
    const first = deliveredEnvelope(delivered(copy(bytes), 1))
    const second = deliveredEnvelope(delivered(copy(bytes), 1))
    expect(first.ok && first.envelope.correlation_id).toBe("corr_1")
    expect(second).toBe(first)
  })

  test("released with the process's caches: the same record is decoded again, to an equal envelope", () => {
    const bytes = encodeEnvelope(envelope(4))
    const first = deliveredEnvelope(delivered(copy(bytes), 4))
    releaseCaches()
    const again = deliveredEnvelope(delivered(copy(bytes), 4))
    expect(again).not.toBe(first)
    expect(again).toEqual(first)
  })

  test.each<[string, (bytes: Uint8Array) => DeliveredMessage]>([
    ["another offset", (bytes) => delivered(bytes, 3)],
    ["the same offset with another timestamp (the topic made again)", (bytes) => delivered(bytes, 2, 2_000)],
    ["the same offset, timestamp and length with other bytes (another bus of the process)", (bytes) => delivered(bytes, 2)]
  ])("%s is decoded on its own", (_, other) => {
    const first = deliveredEnvelope(delivered(encodeEnvelope(envelope(2)), 2))
    const second = deliveredEnvelope(other(encodeEnvelope(envelope(3))))
    expect(second).not.toBe(first)
    expect(second.ok && second.envelope.correlation_id).toBe("corr_3")
  })

  test("what it keeps of a value is a copy, not a view of the response the value came in", () => {
    const bytes = encodeEnvelope(envelope(6))
    const response = Buffer.alloc(bytes.length + 100)
    response.set(bytes, 50)
    const first = deliveredEnvelope(delivered(response.subarray(50, 50 + bytes.length), 20))
    response.fill(0) // the client reads its next response into the same memory
    expect(deliveredEnvelope(delivered(copy(bytes), 20))).toBe(first)
  })

  test("undecodable bytes are undecodable for every group", () => {
    const bytes = new TextEncoder().encode("not json")
    expect(deliveredEnvelope(delivered(copy(bytes), 4)).ok).toBe(false)
    expect(deliveredEnvelope(delivered(copy(bytes), 4)).ok).toBe(false)
  })

  test(`it keeps the last ${DECODES_KEPT} records: an older one is decoded again`, () => {
    const bytes = encodeEnvelope(envelope(5))
    const first = deliveredEnvelope(delivered(bytes, 10))
    expect(deliveredEnvelope(delivered(bytes, 10))).toBe(first)
    for (let i = 0; i < DECODES_KEPT; i++) deliveredEnvelope(delivered(bytes, 100 + i))
    const again = deliveredEnvelope(delivered(bytes, 10))
    expect(again).not.toBe(first)
    expect(again).toEqual(first)
  })

  test("an in-process message keeps its decode with it, however many records come between, until the caches are released", () => {
    const message: DeliveredMessage = { ...delivered(encodeEnvelope(envelope(7)), 30), inProcess: true }
    const first = deliveredEnvelope(message)
    expect(first.ok && first.envelope.correlation_id).toBe("corr_7")
    for (let i = 0; i < DECODES_KEPT + 1; i++) deliveredEnvelope({ ...delivered(encodeEnvelope(envelope(8)), 200 + i), inProcess: true })
    expect(deliveredEnvelope(message)).toBe(first)
    releaseCaches()
    const again = deliveredEnvelope(message)
    expect(again).not.toBe(first)
    expect(again).toEqual(first)
  })

  test("an in-process message is its own record: another object at the same position is decoded on its own", () => {
    const first = deliveredEnvelope({ ...delivered(encodeEnvelope(envelope(9)), 40), inProcess: true })
    const other = deliveredEnvelope({ ...delivered(encodeEnvelope(envelope(10)), 40), inProcess: true })
    expect(other).not.toBe(first)
    expect(other.ok && other.envelope.correlation_id).toBe("corr_10")
  })
})
