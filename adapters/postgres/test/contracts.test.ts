// The StateStore and outbox relay contracts over SQL: a real PostgreSQL (found or started by
// @kasa/test-support/infra, a database of this run's own) and PGlite (the embedded twin), beside
// memory and Redis. Each open is a process of its own (its own client; on PGlite, its own client over
// the one database, which lives in this process); opens share the database, as processes do, and
// every case names its own keys and outbox. The relay's bus is the in-memory one: what is under test
// is the store's side of it.
import { afterAll, describe, test } from "bun:test"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import type { PGlite } from "@electric-sql/pglite"
import { layerMemoryEventBus, MemoryBroker } from "@kasa/adapter-memory"
import { createPglite, layerPg, layerPgliteFrom, layerPgliteNotifications, layerSqlState, type SqlNotifications } from "@kasa/adapter-postgres"
import { openLayer, runContract, uniqueNames } from "@kasa/shared/testing/contract"
import { outboxRelayContract } from "@kasa/shared/testing/outbox-relay-contract"
import { stateStoreContract } from "@kasa/shared/testing/state-store-contract"
import { testPostgres } from "@kasa/test-support/infra"

let pglite: Promise<PGlite> | undefined
afterAll(async () => {
  if (pglite !== undefined) await (await pglite).close()
})

const backends: ReadonlyArray<readonly [string, () => Promise<Layer.Layer<SqlClient.SqlClient | SqlNotifications, unknown>>]> = [
  ["PostgreSQL", async () => layerPg((await testPostgres()).url)],
  ["PGlite", async () => Layer.provideMerge(layerPgliteNotifications, layerPgliteFrom(await (pglite ??= createPglite())))]
]

const relayBroker = new MemoryBroker()
for (const [backend, sql] of backends) {
  const state = async (outbox: string) => Layer.provideMerge(layerSqlState({ outboxName: outbox }), await sql())
  const name = uniqueNames(`${backend}-${Date.now()}-`)
  runContract({ describe, test }, `StateStore contract: ${backend}`, stateStoreContract, { open: async (outbox) => openLayer(await state(outbox)), name, timeoutMs: 10_000 })
  runContract({ describe, test }, `outbox relay contract: ${backend} + memory bus`, outboxRelayContract, {
    open: async (outbox) => openLayer(Layer.mergeAll(await state(outbox), layerMemoryEventBus(relayBroker))),
    name,
    // An entry no event can be read from, as only a foreign writer could leave one.
    writePoison: async (_process, outbox, topic) =>
      Effect.runPromise(
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql`insert into kasa_outbox (outbox, topic, key, envelope, headers) values (${outbox}, ${topic}, 'k', 'not json', '{}')`).pipe(
          Effect.asVoid,
          Effect.provide(await sql())
        )
      ),
    timeoutMs: 10_000
  })
}
