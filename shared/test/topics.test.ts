// Provisioning specs: every topic beside its DLQ, each with the retention asked for (table-driven),
// and the processed markers' lifetime strictly longer than any retention.
import { describe, expect, test } from "bun:test"
import { markerLifetimeMs, topicSpecs } from "@kasa/shared"

const day = 24 * 60 * 60 * 1000

describe("topicSpecs", () => {
  test.each([
    ["retention for topics and DLQs", { retentionMs: 2 * day, dlqRetentionMs: 30 * day }, [2 * day, 30 * day]],
    ["no retention: left to what the topic has", {}, [undefined, undefined]]
  ])("%s", (_, retention, [topic, dlq]) => {
    const specs = topicSpecs({ partitions: 3, replicationFactor: 1, ...retention }, ["cart-events"], (name) => `${name}.run`)
    expect(specs).toEqual([
      { name: "cart-events.run", partitions: 3, replicationFactor: 1, ...(topic === undefined ? {} : { retentionMs: topic }) },
      { name: "cart-events.dlq.run", partitions: 3, replicationFactor: 1, ...(dlq === undefined ? {} : { retentionMs: dlq }) }
    ])
  })
})

describe("markerLifetimeMs", () => {
  test.each([[60 * 60 * 1000], [7 * day], [365 * day]])("outlives a retention of %p ms", (retention) => {
    expect(markerLifetimeMs(retention)).toBeGreaterThan(retention)
  })
})
