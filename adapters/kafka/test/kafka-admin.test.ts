// EventBusAdmin over a real Kafka broker: idempotent provisioning, listing, group lag after a group
// consumed part of a topic, reading a topic without a group, ping, and errors that stay on the port.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Admin, ConfigResourceTypes } from "@platformatic/kafka"
import { Effect, Exit, ManagedRuntime } from "effect"
import { EventBus, EventBusAdmin, topicSpecs, type BusMessage, type DeliveredMessage, type PartitionLag } from "@kasa/shared"
import { waitUntilEffect } from "@kasa/shared/testing/eventually"
import { useKafkaRuntime } from "./kafka-test-runtime.ts"
import { runGroup, runTopic, testKafka } from "@kasa/test-support/infra"

const { run } = useKafkaRuntime("kasa-admin-test")

const text = new TextEncoder()
const message = (topic: string, i: number): BusMessage => ({ topic, key: `k${i % 5}`, value: text.encode(JSON.stringify({ i })), headers: { n: String(i) } })
const sum = (lags: ReadonlyArray<PartitionLag>, field: "committed" | "end" | "lag") => lags.reduce((total, l) => total + l[field], 0)

describe("EventBusAdmin: Kafka", () => {
  test("ensureTopics creates what is missing, leaves what exists, and listTopics shows the partition counts", async () => {
    const a = runTopic("admin-ensure-a")
    const b = runTopic("admin-ensure-b")
    const topics = await run(
      Effect.gen(function* () {
        const admin = yield* EventBusAdmin
        yield* admin.ensureTopics([{ name: a, partitions: 3, replicationFactor: 1 }])
        yield* admin.ensureTopics([{ name: a, partitions: 3, replicationFactor: 1 }])
        // Existing topics are left as they are, even when the spec asks for something else.
        yield* admin.ensureTopics([
          { name: a, partitions: 6, replicationFactor: 1 },
          { name: b, partitions: 2, replicationFactor: 1 }
        ])
        return yield* admin.listTopics
      })
    )
    expect(topics.find((t) => t.name === a)).toEqual({ name: a, partitions: 3 })
    expect(topics.find((t) => t.name === b)).toEqual({ name: b, partitions: 2 })
    expect(topics.some((t) => t.name.startsWith("__"))).toBe(false)
  })

  test("ensureTopics sets retention.ms on what it creates and brings existing topics to it (read back with describeConfigs)", async () => {
    const day = 24 * 60 * 60 * 1000
    const specs = topicSpecs({ partitions: 1, replicationFactor: 1, retentionMs: 2 * day, dlqRetentionMs: 9 * day }, ["admin-retention"], runTopic)
    const existing = runTopic("admin-retention-existing")
    await run(
      Effect.gen(function* () {
        const admin = yield* EventBusAdmin
        yield* admin.ensureTopics([{ name: existing, partitions: 1, replicationFactor: 1 }])
        yield* admin.ensureTopics([...specs, { name: existing, partitions: 1, replicationFactor: 1, retentionMs: 3 * day }])
      })
    )
    const client = new Admin({ clientId: "kasa-admin-test-retention", bootstrapBrokers: (await testKafka()).brokers.split(",") })
    try {
      const names = [...specs.map((spec) => spec.name), existing]
      const described = await client.describeConfigs({
        resources: names.map((name) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: name, configurationKeys: ["retention.ms"] }))
      })
      const retention = Object.fromEntries(described.map((r) => [r.resourceName, r.configs.find((c) => c.name === "retention.ms")?.value]))
      expect(retention).toEqual({ [specs[0]!.name]: String(2 * day), [specs[1]!.name]: String(9 * day), [existing]: String(3 * day) })
    } finally {
      await client.close()
    }
  })

  test("groupLag reports committed, end and lag per partition after a group consumed part of a topic", async () => {
    const topic = runTopic("admin-lag")
    const group = runGroup("admin-lag")
    const lags = await run(
      Effect.gen(function* () {
        const admin = yield* EventBusAdmin
        const bus = yield* EventBus
        yield* admin.ensureTopics([{ name: topic, partitions: 2, replicationFactor: 1 }])
        const before = yield* admin.groupLag(group, [topic])
        expect(sum(before, "lag")).toBe(0)
        yield* bus.publish(Array.from({ length: 30 }, (_, i) => message(topic, i)))
        expect(sum(yield* admin.groupLag(group, [topic]), "lag")).toBe(30)
        const seen: Array<DeliveredMessage> = []
        const subscription = yield* bus.subscribe({ group, topics: [topic], handle: (batch) => Effect.sync(() => void seen.push(...batch.messages)) })
        yield* subscription.ready
        let last: ReadonlyArray<PartitionLag> = []
        yield* waitUntilEffect(
          Effect.map(admin.groupLag(group, [topic]), (l) => sum((last = l), "committed") === 30),
          { timeoutMs: 30_000, describe: () => `seen ${seen.length}, lag ${JSON.stringify(last)}` }
        )
        yield* subscription.stop
        yield* bus.publish(Array.from({ length: 12 }, (_, i) => message(topic, 30 + i)))
        return yield* admin.groupLag(group, [topic])
      })
    )
    expect(lags.map((l) => l.partition).sort()).toEqual([0, 1])
    expect(sum(lags, "committed")).toBe(30)
    expect(sum(lags, "end")).toBe(42)
    expect(sum(lags, "lag")).toBe(12)
    for (const l of lags) expect(l.lag).toBe(l.end - l.committed)
  })

  test("readTopic returns every message from the start without joining a group, or the last N", async () => {
    const topic = runTopic("admin-read")
    const [all, last, empty] = await run(
      Effect.gen(function* () {
        const admin = yield* EventBusAdmin
        const bus = yield* EventBus
        yield* admin.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1 }])
        const empty = yield* admin.readTopic(topic)
        for (let round = 0; round < 5; round++) yield* bus.publish(Array.from({ length: 10 }, (_, i) => message(topic, round * 10 + i)))
        return [yield* admin.readTopic(topic), yield* admin.readTopic(topic, { fromEnd: 7 }), empty] as const
      })
    )
    expect(empty).toEqual([])
    expect(all.length).toBe(50)
    expect(new Set(all.map((m) => m.headers.n)).size).toBe(50)
    expect(last.length).toBe(7)
    for (const m of last) expect(all.slice(-7)).toContainEqual(m)
  })

  test("ping answers, and client errors surface as EventBusUnavailable", async () => {
    const missing = runTopic("admin-never-created")
    const [publish, subscribe] = await run(
      Effect.gen(function* () {
        const admin = yield* EventBusAdmin
        const bus = yield* EventBus
        yield* admin.ping
        return [
          yield* Effect.exit(bus.publish([message(missing, 1)])),
          yield* Effect.exit(bus.subscribe({ group: runGroup("admin-missing"), topics: [missing], handle: () => Effect.void }))
        ] as const
      })
    )
    for (const exit of [publish, subscribe] as ReadonlyArray<Exit.Exit<unknown, unknown>>) {
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("EventBusUnavailable")
    }
  })
})
