/**
 * @kasa/adapter-redis: the StateStore and the outbox over Redis. `layerRedis` is the
 * whole thing from a URL (one shared connection plus the relay's blocking one); the smaller layers
 * let an app put several Redis adapters on one `layerRedisConnection`.
 */
import { Layer } from "effect"
import type { OutboxBacklog, OutboxLease, OutboxReader, StateStore } from "@kasa/shared"
import { layerRedisConnection, type RedisConnection, type RedisConnectionOptions, type RedisError } from "./redis-connection.ts"
import { layerRedisOutboxBacklog } from "./redis-outbox-backlog.ts"
import { layerRedisOutboxLease } from "./redis-outbox-lease.ts"
import { layerRedisOutboxReader } from "./redis-outbox-reader.ts"
import { layerRedisStateStore, type RedisStateStoreOptions } from "./redis-state-store.ts"

export * from "./outbox-stream.ts"
export * from "./redis-code-usage.ts"
export * from "./redis-connection.ts"
export * from "./redis-outbox-backlog.ts"
export * from "./redis-outbox-lease.ts"
export * from "./redis-outbox-reader.ts"
export * from "./redis-state-store.ts"
export * from "./redis-stock-reservations.ts"

export type RedisLayerOptions = RedisConnectionOptions & RedisStateStoreOptions

export type OutboxServices = OutboxReader | OutboxLease | OutboxBacklog

/** StateStore and the outbox's reader, lease and backlog over the RedisConnection in context. */
export const layerRedisStateStoreAndOutbox = (options: RedisStateStoreOptions): Layer.Layer<StateStore | OutboxServices, RedisError, RedisConnection> =>
  Layer.mergeAll(layerRedisStateStore(options), layerRedisOutboxReader(options), layerRedisOutboxLease(options), layerRedisOutboxBacklog(options))

/** The StateStore and the outbox's reader, lease and backlog over a connection of their own, e.g. `{ url: REDIS_URL, keyPrefix: "kasa:", outboxName: "cart" }`. */
export const layerRedis = (options: RedisLayerOptions): Layer.Layer<StateStore | OutboxServices, RedisError> =>
  layerRedisStateStoreAndOutbox(options).pipe(Layer.provide(layerRedisConnection(options)))
