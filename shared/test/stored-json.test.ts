// Stored JSON read back through its Schema: the value, unknown fields dropped; text that is not JSON
// and JSON that does not fit both give a reason, never a throw.
import { describe, expect, test } from "bun:test"
import { Result, Schema } from "effect"
import { storedJsonDecoder } from "@kasa/shared"

const decode = storedJsonDecoder(Schema.Struct({ id: Schema.String, count: Schema.Int }))

describe("storedJsonDecoder", () => {
  test.each<[string, string, { readonly id: string; readonly count: number }]>([
    ["a value that fits", `{"id":"a","count":2}`, { id: "a", count: 2 }],
    ["unknown fields dropped", `{"id":"a","count":2,"extra":[1]}`, { id: "a", count: 2 }]
  ])("%s", (_, raw, expected) => {
    expect(Result.getOrThrow(decode(raw))).toEqual(expected)
  })

  test.each<[string, string]>([
    ["text that is not JSON", `{"id":`],
    ["an empty string", ``],
    ["JSON of another shape", `{"id":"a","count":"2"}`],
    ["JSON that is not an object", `[1,2]`]
  ])("%s: a reason, not a throw", (_, raw) => {
    const result = decode(raw)
    expect(Result.isFailure(result)).toBe(true)
    expect(Result.isFailure(result) && result.failure.length > 0).toBe(true)
  })
})
