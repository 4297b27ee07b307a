/**
 * The promotion's code counters by mode, on the process's own store and outbox (InfraHandles):
 * embedded, the in-memory adapter over the process's MemoryStateData; distributed, the Redis adapter
 * whose Lua script appends to this app's outbox stream, so a counted use and its events are one step.
 */
import { Effect, Layer } from "effect"
import { CodeUsage } from "@kasa/promotion"
import { makeMemoryCodeUsage } from "@kasa/adapter-memory"
import { makeRedisCodeUsage, RedisConnection } from "@kasa/adapter-redis"
import { InfraHandles } from "@kasa/app-platform"

export const layerCodeUsage = Layer.effect(
  CodeUsage,
  Effect.gen(function* () {
    const infra = yield* InfraHandles
    if (infra.mode === "embedded") return makeMemoryCodeUsage(infra.memory)
    return yield* makeRedisCodeUsage({ outboxName: infra.outboxName }).pipe(Effect.provideService(RedisConnection, infra.redis))
  })
)
