// Processed markers in Redis outlive the topics' retention (markerLifetimeMs), so a message that is
// still on a topic always finds its marker: checked on the marker's TTL as Redis reports it.
import { describe, expect, test } from "bun:test"
import { createClient } from "redis"
import { Effect, ManagedRuntime } from "effect"
import { DEFAULT_TOPIC_RETENTION_MS, StateStore } from "@kasa/shared"
import { layerRedis, processedKey } from "@kasa/adapter-redis"
import { runPrefix, testRedis } from "@kasa/test-support/infra"

const markerTtlMs = async (retention: number | undefined, group: string): Promise<number> => {
  const { url } = await testRedis()
  const keyPrefix = `${runPrefix}markers:`
  const runtime = ManagedRuntime.make(
    layerRedis({ url, keyPrefix, outboxName: group, ...(retention === undefined ? {} : { topicRetentionMs: retention }) })
  )
  const admin = createClient({ url })
  await admin.connect()
  try {
    await runtime.runPromise(Effect.flatMap(StateStore, (store) => store.commit({ processed: [{ group, eventId: "evt-1" }] })))
    return await admin.pTTL(`${keyPrefix}${processedKey(group, "evt-1")}`)
  } finally {
    admin.destroy()
    await runtime.dispose()
  }
}

describe("processed markers: Redis", () => {
  test.each([
    ["the default retention", undefined, DEFAULT_TOPIC_RETENTION_MS],
    ["a configured retention of 10 days", 10 * 24 * 60 * 60 * 1000, 10 * 24 * 60 * 60 * 1000]
  ])("a marker lives longer than %s", async (_, retention, expected) => {
    expect(await markerTtlMs(retention, `markers-${expected}`)).toBeGreaterThan(expected)
  })
})
