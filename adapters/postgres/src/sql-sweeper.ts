/**
 * What has run out leaves the SQL tables too (SPEC §2: no store grows without bound): every
 * `intervalMs` while the layer lives, values and counters past their lifetime, streams whose key has
 * expired (entries and key), and processed markers past theirs are deleted, up to `batch` rows of each
 * a pass so a sweep never holds long locks. Reads already hide what has expired; this only frees it.
 */
import { Effect, Layer, Schedule } from "effect"
import { SqlClient } from "effect/sql"

export const SWEEP_INTERVAL_MS = 60_000
export const SWEEP_BATCH = 5_000

/** One pass: how many rows it deleted. */
export const sweepExpired = (batch = SWEEP_BATCH) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const values = yield* sql`delete from kasa_kv where key in (select key from kasa_kv where expires_at <= now() limit ${batch}) returning 1 as one`
    const keys = yield* sql<{ key: string }>`delete from kasa_stream_key where key in (select key from kasa_stream_key where expires_at <= now() limit ${batch}) returning key`
    const entries = keys.length === 0 ? [] : yield* sql`delete from kasa_stream where key = any(${keys.map((row) => row.key)}) returning 1 as one`
    const markers = yield* sql`delete from kasa_processed where (group_id, event_id) in (select group_id, event_id from kasa_processed where expires_at <= now() limit ${batch}) returning 1 as one`
    return values.length + keys.length + entries.length + markers.length
  })

/** Sweeps while the layer's scope lives; a failed pass is logged and the next one tries again. */
export const layerSqlSweeper = (intervalMs = SWEEP_INTERVAL_MS): Layer.Layer<never, never, SqlClient.SqlClient> =>
  Layer.effectDiscard(
    Effect.forkScoped(
      Effect.repeat(
        sweepExpired().pipe(Effect.catch((error) => Effect.as(Effect.logWarning("sweeping expired rows failed", { error: error.message }), 0))),
        Schedule.spaced(intervalMs)
      )
    )
  )
