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
 * How long the embedded store keeps a processed marker at most. A marker stops a message being applied
 * twice; in embedded mode the only message that comes twice is one of a batch in hand that was not
 * committed (its handler died, or its member left or aborted): the in-memory broker never delivers a
 * committed offset again, forgets committed messages and does not outlive the process, so neither a
 * restart nor a reset offset brings one back (`ops dlq replay` talks to Kafka, and publishes at a new
 * offset anyway). So a marker need only outlive the batch it was written in, and the store drops it as
 * soon as the broker says its group holds no older batch uncommitted (`markerHorizon`): under load that
 * is a second or so of markers, not an hour's worth (an hour kept three markers per add: at 1,500 adds
 * a second, 16 million of them, and every one still there long after its cart had expired). This
 * lifetime is the bound for a store without that horizon: the slowest batch, 500 messages (the memory
 * bus's largest) each retried to the end of the default policy before it is dead-lettered, takes about
 * eight minutes.
 */
export const EMBEDDED_MARKER_LIFETIME_MS = 10 * 60 * 1000

/**
 * How many events the embedded shop holds that not every consumer has handled (its outbox and its
 * broker's unread messages) before a request's write waits, up to `BACKLOG_WAIT_MS`, for them to catch
 * up. Its consumers share the event loop with its requests, so a load faster than they are (driven in
 * process, 3,100 adds/s against several times fewer) otherwise piles events up in memory without end:
 * 303,000 in the outbox and 65,775 unread, about 640 MB, two minutes after the load had stopped. An
 * event held is about 1.7 KB of text, so this bounds the backlog near 35 MB; over HTTP on the 2-core
 * machine the shop's backlog stays far below it (every consumer caught up 0.3 s after a 50-connection run).
 */
export const EMBEDDED_MAX_BACKLOG = 20_000

/** The embedded app's state: markers kept at most EMBEDDED_MARKER_LIFETIME_MS, and dropped once `broker` has their batch committed; requests paced by its backlog. */
export const embeddedState = (broker: MemoryBroker): MemoryStateData =>
  new MemoryStateData({
    markerLifetimeMs: EMBEDDED_MARKER_LIFETIME_MS,
    markerHorizon: (group) => broker.uncommittedSince(group),
    maxBacklog: EMBEDDED_MAX_BACKLOG,
    unreadElsewhere: () => broker.unread()
  })

export const infraLayer = (config: InfraConfig, options: InfraOptions) => {
  const tokens = Layer.succeed(SessionTokens, config.sessionSecret === undefined ? processSessionTokens() : sessionTokens(config.sessionSecret))
  const sessionTtl = Layer.succeed(SessionTtl, config.sessionTtlSeconds)
  if (config.kafkaBrokers === undefined || config.redisUrl === undefined) {
    const broker = options.broker ?? new MemoryBroker({ trim: true })
    const memory = options.state ?? embeddedState(broker)
    return Layer.mergeAll(
      tokens,
      sessionTtl,
      layerMemoryEventBus(broker),
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
      commitIntervalMs: config.kafkaCommitIntervalMs,
      ...(config.instanceId === undefined ? {} : { instanceId: config.instanceId })
    }),
    layerRedisStateStoreAndOutbox({ outboxName: options.appName, topicRetentionMs: config.topicRetentionMs }),
    Layer.effect(InfraHandles, Effect.map(RedisConnection, (connection) => InfraHandles.of({ mode: "distributed", redis: connection, outboxName: options.appName })))
  ).pipe(Layer.provide(redis))
}
