/**
 * The outbox's backlog and dead place in SQL (SPEC §5): how many entries wait and how old the oldest
 * is (on the database's clock, which stamped them), and setting a poison entry aside: moved, in one
 * transaction, from `kasa_outbox` to `kasa_outbox_dead` with its reason, where the ops CLI finds it.
 */
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { type DeadOutboxEntry, OutboxBacklog } from "@kasa/shared"
import { toStoreUnavailable } from "./sql-state-store.ts"

interface DeadRow {
  readonly id: string | bigint | number
  readonly outbox_id: string
  readonly reason: string
  readonly set_aside_at: Date
  readonly topic: string
  readonly key: string
  readonly envelope: string
  readonly headers: string
  readonly raw: Uint8Array | null
}

const toDeadEntry = (row: DeadRow): DeadOutboxEntry => ({
  id: String(row.id),
  outboxId: row.outbox_id,
  reason: row.reason,
  setAsideAt: new Date(row.set_aside_at).getTime(),
  fields: {
    topic: row.topic,
    key: row.key,
    envelope: row.envelope,
    headers: row.headers,
    ...(row.raw === null ? {} : { raw: Buffer.from(row.raw).toString("base64") })
  }
})

export const makeSqlOutboxBacklog = (options: { readonly outboxName: string }) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const name = options.outboxName
    return OutboxBacklog.of({
      stats: sql<{ pending: number; oldest_age_ms: number | null; dead: number }>`
        select (select count(*)::int from kasa_outbox where outbox = ${name}) as pending,
               (select (extract(epoch from now() - min(created_at)) * 1000)::float8 from kasa_outbox where outbox = ${name}) as oldest_age_ms,
               (select count(*)::int from kasa_outbox_dead where outbox = ${name}) as dead`.pipe(
        Effect.map(([row]) => ({ pending: Number(row?.pending ?? 0), oldestAgeMs: Math.max(0, Math.round(Number(row?.oldest_age_ms ?? 0))), dead: Number(row?.dead ?? 0) })),
        Effect.mapError(toStoreUnavailable("outbox stats"))
      ),
      setAside: (id, reason) =>
        sql`with moved as (delete from kasa_outbox where outbox = ${name} and id = ${BigInt(id)} returning *)
          insert into kasa_outbox_dead (outbox, outbox_id, reason, topic, key, envelope, headers, raw)
          select outbox, id::text, ${reason}, topic, key, envelope, headers, raw from moved
          returning id`.pipe(
          Effect.map((rows) => rows.length > 0),
          Effect.mapError(toStoreUnavailable("outbox set aside"))
        ),
      dead: (max) =>
        sql<DeadRow>`select id, outbox_id, reason, set_aside_at, topic, key, envelope, headers, raw from kasa_outbox_dead
          where outbox = ${name} order by id limit ${Math.max(1, Math.floor(max))}`.pipe(
          Effect.map((rows) => rows.map(toDeadEntry)),
          Effect.mapError(toStoreUnavailable("outbox dead"))
        )
    })
  })

export const layerSqlOutboxBacklog = (options: { readonly outboxName: string }): Layer.Layer<OutboxBacklog, never, SqlClient.SqlClient> =>
  Layer.effect(OutboxBacklog, makeSqlOutboxBacklog(options))
