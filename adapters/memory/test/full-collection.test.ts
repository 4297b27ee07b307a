// The embedded store asks for a full collection only once the sweep has removed a good share of what
// it held, and at least COLLECT_AFTER_AT_LEAST entries: rarely under load, at once after a mass expiry;
// and shrinks the runtime's footprint as well once the store has emptied out, or has grown and gone
// quiet, never under a steady load.
import { expect, test } from "bun:test"
import { releasableCache } from "@kasa/shared"
import { COLLECT_AFTER_AT_LEAST, COLLECT_AFTER_SHARE, collectionFor, EMPTIED_SHARE, FullCollection, QUIET_NOTES, shouldCollect } from "@kasa/adapter-memory/full-collection"

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

const emptied = Math.floor(big * EMPTIED_SHARE)

const actions: ReadonlyArray<readonly [string, number, number, number, number, number, number, ReturnType<typeof collectionFor>]> = [
  // name, removed since the last collection, held now, peak since the last collection, most since the last shrink, grown since the last collection, sweeps without a commit
  ["nothing removed, the store empty", 0, 0, big, big, 0, 0, "none"],
  ["a steady load: a share removed, as much held", big * COLLECT_AFTER_SHARE, big, big, big, 0, 0, "collect"],
  ["a steady load: a little removed", 10, big, big, big, 0, 0, "none"],
  ["the store emptied out", 10, emptied, emptied + 10, big, 0, 0, "shrink"],
  ["just over the emptied share", 10, emptied + 1, emptied + 11, big, 0, 0, "none"],
  ["a small store emptied", 1_000, 0, 1_000, 1_000, 0, 0, "none"],
  ["a store of the minimum size emptied", COLLECT_AFTER_AT_LEAST, 0, COLLECT_AFTER_AT_LEAST, COLLECT_AFTER_AT_LEAST, 0, 0, "shrink"],
  ["grown by the minimum, then quiet", 0, big, big, big, COLLECT_AFTER_AT_LEAST, QUIET_NOTES, "shrink"],
  ["grown by the minimum, quiet not long enough", 0, big, big, big, COLLECT_AFTER_AT_LEAST, QUIET_NOTES - 1, "none"],
  ["quiet, grown by less than the minimum", 0, big, big, big, COLLECT_AFTER_AT_LEAST - 1, QUIET_NOTES * 10, "none"],
  ["grown, still busy", 0, big, big, big, big, 0, "none"]
]

for (const [name, removed, held, peak, most, grown, quietNotes, action] of actions) {
  test(`${name}: ${action}`, () => {
    expect(collectionFor({ removed, held, peak, most, grown, quietNotes })).toBe(action)
  })
}

test("a burst that fills the store and stops is collected once when it goes quiet, not again until as much more comes", () => {
  const done: Array<string> = []
  const collection = new FullCollection(
    () => done.push("collect"),
    () => done.push("shrink")
  )
  let commits = 0
  let held = 0
  // The burst: commits every sweep, the store growing.
  for (let sweep = 0; sweep < 50; sweep++) expect(collection.note(0, (held += 1_000), (commits += 100))).toBe("none")
  // Quiet: nothing until QUIET_NOTES sweeps without a commit, then one shrink.
  for (let sweep = 1; sweep < QUIET_NOTES; sweep++) expect(collection.note(0, held, commits)).toBe("none")
  expect(collection.note(0, held, commits)).toBe("shrink")
  for (let sweep = 0; sweep < QUIET_NOTES * 3; sweep++) expect(collection.note(0, held, commits)).toBe("none")
  // A trickle afterwards, with pauses: never again until the store has grown by the minimum.
  for (let round = 0; round < 10; round++) {
    expect(collection.note(0, (held += 10), (commits += 1))).toBe("none")
    for (let sweep = 0; sweep < QUIET_NOTES * 2; sweep++) expect(collection.note(0, held, commits)).toBe("none")
  }
  expect(done).toEqual(["shrink"])
})

test("a store that empties out shrinks once, then collects as before when it fills and empties again", () => {
  const done: Array<string> = []
  const collection = new FullCollection(
    () => done.push("collect"),
    () => done.push("shrink")
  )
  let held = big
  collection.note(0, held, 1)
  // Sessions expire slice by slice with nothing new coming: collections along the way, then one shrink.
  const slice = Math.ceil(big / 40)
  while (held > 0) {
    const removed = Math.min(slice, held)
    collection.note(removed, (held -= removed), 1)
  }
  expect(done.filter((what) => what === "shrink")).toHaveLength(1)
  expect(done.at(-1)).toBe("shrink")
  expect(done.filter((what) => what === "collect").length).toBeGreaterThan(0)
  // Filled and emptied again: it shrinks again.
  collection.note(0, big, 2)
  expect(collection.note(big, 0, 2)).toBe("shrink")
  expect(done.filter((what) => what === "shrink")).toHaveLength(2)
})

test("removals add up across slices, and the count starts again after a collection", () => {
  let collections = 0
  const collection = new FullCollection(() => collections++)
  collection.note(0, big, 1)
  const slice = Math.ceil((big * COLLECT_AFTER_SHARE) / 10)
  let held = big
  for (let i = 0; i < 9; i++) expect(collection.note(slice, (held -= slice), 1)).toBe("none")
  expect(collection.note(slice, (held -= slice), 1)).toBe("collect")
  expect(collections).toBe(1)
  // What is left is smaller now: the next collection needs the minimum again, not a share of the old peak.
  expect(collection.note(COLLECT_AFTER_AT_LEAST - 1, held - COLLECT_AFTER_AT_LEAST + 1, 1)).toBe("none")
  expect(collections).toBe(1)
})

test("its collection empties the process's releasable caches first (they would keep the last carts alive)", () => {
  const cache = new Map([["cart", "decoded"]])
  releasableCache(() => cache.clear())
  const collection = new FullCollection()
  expect(collection.note(COLLECT_AFTER_AT_LEAST, COLLECT_AFTER_AT_LEAST, 1)).toBe("collect")
  expect(cache.size).toBe(0)
})

test("its shrink empties the caches too, and runs (Bun.shrink) in this runtime", () => {
  const cache = new Map([["cart", "decoded"]])
  releasableCache(() => cache.clear())
  const collection = new FullCollection()
  collection.note(0, COLLECT_AFTER_AT_LEAST, 1)
  expect(collection.note(COLLECT_AFTER_AT_LEAST, 0, 1)).toBe("shrink")
  expect(cache.size).toBe(0)
})
