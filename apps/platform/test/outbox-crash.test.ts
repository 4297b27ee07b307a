// Nothing is lost: a process killed right after its outbox write (before or after publishing) leaves
// the event for the next relay, and the consumer applies its effect exactly once. Real Kafka, real Redis.
import { describe, expect, test } from "bun:test"
import { Effect, Fiber, Layer, ManagedRuntime } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import { layerRedis } from "@kasa/adapter-redis"
import { dlqTopic, EventBusAdmin, runConsumer, runRelay, StateStore } from "@kasa/shared"
import { waitUntilEffect } from "@kasa/shared/testing/eventually"
import { runGroup, runPrefix, runTopic, testKafka, testRedis } from "@kasa/test-support/infra"

const writer = new URL("./fixtures/outbox-writer.ts", import.meta.url).pathname

describe("outbox crash safety over Kafka and Redis", async () => {
  const kafka = await testKafka()
  const redis = await testRedis()

  test.each(["die-before-publish", "die-before-ack"])("%s: the next relay publishes and the effect is applied once", async (mode) => {
    const topic = runTopic(`crash-${mode}`)
    const keyPrefix = `${runPrefix}${mode}:`
    const outbox = "crash-app"
    const runtime = ManagedRuntime.make(
      Layer.mergeAll(
        layerKafka({ brokers: kafka.brokers.split(","), clientId: `crash-${mode}` }),
        layerRedis({ url: redis.url, keyPrefix, outboxName: outbox })
      )
    )
    try {
      await runtime.runPromise(
        Effect.flatMap(EventBusAdmin, (admin) =>
          admin.ensureTopics([topic, dlqTopic(topic)].map((name) => ({ name, partitions: 3, replicationFactor: 1 })))
        )
      )
      const child = Bun.spawn([process.execPath, writer], {
        env: { ...process.env, CRASH_MODE: mode, TOPIC: topic, REDIS_URL: redis.url, KEY_PREFIX: keyPrefix, OUTBOX: outbox, KAFKA_BROKERS: kafka.brokers },
        stdout: "pipe",
        stderr: "pipe"
      })
      await child.exited
      const output = await new Response(child.stdout).text()
      expect(child.signalCode).toBe("SIGKILL")
      const eventId = /committed (\S+)/.exec(output)?.[1]
      expect(eventId).toBeDefined()

      const { published, effects, state } = await runtime.runPromise(
        Effect.scoped(
          Effect.gen(function* () {
            const store = yield* StateStore
            const consumer = yield* runConsumer({
              group: runGroup(`crash-${mode}`),
              topics: [topic],
              handler: (event) => Effect.succeed({ ops: [{ op: "incrementBy" as const, key: `effects:${event.envelope.event_id}`, by: 1 }] })
            })
            yield* consumer.ready
            const relay = yield* Effect.forkChild(runRelay({ idleWaitMs: 200 }))
            let seen = 0
            yield* waitUntilEffect(
              Effect.map(store.get(`effects:${eventId}`), (value) => (seen = Number(value ?? 0)) >= 1),
              { timeoutMs: 60_000, describe: () => `effects applied: ${seen}` }
            )
            const admin = yield* EventBusAdmin
            let copies = 0
            yield* waitUntilEffect(
              Effect.map(admin.readTopic(topic), (messages) => (copies = messages.length) >= (mode === "die-before-ack" ? 2 : 1)),
              { timeoutMs: 30_000, describe: () => `copies on the topic: ${copies}` }
            )
            yield* Fiber.interrupt(relay)
            return { published: copies, effects: Number((yield* store.get(`effects:${eventId}`)) ?? 0), state: yield* store.get(`state:${eventId}`) }
          })
        )
      )
      expect(state).toBe("written")
      expect(published).toBe(mode === "die-before-ack" ? 2 : 1)
      expect(effects).toBe(1)
    } finally {
      await runtime.dispose()
    }
  })
})
