/**
 * Finds a real PostgreSQL for tests (ARCHITECTURE §6) and gives each run a database of its own:
 * `DATABASE_URL` if set (its server; its own database when the role may not create one), else the
 * local server on 127.0.0.1:5432 as the first role it accepts (`PGUSER`, `postgres`, the OS user).
 * When none answers it throws saying what was tried and what is missing, so a test that needs
 * PostgreSQL fails instead of skipping. Passwords never reach a message: URLs are shown masked.
 */
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { userInfo } from "node:os"
import { maskDatabaseUrl } from "../sql-layer.ts"
import { sqlErrorCode } from "../sql-errors.ts"

export interface RunningPostgres {
  /** A URL of the server's maintenance database, for CREATE/DROP DATABASE. */
  readonly adminUrl: string
  /** How it was found: "DATABASE_URL" or "127.0.0.1:5432". */
  readonly source: string
}

export interface TestDatabase {
  /** postgres://… of this run's database. */
  readonly url: string
  /** Drops the database if this run created it. */
  readonly drop: () => Promise<void>
}

/** Runs `statement` on `url` over a connection of its own; the error (with its SQLSTATE) on failure. */
export const runStatement = (url: string, statement: string): Promise<void> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql.unsafe(statement)
    }).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(url), connectTimeout: "3 seconds", maxConnections: 1 })))
  )

const describe = (error: unknown): string => {
  const inner = (error as { reason?: { cause?: unknown } })?.reason?.cause
  const detail = inner instanceof Error ? inner.message : ""
  const text = error instanceof Error ? error.message : String(error)
  return detail !== "" && !text.includes(detail) ? `${text} (${detail})` : text
}

const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

const localCandidates = (): ReadonlyArray<string> => {
  const users = [process.env.PGUSER, "postgres", userInfo().username].filter((user): user is string => user !== undefined && user !== "")
  return [...new Set(users)].map((user) => `postgres://${encodeURIComponent(user)}@127.0.0.1:5432/postgres`)
}

export const findPostgres = async (): Promise<RunningPostgres> => {
  const fromEnv = process.env.DATABASE_URL
  if (fromEnv !== undefined && fromEnv !== "") {
    try {
      await runStatement(fromEnv, "SELECT 1")
    } catch (error) {
      throw new Error(`DATABASE_URL is set (${maskDatabaseUrl(fromEnv)}) but PostgreSQL there is not usable: ${describe(error)}`)
    }
    console.log(`[test-infra] PostgreSQL: DATABASE_URL as given (${maskDatabaseUrl(fromEnv)})`)
    return { adminUrl: fromEnv, source: "DATABASE_URL" }
  }
  const tried: Array<string> = []
  for (const url of localCandidates()) {
    try {
      await runStatement(url, "SELECT 1")
      console.log(`[test-infra] PostgreSQL: ${url}, already running`)
      return { adminUrl: url, source: "127.0.0.1:5432" }
    } catch (error) {
      tried.push(`${url}: ${describe(error)}`)
    }
  }
  throw new Error(
    `No PostgreSQL for the tests. Tried: DATABASE_URL (not set); ${tried.join("; ")}. ` +
      "Set DATABASE_URL to a server where the role may CREATE DATABASE, or run PostgreSQL on 127.0.0.1:5432 " +
      "accepting one of those roles without a password (pg_hba.conf `trust` for 127.0.0.1/32)."
  )
}

/** Creates database `name` on the server (or, when the role may not, uses DATABASE_URL's own database). */
export const createTestDatabase = async (server: RunningPostgres, name: string): Promise<TestDatabase> => {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a test database name: ${name}`)
  try {
    await runStatement(server.adminUrl, `CREATE DATABASE "${name}"`)
  } catch (error) {
    if (server.source === "DATABASE_URL" && sqlErrorCode(error) === "42501") {
      console.log(`[test-infra] PostgreSQL: the DATABASE_URL role may not create databases; the tests use its database as is`)
      return { url: server.adminUrl, drop: async () => {} }
    }
    throw new Error(`could not create the test database ${name}: ${describe(error)}`)
  }
  return {
    url: withDatabase(server.adminUrl, name),
    drop: () => runStatement(server.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  }
}
