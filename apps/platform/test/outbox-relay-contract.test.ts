// The outbox relay contract over a real Redis (the store, its lease and dead place) and a real Kafka
// (the bus), each open a process of its own connections. The poison entry is a stream entry that is
// not an outbox event (what a foreign writer, or a bug, could leave in the stream).
import { describe, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { createClient } from "redis"
import { outboxRelayContract, type OutboxRelayHarness } from "@kasa/shared/testing/outbox-relay-contract"
import { layerKafka } from "@kasa/adapter-kafka"
import { layerRedisStateStore, outboxStreamKey } from "@kasa/adapter-redis"
import { runId, runPrefix, testKafka, testRedis } from "@kasa/test-support/infra"

let n = 0

const harness: OutboxRelayHarness = {
  open: async (outbox) => {
    const [{ url }, kafka] = await Promise.all([testRedis(), testKafka()])
    const runtime = ManagedRuntime.make(
      Layer.mergeAll(
        layerKafka({ brokers: kafka.brokers.split(","), clientId: `relay-contract-${runId}` }),
        layerRedisStateStore({ url, keyPrefix: runPrefix, outboxName: outbox })
      )
    )
    await runtime.runPromise(Effect.void)
    return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
  },
  name: (base) => `relay-${base}-${runId}-${++n}`,
  writePoison: async (_process, outbox, topic) => {
    const { url } = await testRedis()
    const client = createClient({ url })
    client.on("error", () => {})
    await client.connect()
    try {
      await client.xAdd(runPrefix + outboxStreamKey(outbox), "*", { topic, key: "k", envelope: "{not json" })
    } finally {
      client.destroy()
    }
  },
  timeoutMs: 20_000
}

describe("outbox relay contract: Redis and Kafka", () => {
  for (const c of outboxRelayContract) test(c.name, () => c.run(harness), 90_000)
})
