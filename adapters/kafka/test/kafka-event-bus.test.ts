// Kafka-specific guarantees beyond the shared contract, which the adapter's revocation point gives:
// with members joining, stopping and closing their scope mid-stream (all gracefully), no partition is
// ever with two handlers at once, each partition is handled in offset order, and nothing is delivered
// twice, because the batch in hand is committed before anyone else takes its partition over.
import { tracingChannel } from "node:diagnostics_channel"
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, Exit, Fiber, ManagedRuntime, Scope } from "effect"
import { EventBus, EventBusAdmin, type BusMessage, type MessageBatch } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { useKafkaRuntime } from "./kafka-test-runtime.ts"
import { runGroup, runTopic } from "@kasa/test-support/infra"

const { run } = useKafkaRuntime("kasa-bus-test")

const text = new TextEncoder()

describe("EventBus: Kafka hand-over", () => {
  test("members joining, stopping and closing their scope mid-stream never share a partition and never repeat a message", async () => {
    const topic = runTopic("handover")
    const group = runGroup("handover")
    const total = 900
    const deliveries = new Map<string, number>()
    const order = new Map<number, Array<number>>()
    const active = new Map<number, number>()
    const overlaps: Array<string> = []
    const handle = (member: string) => (batch: MessageBatch) =>
      Effect.gen(function* () {
        const now = (active.get(batch.partition) ?? 0) + 1
        active.set(batch.partition, now)
        if (now > 1) overlaps.push(`${member} joined partition ${batch.partition} while another member handled it`)
        yield* Effect.sleep(Math.floor(Math.random() * 15))
        for (const message of batch.messages) {
          const key = `${message.partition}:${message.offset}`
          deliveries.set(key, (deliveries.get(key) ?? 0) + 1)
          order.set(message.partition, [...(order.get(message.partition) ?? []), message.offset])
        }
        active.set(batch.partition, (active.get(batch.partition) ?? 1) - 1)
      })
    await run(
        Effect.gen(function* () {
          const admin = yield* EventBusAdmin
          const bus = yield* EventBus
          yield* admin.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1 }])
          const subscribe = (member: string) => bus.subscribe({ group, topics: [topic], handle: handle(member), maxBatch: 7 })
          const producer = yield* Effect.forkChild(
            Effect.forEach(
              Array.from({ length: total / 30 }, (_, round) => round),
              (round) =>
                bus
                  .publish(Array.from({ length: 30 }, (_, i): BusMessage => ({ topic, key: `k${(round * 30 + i) % 17}`, value: text.encode(String(round * 30 + i)), headers: {} })))
                  .pipe(Effect.andThen(Effect.sleep(40))),
              { discard: true }
            )
          )
          const a = yield* subscribe("a")
          yield* a.ready
          const b = yield* subscribe("b")
          yield* b.ready
          const inner = yield* Scope.make()
          const c = yield* subscribe("c").pipe(Scope.provide(inner))
          yield* c.ready
          yield* a.stop
          const d = yield* subscribe("d")
          yield* d.ready
          yield* Scope.close(inner, Exit.succeed(undefined))
          yield* b.stop
          yield* Fiber.join(producer)
          yield* waitUntil(() => deliveries.size >= total, { timeoutMs: 60_000, describe: () => `${deliveries.size} of ${total} delivered` })
          yield* d.stop
        })
    )
    expect(overlaps).toEqual([])
    expect(deliveries.size).toBe(total)
    expect([...deliveries].filter(([, count]) => count !== 1)).toEqual([])
    for (const offsets of order.values()) expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i))
  }, 120_000)
})

// A partition's batches follow one another without a commit round trip between them; the offsets of
// what was handled meanwhile go to the broker together, and by the time the member has stopped every
// handled offset is committed (nothing is delivered again to the next member). The interval is long
// here, so only the stop's own commit can send the last offsets in time.
const commitsRuntime = useKafkaRuntime("kasa-bus-commits", undefined, { commitIntervalMs: 60_000 })

describe("EventBus: Kafka commits", () => {
  test("handled offsets gather and are committed together, not one commit per batch, and all of them at the stop", async () => {
    const topic = runTopic("commits")
    const group = runGroup("commits")
    const total = 120
    let batches = 0
    let handled = 0
    let commits = 0
    let answered = 0
    // The client announces every commit on this diagnostics channel, and its answer; the context names the consumer's group.
    type CommitContext = { readonly client?: { readonly groupId?: string } }
    const commitsChannel = tracingChannel<CommitContext>("plt:kafka:consumer:commits")
    const onCommit = {
      start: (context: CommitContext) => void (context.client?.groupId === group && commits++),
      asyncEnd: (context: CommitContext) => void (context.client?.groupId === group && answered++)
    }
    commitsChannel.subscribe(onCommit)
    try {
      const lag = await commitsRuntime.run(
        Effect.gen(function* () {
          const admin = yield* EventBusAdmin
          const bus = yield* EventBus
          yield* admin.ensureTopics([{ name: topic, partitions: 2, replicationFactor: 1 }])
          yield* bus.publish(Array.from({ length: total }, (_, i): BusMessage => ({ topic, key: `k${i % 5}`, value: text.encode(String(i)), headers: {} })))
          const member = yield* bus.subscribe({
            group,
            topics: [topic],
            maxBatch: 1,
            handle: (batch) =>
              Effect.sync(() => {
                batches++
                handled += batch.messages.length
              })
          })
          // Stop once no commit is with the broker: what is left waits for the interval, unless the stop sends it.
          yield* waitUntil(() => handled >= total && answered === commits, { timeoutMs: 30_000, describe: () => `${handled} of ${total} handled, ${answered} of ${commits} commits answered` })
          yield* member.stop
          return yield* admin.groupLag(group, [topic])
        })
      )
      expect(handled).toBe(total)
      expect(batches).toBe(total)
      expect(commits).toBeGreaterThan(0)
      expect(commits).toBeLessThan(batches)
      expect(lag.map((partition) => partition.lag)).toEqual([0, 0])
    } finally {
      commitsChannel.unsubscribe(onCommit)
    }
  }, 60_000)
})
