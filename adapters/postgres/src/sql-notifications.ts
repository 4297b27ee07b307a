/**
 * PostgreSQL's NOTIFY/LISTEN as a small port, so the outbox relay can wake when a transaction that
 * wrote outbox rows commits instead of only polling. `notify` runs `pg_notify` through the SqlClient,
 * so inside `withTransaction` it is part of that transaction: delivered on commit, dropped on
 * rollback, the same on both backends. (sql-pg's own `notify` takes a fresh pool connection, outside
 * any transaction, which is why it is not used here.) `listen` returns once LISTEN is in place, so a
 * notify after it is never missed; the queue holds payloads until taken and ends with the scope.
 */
import { PgClient } from "@effect/sql-pg"
import { Context, Effect, Layer, Queue, type Scope } from "effect"
import * as Client from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { PgliteClient } from "./pglite-client.ts"

export class SqlNotifications extends Context.Service<
  SqlNotifications,
  {
    /** `pg_notify(channel, payload)`, joining the caller's transaction if there is one. */
    readonly notify: (channel: string, payload: string) => Effect.Effect<void, SqlError>
    /** The payloads sent to `channel` from now until the scope closes. */
    readonly listen: (channel: string) => Effect.Effect<Queue.Dequeue<string, SqlError>, SqlError, Scope.Scope>
  }
>()("@kasa/adapter-postgres/SqlNotifications") {}

const notifyThrough =
  (sql: Client.SqlClient) =>
  (channel: string, payload: string): Effect.Effect<void, SqlError> =>
    Effect.asVoid(sql`SELECT pg_notify(${channel}, ${payload})`)

/** Over the PGlite client in context (one session: LISTEN and NOTIFY on the same instance). */
export const layerPgliteNotifications: Layer.Layer<SqlNotifications, never, PgliteClient> = Layer.effect(
  SqlNotifications,
  Effect.gen(function* () {
    const client = yield* PgliteClient
    return SqlNotifications.of({ notify: notifyThrough(client), listen: client.listen })
  })
)

/** Over @effect/sql-pg: LISTEN holds a pooled connection of its own until the scope closes. */
export const layerPgNotifications: Layer.Layer<SqlNotifications, never, PgClient.PgClient> = Layer.effect(
  SqlNotifications,
  Effect.gen(function* () {
    const client = yield* PgClient.PgClient
    return SqlNotifications.of({
      notify: notifyThrough(client),
      listen: (channel) =>
        Effect.gen(function* () {
          const notifications = yield* client.listen(channel)
          const payloads = yield* Queue.unbounded<string, SqlError>()
          yield* Effect.addFinalizer(() => Queue.shutdown(payloads))
          yield* Queue.take(notifications).pipe(
            Effect.flatMap((notification) => Queue.offer(payloads, notification.payload)),
            Effect.forever,
            Effect.catchCause((cause) => Queue.failCause(payloads, cause)),
            Effect.forkScoped
          )
          return payloads
        })
    })
  })
)
