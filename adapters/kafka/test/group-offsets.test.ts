// skipGroupsToEnd over a real broker: a group that never committed, with a backlog on its topic, is
// moved to the end (a topic that does not exist is passed over), and what it reads next is only what
// was published after.
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { EventBus, EventBusAdmin, type BusMessage, type PartitionLag } from "@kasa/shared"
import { waitUntilEffect } from "@kasa/shared/testing/eventually"
import { skipGroupsToEnd } from "../src/testing/group-offsets.ts"
import { useKafkaRuntime } from "./kafka-test-runtime.ts"
import { runGroup, runTopic, testKafka } from "@kasa/test-support/infra"

const { run } = useKafkaRuntime("kasa-group-offsets-test")

const text = new TextEncoder()
const message = (topic: string, i: number): BusMessage => ({ topic, key: `k${i % 3}`, value: text.encode(JSON.stringify({ i })), headers: {} })
const sum = (lags: ReadonlyArray<PartitionLag>, field: "committed" | "lag") => lags.reduce((total, l) => total + l[field], 0)

describe("skipGroupsToEnd: Kafka", () => {
  test("a group with a backlog it never read starts at the end, and reads only what comes after", async () => {
    const topic = runTopic("skip-to-end")
    const group = runGroup("skip-to-end")
    const { brokers } = await testKafka()
    const [before, after, read] = await run(
      Effect.gen(function* () {
        const admin = yield* EventBusAdmin
        const bus = yield* EventBus
        yield* admin.ensureTopics([{ name: topic, partitions: 2, replicationFactor: 1 }])
        yield* bus.publish(Array.from({ length: 20 }, (_, i) => message(topic, i)))
        const before = yield* admin.groupLag(group, [topic])
        yield* Effect.promise(() => skipGroupsToEnd(brokers, { [group]: [topic, runTopic("skip-to-end-missing")] }))
        const after = yield* admin.groupLag(group, [topic])
        yield* bus.publish(Array.from({ length: 5 }, (_, i) => message(topic, 20 + i)))
        const read: Array<number> = []
        const subscription = yield* bus.subscribe({
          group,
          topics: [topic],
          handle: (batch) => Effect.sync(() => void read.push(...batch.messages.map((m) => (JSON.parse(new TextDecoder().decode(m.value)) as { i: number }).i)))
        })
        yield* subscription.ready
        yield* waitUntilEffect(Effect.sync(() => read.length >= 5), { timeoutMs: 30_000, describe: () => `read ${JSON.stringify(read)}` })
        yield* subscription.stop
        return [before, after, read] as const
      })
    )
    expect(sum(before, "lag")).toBe(20)
    expect(sum(after, "lag")).toBe(0)
    expect(sum(after, "committed")).toBe(20)
    expect(read.sort((a, b) => a - b)).toEqual([20, 21, 22, 23, 24])
  })
})
