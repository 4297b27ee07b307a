/**
 * One relay at a time per outbox (SPEC §5) in SQL: a row per outbox naming its holder and until when.
 * Taking and renewing are one upsert that succeeds only when the row is this holder's or has run out,
 * on the database's clock, so every instance agrees on when a dead holder's lease is free.
 */
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { OutboxLease } from "@kasa/shared"
import { toStoreUnavailable } from "./sql-state-store.ts"

export const makeSqlOutboxLease = (options: { readonly outboxName: string; readonly holder?: string }) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const holder = options.holder ?? `${process.pid}-${crypto.randomUUID()}`
    return OutboxLease.of({
      holder,
      hold: (ttlMs) =>
        sql`insert into kasa_outbox_lease (outbox, holder, expires_at) values (${options.outboxName}, ${holder}, now() + make_interval(secs => ${ttlMs / 1000}))
          on conflict (outbox) do update set holder = excluded.holder, expires_at = excluded.expires_at
          where kasa_outbox_lease.holder = excluded.holder or kasa_outbox_lease.expires_at <= now()
          returning holder`.pipe(
          Effect.map((rows) => rows.length > 0),
          Effect.mapError(toStoreUnavailable("outbox lease"))
        ),
      release: sql`delete from kasa_outbox_lease where outbox = ${options.outboxName} and holder = ${holder}`.pipe(
        Effect.asVoid,
        Effect.mapError(toStoreUnavailable("outbox lease release"))
      )
    })
  })

export const layerSqlOutboxLease = (options: { readonly outboxName: string; readonly holder?: string }): Layer.Layer<OutboxLease, never, SqlClient.SqlClient> =>
  Layer.effect(OutboxLease, makeSqlOutboxLease(options))
