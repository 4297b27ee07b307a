// The embedded broker does not hold every event it ever carried: a partition forgets what every group
// reading it has committed (offsets stay absolute), and a topic nobody reads keeps only its newest messages.
import { expect, test } from "bun:test"
import { Deferred, Effect } from "effect"
import { EventBus, type DeliveredMessage } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { layerMemoryEventBus, MemoryBroker } from "@kasa/adapter-memory"

const messages = (topic: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ topic, key: "k", value: new TextEncoder().encode(String(from + i)), headers: {} }))

test("a partition is trimmed below the lowest offset every reading group committed; offsets stay absolute", async () => {
  const broker = new MemoryBroker({ trim: true })
  broker.createTopic("t", 1)
  const partition = broker.topics.get("t")![0]!
  const fast: Array<DeliveredMessage> = []
  const slow: Array<DeliveredMessage> = []
  const late: Array<DeliveredMessage> = []
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const release = yield* Deferred.make<void>()
        yield* bus.subscribe({ group: "fast", topics: ["t"], handle: (batch) => Effect.sync(() => fast.push(...batch.messages)) })
        // "slow" takes its first batch and holds it until released: nothing it has not committed may go.
        yield* bus.subscribe({
          group: "slow",
          topics: ["t"],
          maxBatch: 100,
          handle: (batch) => Effect.andThen(Deferred.await(release), Effect.sync(() => slow.push(...batch.messages)))
        })
        yield* bus.publish(messages("t", 0, 1_000))
        yield* waitUntil(() => fast.length === 1_000, { timeoutMs: 5_000, describe: () => `fast has ${fast.length}` })
        expect(partition.base).toBe(0)
        expect(partition.log.length).toBe(1_000)
        yield* Deferred.succeed(release, undefined)
        yield* waitUntil(() => slow.length === 1_000 && partition.log.length === 0, {
          timeoutMs: 5_000,
          describe: () => `slow has ${slow.length}; log from ${partition.base}, ${partition.log.length} held`
        })
        expect(partition.base).toBe(1_000)
        expect(slow.map((m) => m.offset)).toEqual(Array.from({ length: 1_000 }, (_, i) => i))
        expect(broker.lag("slow", ["t"])).toEqual([{ topic: "t", partition: 0, committed: 1_000, end: 1_000, lag: 0 }])
        // A group that comes later starts at the base; new messages keep counting from there.
        yield* bus.subscribe({ group: "late", topics: ["t"], handle: (batch) => Effect.sync(() => late.push(...batch.messages)) })
        yield* bus.publish(messages("t", 1_000, 5))
        yield* waitUntil(() => late.length === 5 && fast.length === 1_005 && slow.length === 1_005, { timeoutMs: 5_000, describe: () => `late has ${late.length}` })
        expect(late.map((m) => m.offset)).toEqual([1_000, 1_001, 1_002, 1_003, 1_004])
        expect(new TextDecoder().decode(late[0]!.value)).toBe("1000")
      }).pipe(Effect.provide(layerMemoryEventBus(broker)))
    )
  )
})

test("a topic no group reads keeps only its newest messages when trimming; without trimming every message stays", async () => {
  const trimmed = new MemoryBroker({ trim: true, keepUnread: 100 })
  const kept = new MemoryBroker()
  for (const broker of [trimmed, kept]) {
    broker.createTopic("unread", 1)
    for (let from = 0; from < 2_000; from += 50) broker.append(messages("unread", from, 50))
  }
  const log = trimmed.topics.get("unread")![0]!
  expect(log.log.length).toBeGreaterThanOrEqual(100)
  expect(log.log.length).toBeLessThan(1_000)
  expect(log.end).toBe(2_000)
  expect(log.log.at(-1)!.offset).toBe(1_999)
  expect(log.log[0]!.offset).toBe(log.base)
  expect(kept.topics.get("unread")![0]!.log.length).toBe(2_000)
})
