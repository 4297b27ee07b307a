// The EventBus contract over a real Kafka broker and real Redis (test/infra.ts finds or starts both):
// the distributed mode's parts. Group timeouts are shortened so rebalances settle in seconds.
import { describe, test } from "bun:test"
import { Effect } from "effect"
import { dlqTopic, EventBusAdmin } from "@kasa/shared"
import { eventBusContract, type EventBusHarness } from "@kasa/shared/testing/event-bus-contract"
import { layerRedisStateStore } from "@kasa/adapter-redis"
import { runGroup, runPrefix, runTopic, testRedis } from "@kasa/test-support/infra"
import { useKafkaRuntime } from "./kafka-test-runtime.ts"

const { run } = useKafkaRuntime("kasa-contract", async () =>
  layerRedisStateStore({ url: (await testRedis()).url, keyPrefix: `${runPrefix}contract:`, outboxName: "contract" })
)
let n = 0

const harness: EventBusHarness = {
  topic: async (base, partitions = 3) => {
    const name = runTopic(`contract-${base}-${++n}`)
    await run(
      Effect.flatMap(EventBusAdmin, (admin) =>
        admin.ensureTopics([name, dlqTopic(name)].map((topic) => ({ name: topic, partitions, replicationFactor: 1 })))
      )
    )
    return name
  },
  group: (base) => runGroup(`contract-${base}-${++n}`),
  run,
  // Joining, rebalancing and a member's session timing out take seconds on a real broker.
  timeoutMs: 30_000
}

describe("EventBus contract: Kafka + Redis", () => {
  for (const c of eventBusContract) test(c.name, () => c.run(harness), 90_000)
})
