/**
 * The relay's view of an outbox in SQL: the app's rows of `kasa_outbox`, oldest first, deleted once
 * published. A commit with events notifies the outbox's channel (delivered when it commits), so a
 * relay waiting for work wakes at once instead of polling; the wait registers before it looks, so a
 * commit between the look and the wait is never missed. Rows that cannot be read as an event stop the
 * page before them, and fail it when they are the oldest, so the relay sets them aside.
 */
import { Deferred, Effect, Layer, Queue } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import { type Envelope, type OutboxEvent, OutboxReader, type PendingEvent, UnreadableOutboxEntry } from "@kasa/shared"
import { SqlNotifications } from "./sql-notifications.ts"
import { toStoreUnavailable } from "./sql-state-store.ts"
import { outboxChannel } from "./state-schema.ts"

interface OutboxRow {
  readonly id: string | bigint | number
  readonly topic: string
  readonly key: string
  readonly envelope: string
  readonly headers: string
  readonly raw: Uint8Array | null
}

/** The event of one row, or why it is not one (only a foreign writer could cause that). */
const decodeRow = (row: OutboxRow): OutboxEvent | string => {
  try {
    const event: OutboxEvent = { topic: row.topic, key: row.key, envelope: JSON.parse(row.envelope) as Envelope, headers: JSON.parse(row.headers) as Record<string, string> }
    return row.raw === null ? event : { ...event, raw: new Uint8Array(row.raw) }
  } catch (error) {
    return `not JSON: ${String(error)}`
  }
}

export interface SqlOutboxReaderOptions {
  readonly outboxName: string
}

export const makeSqlOutboxReader = (options: SqlOutboxReaderOptions) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const notifications = yield* SqlNotifications
    const name = options.outboxName
    let waiters: Array<Deferred.Deferred<void>> = []
    const wake = Effect.sync(() => {
      const woken = waiters
      waiters = []
      for (const waiter of woken) Deferred.doneUnsafe(waiter, Effect.void)
    })
    // Listening before the layer is built, so a commit right after it wakes a waiting relay; a lost
    // connection wakes the waiters (they look again) and is listened to again after a pause.
    const channel = outboxChannel(name)
    const drain = (queue: Queue.Dequeue<string, SqlError.SqlError>) => Effect.forever(Effect.andThen(Queue.take(queue), wake))
    const lost = (error: SqlError.SqlError) =>
      Effect.logWarning("outbox notifications lost; listening again", { outbox: name, error: error.message }).pipe(Effect.andThen(wake), Effect.andThen(Effect.sleep("500 millis")))
    const first = yield* Effect.orDie(notifications.listen(channel))
    yield* Effect.forkScoped(
      drain(first).pipe(
        Effect.catch(lost),
        Effect.andThen(Effect.forever(Effect.scoped(Effect.flatMap(notifications.listen(channel), drain)).pipe(Effect.catch(lost))))
      )
    )
    const hasPending = sql`select 1 from kasa_outbox where outbox = ${name} limit 1`.pipe(Effect.map((rows) => rows.length > 0))

    return OutboxReader.of({
      pending: (max) =>
        sql<OutboxRow>`select id, topic, key, envelope, headers, raw from kasa_outbox where outbox = ${name} order by id limit ${Math.max(1, Math.floor(max))}`.pipe(
          Effect.mapError(toStoreUnavailable("outbox pending")),
          Effect.flatMap((rows) => {
            const pending: Array<PendingEvent> = []
            for (const row of rows) {
              const event = decodeRow(row)
              if (typeof event === "string") {
                if (pending.length === 0) return Effect.fail(new UnreadableOutboxEntry({ id: String(row.id), reason: event }))
                break
              }
              pending.push({ id: String(row.id), event })
            }
            return Effect.succeed(pending)
          })
        ),
      acknowledge: (ids) =>
        ids.length === 0
          ? Effect.void
          : sql`delete from kasa_outbox where outbox = ${name} and id = any(${ids.map((id) => BigInt(id))}::bigint[])`.pipe(
              Effect.asVoid,
              Effect.mapError(toStoreUnavailable("outbox acknowledge"))
            ),
      waitForPending: (timeoutMs) =>
        Effect.flatMap(Deferred.make<void>(), (woken) =>
          Effect.gen(function* () {
            waiters.push(woken)
            if (yield* hasPending) return
            yield* Deferred.await(woken).pipe(Effect.timeoutOption(timeoutMs))
          }).pipe(
            Effect.ensuring(Effect.sync(() => (waiters = waiters.filter((waiter) => waiter !== woken)))),
            Effect.mapError(toStoreUnavailable("outbox wait"))
          )
        )
    })
  })

export const layerSqlOutboxReader = (options: SqlOutboxReaderOptions): Layer.Layer<OutboxReader, never, SqlClient.SqlClient | SqlNotifications> =>
  Layer.effect(OutboxReader, makeSqlOutboxReader(options))
