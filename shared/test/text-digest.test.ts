// A text's digest is the same in every process and version (stored digests are compared later), 16 hex
// characters, and tells apart texts that differ anywhere.
import { expect, test } from "bun:test"
import { textDigest } from "@kasa/shared"

const known: ReadonlyArray<readonly [string, string]> = [
  ["", "811c9dc501000193"],
  ["01a23cb4-575f-7003-9874-100338771cd4", "abc565798a418e83"],
  ["Lodówka żółć", "3466041c6021175c"]
]

for (const [text, digest] of known) test(`${JSON.stringify(text)} digests to ${digest}`, () => expect(textDigest(text)).toBe(digest))

test("100,000 random event ids give 100,000 digests, each 16 hex characters", () => {
  const digests = new Set<string>()
  for (let i = 0; i < 100_000; i++) {
    const digest = textDigest(crypto.randomUUID())
    expect(digest).toMatch(/^[0-9a-f]{16}$/)
    digests.add(digest)
  }
  expect(digests.size).toBe(100_000)
})

test("texts one character apart, at the start, the middle or the end, digest apart", () => {
  const id = "01a23cb4-575f-7003-9874-100338771cd4"
  for (const at of [0, 18, id.length - 1]) expect(textDigest(id.slice(0, at) + "f" + id.slice(at + 1))).not.toBe(textDigest(id))
})
