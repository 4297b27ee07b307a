// Stored JSON read back through its Schema: the value, unknown fields dropped; text that is not JSON
// and JSON that does not fit both give a reason, never a throw. A codec (storedJson) gives back the
// very value it encoded or decoded for the text it remembers at a key, and decodes any other text afresh.
import { describe, expect, test } from "bun:test"
import { Result, Schema } from "effect"
import { releaseCaches, REMEMBERED, storedJson, storedJsonDecoder } from "@kasa/shared"

const Counted = Schema.Struct({ id: Schema.String, count: Schema.Int })

const counted = storedJson(Counted)

describe.each([
  ["storedJsonDecoder", storedJsonDecoder(Counted)],
  ["storedJson", (raw: string) => counted.decode("counted:1", raw)]
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
    const raw = codec.encode("counted:a", value)
    expect(raw).toBe(JSON.stringify(value))
    // A copy of the text (as Redis gives it back), not the same string object.
    expect(Result.getOrThrow(codec.decode("counted:a", raw.slice(0, 1) + raw.slice(1)))).toBe(value)
  })

  test("nothing once the process's caches are released: the same text is decoded again, to an equal value", () => {
    const codec = storedJson(Counted)
    const value = { id: "a", count: 1 }
    const raw = codec.encode("counted:a", value)
    releaseCaches()
    const read = Result.getOrThrow(codec.decode("counted:a", raw))
    expect(read).toEqual(value)
    expect(read).not.toBe(value)
  })

  test("any other text, or the same text at another key, is decoded through the Schema", () => {
    const codec = storedJson(Counted)
    const value = { id: "a", count: 1 }
    const raw = codec.encode("counted:a", value)
    expect(Result.getOrThrow(codec.decode("counted:a", `{"id":"a","count":2}`))).toEqual({ id: "a", count: 2 })
    expect(Result.isFailure(codec.decode("counted:a", `{"id":"a","count":1.5}`))).toBe(true)
    const elsewhere = Result.getOrThrow(codec.decode("counted:b", raw))
    expect(elsewhere).toEqual(value)
    expect(elsewhere).not.toBe(value)
  })

  test("one text a key: a key written over and over does not push the other keys' texts out", () => {
    const codec = storedJson(Counted)
    const other = { id: "other", count: 0 }
    const raw = codec.encode("counted:other", other)
    // A batch writing one session many times (each an intermediate text only the last of which is read back).
    for (let i = 0; i < REMEMBERED * 2; i++) codec.encode("counted:busy", { id: "busy", count: i })
    expect(Result.getOrThrow(codec.decode("counted:other", raw))).toBe(other)
  })

  test(`at most ${REMEMBERED} keys, the least recently used forgotten first`, () => {
    const codec = storedJson(Counted)
    const first = { id: "first", count: 0 }
    const kept = { id: "kept", count: 0 }
    codec.encode("counted:first", first)
    codec.encode("counted:kept", kept)
    for (let i = 1; i < REMEMBERED; i++) {
      codec.encode(`counted:other-${i}`, { id: `other-${i}`, count: i })
      // Read on every round: the most recently used, never forgotten.
      codec.decode("counted:kept", JSON.stringify(kept))
    }
    expect(Result.getOrThrow(codec.decode("counted:kept", JSON.stringify(kept)))).toBe(kept)
    const again = Result.getOrThrow(codec.decode("counted:first", JSON.stringify(first)))
    expect(again).toEqual(first)
    expect(again).not.toBe(first)
  })
})
