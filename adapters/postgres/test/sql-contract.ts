/**
 * What every SQL backend of @kasa/adapter-postgres must do the same way, so stores and migrations
 * written once run on PGlite (memory or disk) and on PostgreSQL: parameters, the insert/in helpers,
 * the value types sql-pg returns, commit, rollback, savepoints, the unique-violation SQLSTATE,
 * NOTIFY→LISTEN on commit only, and migrations (once, per context, safe when two run at once).
 * Each case names its own tables and channels, so backends can share one database.
 */
import { expect } from "bun:test"
import { Effect, Exit, Queue, Result } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import type { ContractCase, OpenHarness } from "@kasa/shared/testing/contract"
import { withOpened } from "@kasa/shared/testing/contract"
import { isUniqueViolation, runMigrations, sqlErrorCode, SqlNotifications } from "../src/index.ts"

export type SqlServices = SqlClient.SqlClient | SqlNotifications
export type SqlHarness = OpenHarness<SqlServices>
type Case = ContractCase<SqlHarness>

/** A lowercase SQL identifier no other case of this run uses. */
const ident = (h: SqlHarness, base: string): string => h.name(base).toLowerCase().replace(/[^a-z0-9]+/g, "_")

const sqlClient = SqlClient.SqlClient

const createItems = (table: string) =>
  Effect.flatMap(sqlClient, (sql) => sql`CREATE TABLE ${sql(table)} (id int4 PRIMARY KEY, name text NOT NULL)`)

const itemIds = (table: string) =>
  Effect.flatMap(sqlClient, (sql) =>
    Effect.map(sql<{ id: number }>`SELECT id FROM ${sql(table)} ORDER BY id`, (rows) => rows.map((row) => row.id))
  )

const insertItem = (table: string, id: number, name = `item ${id}`) =>
  Effect.flatMap(sqlClient, (sql) => sql`INSERT INTO ${sql(table)} ${sql.insert({ id, name })}`)

class Boom {
  readonly _tag = "Boom"
}

/** The next payload on `queue`, or a failure after `ms` saying nothing came. */
const nextPayload = (queue: Queue.Dequeue<string, SqlError>, ms = 10_000) =>
  Queue.take(queue).pipe(Effect.timeoutOrElse({ duration: ms, orElse: () => Effect.fail(new Error(`no notification within ${ms} ms`)) }))

export const sqlClientContract: ReadonlyArray<Case> = [
  {
    name: "binds parameters of each kind in order",
    run: (h) =>
      withOpened(h, "main", async (db) => {
        const rows = await db.run(
          Effect.flatMap(sqlClient, (sql) => sql<{ sum: number; joined: string; flag: boolean }>`SELECT ${2}::int4 + ${3}::int4 AS sum, ${"a"} || ${"b"} AS joined, ${true} AS flag`)
        )
        expect(rows).toEqual([{ sum: 5, joined: "ab", flag: true }])
        const typed = await db.run(
          Effect.flatMap(sqlClient, (sql) =>
            sql<Record<string, unknown>>`SELECT ${7n} AS big, ${2.5} AS half, ${new Date(0)} AS epoch, ${null}::text AS nothing, ${[1, 2]} AS list`
          )
        )
        expect(typed).toEqual([{ big: 7n, half: 2.5, epoch: new Date(0), nothing: null, list: [1, 2] }])
        // JSON goes in as text (JSON.stringify): a plain object is refused by both backends alike
        const object = await db.run(Effect.flatMap(sqlClient, (sql) => sql`SELECT ${{ a: 1 } as unknown as string}::jsonb AS j`).pipe(Effect.exit))
        expect(Exit.isFailure(object)).toBe(true)
      })
  },
  {
    name: "sql.insert writes one row or many, sql.in selects them, RETURNING gives rows back",
    run: (h) =>
      withOpened(h, "main", async (db) => {
        const table = ident(h, "insert")
        const result = await db.run(
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            yield* createItems(table)
            const returned = yield* sql<{ id: number }>`INSERT INTO ${sql(table)} ${sql.insert({ id: 1, name: "one" })} RETURNING id`
            yield* sql`INSERT INTO ${sql(table)} ${sql.insert([
              { id: 2, name: "two" },
              { id: 3, name: "three" }
            ])}`
            const chosen = yield* sql<{ id: number; name: string }>`SELECT id, name FROM ${sql(table)} WHERE ${sql.in("id", [1, 3])} ORDER BY id`
            return { returned, chosen }
          })
        )
        expect(result.returned).toEqual([{ id: 1 }])
        expect(result.chosen).toEqual([
          { id: 1, name: "one" },
          { id: 3, name: "three" }
        ])
      })
  },
  {
    name: "values come back as sql-pg gives them: int4 number, int8 bigint, text, boolean, timestamptz Date, jsonb parsed, bytea Uint8Array, numeric and date text",
    run: (h) =>
      withOpened(h, "main", async (db) => {
        const table = ident(h, "types")
        const at = new Date("2026-11-30T12:34:56.789Z")
        const rows = await db.run(
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            yield* sql`CREATE TABLE ${sql(table)} (
              i4 int4, i8 int8, big int8, t text, b boolean, ts timestamptz, j jsonb, bin bytea, n numeric(12,2), d date, nothing int4, i8s int8[]
            )`
            yield* sql`INSERT INTO ${sql(table)} ${sql.insert({
              i4: 42,
              i8: 7n,
              big: 9007199254740993n,
              t: "zażółć",
              b: false,
              ts: at,
              j: JSON.stringify({ a: [1, "x", null], n: { deep: true } }),
              bin: new Uint8Array([0, 1, 254, 255]),
              n: "1234.50",
              d: "2026-11-30",
              nothing: null
            })}`
            yield* sql`UPDATE ${sql(table)} SET i8s = ARRAY[1, 9007199254740993]::int8[]`
            return yield* sql<Record<string, unknown>>`SELECT * FROM ${sql(table)}`
          })
        )
        const row = rows[0]!
        expect(row.i4).toBe(42)
        expect(row.i8).toBe(7n)
        expect(row.big).toBe(9007199254740993n)
        expect(row.t).toBe("zażółć")
        expect(row.b).toBe(false)
        expect(row.ts).toBeInstanceOf(Date)
        expect((row.ts as Date).toISOString()).toBe(at.toISOString())
        expect(row.j).toEqual({ a: [1, "x", null], n: { deep: true } })
        expect(row.bin).toBeInstanceOf(Uint8Array)
        expect(Array.from(row.bin as Uint8Array)).toEqual([0, 1, 254, 255])
        expect(row.n).toBe("1234.50")
        expect(row.d).toBe("2026-11-30")
        expect(row.nothing).toBeNull()
        expect(row.i8s).toEqual([1n, 9007199254740993n])
      })
  },
  {
    name: "withTransaction commits every statement together, seen by another open",
    run: (h) =>
      withOpened(h, "main", async (writer) => {
        const table = ident(h, "commit")
        await writer.run(createItems(table))
        await writer.run(Effect.flatMap(sqlClient, (sql) => sql.withTransaction(Effect.all([insertItem(table, 1), insertItem(table, 2)]))))
        await withOpened(h, "main", async (reader) => expect(await reader.run(itemIds(table))).toEqual([1, 2]))
      })
  },
  {
    name: "a failure inside withTransaction rolls every statement back",
    run: (h) =>
      withOpened(h, "main", async (db) => {
        const table = ident(h, "rollback")
        await db.run(createItems(table))
        const outcome = await db.run(
          Effect.flatMap(sqlClient, (sql) => sql.withTransaction(Effect.andThen(insertItem(table, 1), Effect.fail(new Boom())))).pipe(Effect.result)
        )
        expect(Result.isFailure(outcome)).toBe(true)
        expect(await db.run(itemIds(table))).toEqual([])
      })
  },
  {
    name: "a failed nested withTransaction rolls back only its own part (a savepoint)",
    run: (h) =>
      withOpened(h, "main", async (db) => {
        const table = ident(h, "nested")
        await db.run(createItems(table))
        await db.run(
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            yield* sql.withTransaction(
              Effect.gen(function* () {
                yield* insertItem(table, 1)
                const inner = yield* sql.withTransaction(Effect.andThen(insertItem(table, 2), Effect.fail(new Boom()))).pipe(Effect.result)
                expect(Result.isFailure(inner)).toBe(true)
                // a statement that fails in the inner part (a duplicate) is rolled back to the savepoint too
                const duplicate = yield* sql.withTransaction(insertItem(table, 1)).pipe(Effect.result)
                expect(Result.isFailure(duplicate)).toBe(true)
                yield* insertItem(table, 3)
              })
            )
          })
        )
        expect(await db.run(itemIds(table))).toEqual([1, 3])
      })
  },
  {
    name: "a statement failing inside a transaction whose error is caught makes the COMMIT fail, not silently roll back",
    run: (h) =>
      withOpened(h, "main", async (db) => {
        const table = ident(h, "aborted")
        await db.run(createItems(table))
        const outcome = await db.run(
          Effect.flatMap(sqlClient, (sql) =>
            sql.withTransaction(Effect.andThen(insertItem(table, 1), Effect.ignore(insertItem(table, 1)))).pipe(Effect.result)
          )
        )
        expect(Result.isFailure(outcome)).toBe(true)
        expect(await db.run(itemIds(table))).toEqual([])
        // the session is usable afterwards
        await db.run(insertItem(table, 2))
        expect(await db.run(itemIds(table))).toEqual([2])
      })
  },
  {
    name: "a duplicate key fails with SQLSTATE 23505, read the same on every backend",
    run: (h) =>
      withOpened(h, "main", async (db) => {
        const table = ident(h, "unique")
        await db.run(createItems(table))
        await db.run(insertItem(table, 1))
        const outcome = await db.run(insertItem(table, 1, "again").pipe(Effect.flip))
        expect(sqlErrorCode(outcome)).toBe("23505")
        expect(isUniqueViolation(outcome)).toBe(true)
        expect(outcome.reason._tag).toBe("UniqueViolation")
        const other = await db.run(Effect.flatMap(sqlClient, (sql) => sql`SELECT * FROM no_such_table_anywhere`).pipe(Effect.flip))
        expect(sqlErrorCode(other)).toBe("42P01")
        expect(isUniqueViolation(other)).toBe(false)
      })
  },
  {
    name: "NOTIFY reaches a listener when its transaction commits, never when it rolls back",
    run: (h) =>
      withOpened(h, "main", async (listener) => {
        const channel = ident(h, "wake")
        await listener.run(
          Effect.gen(function* () {
            const notifications = yield* SqlNotifications
            const queue = yield* notifications.listen(channel)
            yield* Effect.promise(() =>
              withOpened(h, "main", (notifier) =>
                notifier.run(
                  Effect.gen(function* () {
                    const sql = yield* SqlClient.SqlClient
                    const send = (yield* SqlNotifications).notify
                    yield* sql.withTransaction(Effect.andThen(send(channel, "rolled back"), Effect.fail(new Boom()))).pipe(Effect.ignore)
                    yield* sql.withTransaction(send(channel, "committed"))
                    yield* send(channel, "outside a transaction")
                  })
                )
              )
            )
            expect(yield* nextPayload(queue)).toBe("committed")
            expect(yield* nextPayload(queue)).toBe("outside a transaction")
          })
        )
      })
  },
  {
    name: "migrations run once in number order; a second run is a no-op; two contexts with the same ids do not clash",
    run: (h) =>
      withOpened(h, "main", async (db) => {
        const table = ident(h, "migrated")
        const ran: Array<string> = []
        const step = (label: string, statement: (sql: SqlClient.SqlClient) => Effect.Effect<unknown, SqlError>) =>
          Effect.flatMap(sqlClient, (sql) => Effect.andThen(Effect.sync(() => ran.push(label)), Effect.asVoid(statement(sql))))
        const migrations = {
          "0002_add_note": step("2", (sql) => sql`ALTER TABLE ${sql(table)} ADD COLUMN note text`),
          "0001_create": step("1", (sql) => sql`CREATE TABLE ${sql(table)} (id int4 PRIMARY KEY)`)
        }
        const context = ident(h, "ctx")
        const first = await db.run(runMigrations(context, migrations))
        expect(first).toEqual([
          [1, "create"],
          [2, "add_note"]
        ])
        expect(await db.run(runMigrations(context, migrations))).toEqual([])
        expect(ran).toEqual(["1", "2"])
        const other = ident(h, "ctx_other")
        const otherTable = ident(h, "other")
        const otherRan = await db.run(
          runMigrations(other, { "0001_create": Effect.asVoid(Effect.flatMap(sqlClient, (sql) => sql`CREATE TABLE ${sql(otherTable)} (id int4)`)) })
        )
        expect(otherRan).toEqual([[1, "create"]])
        const tracked = await db.run(
          Effect.flatMap(sqlClient, (sql) => sql<{ name: string }>`SELECT name FROM ${sql(`kasa_migrations_${context}`)} ORDER BY migration_id`)
        )
        expect(tracked.map((row) => row.name)).toEqual(["create", "add_note"])
        const bad = await db.run(runMigrations(ident(h, "bad"), { create: Effect.void }).pipe(Effect.flip))
        expect(bad.message).toContain("not <number>_<name>")
      })
  },
  {
    name: "two opens migrating at once apply each migration exactly once",
    run: (h) =>
      withOpened(h, "main", (a) =>
        withOpened(h, "main", async (b) => {
          const table = ident(h, "raced")
          const context = ident(h, "race")
          const migrations = {
            "0001_create": Effect.asVoid(Effect.flatMap(sqlClient, (sql) => sql`CREATE TABLE ${sql(table)} (id serial PRIMARY KEY, note text)`)),
            "0002_seed": Effect.asVoid(Effect.flatMap(sqlClient, (sql) => sql`INSERT INTO ${sql(table)} (note) VALUES ('seeded')`))
          }
          const [ranA, ranB] = await Promise.all([a.run(runMigrations(context, migrations)), b.run(runMigrations(context, migrations))])
          expect([...ranA, ...ranB].map(([id]) => id).sort()).toEqual([1, 2])
          const seeded = await a.run(Effect.flatMap(sqlClient, (sql) => sql<{ note: string }>`SELECT note FROM ${sql(table)}`))
          expect(seeded).toEqual([{ note: "seeded" }])
        })
      )
  },
  {
    name: "data written by one open is read by the next open of the same database",
    run: async (h) => {
      const table = ident(h, "durable")
      await withOpened(h, "durable", async (db) => {
        await db.run(createItems(table))
        await db.run(Effect.flatMap(sqlClient, (sql) => sql.withTransaction(insertItem(table, 7))))
      })
      await withOpened(h, "durable", async (db) => expect(await db.run(itemIds(table))).toEqual([7]))
    }
  }
]
