// A packed stream gives back every entry in order, whatever the folds, and a capped one keeps its newest.
import { expect, test } from "bun:test"
import { FOLD_EVERY, PackedStream } from "@kasa/adapter-memory/packed-stream"

const entry = (n: number) => ({ n: String(n), note: `żółć ${"x".repeat(n % 50)}`, quote: 'a "quoted", [bracketed] value' })

const cases: ReadonlyArray<readonly [string, number, number | undefined]> = [
  ["empty", 0, undefined],
  ["fewer than a fold", FOLD_EVERY - 1, undefined],
  ["exactly one fold", FOLD_EVERY, undefined],
  ["several folds and a tail", FOLD_EVERY * 5 + 2, undefined],
  ["capped, under the cap", 7, 10],
  ["capped, far over the cap", 250, 10],
  ["capped at zero", 9, 0]
]

for (const [name, count, maxLength] of cases) {
  test(`${name}: the entries come back in order`, () => {
    const stream = new PackedStream(undefined)
    for (let n = 0; n < count; n++) stream.append(entry(n), maxLength)
    const got = stream.entries()
    const all = Array.from({ length: count }, (_, n) => entry(n))
    if (maxLength === undefined) expect(got).toEqual(all)
    else {
      // Trimmed when folded: at least the newest maxLength, at most FOLD_EVERY - 1 more.
      expect(got.length).toBeGreaterThanOrEqual(Math.min(count, maxLength))
      expect(got.length).toBeLessThanOrEqual(maxLength + FOLD_EVERY - 1)
      expect(got).toEqual(all.slice(all.length - got.length))
    }
  })
}
