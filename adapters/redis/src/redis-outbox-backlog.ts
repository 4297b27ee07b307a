/**
 * The outbox's backlog and dead place in Redis (SPEC §5). Stats are one script (XLEN, the oldest
 * entry's id, the server's TIME), so the age is measured on the clock that stamped the stream ids.
 * Setting an entry aside moves it, in one script, from the outbox stream to `outbox-dead:{name}` with
 * its fields as they were plus `dead.outbox_id`, `dead.reason` and `dead.at`, where the ops CLI finds it.
 */
import { Effect, Layer } from "effect"
import { type DeadOutboxEntry, OutboxBacklog } from "@kasa/shared"
import { outboxStreamKey } from "./outbox-stream.ts"
import { RedisConnection } from "./redis-connection.ts"
import { toStoreUnavailable } from "./redis-state-store.ts"

export const outboxDeadKey = (outboxName: string): string => `outbox-dead:${outboxName}`

const STATS_SCRIPT = `
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
local time = redis.call('TIME')
local oldest = ''
if #first > 0 then oldest = first[1][1] end
return { redis.call('XLEN', KEYS[1]), oldest, time[1], time[2], redis.call('XLEN', KEYS[2]) }
`

const SET_ASIDE_SCRIPT = `
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return 0 end
local fields = found[1][2]
local time = redis.call('TIME')
table.insert(fields, 'dead.outbox_id')
table.insert(fields, ARGV[1])
table.insert(fields, 'dead.reason')
table.insert(fields, ARGV[2])
table.insert(fields, 'dead.at')
table.insert(fields, tostring(time[1] * 1000 + math.floor(time[2] / 1000)))
redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('XDEL', KEYS[1], ARGV[1])
return 1
`

/** Milliseconds of a stream id (`<ms>-<seq>`). */
const idMillis = (id: string): number => Number(id.slice(0, id.indexOf("-")))

export const toDeadEntry = (id: string, message: Readonly<Record<string, string>>): DeadOutboxEntry => {
  const fields: Record<string, string> = {}
  for (const name in message) if (!name.startsWith("dead.")) fields[name] = message[name]!
  return {
    id,
    outboxId: message["dead.outbox_id"] ?? "?",
    reason: message["dead.reason"] ?? "?",
    setAsideAt: Number(message["dead.at"] ?? idMillis(id)),
    fields
  }
}

export const makeRedisOutboxBacklog = (options: { readonly outboxName: string }) =>
  Effect.gen(function* () {
    const redis = yield* RedisConnection
    const outbox = redis.key(outboxStreamKey(options.outboxName))
    const dead = redis.key(outboxDeadKey(options.outboxName))
    return OutboxBacklog.of({
      stats: redis.run("outbox stats", (client) => client.eval(STATS_SCRIPT, { keys: [outbox, dead] })).pipe(
        Effect.map((reply) => {
          const [pending, oldest, seconds, micros, deadCount] = reply as [number, string, string, string, number]
          const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
          return { pending, oldestAgeMs: oldest === "" ? 0 : Math.max(0, now - idMillis(oldest)), dead: deadCount }
        }),
        Effect.mapError(toStoreUnavailable)
      ),
      setAside: (id, reason) =>
        redis.run("outbox set aside", (client) => client.eval(SET_ASIDE_SCRIPT, { keys: [outbox, dead], arguments: [id, reason] })).pipe(
          Effect.map((reply) => reply === 1),
          Effect.mapError(toStoreUnavailable)
        ),
      dead: (max) =>
        redis.run("outbox dead", (client) => client.xRange(dead, "-", "+", { COUNT: Math.max(1, Math.floor(max)) })).pipe(
          Effect.map((entries) => (entries ?? []).map((entry) => toDeadEntry(entry.id, entry.message as Record<string, string>))),
          Effect.mapError(toStoreUnavailable)
        )
    })
  })

export const layerRedisOutboxBacklog = (options: { readonly outboxName: string }) => Layer.effect(OutboxBacklog, makeRedisOutboxBacklog(options))
