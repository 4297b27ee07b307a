// Processed markers in memory live as long as in Redis (a day past the topics' retention) and are
// pruned as later commits come, so the embedded mode's processed set stays bounded.
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { markerLifetimeMs } from "@kasa/shared"
import { makeMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"

describe("processed markers: memory", () => {
  test("a marker counts until its lifetime is over, then later commits prune it", async () => {
    const retention = 60 * 60 * 1000
    let now = 1_000_000
    const data = new MemoryStateData({ topicRetentionMs: retention, now: () => now })
    const store = makeMemoryStateStore(data)
    const mark = (eventId: string) => Effect.runPromise(store.commit({ processed: [{ group: "g", eventId }] }))
    const processed = (ids: ReadonlyArray<string>) => Effect.runPromise(store.processed("g", ids)).then((set) => [...set].sort())

    for (let i = 0; i < 100; i++) await mark(`old-${i}`)
    now += markerLifetimeMs(retention) - 1
    await mark("young")
    expect(await processed(["old-0", "old-99", "young"])).toEqual(["old-0", "old-99", "young"])
    expect(await mark("old-0")).toBe("duplicate")

    now += 1
    expect(await processed(["old-0", "old-99", "young"])).toEqual(["young"])
    expect(data.processed.size).toBe(101)
    await mark("later")
    expect(data.processed.size).toBe(2)
    expect(await processed(["young", "later"])).toEqual(["later", "young"])
  })

  test("a lifetime of its own (the embedded app's: the memory broker never delivers a committed offset again) replaces retention + 1 day", async () => {
    let now = 5_000
    const store = makeMemoryStateStore(new MemoryStateData({ topicRetentionMs: 7 * 24 * 60 * 60 * 1000, markerLifetimeMs: 1_000, now: () => now }))
    await Effect.runPromise(store.commit({ processed: [{ group: "g", eventId: "e" }] }))
    now += 999
    expect([...(await Effect.runPromise(store.processed("g", ["e"])))]).toEqual(["e"])
    now += 1
    expect([...(await Effect.runPromise(store.processed("g", ["e"])))]).toEqual([])
  })
})
