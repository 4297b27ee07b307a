/**
 * The outbox's lease in Redis (SPEC §5): one string key per outbox (`outbox-lease:{name}`) holding the
 * holder's token with a time to live. Taking it is `SET NX PX`; renewing it is a compare-and-renew
 * script (only the holder extends it), releasing a compare-and-delete, so a holder that lost the lease
 * to another instance can neither extend nor drop the new holder's.
 */
import { Effect, Layer } from "effect"
import { OutboxLease } from "@kasa/shared"
import { RedisConnection } from "./redis-connection.ts"
import { toStoreUnavailable } from "./redis-state-store.ts"

export const outboxLeaseKey = (outboxName: string): string => `outbox-lease:${outboxName}`

/** Renews the lease if ARGV[1] holds it, takes it if nobody does; 1 when held afterwards. */
const HOLD_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

export interface RedisOutboxLeaseOptions {
  readonly outboxName: string
  /** Defaults to a random token per layer build (one per process). */
  readonly holder?: string
}

export const makeRedisOutboxLease = (options: RedisOutboxLeaseOptions) =>
  Effect.gen(function* () {
    const redis = yield* RedisConnection
    const key = redis.key(outboxLeaseKey(options.outboxName))
    const holder = options.holder ?? crypto.randomUUID()
    return OutboxLease.of({
      holder,
      hold: (ttlMs) =>
        redis
          .run("lease hold", (client) => client.eval(HOLD_SCRIPT, { keys: [key], arguments: [holder, String(Math.max(1, Math.ceil(ttlMs)))] }))
          .pipe(
            Effect.map((reply) => reply === 1),
            Effect.mapError(toStoreUnavailable)
          ),
      release: redis.run("lease release", (client) => client.eval(RELEASE_SCRIPT, { keys: [key], arguments: [holder] })).pipe(
        Effect.asVoid,
        Effect.mapError(toStoreUnavailable)
      )
    })
  })

export const layerRedisOutboxLease = (options: RedisOutboxLeaseOptions) => Layer.effect(OutboxLease, makeRedisOutboxLease(options))
