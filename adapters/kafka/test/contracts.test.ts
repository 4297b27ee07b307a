// The contracts that need a broker, over a real Kafka and a real Redis (@kasa/test-support/infra finds or
// starts both): the distributed mode's parts, beside adapters/memory/test/contracts.test.ts (the same
// contracts in memory). Group timeouts are shortened so rebalances settle in seconds.
import { describe, test } from "bun:test"
import { Effect, Layer } from "effect"
import { createClient } from "redis"
import { dlqTopic, EventBusAdmin } from "@kasa/shared"
import { openLayer, runContract, uniqueNames } from "@kasa/shared/testing/contract"
import { eventBusContract } from "@kasa/shared/testing/event-bus-contract"
import { outboxRelayContract } from "@kasa/shared/testing/outbox-relay-contract"
import { layerRedis, outboxStreamKey } from "@kasa/adapter-redis"
import { runGroup, runId, runPrefix, runTopic, testKafka, testRedis } from "@kasa/test-support/infra"
import { layerKafka } from "../src/index.ts"
import { useKafkaRuntime } from "./kafka-test-runtime.ts"

const runner = { describe, test }

const { run } = useKafkaRuntime("kasa-contract", async () =>
  layerRedis({ url: (await testRedis()).url, keyPrefix: `${runPrefix}contract:`, outboxName: "contract" })
)
const busName = uniqueNames("contract-")

runContract(
  runner,
  "EventBus contract: Kafka + Redis",
  eventBusContract,
  {
    topic: async (base, partitions = 3) => {
      const name = runTopic(busName(base))
      await run(
        Effect.flatMap(EventBusAdmin, (admin) =>
          admin.ensureTopics([name, dlqTopic(name)].map((topic) => ({ name: topic, partitions, replicationFactor: 1 })))
        )
      )
      return name
    },
    group: (base) => runGroup(busName(base)),
    run,
    // Joining, rebalancing and a member's session timing out take seconds on a real broker.
    timeoutMs: 30_000
  },
  90_000
)

// Each relay process is a Redis store (the outbox, its lease and dead place) and a Kafka client of its
// own. The poison entry is a stream entry that is not an outbox event (what a foreign writer, or a bug,
// could leave in the stream).
runContract(
  runner,
  "outbox relay contract: Redis and Kafka",
  outboxRelayContract,
  {
    open: async (outbox) => {
      const [{ url }, kafka] = await Promise.all([testRedis(), testKafka()])
      return openLayer(
        Layer.mergeAll(
          layerKafka({ brokers: kafka.brokers.split(","), clientId: `relay-contract-${runId}` }),
          layerRedis({ url, keyPrefix: runPrefix, outboxName: outbox })
        )
      )
    },
    name: uniqueNames(`relay-${runId}-`),
    writePoison: async (_process, outbox, topic) => {
      const client = createClient({ url: (await testRedis()).url })
      client.on("error", () => {})
      await client.connect()
      try {
        await client.xAdd(runPrefix + outboxStreamKey(outbox), "*", { topic, key: "k", envelope: "{not json" })
      } finally {
        client.destroy()
      }
    },
    timeoutMs: 20_000
  },
  90_000
)
