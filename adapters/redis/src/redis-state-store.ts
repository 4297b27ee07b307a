/**
 * The StateStore port over Redis (SPEC §5, ARCHITECTURE §4). `commit` sends a write's
 * processed markers (which must be absent), preconditions, state operations, outbox entries and processed markers as one Lua script in one
 * round trip (commit-script.ts), so Redis applies them together, only if the preconditions hold, and
 * no other client sees a part of them. Values are strings (SET with
 * an optional expiry), streams are Redis streams (XADD, trimmed approximately with MAXLEN ~),
 * counters are INCRBY. Every key is under the connection's prefix. The calls make no spans of their
 * own: one per Redis call cost more than the call on the add-to-cart path (the use case's span
 * already covers it). Malformed writes (a fractional increment, an empty append) are refused before
 * anything is sent, because Redis does not roll back a command that fails inside it; a key holding the wrong type (INCRBY on text, XADD on a string)
 * can still fail its one command while the others apply, so keep one type per key.
 */
import { Effect, Layer } from "effect"
import { type AtomicWrite, batchAware, type CommitResult, DEFAULT_TOPIC_RETENTION_MS, markerLifetimeMs, recordsRefused, StateStore, StoreUnavailable, WriteConflict } from "@kasa/shared"
import { COMMIT_SCRIPT, encodeCommit } from "./commit-script.ts"
import { outboxStreamKey, processedKey } from "./outbox-stream.ts"
import { RedisConnection, type RedisError } from "./redis-connection.ts"

export interface RedisStateStoreOptions {
  /** Names this app's outbox stream (`outbox:{name}`). */
  readonly outboxName: string
  /** The topics' retention (TOPIC_RETENTION_MS); processed markers outlive it (`markerLifetimeMs`). Default 7 days. */
  readonly topicRetentionMs?: number
}

export const toStoreUnavailable = (error: RedisError): StoreUnavailable =>
  new StoreUnavailable({ operation: error.operation, message: error.message })

/** Why a write cannot be applied as a whole, or undefined when it can. */
const invalid = (write: AtomicWrite): string | undefined => {
  const refused = recordsRefused(write)
  if (refused !== undefined) return refused
  for (const op of write.ops ?? []) {
    if (op.op === "incrementBy" && !Number.isSafeInteger(op.by)) return `incrementBy ${op.key}: ${op.by} is not an integer`
    if (op.op === "append" && Object.keys(op.fields).length === 0) return `append ${op.key}: no fields`
    if (op.op === "append" && op.maxLength !== undefined && !(Number.isSafeInteger(op.maxLength) && op.maxLength >= 0))
      return `append ${op.key}: maxLength ${op.maxLength} is not a whole number`
  }
  return undefined
}

export const makeRedisStateStore = (options: RedisStateStoreOptions) =>
  Effect.gen(function* () {
    const redis = yield* RedisConnection
    const outbox = redis.key(outboxStreamKey(options.outboxName))
    const markerLifetime = markerLifetimeMs(options.topicRetentionMs ?? DEFAULT_TOPIC_RETENTION_MS)
    const sha = yield* redis.run("SCRIPT LOAD", (client) => client.scriptLoad(COMMIT_SCRIPT))

    const commit = Effect.fnUntraced(function* (write: AtomicWrite) {
      const ops = write.ops ?? []
      const events = write.events ?? []
      const markers = write.processed ?? []
      const problem = invalid(write)
      if (problem !== undefined) return yield* new StoreUnavailable({ operation: "commit", message: `refused: ${problem}` })
      if (ops.length + events.length + markers.length === 0) return "committed" as CommitResult
      const { keys, args } = encodeCommit(write, redis.key, outbox, (group, id) => redis.key(processedKey(group, id)), markerLifetime)
      const conflict = yield* redis.send("commit", "EVALSHA", [sha, String(keys.length), ...keys, ...args]).pipe(
        // A Redis that lost its scripts (a restart, SCRIPT FLUSH) gets the script itself.
        Effect.catchIf(
          (error) => error.message.includes("NOSCRIPT"),
          () => redis.send("commit", "EVAL", [COMMIT_SCRIPT, String(keys.length), ...keys, ...args])
        ),
        Effect.mapError(toStoreUnavailable)
      )
      if (conflict === 1) return "duplicate" as CommitResult
      if (conflict !== "") return yield* new WriteConflict({ key: String(conflict).slice(redis.keyPrefix.length) })
      return "committed" as CommitResult
    })

    return StateStore.of({
      get: Effect.fnUntraced(function* (key: string) {
        const value = yield* redis.send("get", "GET", [redis.key(key)]).pipe(Effect.mapError(toStoreUnavailable))
        return (value as string | null) ?? undefined
      }),
      getMany: Effect.fnUntraced(function* (keys: ReadonlyArray<string>) {
        if (keys.length === 0) return []
        const values = yield* redis.send("getMany", "MGET", keys.map(redis.key)).pipe(Effect.mapError(toStoreUnavailable))
        return (values as Array<string | null>).map((value) => value ?? undefined)
      }),
      readStream: Effect.fn("RedisStateStore.readStream")(function* (key: string) {
        const entries = yield* redis
          .run("readStream", (client) => client.xRange(redis.key(key), "-", "+"))
          .pipe(Effect.mapError(toStoreUnavailable))
        return (entries ?? []).map((entry): Readonly<Record<string, string>> => ({ ...entry.message }))
      }),
      commit,
      processed: Effect.fnUntraced(function* (group: string, eventIds: ReadonlyArray<string>) {
        if (eventIds.length === 0) return new Set<string>()
        const found = yield* redis
          .send("processed", "MGET", eventIds.map((id) => redis.key(processedKey(group, id))))
          .pipe(Effect.mapError(toStoreUnavailable))
        const done = new Set<string>()
        ;(found as Array<string | null>).forEach((value, i) => {
          if (value !== null) done.add(eventIds[i]!)
        })
        return done
      })
    })
  })

/** StateStore over the RedisConnection in context. */
export const layerRedisStateStore = (options: RedisStateStoreOptions): Layer.Layer<StateStore, RedisError, RedisConnection> =>
  Layer.effect(StateStore, Effect.map(makeRedisStateStore(options), batchAware))
