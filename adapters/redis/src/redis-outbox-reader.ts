/**
 * The relay's view of a Redis outbox stream (SPEC §5). The stream holds exactly the events not yet
 * acknowledged: `pending` reads the oldest with XRANGE COUNT, `acknowledge` removes entries with
 * XDEL, so a new relay after a crash finds what the old one did not finish. `pending` stops before an
 * entry that is not an outbox event and names it when it is the oldest, so the relay sets it aside
 * (redis-outbox-backlog.ts) instead of being stuck on it. `waitForPending` is an
 * XREAD BLOCK from id 0 on a connection of its own: it returns at once while anything is pending and
 * otherwise the moment a commit adds an entry, or when the timeout passes. A wait that is
 * interrupted unblocks its connection (CLIENT UNBLOCK), so the connection is free for the next one.
 */
import { Effect, Layer } from "effect"
import type { Scope } from "effect"
import { OutboxReader, type PendingEvent, UnreadableOutboxEntry } from "@kasa/shared"
import { decodeOutboxEvent, outboxStreamKey } from "./outbox-stream.ts"
import { RedisConnection, type RedisError } from "./redis-connection.ts"
import type { StoreUnavailable } from "@kasa/shared"
import { toStoreUnavailable } from "./redis-state-store.ts"

export interface RedisOutboxReaderOptions {
  readonly outboxName: string
}

/** Slack over the server-side block before the client gives up on the reply. */
const replyGraceMs = 1_000

export const makeRedisOutboxReader = (
  options: RedisOutboxReaderOptions
): Effect.Effect<typeof OutboxReader.Service, RedisError, RedisConnection | Scope.Scope> =>
  Effect.gen(function* () {
    const redis = yield* RedisConnection
    const outbox = redis.key(outboxStreamKey(options.outboxName))
    const blocking = yield* redis.dedicated("outbox-wait", 60 * 60 * 1000)
    const unblock = Effect.suspend(() => redis.run("CLIENT UNBLOCK", (client) => client.clientUnblock(blocking.clientId()))).pipe(Effect.ignore)

    const pending = Effect.fnUntraced(function* (max: number) {
      if (max <= 0) return []
      const entries = yield* redis
        .run("pending", (client) => client.xRange(outbox, "-", "+", { COUNT: Math.floor(max) }))
        .pipe(Effect.mapError(toStoreUnavailable))
      const out: Array<PendingEvent> = []
      for (const entry of entries ?? []) {
        const event = decodeOutboxEvent(entry.message)
        if (typeof event === "string") {
          // Stop before it, never skip it: the relay sets the oldest unreadable entry aside, so nothing is silently lost.
          if (out.length > 0) return out
          return yield* new UnreadableOutboxEntry({ id: entry.id, reason: `outbox entry ${entry.id} of ${outbox} is unreadable: ${event}` })
        }
        out.push({ id: entry.id, event })
      }
      return out
    })

    const acknowledge = Effect.fnUntraced(function* (ids: ReadonlyArray<string>) {
      if (ids.length === 0) return
      yield* redis.run("acknowledge", (client) => client.xDel(outbox, [...ids])).pipe(Effect.mapError(toStoreUnavailable))
    })

    const waitForPending = (timeoutMs: number): Effect.Effect<void, StoreUnavailable> =>
      Effect.suspend(() => waitFrom(Date.now(), timeoutMs))

    const waitFrom = (started: number, timeoutMs: number): Effect.Effect<void, StoreUnavailable> => {
      const block = Math.max(1, Math.ceil(timeoutMs))
      const read =
        timeoutMs <= 0
          ? blocking.run("waitForPending", (client) => client.xRead({ key: outbox, id: "0-0" }, { COUNT: 1 }))
          : blocking.run("waitForPending", (client) => client.xRead({ key: outbox, id: "0-0" }, { COUNT: 1, BLOCK: block }))
      return read.pipe(
        Effect.timeoutOrElse({ duration: Math.max(0, timeoutMs) + replyGraceMs, orElse: () => unblock }),
        Effect.onInterrupt(() => unblock),
        Effect.asVoid,
        // A broken wait still keeps its promise to last until the timeout, so the relay does not spin.
        Effect.catch((error: RedisError) =>
          Effect.sleep(Math.max(0, timeoutMs - (Date.now() - started))).pipe(Effect.andThen(Effect.fail(toStoreUnavailable(error))))
        )
      )
    }

    return OutboxReader.of({ pending, acknowledge, waitForPending })
  })

/** OutboxReader over the RedisConnection in context, with its own blocking connection. */
export const layerRedisOutboxReader = (options: RedisOutboxReaderOptions): Layer.Layer<OutboxReader, RedisError, RedisConnection> =>
  Layer.effect(OutboxReader, makeRedisOutboxReader(options))
