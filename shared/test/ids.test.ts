// Identifiers: UUIDv7 shape and order, unguessable session ids, correlation id acceptance.
import { describe, expect, test } from "bun:test"
import { correlationIdFrom, isSessionId, isUuidv7, newSessionId, uuidv7 } from "@kasa/shared"

describe("ids", () => {
  test("uuidv7 ids are valid and sort in creation order, even within one millisecond", () => {
    const ids = Array.from({ length: 2_000 }, () => uuidv7(1_700_000_000_000))
    for (const id of ids) expect(isUuidv7(id)).toBe(true)
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })

  test("uuidv7 carries the timestamp in its first 48 bits", () => {
    const id = uuidv7(0x01b0d3c2a1b2)
    expect(id.startsWith("01b0d3c2-a1b2-7")).toBe(true)
  })

  test("random session ids are distinct and well-formed", () => {
    const ids = new Set(Array.from({ length: 1_000 }, newSessionId))
    expect(ids.size).toBe(1_000)
    for (const id of ids) expect(isSessionId(id)).toBe(true)
  })

  test.each([
    ["corr_abc-123", "corr_abc-123"],
    ["4bf92f35-77b3", "4bf92f35-77b3"]
  ])("keeps a well-formed correlation id %s", (incoming, expected) => {
    expect(correlationIdFrom(incoming)).toBe(expected)
  })

  test.each([[null], [undefined], [""], ["has space"], ["x".repeat(129)], ["evil\r\nheader: 1"]])("mints a correlation id for %p", (incoming) => {
    expect(correlationIdFrom(incoming)).toMatch(/^corr_[0-9A-Za-z]{20}$/)
  })
})
