/**
 * The promotion context's CodeUsage over Redis (SPEC §4.5, §5): the counter `promo_codes:usage:{code}`
 * and one record per redeemed order (its outcome, kept 90 days) under the connection's prefix, and
 * the app's outbox stream, all written by one Lua script: read the order's record (a replay returns
 * it and writes nothing), else decide against the limit, record the outcome, count it if redeemed,
 * and append the outcome's events. One atomic step per redemption, so any number of connections
 * racing for the last uses of a code can never pass its limit, and a use is counted exactly when its
 * events are written. Driver errors become CodeUsageUnavailable.
 */
import { Effect, Layer } from "effect"
import type { OutboxEvent } from "@kasa/shared"
import {
  CodeUsage,
  CodeUsageKeys,
  CodeUsageUnavailable,
  InvalidRedemption,
  isRedemptionOutcome,
  REDEMPTION_RECORD_TTL_SECONDS,
  type RedemptionEvents,
  redemptionProblems
} from "@kasa/promotion"
import { encodeOutboxEvent, outboxStreamKey } from "./outbox-stream.ts"
import { type RedisClient, RedisConnection, type RedisError } from "./redis-connection.ts"

/**
 * KEYS = usage counter, the order's record, the outbox stream. ARGV = limit ('' for none), record
 * TTL in seconds, number of redeemed events, number of limit events, then 8 values per event (its 4
 * stream fields as name/value pairs), the redeemed events first. Returns {outcome, used, replayed}.
 */
export const REDEEM_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local recorded = redis.call('GET', KEYS[2])
if recorded then return {recorded, tostring(used), '1'} end
local outcome = 'redeemed'
if ARGV[1] ~= '' and used >= tonumber(ARGV[1]) then outcome = 'limit_reached' end
redis.call('SET', KEYS[2], outcome, 'EX', ARGV[2])
local first = 5
local count = tonumber(ARGV[3])
if outcome == 'redeemed' then
  used = redis.call('INCR', KEYS[1])
else
  first = 5 + 8 * count
  count = tonumber(ARGV[4])
end
for i = 0, count - 1 do
  local at = first + 8 * i
  redis.call('XADD', KEYS[3], '*', unpack(ARGV, at, at + 7))
end
return {outcome, tostring(used), '0'}
`

export interface RedisCodeUsageOptions {
  /** The app's outbox (`outbox:{name}`), the one its relay drains. */
  readonly outboxName: string
}

const toUnavailable = (error: RedisError) => new CodeUsageUnavailable({ operation: error.operation, message: error.message })

/** An outbox entry as the script's 8 arguments (the same fields the state store's commit writes). */
const eventArguments = (event: OutboxEvent): Array<string> => {
  const fields = Object.entries(encodeOutboxEvent(event)).flat()
  if (fields.length !== 8) throw new Error(`an outbox entry has 4 fields, this one ${fields.length / 2}`)
  return fields
}

export const makeRedisCodeUsage = (options: RedisCodeUsageOptions) =>
  Effect.gen(function* () {
    const redis = yield* RedisConnection
    const outbox = redis.key(outboxStreamKey(options.outboxName))
    const sha = yield* redis.run("SCRIPT LOAD", (client) => client.scriptLoad(REDEEM_SCRIPT))

    /** Runs the loaded script, loading it again if the server lost it (a restart flushes the script cache). */
    const script = (keys: Array<string>, args: Array<string>) =>
      redis
        .run("redeem", async (client: RedisClient) => {
          try {
            return await client.evalSha(sha, { keys, arguments: args })
          } catch (error) {
            if (!String(error).includes("NOSCRIPT")) throw error
            return await client.eval(REDEEM_SCRIPT, { keys, arguments: args })
          }
        })
        .pipe(Effect.mapError(toUnavailable))

    return CodeUsage.of({
      redeem: Effect.fn("RedisCodeUsage.redeem")(function* (code: string, limit: number | null, orderId: string, events?: RedemptionEvents) {
        const problems = redemptionProblems(code, limit, orderId)
        if (problems.length > 0) return yield* new InvalidRedemption({ problems })
        const redeemed = events?.redeemed ?? []
        const limitReached = events?.limitReached ?? []
        const reply = (yield* script(
          [redis.key(CodeUsageKeys.usage(code)), redis.key(CodeUsageKeys.redemption(code, orderId)), outbox],
          [
            limit === null ? "" : String(limit),
            String(REDEMPTION_RECORD_TTL_SECONDS),
            String(redeemed.length),
            String(limitReached.length),
            ...redeemed.flatMap(eventArguments),
            ...limitReached.flatMap(eventArguments)
          ]
        )) as ReadonlyArray<unknown>
        const [outcome, used, replayed] = reply.map(String)
        if (outcome === undefined || !isRedemptionOutcome(outcome) || used === undefined) {
          return yield* new CodeUsageUnavailable({ operation: "redeem", message: `unexpected reply ${JSON.stringify(reply)}` })
        }
        return { outcome, used: Number(used), replayed: replayed === "1" }
      }),
      used: Effect.fn("RedisCodeUsage.used")(function* (code: string) {
        const value = yield* redis.run("used", (client) => client.get(redis.key(CodeUsageKeys.usage(code)))).pipe(Effect.mapError(toUnavailable))
        return Number(value ?? "0")
      })
    })
  })

/** CodeUsage over the RedisConnection in context, appending its events to the app's outbox. */
export const layerRedisCodeUsage = (options: RedisCodeUsageOptions): Layer.Layer<CodeUsage, RedisError, RedisConnection> =>
  Layer.effect(CodeUsage, makeRedisCodeUsage(options))
