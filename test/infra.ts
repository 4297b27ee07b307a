/**
 * Test infrastructure shared by every test file of one `bun test` run: the real Kafka broker, the
 * real Redis and a real PostgreSQL, found or started once (lazily, on first use), a run id that names
 * this run's topics, groups, keys and database, and the cleanup when the run ends. Nothing is ever
 * skipped: if one can be neither found nor started, the test that needs it fails saying what is missing.
 */
import { startOrFindKafka, type RunningKafka } from "@kasa/adapter-kafka/testing/broker"
import { startOrFindRedis, type RunningRedis } from "@kasa/adapter-redis/testing/redis-server"
import { createTestDatabase, findPostgres, type TestDatabase } from "@kasa/adapter-postgres/testing/postgres-server"

export const runId = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`

/** A topic name unique to this run. */
export const runTopic = (base: string): string => `${base}.${runId}`
/** A consumer group unique to this run. */
export const runGroup = (base: string): string => `${base}.${runId}`
/** Redis key prefix unique to this run. */
export const runPrefix = `kasa-test:${runId}:`

let kafka: Promise<RunningKafka> | undefined
let redis: Promise<RunningRedis> | undefined
let postgres: Promise<TestDatabase> | undefined

export const testKafka = (): Promise<RunningKafka> => (kafka ??= startOrFindKafka())
export const testRedis = (): Promise<RunningRedis> => (redis ??= startOrFindRedis())
/** A database of this run's own (`kasa_test_<runId>`) on a real PostgreSQL, dropped when the run ends. */
export const testPostgres = (): Promise<{ readonly url: string }> =>
  (postgres ??= findPostgres().then((server) => createTestDatabase(server, `kasa_test_${runId}`)))

/** Stops what this run started and removes what it created. Called once, when the run ends. */
export const stopInfrastructure = async (): Promise<void> => {
  const [k, r, p] = await Promise.allSettled([kafka, redis, postgres])
  if (p.status === "fulfilled" && p.value !== undefined) await p.value.drop().catch(() => {})
  if (r.status === "fulfilled" && r.value !== undefined) await r.value.cleanup(runPrefix).catch(() => {})
  if (k.status === "fulfilled" && k.value !== undefined) await k.value.cleanup(runId).catch(() => {})
  await Promise.allSettled([k.status === "fulfilled" ? k.value?.stop() : undefined, r.status === "fulfilled" ? r.value?.stop() : undefined])
}
