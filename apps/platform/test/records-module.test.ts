// A module that keeps records (records-state.ts), embedded: its migrations run at start on PGlite, a
// use case commits a record and its event in SQL and the records' own relay publishes the event, a
// consumer of that module marked `overRecords` commits over SQL too (a record it writes, which the
// memory store would refuse) while its other consumer keeps working state in the key-value store, and
// /health/ready and /metrics show the database and the records' outbox.
import { afterAll, expect, test } from "bun:test"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import { MemoryBroker } from "@kasa/adapter-memory"
import { makeEnvelope, OutboxBacklog, runConsumer, StateStore, Topics } from "@kasa/shared"
import { waitFor } from "@kasa/test-support/wait-for"
import { createApp } from "../src/app-runtime.ts"
import { overRecords } from "../src/records-state.ts"

const migrations = {
  "0001_create_ledger": Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`create table ledger_entries (id text primary key, note text not null)`
    yield* sql`create table ledger_seen (event_id text primary key)`
  })
}

const group = "ledger-consumer"
const consumer = runConsumer({
  group,
  topics: [Topics.payment],
  handler: (event) => Effect.succeed({ records: [{ op: "insert" as const, table: "ledger_seen", row: { event_id: event.envelope.event_id }, conflictKey: event.envelope.event_id }] })
})

/** The module's working-state consumer: not marked, so it commits in the key-value (memory) store. */
const sessionGroup = "ledger-session-consumer"
const sessionConsumer = runConsumer({
  group: sessionGroup,
  topics: [Topics.payment],
  handler: (event) => Effect.succeed({ ops: [{ op: "set" as const, key: `ledger:seen:${event.envelope.aggregate_id}`, value: event.envelope.event_id }] })
})

const app = await createApp({
  broker: new MemoryBroker(),
  name: "ledger",
  modules: [
    {
      name: "ledger",
      records: { name: "ledger", migrations },
      consumers: [
        { group, topics: [Topics.payment], start: consumer, overRecords: true },
        { group: sessionGroup, topics: [Topics.payment], start: sessionConsumer }
      ]
    }
  ],
  log: () => {}
})
afterAll(() => app.stop())

const inRecords = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient | StateStore | OutboxBacklog>) => app.runtime.runPromise(overRecords(effect))

test("a record and its event commit in SQL; the records' relay publishes the event; the module's consumer commits its own record in SQL", async () => {
  const envelope = makeEnvelope({ eventName: "ledger.entry_added", aggregateId: "e1", correlationId: "corr_ledger", producer: "ledger", payload: { id: "e1" } })
  await inRecords(
    Effect.flatMap(StateStore, (store) =>
      store.commit({ records: [{ op: "insert", table: "ledger_entries", row: { id: "e1", note: "first" }, conflictKey: "e1" }], events: [{ topic: Topics.payment, key: "e1", envelope }] })
    )
  )
  const seen = () => inRecords(Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ event_id: string }>`select event_id from ledger_seen`))
  await waitFor(async () => (await seen()).length === 1, { timeoutMs: 20_000, intervalMs: 50, describe: () => "the consumer never recorded the event" })
  expect((await seen())[0]?.event_id).toBe(envelope.event_id)
  expect(await inRecords(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`select id, note from ledger_entries`))).toEqual([{ id: "e1", note: "first" }])
  expect((await inRecords(Effect.flatMap(OutboxBacklog, (backlog) => backlog.stats))).pending).toBe(0)
  // The consumer's marker is in SQL with its record: the same event again is a duplicate there.
  expect(await inRecords(Effect.flatMap(StateStore, (store) => store.processed(group, [envelope.event_id])))).toEqual(new Set([envelope.event_id]))
  // The unmarked consumer's value and marker are in the key-value store, not in SQL.
  const inKeyValue = <A, E>(effect: Effect.Effect<A, E, StateStore>) => app.runtime.runPromise(effect)
  await waitFor(async () => (await inKeyValue(Effect.flatMap(StateStore, (store) => store.get("ledger:seen:e1")))) === envelope.event_id, {
    timeoutMs: 20_000,
    intervalMs: 50,
    describe: () => "the key-value consumer never wrote its value"
  })
  expect(await inKeyValue(Effect.flatMap(StateStore, (store) => store.processed(sessionGroup, [envelope.event_id])))).toEqual(new Set([envelope.event_id]))
  expect(await inRecords(Effect.flatMap(StateStore, (store) => store.get("ledger:seen:e1")))).toBeUndefined()
  expect(await inRecords(Effect.flatMap(StateStore, (store) => store.processed(sessionGroup, [envelope.event_id])))).toEqual(new Set())
})

test("readiness names the records database and the records' outbox; /metrics has both outboxes", async () => {
  const ready = await app.http.request("/health/ready")
  const body = (await ready.json()) as { checks: Array<{ name: string; ok: boolean }> }
  expect(ready.status).toBe(200)
  expect(body.checks.filter((check) => check.name === "records (pglite)" || check.name === "outbox (records)").map((check) => [check.name, check.ok])).toEqual([
    ["records (pglite)", true],
    ["outbox (records)", true]
  ])
  const metrics = await (await app.http.request("/metrics")).text()
  expect(metrics).toContain('kasa_outbox_pending{outbox="ledger"}')
  expect(metrics).toContain('kasa_outbox_pending{outbox="ledger-records"}')
})
