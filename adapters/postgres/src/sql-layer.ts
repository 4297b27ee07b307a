/**
 * The one place an app picks its SQL backend (SPEC §8): PostgreSQL through @effect/sql-pg when a
 * `DATABASE_URL` is given, else PGlite (on disk when `pgliteDir` is set, else in memory). Both give
 * `SqlClient` and `SqlNotifications`. The URL may hold a password (SPEC §5): it stays Redacted, and a
 * failure to connect is reported with the URL's password (and any password query parameter) masked.
 */
import { PgClient } from "@effect/sql-pg"
import { Cause, Effect, Layer, Redacted } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { AuthenticationError, ConnectionError, SqlError } from "effect/sql/SqlError"
import { layerPglite } from "./pglite-client.ts"
import { layerPgliteNotifications, layerPgNotifications, SqlNotifications } from "./sql-notifications.ts"

export interface SqlLayerOptions {
  /** postgres://user:password@host:port/database; PGlite when absent or empty. */
  readonly databaseUrl?: string | undefined
  /** PGlite's data folder; in memory when absent or empty. Ignored when `databaseUrl` is set. */
  readonly pgliteDir?: string | undefined
}

/** `url` with its password masked, for messages: `postgres://kasa:***@db:5432/kasa`. */
export const maskDatabaseUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") parsed.password = "***"
    if (parsed.searchParams.has("password")) parsed.searchParams.set("password", "***")
    return parsed.toString().replace("%2A%2A%2A", "***")
  } catch {
    return "(a DATABASE_URL that is not a valid URL)"
  }
}

/** What the driver said about the server, with no secret in it (the cause is dropped: it may quote the URL). */
const connectionFailure = (url: string, error: SqlError): SqlError => {
  const secrets = secretsOf(url)
  const mask = (text: string) => secrets.reduce((masked, secret) => masked.split(secret).join("***"), text)
  const inner = error.reason.cause instanceof Error && !error.message.includes(error.reason.cause.message) ? ` (${error.reason.cause.message})` : ""
  const message = `PostgreSQL at ${maskDatabaseUrl(url)} is not usable: ${mask(error.message + inner)}`
  const props = { cause: new Error(message), message, operation: "connect" }
  return new SqlError({ reason: error.reason._tag === "AuthenticationError" ? new AuthenticationError(props) : new ConnectionError(props) })
}

const secretsOf = (url: string): ReadonlyArray<string> => {
  try {
    const parsed = new URL(url)
    const found = [parsed.password, decodeURIComponent(parsed.password), parsed.searchParams.get("password") ?? ""]
    return found.filter((secret) => secret.length > 0)
  } catch {
    return [url]
  }
}

/** PostgreSQL through @effect/sql-pg: `SqlClient`, `PgClient` and `SqlNotifications`. */
export const layerPg = (databaseUrl: string): Layer.Layer<SqlClient.SqlClient | PgClient.PgClient | SqlNotifications, SqlError> => {
  // The pool connects lazily: one query now makes a wrong URL or an absent server fail at start, masked.
  const reachable = Layer.effectDiscard(Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`SELECT 1`
  }))
  const client: Layer.Layer<SqlClient.SqlClient | PgClient.PgClient, SqlError> = Layer.provideMerge(reachable, PgClient.layer({ url: Redacted.make(databaseUrl) })).pipe(
    Layer.catchCause((cause) =>
      Layer.effectContext<SqlClient.SqlClient | PgClient.PgClient, SqlError, never>(Effect.fail(connectionFailure(databaseUrl, causeError(cause))))
    )
  )
  return Layer.provideMerge(layerPgNotifications, client)
}

const causeError = (cause: Cause.Cause<unknown>): SqlError => {
  const squashed = Cause.squash(cause)
  if (squashed instanceof SqlError) return squashed
  const message = squashed instanceof Error ? squashed.message : "PostgreSQL did not connect"
  return new SqlError({ reason: new ConnectionError({ cause: squashed, message, operation: "connect" }) })
}

/** PGlite: `SqlClient` and `SqlNotifications` over one embedded database. */
export const layerPgliteSql = (pgliteDir?: string): Layer.Layer<SqlClient.SqlClient | SqlNotifications, SqlError> =>
  Layer.provideMerge(layerPgliteNotifications, layerPglite(pgliteDir === undefined || pgliteDir === "" ? {} : { dataDir: pgliteDir }))

/** `SqlClient` and `SqlNotifications`: PostgreSQL when `databaseUrl` is set, else PGlite. */
export const layerSql = (options: SqlLayerOptions): Layer.Layer<SqlClient.SqlClient | SqlNotifications, SqlError> =>
  options.databaseUrl !== undefined && options.databaseUrl !== "" ? layerPg(options.databaseUrl) : layerPgliteSql(options.pgliteDir)
