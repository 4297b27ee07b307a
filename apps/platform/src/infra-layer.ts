/**
 * Adapters by mode, chosen once at start: embedded gets the in-memory bus and store; distributed gets
 * Kafka and Redis. Everything above this sees only the ports, plus InfraHandles for the contexts'
 * own adapters.
 */
import { Effect, Layer } from "effect"
import { SessionTtl } from "@kasa/shared"
import { layerMemoryEventBus, layerMemoryStateStore, MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"
import { layerKafka } from "@kasa/adapter-kafka"
import { layerRedisConnection, layerRedisStateStoreAndOutbox, RedisConnection } from "@kasa/adapter-redis"
import type { InfraConfig } from "./infra-config.ts"
import { InfraHandles } from "./infra-handles.ts"
import { processSessionTokens, sessionTokens, SessionTokens } from "./session-token.ts"

export interface InfraOptions {
  /** Names this app's outbox stream and Kafka client. */
  readonly appName: string
  /** Embedded only: share a broker and state between apps mounted in one process. */
  readonly broker?: MemoryBroker
  readonly state?: MemoryStateData
  /** Distributed only: prefix of every Redis key (tests isolate runs with it). */
  readonly keyPrefix?: string
}

/**
 * How long the embedded store keeps a processed marker. A marker guards against a message delivered
 * again; the in-memory broker delivers again only what a group has not committed yet (a batch in hand
 * when its member stopped or died), never an old offset, and it forgets committed messages. An hour
 * covers any batch in hand many times over, where the topics' retention (plus a day, as in Redis) would
 * keep every event's marker for eight days: most of what an embedded shop still held once its carts
 * had expired.
 */
export const EMBEDDED_MARKER_LIFETIME_MS = 60 * 60 * 1000

export const infraLayer = (config: InfraConfig, options: InfraOptions) => {
  const tokens = Layer.succeed(SessionTokens, config.sessionSecret === undefined ? processSessionTokens() : sessionTokens(config.sessionSecret))
  const sessionTtl = Layer.succeed(SessionTtl, config.sessionTtlSeconds)
  if (config.kafkaBrokers === undefined || config.redisUrl === undefined) {
    const memory = options.state ?? new MemoryStateData({ markerLifetimeMs: EMBEDDED_MARKER_LIFETIME_MS })
    return Layer.mergeAll(
      tokens,
      sessionTtl,
      layerMemoryEventBus(options.broker ?? new MemoryBroker({ trim: true })),
      layerMemoryStateStore(memory),
      Layer.succeed(InfraHandles, InfraHandles.of({ mode: "embedded", memory, outboxName: options.appName }))
    )
  }
  const redis = layerRedisConnection({ url: config.redisUrl, keyPrefix: options.keyPrefix ?? "", clientName: `kasa-${options.appName}` })
  return Layer.mergeAll(
    tokens,
    sessionTtl,
    layerKafka({
      brokers: config.kafkaBrokers,
      clientId: `kasa-${options.appName}`,
      sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      fetchLingerMs: config.kafkaFetchLingerMs,
      ...(config.instanceId === undefined ? {} : { instanceId: config.instanceId })
    }),
    layerRedisStateStoreAndOutbox({ outboxName: options.appName, topicRetentionMs: config.topicRetentionMs }),
    Layer.effect(InfraHandles, Effect.map(RedisConnection, (connection) => InfraHandles.of({ mode: "distributed", redis: connection, outboxName: options.appName })))
  ).pipe(Layer.provide(redis))
}
