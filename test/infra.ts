/**
 * Test infrastructure shared by every test file of one `bun test` run: the real Kafka broker and the
 * real Redis, found or started once (lazily, on first use), a run id that names this run's topics,
 * groups and keys, and the cleanup when the run ends. Nothing is ever skipped: if Kafka or Redis can
 * be neither found nor started, the test that needs it fails saying what is missing.
 */
import { startOrFindKafka, type RunningKafka } from "@kasa/adapter-kafka/testing/broker"
import { startOrFindRedis, type RunningRedis } from "@kasa/adapter-redis/testing/redis-server"

export const runId = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`

/** A topic name unique to this run. */
export const runTopic = (base: string): string => `${base}.${runId}`
/** A consumer group unique to this run. */
export const runGroup = (base: string): string => `${base}.${runId}`
/** Redis key prefix unique to this run. */
export const runPrefix = `kasa-test:${runId}:`

let kafka: Promise<RunningKafka> | undefined
let redis: Promise<RunningRedis> | undefined

export const testKafka = (): Promise<RunningKafka> => (kafka ??= startOrFindKafka())
export const testRedis = (): Promise<RunningRedis> => (redis ??= startOrFindRedis())

/** Stops what this run started and removes what it created. Called once, when the run ends. */
export const stopInfrastructure = async (): Promise<void> => {
  const [k, r] = await Promise.allSettled([kafka, redis])
  if (r.status === "fulfilled" && r.value !== undefined) await r.value.cleanup(runPrefix).catch(() => {})
  if (k.status === "fulfilled" && k.value !== undefined) await k.value.cleanup(runId).catch(() => {})
  await Promise.allSettled([k.status === "fulfilled" ? k.value?.stop() : undefined, r.status === "fulfilled" ? r.value?.stop() : undefined])
}
