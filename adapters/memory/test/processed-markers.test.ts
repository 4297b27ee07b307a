// Processed markers in memory live as long as in Redis (a day past the topics' retention) unless given
// a lifetime of their own, and are pruned as later commits come (and by the sweep), so the embedded
// mode's processed set stays bounded; with the broker's horizon they go once their batch is committed.
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { markerLifetimeMs } from "@kasa/shared"
import { makeMemoryStateStore, MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"

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

describe("processed markers: memory, with the broker's horizon", () => {
  test("a group's markers older than its oldest uncommitted batch go at the next prune; newer ones and other groups' stay", () => {
    let now = 10_000
    const horizon = new Map<string, number>()
    const data = new MemoryStateData({ markerLifetimeMs: 60_000, now: () => now, markerHorizon: (group) => horizon.get(group) ?? Number.POSITIVE_INFINITY })
    const mark = (group: string, eventId: string) => data.commit({ processed: [{ group, eventId }] })
    // Both groups hold a batch read at 10,000: what they mark from then on stays.
    horizon.set("a", 10_000)
    horizon.set("b", 10_000)
    mark("a", "a1")
    mark("b", "b1")
    now += 5
    mark("a", "a2")
    expect(data.pruneMarkers(now)).toBe(0)
    // "a" commits its batch and reads the next at 10,005: a1 can go, a2 (of the new batch) stays.
    horizon.set("a", 10_005)
    expect(data.pruneMarkers(now)).toBe(1)
    expect(data.isProcessed("a", "a1")).toBe(false)
    expect(data.isProcessed("b", "b1")).toBe(true)
    expect(data.isProcessed("a", "a2")).toBe(true)
    // Both commit and hold nothing: everything they marked can go.
    horizon.clear()
    expect(data.pruneMarkers(now)).toBe(2)
    expect(data.processed.size).toBe(0)
  })

  test("the broker reports a batch in hand from its first read until its commit, redeliveries included", () => {
    const broker = new MemoryBroker()
    broker.createTopic("t", 2)
    expect(broker.uncommittedSince("g")).toBe(Number.POSITIVE_INFINITY)
    broker.reading("g", "t:0", 100)
    broker.reading("g", "t:1", 150)
    // The batch of t:0 failed and is read again: it still counts from its first read.
    broker.reading("g", "t:0", 200)
    expect(broker.uncommittedSince("g")).toBe(100)
    expect(broker.uncommittedSince("other")).toBe(Number.POSITIVE_INFINITY)
    broker.commit("g", "t", 0, 5)
    expect(broker.uncommittedSince("g")).toBe(150)
    broker.commit("g", "t", 1, 3)
    expect(broker.uncommittedSince("g")).toBe(Number.POSITIVE_INFINITY)
  })
})
