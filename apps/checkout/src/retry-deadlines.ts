/**
 * The PaymentRetryDeadlines index by mode, on the process's own infrastructure: embedded, the
 * context's in-memory index (the sweep runs in the same process as the consumer that fills it);
 * distributed, the Redis sorted set `checkout:payment-retry-deadlines` (score: the deadline in epoch
 * ms, member: `session_id order_id`), which every checkout replica's sweep reads.
 */
import { Effect, Layer } from "effect"
import { CheckoutUnavailable, deadlineEntryOf as entryOf, deadlineMemberOf as memberOf, makeMemoryRetryDeadlines, PaymentRetryDeadlines } from "@kasa/checkout"
import { InfraHandles } from "@kasa/app-platform"
import type { RedisConnection } from "@kasa/adapter-redis"

export const RETRY_DEADLINES_KEY = "checkout:payment-retry-deadlines"


export const makeRedisRetryDeadlines = (redis: typeof RedisConnection.Service): PaymentRetryDeadlines["Service"] => {
  const key = redis.key(RETRY_DEADLINES_KEY)
  const unavailable = (operation: string) => (error: { readonly message: string }) => new CheckoutUnavailable({ operation, message: error.message })
  return PaymentRetryDeadlines.of({
    schedule: (entry, deadlineMs) =>
      redis.run("ZADD", (c) => c.zAdd(key, [{ score: deadlineMs, value: memberOf(entry) }])).pipe(Effect.asVoid, Effect.mapError(unavailable("schedule a retry deadline"))),
    due: (nowMs, limit) =>
      redis.run("ZRANGEBYSCORE", (c) => c.zRangeByScore(key, "-inf", nowMs, { LIMIT: { offset: 0, count: limit } })).pipe(
        Effect.map((members) => members.map(entryOf)),
        Effect.mapError(unavailable("read due retry deadlines"))
      ),
    remove: (entry) => redis.run("ZREM", (c) => c.zRem(key, memberOf(entry))).pipe(Effect.asVoid, Effect.mapError(unavailable("remove a retry deadline")))
  })
}

export const layerPaymentRetryDeadlines = Layer.effect(
  PaymentRetryDeadlines,
  Effect.map(InfraHandles, (infra) => (infra.mode === "embedded" ? makeMemoryRetryDeadlines() : makeRedisRetryDeadlines(infra.redis)))
)
