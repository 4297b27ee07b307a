// The JSON text made once for a value: jsonOf is JSON.stringify for anything not remembered, the
// remembered text for the very object a store encoded, and nothing is remembered for an equal copy.
import { describe, expect, test } from "bun:test"
import { Schema } from "effect"
import { jsonOf, rememberJson, storedJson } from "@kasa/shared"

describe("jsonOf", () => {
  test.each<[string, unknown]>([
    ["an object", { a: 1, b: [true, null] }],
    ["an array", [1, "two"]],
    ["a string", "text"],
    ["a number", 42],
    ["null", null]
  ])("%s nobody remembered: JSON.stringify", (_, value) => {
    expect(jsonOf(value)).toBe(JSON.stringify(value))
  })

  test("a remembered text is what the very object renders to; an equal copy is stringified", () => {
    const value = { a: 1 }
    rememberJson(value, `{"a":1}`)
    expect(jsonOf(value)).toBe(`{"a":1}`)
    rememberJson(value, `{"a": 1}`)
    expect(jsonOf(value)).toBe(`{"a": 1}`)
    expect(jsonOf({ a: 1 })).toBe(`{"a":1}`)
  })

  test("a primitive is never remembered", () => {
    rememberJson("text", "not the text")
    expect(jsonOf("text")).toBe(`"text"`)
  })

  test("a storedJson codec leaves the text it wrote for the value it encoded", () => {
    const codec = storedJson(Schema.Struct({ id: Schema.String, items: Schema.Array(Schema.Int) }))
    const value = { id: "x", items: [1, 2] }
    const written = codec.encode("key:x", value)
    // Changed after it was written (values must not be; here it shows whose text jsonOf gives).
    ;(value.items as Array<number>).push(3)
    expect(jsonOf(value)).toBe(written)
    expect(written).toBe(`{"id":"x","items":[1,2]}`)
  })
})
