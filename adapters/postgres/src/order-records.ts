/**
 * Order's records in SQL (SPEC §4.8): orders (their columns for queries, and the whole record as JSON,
 * which is what the context reads back), their lines (written once, with the order: what was ordered
 * never changes), and one status history row per step, which `GET /orders/{id}/history` reads. Reads
 * go straight to the tables; writes are `RecordWrite`s the StateStore commits with the events and
 * markers of the same change, so an order's rows, its history and its events are never out of step.
 * An update names the version it read: a concurrent change makes it a WriteConflict, run again fresh.
 */
import { Effect, Layer, Schema } from "effect"
import { SqlClient } from "effect/sql"
import type { RecordWrite } from "@kasa/shared"
import { type HistoryEntry, Order, OrderRecords, type Order as OrderRecord, RecordsUnavailable } from "@kasa/order"
import type { Migrations } from "./migrations.ts"

export const orderMigrations: Migrations = {
  "0001_create_order_records": Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`create table orders (
      order_id text primary key,
      session_id text not null,
      status text not null,
      grand_total bigint not null,
      currency text not null,
      payment_method_id text not null,
      transaction_id text,
      refunded_amount bigint not null,
      version int not null,
      record text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`
    yield* sql`create index orders_by_session on orders (session_id, created_at)`
    yield* sql`create table order_lines (
      order_id text not null,
      item_id text not null,
      offer_id text not null,
      type text not null,
      name text not null,
      category text not null,
      quantity int not null,
      unit_price bigint not null,
      line_total bigint not null,
      parent_item_id text,
      primary key (order_id, item_id)
    )`
    yield* sql`create table order_status_history (
      order_id text not null,
      seq int not null,
      from_status text,
      to_status text not null,
      event text not null,
      reason text,
      at timestamptz not null,
      primary key (order_id, seq)
    )`
  })
}

const orderKey = (id: string) => `order:${id}`

/** History rows from entry `fromIndex` on; entry i is row seq i + 1. */
const historyRows = (order: OrderRecord, fromIndex: number): Array<RecordWrite> =>
  order.history.slice(fromIndex).map((entry, offset) => ({
    op: "insert",
    table: "order_status_history",
    row: { order_id: order.order_id, seq: fromIndex + offset + 1, from_status: entry.from, to_status: entry.to, event: entry.event, reason: entry.reason ?? null, at: entry.at },
    conflictKey: orderKey(order.order_id)
  }))

const lineRows = (order: OrderRecord): Array<RecordWrite> =>
  order.lines.map((line) => ({
    op: "insert",
    table: "order_lines",
    row: {
      order_id: order.order_id,
      item_id: line.item_id,
      offer_id: line.offer_id,
      type: line.type,
      name: line.name,
      category: line.category,
      quantity: line.quantity,
      unit_price: line.unit_price,
      line_total: line.line_total,
      parent_item_id: line.parent_item_id
    },
    conflictKey: orderKey(order.order_id)
  }))

const columns = (order: OrderRecord, at: string) => ({
  status: order.status,
  transaction_id: order.payment.transaction_id,
  refunded_amount: order.payment.refunded_amount,
  version: order.version,
  record: JSON.stringify(order),
  updated_at: at
})

const decodeOrder = Schema.decodeUnknownSync(Schema.fromJsonString(Order))

interface HistoryRow {
  readonly from_status: string | null
  readonly to_status: string
  readonly event: string
  readonly reason: string | null
  readonly at: Date | string
}

const historyEntry = (row: HistoryRow): HistoryEntry =>
  ({
    from: row.from_status,
    to: row.to_status,
    event: row.event,
    at: row.at instanceof Date ? row.at.toISOString() : new Date(row.at).toISOString(),
    ...(row.reason === null ? {} : { reason: row.reason })
  }) as HistoryEntry

export const makeOrderRecords = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const unavailable = (operation: string) => (error: { readonly message: string }) => new RecordsUnavailable({ operation, message: error.message })
  return OrderRecords.of({
    order: (orderId) =>
      sql<{ record: string }>`select record from orders where order_id = ${orderId}`.pipe(
        Effect.map((rows) => (rows[0] === undefined ? undefined : decodeOrder(rows[0].record))),
        Effect.mapError(unavailable("order"))
      ),
    ofSession: (sessionId) =>
      sql<{ record: string }>`select record from orders where session_id = ${sessionId} order by created_at desc, order_id desc`.pipe(
        Effect.map((rows) => rows.map((row) => decodeOrder(row.record))),
        Effect.mapError(unavailable("ofSession"))
      ),
    history: (orderId) =>
      sql<HistoryRow>`select from_status, to_status, event, reason, at from order_status_history where order_id = ${orderId} order by seq`.pipe(
        Effect.map((rows) => rows.map(historyEntry)),
        Effect.mapError(unavailable("history"))
      ),
    created: (order, at) => [
      {
        op: "insert",
        table: "orders",
        row: {
          order_id: order.order_id,
          session_id: order.session_id,
          grand_total: order.grand_total,
          currency: order.currency,
          payment_method_id: order.payment.method_id,
          created_at: order.created_at,
          ...columns(order, at)
        },
        conflictKey: orderKey(order.order_id)
      },
      ...lineRows(order),
      ...historyRows(order, 0)
    ],
    changed: (before, after, at) => [
      { op: "update", table: "orders", set: columns(after, at), where: { order_id: before.order_id, version: before.version }, conflictKey: orderKey(before.order_id) },
      ...historyRows(after, before.history.length)
    ]
  })
})

export const layerOrderRecords: Layer.Layer<OrderRecords, never, SqlClient.SqlClient> = Layer.effect(OrderRecords, makeOrderRecords)
