// Expired rows leave the SQL tables (not only hidden from reads): values, streams and processed markers
// past their lifetime are deleted by a sweep; what has not expired stays. Over a real PostgreSQL.
import { afterAll, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { SqlClient } from "effect/sql"
import { layerPg, layerSqlState, sweepExpired } from "@kasa/adapter-postgres"
import { StateStore } from "@kasa/shared"
import { testPostgres } from "@kasa/test-support/infra"
import { waitFor } from "@kasa/test-support/wait-for"

const prefix = `sweep-${Date.now()}`
// Markers that live one second; the layer's own sweeper runs rarely, so this test's sweeps are the ones that count.
const runtime = ManagedRuntime.make(
  Layer.unwrap(Effect.promise(async () => Layer.provideMerge(layerSqlState({ outboxName: prefix, markerLifetimeMs: 1_000, sweepIntervalMs: 3_600_000 }), layerPg((await testPostgres()).url))))
)
afterAll(() => runtime.dispose())
const run = <A, E>(effect: Effect.Effect<A, E, StateStore | SqlClient.SqlClient>) => runtime.runPromise(effect)

const rowsOf = () =>
  run(
    Effect.flatMap(SqlClient.SqlClient, (sql) =>
      Effect.all({
        values: sql<{ key: string }>`select key from kasa_kv where key like ${`${prefix}%`} order by key`,
        streamKeys: sql<{ key: string }>`select key from kasa_stream_key where key like ${`${prefix}%`}`,
        entries: sql<{ key: string }>`select key from kasa_stream where key like ${`${prefix}%`}`,
        markers: sql<{ event_id: string }>`select event_id from kasa_processed where group_id = ${prefix}`
      })
    )
  )

test("a sweep deletes the values, streams and markers that have expired, and keeps the rest", async () => {
  await run(
    Effect.flatMap(StateStore, (store) =>
      store.commit({
        ops: [
          { op: "set", key: `${prefix}:short`, value: "1", ttlSeconds: 1 },
          { op: "set", key: `${prefix}:kept`, value: "2" },
          { op: "append", key: `${prefix}:stream`, fields: { a: "1" }, ttlSeconds: 1 },
          { op: "append", key: `${prefix}:stream`, fields: { a: "2" } }
        ],
        processed: [{ group: prefix, eventId: "evt-1" }]
      })
    )
  )
  const before = await rowsOf()
  expect([before.values.length, before.streamKeys.length, before.entries.length, before.markers.length]).toEqual([2, 1, 2, 1])
  await waitFor(
    async () => {
      await run(sweepExpired())
      const now = await rowsOf()
      return now.values.length === 1 && now.streamKeys.length === 0 && now.entries.length === 0 && now.markers.length === 0
    },
    { timeoutMs: 15_000, intervalMs: 250, describe: () => "expired rows still in the tables" }
  )
  expect((await rowsOf()).values.map((row) => row.key)).toEqual([`${prefix}:kept`])
})
