// Stored JSON read back through its Schema: the value, unknown fields dropped; text that is not JSON
// and JSON that does not fit both give a reason, never a throw. A codec (storedJson) gives back the
// very value it encoded or decoded for a text it remembers, and decodes any other text afresh.
import { describe, expect, test } from "bun:test"
import { Result, Schema } from "effect"
import { REMEMBERED, storedJson, storedJsonDecoder } from "@kasa/shared"

const Counted = Schema.Struct({ id: Schema.String, count: Schema.Int })

describe.each([
  ["storedJsonDecoder", storedJsonDecoder(Counted)],
  ["storedJson", storedJson(Counted).decode]
] as const)("%s", (_, decode) => {
  test.each<[string, string, { readonly id: string; readonly count: number }]>([
    ["a value that fits", `{"id":"a","count":2}`, { id: "a", count: 2 }],
    ["unknown fields dropped", `{"id":"a","count":2,"extra":[1]}`, { id: "a", count: 2 }]
  ])("%s", (_, raw, expected) => {
    expect(Result.getOrThrow(decode(raw))).toEqual(expected)
    // Again: a remembered text gives the same value.
    expect(Result.getOrThrow(decode(raw))).toEqual(expected)
  })

  test.each<[string, string]>([
    ["text that is not JSON", `{"id":`],
    ["an empty string", ``],
    ["JSON of another shape", `{"id":"a","count":"2"}`],
    ["JSON that is not an object", `[1,2]`]
  ])("%s: a reason, not a throw, every time", (_, raw) => {
    for (const result of [decode(raw), decode(raw)]) {
      expect(Result.isFailure(result)).toBe(true)
      expect(Result.isFailure(result) && result.failure.length > 0).toBe(true)
    }
  })
})

describe("storedJson remembers", () => {
  test("the text it encoded reads back as the value it was given, without a parse", () => {
    const codec = storedJson(Counted)
    const value = { id: "a", count: 1 }
    const raw = codec.encode(value)
    expect(raw).toBe(JSON.stringify(value))
    // A copy of the text (as Redis gives it back), not the same string object.
    expect(Result.getOrThrow(codec.decode(raw.slice(0, 1) + raw.slice(1)))).toBe(value)
  })

  test("any other text is decoded through the Schema", () => {
    const codec = storedJson(Counted)
    codec.encode({ id: "a", count: 1 })
    expect(Result.getOrThrow(codec.decode(`{"id":"a","count":2}`))).toEqual({ id: "a", count: 2 })
    expect(Result.isFailure(codec.decode(`{"id":"a","count":1.5}`))).toBe(true)
  })

  test(`at most ${REMEMBERED} texts, the least recently used forgotten first`, () => {
    const codec = storedJson(Counted)
    const first = { id: "first", count: 0 }
    const kept = { id: "kept", count: 0 }
    codec.encode(first)
    codec.encode(kept)
    for (let i = 1; i < REMEMBERED; i++) {
      codec.encode({ id: `other-${i}`, count: i })
      // Read on every round: the most recently used, never forgotten.
      codec.decode(JSON.stringify(kept))
    }
    expect(Result.getOrThrow(codec.decode(JSON.stringify(kept)))).toBe(kept)
    const again = Result.getOrThrow(codec.decode(JSON.stringify(first)))
    expect(again).toEqual(first)
    expect(again).not.toBe(first)
  })
})
