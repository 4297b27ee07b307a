// The SqlClient contract (test/sql-contract.ts) over each backend an app can pick with layerSql: PGlite in
// memory, PGlite on disk (a temp folder; each space is a folder, closed when its last open closes, so
// the next open really reopens the files), and the real PostgreSQL of @kasa/test-support/infra (this
// run's own database; every open is a pool of its own, as a process has).
import { afterAll, describe, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, ManagedRuntime } from "effect"
import { type Opened, openLayer, runContract, uniqueNames } from "@kasa/shared/testing/contract"
import { testPostgres } from "@kasa/test-support/infra"
import { layerSql } from "../src/index.ts"
import { sqlClientContract, type SqlHarness, type SqlServices } from "./sql-contract.ts"

const runner = { describe, test }

/**
 * PGlite is one process's embedded database: opens of one space share one client (one runtime),
 * counted; `keep` leaves it open when the count drops to zero (memory: closing would lose the data).
 */
const sharedSpaces = (dataDir: (space: string) => string | undefined, keep: boolean) => {
  const open = new Map<string, { runtime: ManagedRuntime.ManagedRuntime<SqlServices, unknown>; users: number }>()
  const harness: SqlHarness = {
    name: uniqueNames(),
    open: async (space) => {
      let entry = open.get(space)
      if (entry === undefined) {
        const dir = dataDir(space)
        const runtime = ManagedRuntime.make(layerSql(dir === undefined ? {} : { pgliteDir: dir }))
        await runtime.runPromise(Effect.void)
        entry = { runtime, users: 0 }
        open.set(space, entry)
      }
      entry.users++
      const current = entry
      const opened: Opened<SqlServices> = {
        run: (effect) => current.runtime.runPromise(Effect.scoped(effect)),
        close: async () => {
          current.users--
          if (current.users === 0 && !keep) {
            open.delete(space)
            await current.runtime.dispose()
          }
        }
      }
      return opened
    }
  }
  const closeAll = async () => {
    await Promise.all([...open.values()].map((entry) => entry.runtime.dispose()))
    open.clear()
  }
  return { harness, closeAll }
}

const memory = sharedSpaces(() => undefined, true)
const diskRoot = mkdtempSync(join(tmpdir(), "kasa-pglite-"))
const disk = sharedSpaces((space) => join(diskRoot, space), false)

afterAll(async () => {
  await memory.closeAll()
  await disk.closeAll()
  rmSync(diskRoot, { recursive: true, force: true })
})

const postgres: SqlHarness = {
  name: uniqueNames(),
  open: async () => openLayer(layerSql({ databaseUrl: (await testPostgres()).url }))
}

runContract(runner, "SqlClient contract: PGlite in memory", sqlClientContract, memory.harness)
runContract(runner, "SqlClient contract: PGlite on disk", sqlClientContract, disk.harness)
runContract(runner, "SqlClient contract: PostgreSQL", sqlClientContract, postgres)
