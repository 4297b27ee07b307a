/**
 * `bun run bench:outbox`: events per second through the transactional outbox into Kafka, the Redis
 * outbox beside the PostgreSQL one (and PGlite's), in one run: BENCH_EVENTS commits of one small state
 * write and one event each, BENCH_CONCURRENCY at a time, with the relay running; timed from the first
 * commit until every event is on the topic. Reports commits/s (the writers' side) and events/s end
 * to end. It asserts nothing; it prints a table.
 */
import { Effect, Fiber, Layer, ManagedRuntime } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import { createPglite, layerPg, layerPgliteFrom, layerPgliteNotifications, layerSqlState } from "@kasa/adapter-postgres"
import { layerRedis } from "@kasa/adapter-redis"
import { EventBusAdmin, makeEnvelope, makeRelayStatus, type OutboxBacklog, type OutboxLease, type OutboxReader, runRelay, StateStore } from "@kasa/shared"
import { startOrFindKafka } from "../adapters/kafka/src/testing/broker.ts"
import { createTestDatabase, findPostgres } from "../adapters/postgres/src/testing/postgres-server.ts"
import { startOrFindRedis } from "../adapters/redis/src/testing/redis-server.ts"

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20)
const runId = `bench${Date.now().toString(36)}`

const [kafka, redis, postgres] = await Promise.all([startOrFindKafka(), startOrFindRedis(), findPostgres()])
const database = await createTestDatabase(postgres, `kasa_${runId}`)
const pglite = await createPglite()
const keyPrefix = `kasa-bench:${runId}:`
const bus = layerKafka({ brokers: kafka.brokers.split(","), clientId: `outbox-bench-${runId}` })

type Outbox = Layer.Layer<StateStore | OutboxReader | OutboxLease | OutboxBacklog, unknown>
const stores: ReadonlyArray<readonly [string, Outbox]> = [
  ["Redis", layerRedis({ url: redis.url, keyPrefix, outboxName: "bench" })],
  ["PostgreSQL", Layer.provideMerge(layerSqlState({ outboxName: "bench" }), layerPg(database.url))],
  ["PGlite (in process)", Layer.provideMerge(layerSqlState({ outboxName: "bench" }), Layer.provideMerge(layerPgliteNotifications, layerPgliteFrom(pglite)))]
]

const rows: Array<Record<string, unknown>> = []
try {
  for (const [name, store] of stores) {
    const runtime = ManagedRuntime.make(Layer.mergeAll(bus, store))
    const topic = `outbox-bench-${name.replace(/\W+/g, "-").toLowerCase()}-${runId}`
    await runtime.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1 }])))
    const relay = runtime.runFork(runRelay({ status: makeRelayStatus() }))
    const commit = (n: number) =>
      runtime.runPromise(
        Effect.flatMap(StateStore, (state) =>
          state.commit({
            ops: [{ op: "set", key: `${keyPrefix}bench:${name}:${n % 500}`, value: String(n) }],
            events: [{ topic, key: `k${n % 500}`, envelope: makeEnvelope({ eventName: "bench.happened", aggregateId: `k${n % 500}`, correlationId: `c${n}`, producer: "bench", payload: { n } }) }]
          })
        )
      )
    const started = performance.now()
    let next = 0
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let n = next++; n < EVENTS; n = next++) await commit(n)
    }))
    const committed = performance.now()
    for (;;) {
      const onTopic = (await runtime.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(topic)))).length
      if (onTopic >= EVENTS) break
      await Bun.sleep(50)
    }
    const published = performance.now()
    rows.push({
      outbox: name,
      events: EVENTS,
      commits_per_second: Math.round(EVENTS / ((committed - started) / 1000)),
      events_per_second_end_to_end: Math.round(EVENTS / ((published - started) / 1000))
    })
    await runtime.runPromise(Fiber.interrupt(relay))
    await runtime.dispose()
  }
  console.log(`\nthe transactional outbox into Kafka (${kafka.brokers}), ${CONCURRENCY} writers, one event per commit`)
  console.table(rows)
} finally {
  await pglite.close()
  await database.drop().catch(() => {})
  await redis.cleanup(keyPrefix).catch(() => {})
  await kafka.stop()
  await redis.stop()
}
process.exit(0)
