/**
 * `bun run bench:durability`: what fsync on every write costs add-to-cart (SPEC §5, README "Redis
 * durability"). Two `redis-server` processes started side by side on free ports, append-only with
 * `appendfsync always` (what compose ships) and with `everysec`, and the distributed cart app run
 * against each in turn over the same Kafka, wrk from a second process at 1 and 50 connections.
 * Prints requests/s and p50/p99 for each; asserts nothing.
 */
import { startOrFindKafka } from "../adapters/kafka/src/testing/broker.ts"
import { startRedisBinary } from "../adapters/redis/src/testing/redis-server.ts"
import { benchCartApp, printResults, type Result } from "./bench-wrk.ts"

const settings = ["always", "everysec"] as const
const servers = await Promise.all(settings.map((fsync) => startRedisBinary(undefined, ["--save", "", "--appendonly", "yes", "--appendfsync", fsync])))
const kafka = await startOrFindKafka()
const results: Array<Result> = []
try {
  for (const [i, fsync] of settings.entries()) {
    const redis = servers[i]
    if (redis === undefined) throw new Error("bench:durability needs the redis-server binary on PATH")
    results.push(...(await benchCartApp(`distributed, appendfsync ${fsync}`, { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url })))
  }
} finally {
  await kafka.stop()
  await Promise.all(servers.map((redis) => redis?.stop()))
}
printResults(results)
