/**
 * The tables behind the StateStore and the outbox in PostgreSQL (and PGlite), shared by every context
 * whose state lives there: values and counters (`kasa_kv`), streams (`kasa_stream` entries with their
 * key's lifetime in `kasa_stream_key`), processed markers, the outbox (one table, a row per event,
 * each app's entries under its outbox name), the entries set aside from it, and the relay's lease.
 * Lifetimes are instants on the database's clock (`expires_at`), so every process agrees on them.
 */
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import type { Migrations } from "./migrations.ts"

/** The tables, as the migrations of the `state` set (`runMigrations`), so concurrent starts are safe. */
export const stateMigrations: Migrations = {
  "0001_create_state_tables": Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`create table if not exists kasa_kv (
      key text primary key,
      value text not null,
      expires_at timestamptz
    )`
    yield* sql`create index if not exists kasa_kv_expiry on kasa_kv (expires_at) where expires_at is not null`
    yield* sql`create table if not exists kasa_stream_key (
      key text primary key,
      expires_at timestamptz
    )`
    yield* sql`create table if not exists kasa_stream (
      key text not null,
      seq bigserial not null,
      fields text not null,
      primary key (key, seq)
    )`
    yield* sql`create table if not exists kasa_processed (
      group_id text not null,
      event_id text not null,
      expires_at timestamptz not null,
      primary key (group_id, event_id)
    )`
    yield* sql`create index if not exists kasa_processed_expiry on kasa_processed (expires_at)`
    yield* sql`create table if not exists kasa_outbox (
      id bigserial primary key,
      outbox text not null,
      topic text not null,
      key text not null,
      envelope text not null,
      headers text not null,
      raw bytea,
      created_at timestamptz not null default now()
    )`
    yield* sql`create index if not exists kasa_outbox_by_name on kasa_outbox (outbox, id)`
    yield* sql`create table if not exists kasa_outbox_dead (
      id bigserial primary key,
      outbox text not null,
      outbox_id text not null,
      reason text not null,
      set_aside_at timestamptz not null default now(),
      topic text not null,
      key text not null,
      envelope text not null,
      headers text not null,
      raw bytea
    )`
    yield* sql`create table if not exists kasa_outbox_lease (
      outbox text primary key,
      holder text not null,
      expires_at timestamptz not null
    )`
  })
}

/**
 * The channel a commit with events notifies and the relay of that outbox listens on: a plain lower-case
 * identifier (LISTEN takes an identifier, which PGlite does not quote), the name's readable part plus
 * a hash of the whole name, so two outboxes never share one.
 */
export const outboxChannel = (outboxName: string): string =>
  `kasa_outbox_${outboxName.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 32)}_${Bun.hash(outboxName).toString(36)}`
