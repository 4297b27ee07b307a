/**
 * What the tests that run the cart as real processes over this run's Kafka and Redis share (crash
 * safety, the relay lease): the broker, Redis and a catalog data file, found and written before all
 * tests and removed after; the cart process started under a key prefix of its own; and a probe that
 * reads, from outside, what the process wrote under that prefix and what its relay put on cart-events.
 */
import { afterAll, beforeAll } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { type KafkaOptions, layerKafka } from "@kasa/adapter-kafka"
import { layerRedis } from "@kasa/adapter-redis"
import { decodeEnvelope, EventBusAdmin, StateStore, Topics } from "@kasa/shared"
import type { Session } from "@kasa/test-support/app-harness"
import { testKafka, testRedis } from "@kasa/test-support/infra"
import { startApp } from "@kasa/test-support/process"
import { writeCatalogFile } from "./fixtures.ts"

const cartMain = new URL("../src/main.ts", import.meta.url).pathname
/** The cart app names its outbox stream after itself: `outbox:cart` under its key prefix. */
export const CART_OUTBOX = "cart"

/** Registers the suite's beforeAll/afterAll; call once at the top of a test file. */
export const cartProcesses = () => {
  let kafkaBrokers = ""
  let redisUrl = ""
  let catalog: Awaited<ReturnType<typeof writeCatalogFile>> | undefined

  beforeAll(async () => {
    const [kafka, redis] = await Promise.all([testKafka(), testRedis()])
    kafkaBrokers = kafka.brokers
    redisUrl = redis.url
    catalog = await writeCatalogFile()
  }, 120_000)

  afterAll(async () => {
    await catalog?.remove()
  })

  /** A cart process whose Redis keys (state and outbox) are under `keyPrefix`, with `env` on top. */
  const start = (keyPrefix: string, env: Record<string, string> = {}) =>
    startApp(cartMain, { KAFKA_BROKERS: kafkaBrokers, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: keyPrefix, CATALOG_DATA_FILE: catalog!.file, ...env }, 60_000)

  /**
   * A runtime over the run's Kafka and the Redis keys under `keyPrefix` (the cart's outbox read,
   * never acknowledged), with the reads the tests make through it.
   */
  const probe = (keyPrefix: string, kafka: Omit<KafkaOptions, "brokers">) => {
    const runtime = ManagedRuntime.make(
      Layer.mergeAll(layerKafka({ brokers: kafkaBrokers.split(","), ...kafka }), layerRedis({ url: redisUrl, keyPrefix, outboxName: CART_OUTBOX }))
    )
    /** The event ids of the session's `cart:events` stream (written in the same atomic step as the outbox). */
    const streamFor = (session: Session) =>
      runtime.runPromise(Effect.map(Effect.flatMap(StateStore, (store) => store.readStream(`cart:events:${session.id}`)), (entries) => entries.map((entry) => entry.event_id!)))
    /** How many copies of each of `eventIds` are on cart-events. */
    const copiesOnTopic = (eventIds: ReadonlyArray<string>) =>
      runtime.runPromise(
        Effect.map(Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(Topics.cart)), (messages) => {
          const copies = new Map(eventIds.map((id) => [id, 0]))
          for (const message of messages) {
            const decoded = decodeEnvelope(message.value)
            const id = decoded.ok ? decoded.envelope.event_id : undefined
            if (id !== undefined && copies.has(id)) copies.set(id, copies.get(id)! + 1)
          }
          return copies
        })
      )
    return { runtime, streamFor, copiesOnTopic }
  }

  return { start, probe }
}
