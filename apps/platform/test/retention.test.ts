// TOPIC_RETENTION_MS and DLQ_RETENTION_MS end up where they matter: on the topics an app provisions
// (read back from the broker) and in its processed markers, which outlive the topics' retention (read
// back from Redis). Real Kafka, real Redis.
import { describe, expect, test } from "bun:test"
import { Admin, ConfigResourceTypes } from "@platformatic/kafka"
import { createClient } from "redis"
import { Effect } from "effect"
import { StateStore, Topics } from "@kasa/shared"
import { createApp } from "../src/app-runtime.ts"
import { runPrefix, runTopic, testKafka, testRedis } from "@kasa/test-support/infra"
import { TEST_SESSION_SECRET } from "@kasa/test-support/process"

const day = 24 * 60 * 60 * 1000

describe("retention over Kafka and Redis", () => {
  test("provisioned topics carry the configured retention.ms and processed markers live longer", async () => {
    const kafka = await testKafka()
    const redis = await testRedis()
    const keyPrefix = `${runPrefix}retention:`
    // Longer than the markers' default lifetime (8 days), so a marker that ignored the setting would show.
    const retention = 10 * day
    const app = await createApp({
      name: "retention",
      modules: [],
      env: { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, SESSION_SECRET: TEST_SESSION_SECRET, TOPIC_RETENTION_MS: String(retention), DLQ_RETENTION_MS: String(40 * day) },
      topicName: (name) => runTopic(`retention-${name}`),
      keyPrefix
    })
    const admin = new Admin({ clientId: "kasa-retention-test", bootstrapBrokers: kafka.brokers.split(",") })
    const client = createClient({ url: redis.url })
    await client.connect()
    try {
      const names = [runTopic(`retention-${Topics.cart}`), runTopic(`retention-${Topics.cart}.dlq`)]
      const described = await admin.describeConfigs({
        resources: names.map((name) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: name, configurationKeys: ["retention.ms"] }))
      })
      const read = Object.fromEntries(described.map((r) => [r.resourceName, r.configs.find((c) => c.name === "retention.ms")?.value]))
      expect(read).toEqual({ [names[0]!]: String(retention), [names[1]!]: String(40 * day) })

      await app.runtime.runPromise(Effect.flatMap(StateStore, (store) => store.commit({ processed: [{ group: "retention-group", eventId: "evt-1" }] })))
      expect(await client.pTTL(`${keyPrefix}processed:retention-group:evt-1`)).toBeGreaterThan(retention)
    } finally {
      client.destroy()
      await admin.close()
      await app.stop()
    }
  }, 120_000)
})
