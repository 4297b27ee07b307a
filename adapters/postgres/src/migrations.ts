/**
 * Each bounded context's schema as code: a record of migrations keyed "0001_create_orders", run by
 * effect/sql's Migrator and tracked in a table of the context's own (`kasa_migrations_<name>`), so two
 * contexts sharing a database never mix their ids. Two processes starting at once are safe: on
 * PostgreSQL (and PGlite, which is PostgreSQL) the Migrator creates its table tolerating a racing
 * creator, then runs inside one transaction that first takes `LOCK TABLE … IN ACCESS EXCLUSIVE MODE`,
 * so the second process waits, then finds the migrations recorded and runs none.
 */
import { Effect } from "effect"
import * as Migrator from "effect/sql/Migrator"
import type * as Client from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"

/** A context's migrations, keyed `<number>_<name>` ("0001_create_orders"); they run in number order. */
export type Migrations = Record<string, Effect.Effect<void, SqlError, Client.SqlClient>>

const migrationKey = /^(\d+)_(.+)$/
const contextName = /^[a-z][a-z0-9_]{0,39}$/

/** The tracking table of one context's migrations. */
export const migrationsTable = (name: string): string => `kasa_migrations_${name}`

/** The keys that are not `<number>_<name>` (effect/sql's loader would skip them silently) and the numbers used twice. */
export const migrationKeyProblems = (keys: ReadonlyArray<string>): ReadonlyArray<string> => {
  const seen = new Map<number, string>()
  const problems: Array<string> = []
  for (const key of keys) {
    const match = migrationKey.exec(key)
    if (match === null) {
      problems.push(`"${key}" is not <number>_<name>`)
      continue
    }
    const id = Number(match[1])
    const before = seen.get(id)
    if (before !== undefined) problems.push(`"${key}" and "${before}" share the number ${id}`)
    seen.set(id, key)
  }
  return problems
}

const run = Migrator.make({})

/** Applies the migrations of context `name` not yet applied; returns the ones it ran as [id, name]. */
export const runMigrations = (
  name: string,
  migrations: Migrations
): Effect.Effect<ReadonlyArray<readonly [id: number, name: string]>, Migrator.MigrationError | SqlError, Client.SqlClient> => {
  if (!contextName.test(name)) {
    return Effect.fail(new Migrator.MigrationError({ kind: "BadState", message: `migration set name "${name}" must match ${contextName}` }))
  }
  const problems = migrationKeyProblems(Object.keys(migrations))
  if (problems.length > 0) {
    return Effect.fail(new Migrator.MigrationError({ kind: "Duplicates", message: `migrations of "${name}": ${problems.join("; ")}` }))
  }
  return run({ loader: Migrator.fromRecord(migrations), table: migrationsTable(name) }).pipe(Effect.withSpan("runMigrations", { attributes: { "kasa.migrations": name } }))
}
