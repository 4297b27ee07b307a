// The StateStore contract over a real PostgreSQL (beside memory and Redis). Each open is a process of
// its own (a client with its own connections); opens of one space share the database, as processes do.
import { describe, test } from "bun:test"
import { Effect, Layer, Redacted } from "effect"
import { PgClient } from "@effect/sql-pg"
import { layerSqlState } from "@kasa/adapter-postgres"
import { openLayer, runContract, uniqueNames } from "@kasa/shared/testing/contract"
import { stateStoreContract } from "@kasa/shared/testing/state-store-contract"

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/kasa_lead_scratch"
const pg = () => PgClient.layer({ url: Redacted.make(url) })

const open = async (outbox: string) =>
  openLayer(
    Layer.unwrap(Effect.map(PgClient.PgClient, (client) => layerSqlState({ outboxName: outbox, listen: client.listen }))).pipe(Layer.provideMerge(pg()))
  )

runContract({ describe, test }, "StateStore contract: PostgreSQL", stateStoreContract, { open, name: uniqueNames(`pg-${Date.now()}-`), timeoutMs: 10_000 })
