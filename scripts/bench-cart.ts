/**
 * `bun run bench:cart`: add-to-cart latency and throughput measured from a second process (wrk) for
 * at least 10 s per run, at 1 connection and at 50, against the cart app embedded and distributed
 * (Kafka + Redis, found or started as the tests do). Prints p50/p99 and requests/s; asserts nothing.
 */
import { startOrFindKafka } from "../adapters/kafka/src/testing/broker.ts"
import { startOrFindRedis } from "../adapters/redis/src/testing/redis-server.ts"
import { benchCartApp, printResults, type Result } from "./bench-wrk.ts"

const results: Array<Result> = []
results.push(...(await benchCartApp("embedded", {})))
const kafka = await startOrFindKafka()
const redis = await startOrFindRedis()
// The bench's own key prefix, removed afterwards: a Redis that was found (not started) may hold other data.
const keyPrefix = `kasa-bench:${Date.now().toString(36)}:`
try {
  results.push(...(await benchCartApp("distributed (Kafka + Redis)", { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix })))
} finally {
  await redis.cleanup(keyPrefix).catch((error) => console.error(`could not remove the bench's Redis keys (${keyPrefix}*): ${String(error)}`))
  await kafka.stop()
  await redis.stop()
}

printResults(results)
