// Records written with a commit (SQL stores only): inserted and updated in the same transaction as the
// state, the events and the markers; a unique violation or a stale version fails the whole write with
// WriteConflict and applies nothing of it. (The memory and Redis stores refuse such a write:
// adapters/redis/test/records-refused.test.ts.)
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { SqlClient } from "effect/sql"
import { layerPg, layerSqlState } from "@kasa/adapter-postgres"
import { type AtomicWrite, makeEnvelope, OutboxReader, StateStore } from "@kasa/shared"

import { testPostgres } from "@kasa/test-support/infra"

const outbox = `records-${Date.now()}`
const table = `records_test_${Date.now()}`
const runtime = ManagedRuntime.make(Layer.unwrap(Effect.promise(async () => Layer.provideMerge(layerSqlState({ outboxName: outbox }), layerPg((await testPostgres()).url)))))
const run = <A, E>(effect: Effect.Effect<A, E, StateStore | OutboxReader | SqlClient.SqlClient>) => runtime.runPromise(effect)

beforeAll(() => run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`create table ${sql(table)} (id text primary key, state text not null, version int not null)`)))
afterAll(async () => {
  await run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`drop table if exists ${sql(table)}`))
  await runtime.dispose()
})

const event = (n: number) => ({ topic: "records-test", key: "k", envelope: makeEnvelope({ eventName: "test.happened", aggregateId: "k", correlationId: "corr_r", producer: "test", payload: { n } }) })
const commit = (write: AtomicWrite) => run(Effect.flatMap(StateStore, (store) => Effect.result(store.commit(write))))
const rows = () => run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ id: string; state: string; version: number }>`select id, state, version from ${sql(table)} order by id`))
const pendingCount = () => run(Effect.map(Effect.flatMap(OutboxReader, (reader) => reader.pending(100)), (pending) => pending.length))

describe("records in a SQL commit", () => {
  test("an insert, an update of the version read, and their events commit together", async () => {
    const inserted = await commit({ records: [{ op: "insert", table, row: { id: "t1", state: "initialized", version: 1 }, conflictKey: "t1" }], events: [event(1)] })
    expect(inserted._tag).toBe("Success")
    const updated = await commit({
      records: [{ op: "update", table, set: { state: "pending", version: 2 }, where: { id: "t1", version: 1 }, conflictKey: "t1" }],
      events: [event(2)]
    })
    expect(updated._tag).toBe("Success")
    expect(await rows()).toEqual([{ id: "t1", state: "pending", version: 2 }])
    expect(await pendingCount()).toBe(2)
  })

  test("a duplicate insert and a stale update each fail with WriteConflict and apply nothing of their write", async () => {
    const before = await pendingCount()
    const duplicate = await commit({
      ops: [{ op: "set", key: `${outbox}:touched`, value: "yes" }],
      records: [{ op: "insert", table, row: { id: "t1", state: "initialized", version: 1 }, conflictKey: "transaction t1" }],
      events: [event(3)]
    })
    expect(duplicate._tag === "Failure" && duplicate.failure._tag === "WriteConflict" && duplicate.failure.key).toBe("transaction t1")
    const stale = await commit({ records: [{ op: "update", table, set: { state: "failed", version: 2 }, where: { id: "t1", version: 1 }, conflictKey: "transaction t1" }], events: [event(4)] })
    expect(stale._tag === "Failure" && stale.failure._tag === "WriteConflict" && stale.failure.key).toBe("transaction t1")
    expect(await rows()).toEqual([{ id: "t1", state: "pending", version: 2 }])
    expect(await pendingCount()).toBe(before)
    expect(await run(Effect.flatMap(StateStore, (store) => store.get(`${outbox}:touched`)))).toBeUndefined()
  })
})
