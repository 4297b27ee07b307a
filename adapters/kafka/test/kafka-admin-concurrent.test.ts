// Two instances of an app starting at the same moment both provision the same missing topics: one
// creates them, the other's CreateTopics answers "already exists", and neither start may fail (the
// second instance of a relay-leased app must be able to start next to the first).
import { describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import { EventBusAdmin } from "@kasa/shared"
import { runId, runTopic, testKafka } from "@kasa/test-support/infra"

describe("EventBusAdmin: Kafka, concurrent provisioning", () => {
  test("two processes ensuring the same missing topics at once both succeed", async () => {
    const kafka = await testKafka()
    const open = (name: string) => ManagedRuntime.make(Layer.fresh(layerKafka({ brokers: kafka.brokers.split(","), clientId: `${name}-${runId}` })))
    const runtimes = [open("concurrent-a"), open("concurrent-b")]
    try {
      for (let round = 0; round < 5; round++) {
        const specs = Array.from({ length: 6 }, (_, i) => ({ name: runTopic(`concurrent-${round}-${i}`), partitions: 3, replicationFactor: 1 }))
        const outcomes = await Promise.allSettled(runtimes.map((runtime) => runtime.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.ensureTopics(specs)))))
        expect(outcomes.map((outcome) => (outcome.status === "rejected" ? String(outcome.reason) : "ok"))).toEqual(["ok", "ok"])
      }
    } finally {
      await Promise.all(runtimes.map((runtime) => runtime.dispose()))
    }
  }, 120_000)
})
