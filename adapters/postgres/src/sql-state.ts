/**
 * An app's whole StateStore side over SQL in one layer: the state tables created (once, as a
 * migration), the StateStore, its outbox's reader, lease and backlog, and the sweeper of expired rows, all on the SqlClient in
 * context; the relay wakes on commit through SqlNotifications (PostgreSQL's or PGlite's LISTEN).
 */
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import type { OutboxBacklog, OutboxLease, OutboxReader, StateStore } from "@kasa/shared"
import type { SqlNotifications } from "./sql-notifications.ts"
import { layerSqlOutboxBacklog } from "./sql-outbox-backlog.ts"
import { layerSqlOutboxLease } from "./sql-outbox-lease.ts"
import { layerSqlOutboxReader, type SqlOutboxReaderOptions } from "./sql-outbox-reader.ts"
import { layerSqlStateStore, type SqlStateStoreOptions } from "./sql-state-store.ts"
import { layerSqlSweeper } from "./sql-sweeper.ts"
import { runMigrations } from "./migrations.ts"
import { stateMigrations } from "./state-schema.ts"

export type SqlStateOptions = SqlStateStoreOptions & SqlOutboxReaderOptions & {
  /** How often expired rows are deleted (sql-sweeper.ts); default a minute. */
  readonly sweepIntervalMs?: number
}

export const layerSqlState = (options: SqlStateOptions): Layer.Layer<StateStore | OutboxReader | OutboxLease | OutboxBacklog, never, SqlClient.SqlClient | SqlNotifications> =>
  Layer.mergeAll(layerSqlStateStore(options), layerSqlOutboxReader(options), layerSqlOutboxLease(options), layerSqlOutboxBacklog(options), layerSqlSweeper(options.sweepIntervalMs)).pipe(
    Layer.provide(Layer.effectDiscard(Effect.orDie(runMigrations("state", stateMigrations))))
  )
