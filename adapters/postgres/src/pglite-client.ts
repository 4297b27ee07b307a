/**
 * effect/sql's `SqlClient` over PGlite (PostgreSQL compiled to WebAssembly, in process): the embedded
 * twin of @effect/sql-pg, so one store and one migration set run on both (SPEC §8, ARCHITECTURE §7).
 * `@effect/sql-pglite` does not load with effect 4.1, hence this small client of our own.
 *
 * PGlite is one session, so every statement and every transaction takes one semaphore (effect/sql's
 * `makeSqliteAcquirers` does exactly that for SQLite's one connection): a transaction holds it until
 * it ends, so no other fiber's statement lands inside it. Values come back as sql-pg returns them:
 * int8 is always a `bigint` (PGlite alone would give a number when it fits), `date` is the text
 * `YYYY-MM-DD` (PGlite alone would give a Date); int4 number, text, boolean, timestamptz Date,
 * json/jsonb parsed, bytea Uint8Array, numeric text are the same in both already.
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import { PGlite, type PGliteOptions, type Results } from "@electric-sql/pglite"
import { initializedDataDir, PGLITE_SETTINGS } from "./pglite-template.ts"
import { Context, Effect, Layer, Queue, Scope, Semaphore, Stream } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Client from "effect/sql/SqlClient"
import type { Connection } from "effect/sql/SqlConnection"
import { SqlError, UnknownError } from "effect/sql/SqlError"
import * as Statement from "effect/sql/Statement"
import { pgParameterTypes } from "./pg-parameter-types.ts"
import { classifyPgError } from "./sql-errors.ts"

/** A `SqlClient` over one PGlite instance, with LISTEN on that instance. */
export interface PgliteClient extends Client.SqlClient {
  readonly pglite: PGlite
  /** Payloads sent to `channel`, from the moment LISTEN is in place (when this returns) until the scope closes. */
  readonly listen: (channel: string) => Effect.Effect<Queue.Dequeue<string, SqlError>, SqlError, Scope.Scope>
}

export const PgliteClient = Context.Service<PgliteClient>("@kasa/adapter-postgres/PgliteClient")

export interface PgliteOptions {
  /** A folder for the database files; in memory when absent. */
  readonly dataDir?: string | undefined
}

const INT8 = 20
const INT8_ARRAY = 1016
const DATE = 1082

/** Parsers that make PGlite's values match @effect/sql-pg's (see the file comment). */
const sqlPgParsers: NonNullable<PGliteOptions["parsers"]> = {
  [INT8]: (text: string) => BigInt(text),
  [DATE]: (text: string) => text
}

const parseInt8Array = (value: unknown): unknown =>
  Array.isArray(value) ? value.map((item) => (item === null ? null : typeof item === "number" || typeof item === "string" ? BigInt(item) : parseInt8Array(item))) : value

const escape = Statement.defaultEscape('"')

/** The PostgreSQL dialect compiler, as @effect/sql-pg builds it (without its PgJson custom fragment). */
export const makePgCompiler = (): Statement.Compiler =>
  Statement.makeCompiler({
    dialect: "pg",
    placeholder: (index) => `$${index}`,
    onIdentifier: escape,
    onRecordUpdate: (placeholders, valueAlias, valueColumns, values, returning) => [
      `(values ${placeholders}) AS ${valueAlias}${valueColumns}${returning ? ` RETURNING ${returning[0]}` : ""}`,
      returning ? values.flat().concat(returning[1]) : values.flat()
    ],
    onCustom: () => ["", []]
  })

/** Statements after which the session is no longer in an aborted transaction. */
const transactionEnd = /^\s*(COMMIT|ROLLBACK|BEGIN)\b/i

class PgliteConnection implements Connection {
  /** A statement failed inside the open transaction: PostgreSQL will turn its COMMIT into a ROLLBACK. */
  aborted = false

  constructor(readonly db: PGlite) {}

  private run<A>(operation: string, sql: string, query: () => Promise<A>): Effect.Effect<A, SqlError> {
    return Effect.tryPromise({
      try: async () => {
        try {
          const result = await query()
          if (transactionEnd.test(sql)) this.aborted = false
          return result
        } catch (error) {
          if (this.db.isInTransaction()) this.aborted = true
          throw error
        }
      },
      catch: (error) => classifyPgError(error, operation)
    })
  }

  /** A query with sql-pg's parameter types (a value it cannot bind fails here as it would there). */
  private query<R>(sql: string, params: ReadonlyArray<unknown>, options: { rowMode?: "array" } = {}): Promise<Results<R>> {
    const paramTypes = params.length === 0 ? undefined : pgParameterTypes(params)
    return this.db.query<R>(sql, params.map(bindable), paramTypes === undefined ? options : { ...options, paramTypes })
  }

  private rows(sql: string, params: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<any>, SqlError> {
    return Effect.map(
      this.run("execute", sql, () => this.query<Record<string, unknown>>(sql, params)),
      (result) => fixInt8Arrays(result)
    )
  }

  execute(sql: string, params: ReadonlyArray<unknown>, transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined) {
    return transformRows ? Effect.map(this.rows(sql, params), transformRows) : this.rows(sql, params)
  }
  executeRaw(sql: string, params: ReadonlyArray<unknown>) {
    return this.run("executeRaw", sql, () => this.query(sql, params))
  }
  executeUnprepared(sql: string, params: ReadonlyArray<unknown>, transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined) {
    return this.execute(sql, params, transformRows)
  }
  executeValues(sql: string, params: ReadonlyArray<unknown>) {
    return Effect.map(
      this.run("executeValues", sql, () => this.query<Array<unknown>>(sql, params, { rowMode: "array" })),
      (result) => fixInt8ArrayValues(result)
    )
  }
  executeValuesUnprepared(sql: string, params: ReadonlyArray<unknown>) {
    return this.executeValues(sql, params)
  }
  executeStream(sql: string, params: ReadonlyArray<unknown>, transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined) {
    // PGlite has no cursor over the wire: the rows arrive together, then stream out.
    return Stream.fromIterableEffect(this.execute(sql, params, transformRows))
  }
}

/** A bigint goes to PGlite as its decimal text (the int8 type is declared beside it). */
const bindable = (value: unknown): unknown => (typeof value === "bigint" ? value.toString() : value)

/** PGlite builds its array parsers from the built-in element parsers, so int8[] needs the bigint fix here. */
const fixInt8Arrays = (result: Results<Record<string, unknown>>): ReadonlyArray<Record<string, unknown>> => {
  const columns = result.fields.filter((field) => field.dataTypeID === INT8_ARRAY).map((field) => field.name)
  if (columns.length === 0) return result.rows
  return result.rows.map((row) => {
    const fixed = { ...row }
    for (const column of columns) fixed[column] = parseInt8Array(row[column])
    return fixed
  })
}

const fixInt8ArrayValues = (result: Results<Array<unknown>>): ReadonlyArray<ReadonlyArray<unknown>> => {
  const indexes = result.fields.flatMap((field, index) => (field.dataTypeID === INT8_ARRAY ? [index] : []))
  if (indexes.length === 0) return result.rows
  return result.rows.map((row) => row.map((value, index) => (indexes.includes(index) ? parseInt8Array(value) : value)))
}

/** Fails like @effect/sql-pg when COMMIT would only roll an aborted transaction back. */
const commitOrFail = (conn: Connection): Effect.Effect<void, SqlError> => {
  const pglite = conn as PgliteConnection
  if (!pglite.aborted) return Effect.asVoid(conn.executeRaw("COMMIT", []))
  return Effect.flatMap(Effect.ignore(conn.executeRaw("ROLLBACK", [])), () =>
    Effect.fail(
      new SqlError({
        reason: new UnknownError({
          cause: new Error("COMMIT rolled back an aborted transaction"),
          message: "PgliteClient: COMMIT rolled back an aborted transaction",
          operation: "commit"
        })
      })
    )
  )
}

/** A `PgliteClient` over `db` (which the caller keeps open and closes). */
/**
 * The one permit of a PGlite database's one session, shared by every client made over it: two
 * clients over one database (two apps mounted in one process, a test's two "processes") must not
 * interleave statements inside each other's transactions either.
 */
const sessions = new WeakMap<PGlite, Semaphore.Semaphore>()
const sessionOf = (db: PGlite): Semaphore.Semaphore => {
  let found = sessions.get(db)
  if (found === undefined) {
    found = Semaphore.makeUnsafe(1)
    sessions.set(db, found)
  }
  return found
}

export const makePgliteClient = Effect.fnUntraced(function* (db: PGlite) {
  const connection = new PgliteConnection(db)
  const semaphore = sessionOf(db)
  const acquirers = Client.makeSqliteAcquirers({ connection: Effect.succeed(connection), semaphore })
  const client = yield* Client.make({
    acquirer: acquirers.acquirer,
    borrower: acquirers.borrower,
    transactionAcquirer: acquirers.transactionAcquirer,
    compiler: makePgCompiler(),
    driver: "pglite",
    commit: commitOrFail,
    releaseSavepoint: (name) => `RELEASE SAVEPOINT ${name}`,
    spanAttributes: [
      ["db.system.name", "postgresql"],
      ["db.namespace", db.dataDir ?? "memory"]
    ]
  })

  const listen = (channel: string): Effect.Effect<Queue.Dequeue<string, SqlError>, SqlError, Scope.Scope> =>
    Effect.gen(function* () {
      const queue = yield* Queue.unbounded<string, SqlError>()
      // LISTEN goes through the semaphore too: inside someone's open transaction it would vanish with a rollback.
      const unlisten = yield* Effect.acquireRelease(
        semaphore.withPermit(
          Effect.tryPromise({
            try: () => db.listen(channel, (payload) => void Queue.offerUnsafe(queue, payload)),
            catch: (error) => classifyPgError(error, "listen")
          })
        ),
        (stop) =>
          Effect.andThen(
            db.closed ? Effect.void : semaphore.withPermit(Effect.promise(() => stop().catch(() => undefined))),
            Queue.shutdown(queue)
          )
      )
      void unlisten
      return queue
    })

  return Object.assign(client, { pglite: db, listen }) as PgliteClient
})

/**
 * A PGlite (in memory, or on disk in `dataDir`) with sql-pg's value parsers and an embedded shop's
 * settings; a new database starts from the initialized data folder (pglite-template.ts) when there is one.
 */
export const createPglite = async (options: PgliteOptions = {}): Promise<PGlite> => {
  const fresh = options.dataDir === undefined || !existsSync(join(options.dataDir, "PG_VERSION"))
  const template = fresh ? await initializedDataDir() : undefined
  return PGlite.create(options.dataDir, {
    parsers: sqlPgParsers,
    postgresqlconf: [...PGLITE_SETTINGS],
    ...(template === undefined ? {} : { loadDataDir: template })
  })
}

/** Opens PGlite (in memory, or on disk in `dataDir`) with sql-pg's value parsers; closes it when the scope closes. */
export const openPglite = (options: PgliteOptions = {}): Effect.Effect<PGlite, SqlError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => createPglite(options),
      catch: (error) => classifyPgError(error, "connect")
    }),
    (db) => (db.closed ? Effect.void : Effect.promise(() => db.close().catch(() => undefined)))
  )

/** `PgliteClient` and `SqlClient` over an open PGlite the caller owns (it is not closed with the layer). */
export const layerPgliteFrom = (db: PGlite): Layer.Layer<PgliteClient | Client.SqlClient> =>
  Layer.effectContext(
    Effect.map(makePgliteClient(db), (client) => Context.make(PgliteClient, client).pipe(Context.add(Client.SqlClient, client)))
  ).pipe(Layer.provide(Reactivity.layer))

/** `PgliteClient` and `SqlClient` over a PGlite of their own, in memory or on disk in `dataDir`, closed on release. */
export const layerPglite = (options: PgliteOptions = {}): Layer.Layer<PgliteClient | Client.SqlClient, SqlError> =>
  Layer.unwrap(Effect.map(openPglite(options), layerPgliteFrom))
