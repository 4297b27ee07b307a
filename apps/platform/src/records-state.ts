/**
 * The records side of an app whose modules keep the shop's records (payment, order: SPEC §4.4, §4.8):
 * a SQL database (PostgreSQL at DATABASE_URL, else PGlite in the process, on disk in PGLITE_DIR), the
 * modules' migrations run at start, and a StateStore with its outbox over it. A records module's
 * consumers and use cases commit there (their state, records, events and markers in one SQL
 * transaction), and a relay of its own publishes that outbox. Those services share tags with the
 * platform's key-value ones, so they are held as a Context a module provides where it needs them.
 */
import { Context, Effect, Layer } from "effect"
import type { SqlClient } from "effect/sql"
import { layerAnsweringStore, markerLifetimeMs, type OutboxBacklog, type OutboxLease, type OutboxReader, StateStore } from "@kasa/shared"
import { layerSql, layerSqlState, type Migrations, runMigrations, type SqlNotifications } from "@kasa/adapter-postgres"
import type { ModuleRuntime } from "./app-module.ts"
import type { InfraConfig } from "./infra-config.ts"

export type RecordsServices = StateStore | OutboxReader | OutboxLease | OutboxBacklog | SqlClient.SqlClient | SqlNotifications

export interface RecordsSpec {
  /** Names the module's migration set (`kasa_migrations_<name>`). */
  readonly name: string
  readonly migrations: Migrations
}

export class RecordsState extends Context.Service<RecordsState, { readonly context: Context.Context<RecordsServices>; readonly backend: "postgresql" | "pglite" }>()(
  "@kasa/app-platform/RecordsState"
) {}

/** The database, every records module's migrations, and the StateStore (answering, as the platform's) and outbox over it. */
export const layerRecordsState = (config: InfraConfig, appName: string, specs: ReadonlyArray<RecordsSpec>): Layer.Layer<RecordsState, unknown> => {
  const sql = layerSql({
    ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
    ...(config.pgliteDir === undefined ? {} : { pgliteDir: config.pgliteDir })
  })
  const migrated = Layer.effectDiscard(Effect.forEach(specs, (spec) => runMigrations(spec.name, spec.migrations), { discard: true }))
  // Fresh: the platform's key-value side built the same layer value, and layers are shared by value.
  const state = Layer.provideMerge(Layer.fresh(layerAnsweringStore), layerSqlState({ outboxName: appName, markerLifetimeMs: markerLifetimeMs(config.topicRetentionMs) }))
  const all = Layer.provideMerge(state, Layer.provideMerge(migrated, sql))
  return Layer.effect(
    RecordsState,
    Effect.map(Layer.build(all), (context) => RecordsState.of({ context, backend: config.databaseUrl === undefined ? "pglite" : "postgresql" }))
  )
}

/** The records services, for a module's layer built over them (its stores commit in SQL). */
export const layerFromRecords: Layer.Layer<RecordsServices, never, RecordsState> = Layer.effectContext(Effect.map(RecordsState, (records) => records.context))

/** Runs `effect` over the records services instead of the platform's key-value ones. */
export const overRecords = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, RecordsServices> | RecordsState> =>
  Effect.flatMap(RecordsState, (records) => Effect.provide(effect, records.context))

/**
 * A records module's runtime as its routes use it: every effect runs over the records' services, so
 * its commands' state, their Idempotency-Key claims and stored answers all commit in SQL together.
 */
export const overRecordsRuntime = <R>(runtime: ModuleRuntime<R>): Pick<ModuleRuntime<R | RecordsServices>, "runPromise"> => ({
  runPromise: (effect, options) => runtime.runPromise(overRecords(effect) as Effect.Effect<never, never, never>, options)
})

/** The records' StateStore itself, for an adapter a records module builds outside the runtime (a gateway's routes). */
export const recordsStore = <R>(runtime: ModuleRuntime<R>): StateStore["Service"] =>
  (runtime as unknown as ModuleRuntime<RecordsState>).runSync(Effect.map(RecordsState, (records) => Context.get(records.context, StateStore)))
