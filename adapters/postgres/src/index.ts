/**
 * @kasa/adapter-postgres: the shop's records in PostgreSQL through effect/sql's SqlClient, with PGlite as the
 * embedded twin behind the same interface (SPEC §8, issue #9), and the StateStore and outbox over them.
 */
export * from "./migrations.ts"
export * from "./order-records.ts"
export * from "./payment-records.ts"
export * from "./pglite-client.ts"
export * from "./pglite-template.ts"
export * from "./sql-errors.ts"
export * from "./sql-layer.ts"
export * from "./sql-notifications.ts"
export * from "./sql-outbox-backlog.ts"
export * from "./sql-outbox-lease.ts"
export * from "./sql-outbox-reader.ts"
export * from "./sql-state.ts"
export * from "./sql-state-store.ts"
export * from "./sql-sweeper.ts"
export * from "./state-schema.ts"
