// The embedded store asks for a full collection only once the sweep has removed a good share of what
// it held, and at least COLLECT_AFTER_AT_LEAST entries: rarely under load, at once after a mass expiry.
import { expect, test } from "bun:test"
import { releasableCache } from "@kasa/shared"
import { COLLECT_AFTER_AT_LEAST, COLLECT_AFTER_SHARE, FullCollection, shouldCollect } from "@kasa/adapter-memory/full-collection"

const big = Math.ceil(COLLECT_AFTER_AT_LEAST / COLLECT_AFTER_SHARE) * 4

const cases: ReadonlyArray<readonly [string, number, number, boolean]> = [
  ["nothing removed", 0, big, false],
  ["a small store emptied", 1_000, 1_000, false],
  ["the minimum, from a store that held little", COLLECT_AFTER_AT_LEAST, COLLECT_AFTER_AT_LEAST, true],
  ["the minimum, but a small share of a big store", COLLECT_AFTER_AT_LEAST, big, false],
  ["just under the share of a big store", big * COLLECT_AFTER_SHARE - 1, big, false],
  ["the share of a big store", big * COLLECT_AFTER_SHARE, big, true]
]

for (const [name, removed, peak, collects] of cases) {
  test(`${name}: ${collects ? "collects" : "waits"}`, () => {
    expect(shouldCollect(removed, peak)).toBe(collects)
  })
}

test("removals add up across slices, and the count starts again after a collection", () => {
  let collections = 0
  const collection = new FullCollection(() => collections++)
  collection.note(0, big)
  const slice = Math.ceil((big * COLLECT_AFTER_SHARE) / 10)
  let held = big
  for (let i = 0; i < 9; i++) expect(collection.note(slice, (held -= slice))).toBe(false)
  expect(collection.note(slice, (held -= slice))).toBe(true)
  expect(collections).toBe(1)
  // What is left is smaller now: the next collection needs the minimum again, not a share of the old peak.
  expect(collection.note(COLLECT_AFTER_AT_LEAST - 1, held - COLLECT_AFTER_AT_LEAST + 1)).toBe(false)
  expect(collections).toBe(1)
})

test("its collection empties the process's releasable caches first (they would keep the last carts alive)", () => {
  const cache = new Map([["cart", "decoded"]])
  releasableCache(() => cache.clear())
  const collection = new FullCollection()
  expect(collection.note(COLLECT_AFTER_AT_LEAST, 0)).toBe(true)
  expect(cache.size).toBe(0)
})
