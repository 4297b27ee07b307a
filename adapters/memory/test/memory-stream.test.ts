// A stream gives back its entries in order; a capped one keeps at least its newest `maxLength` and
// never more than `TRIM_SLACK` beyond them. Entries are short (held as they are) and long (deflated).
import { expect, test } from "bun:test"
import { MemoryStream, TRIM_SLACK } from "@kasa/adapter-memory/memory-stream"

const entry = (n: number) => ({ n: String(n), note: `żółć ${"x".repeat((n % 50) * 7)}`, quote: 'a "quoted", [bracketed] value' })

const cases: ReadonlyArray<readonly [string, number, number | undefined]> = [
  ["empty", 0, undefined],
  ["a few", 3, undefined],
  ["many, uncapped", 300, undefined],
  ["capped, under the cap", 7, 10],
  ["capped, just past the slack", 10 + TRIM_SLACK + 1, 10],
  ["capped, far over the cap", 250, 10],
  ["capped at zero", 40, 0]
]

for (const [name, count, maxLength] of cases) {
  test(`${name}: the entries come back in order`, () => {
    const stream = new MemoryStream(undefined)
    for (let n = 0; n < count; n++) stream.append(entry(n), maxLength)
    const got = stream.entries()
    const all = Array.from({ length: count }, (_, n) => entry(n))
    if (maxLength === undefined) expect(got).toEqual(all)
    else {
      expect(got.length).toBeGreaterThanOrEqual(Math.min(count, maxLength))
      expect(got.length).toBeLessThanOrEqual(maxLength + TRIM_SLACK)
      expect(got).toEqual(all.slice(all.length - got.length))
    }
  })
}

test("a capped stream's bytes stay those of the entries it keeps", () => {
  const stream = new MemoryStream(undefined)
  const sizes: Array<number> = []
  for (let n = 0; n < 1_000; n++) {
    const before = stream.byteLength
    stream.append(entry(n), 10)
    sizes.push(stream.byteLength - before)
  }
  expect(stream.length).toBeLessThanOrEqual(10 + TRIM_SLACK)
  expect(stream.byteLength).toBeLessThanOrEqual(Math.max(...sizes.slice(-100)) * (10 + TRIM_SLACK))
  expect(stream.entries()).toEqual(Array.from({ length: stream.length }, (_, i) => entry(1_000 - stream.length + i)))
})
