// W3C traceparent parsing and formatting.
import { describe, expect, test } from "bun:test"
import { formatTraceparent, parseTraceparent } from "@kasa/shared"

describe("traceparent", () => {
  test("round-trips", () => {
    const header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    const parsed = parseTraceparent(header)
    expect(parsed).toEqual({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", sampled: true })
    expect(formatTraceparent(parsed!)).toBe(header)
  })

  test.each([
    [undefined],
    ["garbage"],
    ["00-00000000000000000000000000000000-00f067aa0ba902b7-01"],
    ["00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"],
    ["00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"]
  ])("rejects %p", (header) => {
    expect(parseTraceparent(header)).toBeUndefined()
  })
})
