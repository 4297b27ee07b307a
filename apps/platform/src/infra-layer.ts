/**
 * Adapters by mode, chosen once at start: embedded gets the in-memory bus and store; distributed gets
 * Kafka and Redis. Everything above this line of code sees only the ports.
 */
import { Layer } from "effect"
import { layerEventBus, layerStateStore, MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"
import { layerKafka } from "@kasa/adapter-kafka"
import { layerRedisStateStore } from "@kasa/adapter-redis"
import type { InfraConfig } from "./infra-config.ts"

export interface InfraOptions {
  /** Names this app's outbox stream and Kafka client. */
  readonly appName: string
  /** Embedded mode only: share a broker and state between apps mounted in one process. */
  readonly broker?: MemoryBroker
  readonly state?: MemoryStateData
}

export const infraLayer = (config: InfraConfig, options: InfraOptions) =>
  config.kafkaBrokers === undefined || config.redisUrl === undefined
    ? Layer.mergeAll(layerEventBus(options.broker ?? new MemoryBroker()), layerStateStore(options.state ?? new MemoryStateData()))
    : Layer.mergeAll(
        layerKafka({ brokers: config.kafkaBrokers, clientId: `kasa-${options.appName}` }),
        layerRedisStateStore({ url: config.redisUrl, keyPrefix: "", outboxName: options.appName })
      )
