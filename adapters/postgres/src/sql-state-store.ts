/**
 * The StateStore port over SQL (PostgreSQL distributed, PGlite embedded), for contexts whose state
 * lives beside the shop's records: a commit is one SQL transaction that sets the processed markers
 * (none may be there yet: else nothing is applied and it is a "duplicate"), takes a transaction-scoped
 * advisory lock per key it reads or writes (in one order, so commits on the same keys run one after
 * the other and never deadlock), checks the preconditions, applies the operations in order, appends
 * the events to the outbox and notifies the outbox's channel, which PostgreSQL delivers on commit.
 */
import { Effect, Layer } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import {
  type AtomicWrite,
  batchAware,
  type CommitResult,
  DEFAULT_TOPIC_RETENTION_MS,
  markerLifetimeMs,
  type ProcessedMarker,
  type RecordValue,
  type RecordWrite,
  type StateOp,
  StateStore,
  StoreUnavailable,
  WriteConflict
} from "@kasa/shared"
import { isUniqueViolation } from "./sql-errors.ts"
import { outboxChannel } from "./state-schema.ts"

export interface SqlStateStoreOptions {
  /** The app's outbox: its events are written under this name and its relay reads only them. */
  readonly outboxName: string
  /** How long a processed marker lives; default `markerLifetimeMs` of the default topic retention. */
  readonly markerLifetimeMs?: number
}

export const toStoreUnavailable =
  (operation: string) =>
  (error: SqlError.SqlError): StoreUnavailable =>
    new StoreUnavailable({ operation, message: error.message })

/** A marker already there: the transaction is rolled back and the commit answers "duplicate". */
class AlreadyProcessed {
  readonly _tag = "AlreadyProcessed"
}

const uniqueMarkers = (markers: ReadonlyArray<ProcessedMarker>): Array<ProcessedMarker> => {
  const seen = new Map<string, ProcessedMarker>()
  for (const marker of markers) seen.set(`${marker.group}\u0000${marker.eventId}`, marker)
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, marker]) => marker)
}

const keysOf = (write: AtomicWrite): Array<string> => {
  const keys = new Set<string>()
  for (const condition of write.expect ?? []) keys.add(condition.key)
  for (const op of write.ops ?? []) keys.add(op.key)
  return [...keys]
}

export const makeSqlStateStore = (options: SqlStateStoreOptions) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const lifetimeSeconds = (options.markerLifetimeMs ?? markerLifetimeMs(DEFAULT_TOPIC_RETENTION_MS)) / 1000
    const channel = outboxChannel(options.outboxName)
    const expiry = (ttlSeconds: number | undefined) => (ttlSeconds === undefined ? sql.literal("null") : sql`now() + make_interval(secs => ${ttlSeconds})`)

    const live = (keys: ReadonlyArray<string>) =>
      sql<{ key: string; value: string }>`select key, value from kasa_kv where key = any(${keys}) and (expires_at is null or expires_at > now())`

    const mark = (markers: ReadonlyArray<ProcessedMarker>) =>
      Effect.gen(function* () {
        const unique = uniqueMarkers(markers)
        const inserted = yield* sql`
          insert into kasa_processed (group_id, event_id, expires_at)
          select g, e, now() + make_interval(secs => ${lifetimeSeconds})
          from unnest(${unique.map((m) => m.group)}::text[], ${unique.map((m) => m.eventId)}::text[]) as m(g, e)
          on conflict (group_id, event_id) do update set expires_at = excluded.expires_at where kasa_processed.expires_at <= now()
          returning event_id`
        if (inserted.length < unique.length) return yield* Effect.fail(new AlreadyProcessed())
      })

    const apply = (op: StateOp) => {
      switch (op.op) {
        case "set":
          return sql`insert into kasa_kv (key, value, expires_at) values (${op.key}, ${op.value}, ${expiry(op.ttlSeconds)})
            on conflict (key) do update set value = excluded.value, expires_at = excluded.expires_at`
        case "delete":
          return Effect.all([sql`delete from kasa_kv where key = ${op.key}`, sql`delete from kasa_stream where key = ${op.key}`, sql`delete from kasa_stream_key where key = ${op.key}`], {
            discard: true
          })
        case "incrementBy":
          // An expired counter counts from zero again and, without a ttl, lives on without one (as INCRBY on a gone key).
          return sql`insert into kasa_kv (key, value, expires_at) values (${op.key}, ${String(op.by)}, ${expiry(op.ttlSeconds)})
            on conflict (key) do update set
              value = ((case when kasa_kv.expires_at <= now() then 0 else kasa_kv.value::bigint end) + ${op.by})::text,
              expires_at = ${op.ttlSeconds === undefined ? sql.literal("case when kasa_kv.expires_at <= now() then null else kasa_kv.expires_at end") : sql.literal("excluded.expires_at")}`
        case "append":
          return Effect.gen(function* () {
            // An expired stream is gone: the append starts a new one.
            const [head] = yield* sql<{ expired: boolean }>`
              insert into kasa_stream_key (key, expires_at) values (${op.key}, ${expiry(op.ttlSeconds)})
              on conflict (key) do update set expires_at = ${
                op.ttlSeconds === undefined
                  ? sql.literal("case when kasa_stream_key.expires_at <= now() then null else kasa_stream_key.expires_at end")
                  : sql.literal("excluded.expires_at")
              }
              returning (select expires_at <= now() from kasa_stream_key where key = ${op.key}) as expired`
            if (head?.expired === true) yield* sql`delete from kasa_stream where key = ${op.key}`
            yield* sql`insert into kasa_stream (key, fields) values (${op.key}, ${JSON.stringify(op.fields)})`
            if (op.maxLength !== undefined)
              yield* sql`delete from kasa_stream where key = ${op.key} and seq <= (
                select seq from kasa_stream where key = ${op.key} order by seq desc offset ${op.maxLength} limit 1)`
          })
      }
    }

    const writeRecord = (record: RecordWrite) => {
      if (record.op === "insert")
        return sql`insert into ${sql(record.table)} ${sql.insert(record.row as Record<string, RecordValue>)}`.pipe(
          Effect.catchIf(isUniqueViolation, () => Effect.fail(new WriteConflict({ key: record.conflictKey })))
        )
      const where = Object.entries(record.where).map(([column, value]) => (value === null ? sql`${sql(column)} is null` : sql`${sql(column)} = ${value}`))
      return sql`update ${sql(record.table)} set ${sql.update(record.set as Record<string, RecordValue>)} where ${sql.and(where)} returning 1 as one`.pipe(
        Effect.flatMap((rows) => (rows.length === 1 ? Effect.void : Effect.fail(new WriteConflict({ key: record.conflictKey }))))
      )
    }

    const commitInTransaction = (write: AtomicWrite) =>
      Effect.gen(function* () {
        if ((write.processed?.length ?? 0) > 0) yield* mark(write.processed!)
        const keys = keysOf(write)
        if (keys.length > 0)
          yield* sql`select pg_advisory_xact_lock(h) from (select distinct hashtextextended(k, 0) as h from unnest(${keys}::text[]) as k order by 1) as locks`
        const expect = write.expect ?? []
        if (expect.length > 0) {
          const current = new Map((yield* live(expect.map((condition) => condition.key))).map((row) => [row.key, row.value] as const))
          for (const condition of expect) if (current.get(condition.key) !== condition.value) return yield* Effect.fail(new WriteConflict({ key: condition.key }))
        }
        for (const op of write.ops ?? []) yield* apply(op)
        for (const record of write.records ?? []) yield* writeRecord(record)
        const events = write.events ?? []
        if (events.length > 0) {
          const rows = events.map((event) => ({
              outbox: options.outboxName,
              topic: event.topic,
              key: event.key,
              envelope: JSON.stringify(event.envelope),
              headers: JSON.stringify(event.headers ?? {}),
              raw: event.raw ?? null
          }))
          yield* sql`insert into kasa_outbox ${sql.insert(rows as [(typeof rows)[number], ...typeof rows])}`
          yield* sql`select pg_notify(${channel}, '')`
        }
      })

    return StateStore.of({
      get: (key) =>
        live([key]).pipe(
          Effect.map((rows) => rows[0]?.value),
          Effect.mapError(toStoreUnavailable("get"))
        ),
      getMany: (keys) =>
        keys.length === 0
          ? Effect.succeed([])
          : live(keys).pipe(
              Effect.map((rows) => {
                const found = new Map(rows.map((row) => [row.key, row.value] as const))
                return keys.map((key) => found.get(key))
              }),
              Effect.mapError(toStoreUnavailable("getMany"))
            ),
      readStream: (key) =>
        sql<{ fields: string }>`select fields from kasa_stream where key = ${key}
          and not exists (select 1 from kasa_stream_key where key = ${key} and expires_at <= now()) order by seq`.pipe(
          Effect.map((rows) => rows.map((row) => JSON.parse(row.fields) as Readonly<Record<string, string>>)),
          Effect.mapError(toStoreUnavailable("readStream"))
        ),
      commit: (write) =>
        sql.withTransaction(commitInTransaction(write)).pipe(
          Effect.as<CommitResult>("committed"),
          Effect.catchIf(
            (error): error is AlreadyProcessed => error instanceof AlreadyProcessed,
            () => Effect.succeed<CommitResult>("duplicate")
          ),
          Effect.catchTag("SqlError", (error) => Effect.fail(toStoreUnavailable("commit")(error)))
        ),
      processed: (group, ids) =>
        ids.length === 0
          ? Effect.succeed(new Set<string>())
          : sql<{ event_id: string }>`select event_id from kasa_processed where group_id = ${group} and event_id = any(${ids}) and expires_at > now()`.pipe(
              Effect.map((rows) => new Set(rows.map((row) => row.event_id))),
              Effect.mapError(toStoreUnavailable("processed"))
            )
    })
  })

/** The StateStore over the SqlClient in context (batch-aware, as every adapter's). */
export const layerSqlStateStore = (options: SqlStateStoreOptions): Layer.Layer<StateStore, never, SqlClient.SqlClient> =>
  Layer.effect(StateStore, Effect.map(makeSqlStateStore(options), batchAware))
