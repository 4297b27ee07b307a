/**
 * Payment's records in SQL (SPEC §4.4): transactions (their columns for queries, and the whole record
 * as JSON, which is what the context reads back), one history row per state change, refunds, and
 * webhook receipts unique per gateway and gateway event id (the replay guard). Reads go straight to
 * the tables; writes are `RecordWrite`s the StateStore commits with the state, events and markers of
 * the same change, so a transaction's row, its history and its events are never out of step. An
 * update names the version it read: a concurrent change makes it a WriteConflict, run again fresh.
 * A transaction's row also names where it was started (`correlation_id`, `traceparent`: the
 * checkout's), for finding a checkout's transactions; the record holds them too.
 */
import { Effect, Layer, Schema } from "effect"
import { SqlClient } from "effect/sql"
import type { RecordWrite } from "@kasa/shared"
import { PaymentRecords, PaymentTransaction, type PaymentTransaction as Transaction, RecordsUnavailable } from "@kasa/payment"
import type { Migrations } from "./migrations.ts"

export const paymentMigrations: Migrations = {
  "0001_create_payment_records": Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`create table payment_transactions (
      transaction_id text primary key,
      order_id text not null,
      session_id text not null,
      state text not null,
      gateway text not null,
      method_id text not null,
      amount_total bigint not null,
      currency text not null,
      captured_amount bigint not null,
      refunded_amount bigint not null,
      version int not null,
      record text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`
    yield* sql`create index payment_transactions_by_order on payment_transactions (order_id, created_at)`
    yield* sql`create table payment_transaction_history (
      transaction_id text not null,
      version int not null,
      from_state text,
      to_state text not null,
      event text not null,
      at timestamptz not null,
      primary key (transaction_id, version)
    )`
    yield* sql`create table payment_refunds (
      refund_id text primary key,
      transaction_id text not null,
      amount bigint not null,
      reason text not null,
      state text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`
    yield* sql`create table payment_webhook_receipts (
      gateway text not null,
      gateway_event_id text not null,
      event_type text not null,
      transaction_id text,
      received_at timestamptz not null,
      primary key (gateway, gateway_event_id)
    )`
  }),
  "0002_transaction_origin": Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`alter table payment_transactions add column correlation_id text, add column traceparent text`
  })
}

const transactionKey = (id: string) => `payment_transaction:${id}`

/** History rows from entry `fromIndex` on; entry i is what version i + 1 added. */
const historyRows = (tx: Transaction, fromIndex: number): Array<RecordWrite> =>
  tx.history.slice(fromIndex).map((entry, offset) => ({
    op: "insert",
    table: "payment_transaction_history",
    row: { transaction_id: tx.transaction_id, version: fromIndex + offset + 1, from_state: entry.from, to_state: entry.to, event: entry.event, at: entry.at },
    conflictKey: transactionKey(tx.transaction_id)
  }))

const columns = (tx: Transaction, at: string) => ({
  state: tx.state,
  captured_amount: tx.captured_amount,
  refunded_amount: tx.refunded_amount,
  version: tx.version,
  record: JSON.stringify(tx),
  updated_at: at
})

/** The refunds whose state the change moved: a new one in flight, or one the gateway answered. */
const refundRows = (before: Transaction | undefined, after: Transaction, at: string): Array<RecordWrite> => {
  const rows: Array<RecordWrite> = []
  const inFlight = after.refund_in_flight
  if (inFlight !== null && before?.refund_in_flight?.refund_id !== inFlight.refund_id)
    rows.push({
      op: "insert",
      table: "payment_refunds",
      row: { refund_id: inFlight.refund_id, transaction_id: after.transaction_id, amount: inFlight.amount, reason: inFlight.reason, state: "pending", created_at: at, updated_at: at },
      conflictKey: `payment_refund:${inFlight.refund_id}`
    })
  for (const settled of after.settled_refunds.slice(before?.settled_refunds.length ?? 0)) {
    // Asked for and answered in one change (a gateway that refunds at once): its row is new.
    const key = `payment_refund:${settled.refund_id}`
    rows.push(
      before?.refund_in_flight?.refund_id === settled.refund_id
        ? { op: "update", table: "payment_refunds", set: { state: settled.outcome, updated_at: at }, where: { refund_id: settled.refund_id }, conflictKey: key }
        : {
            op: "insert",
            table: "payment_refunds",
            row: { refund_id: settled.refund_id, transaction_id: after.transaction_id, amount: settled.amount, reason: settled.reason, state: settled.outcome, created_at: at, updated_at: at },
            conflictKey: key
          }
    )
  }
  return rows
}

const decodeTransaction = Schema.decodeUnknownSync(Schema.fromJsonString(PaymentTransaction))

export const makePaymentRecords = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const unavailable = (operation: string) => (error: { readonly message: string }) => new RecordsUnavailable({ operation, message: error.message })
  const one = (rows: ReadonlyArray<{ readonly record: string }>) => (rows[0] === undefined ? undefined : decodeTransaction(rows[0].record))
  return PaymentRecords.of({
    transaction: (transactionId) =>
      sql<{ record: string }>`select record from payment_transactions where transaction_id = ${transactionId}`.pipe(Effect.map(one), Effect.mapError(unavailable("transaction"))),
    latestForOrder: (orderId) =>
      sql<{ record: string }>`select record from payment_transactions where order_id = ${orderId} order by created_at desc, transaction_id desc limit 1`.pipe(
        Effect.map(one),
        Effect.mapError(unavailable("latestForOrder"))
      ),
    hasReceipt: (gateway, gatewayEventId) =>
      sql`select 1 from payment_webhook_receipts where gateway = ${gateway} and gateway_event_id = ${gatewayEventId}`.pipe(
        Effect.map((rows) => rows.length > 0),
        Effect.mapError(unavailable("hasReceipt"))
      ),
    created: (tx, at) => [
      {
        op: "insert",
        table: "payment_transactions",
        row: {
          transaction_id: tx.transaction_id,
          order_id: tx.order_id,
          session_id: tx.session_id,
          gateway: tx.gateway,
          method_id: tx.method_id,
          amount_total: tx.amount_total,
          currency: tx.currency,
          correlation_id: tx.correlation_id ?? null,
          traceparent: tx.traceparent ?? null,
          created_at: at,
          ...columns(tx, at)
        },
        conflictKey: transactionKey(tx.transaction_id)
      },
      ...historyRows(tx, 0),
      ...refundRows(undefined, tx, at)
    ],
    changed: (before, after, at) => [
      {
        op: "update",
        table: "payment_transactions",
        set: columns(after, at),
        where: { transaction_id: before.transaction_id, version: before.version },
        conflictKey: transactionKey(before.transaction_id)
      },
      ...historyRows(after, before.history.length),
      ...refundRows(before, after, at)
    ],
    receipt: (receipt, at) => [
      {
        op: "insert",
        table: "payment_webhook_receipts",
        row: { gateway: receipt.gateway, gateway_event_id: receipt.gateway_event_id, event_type: receipt.event_type, transaction_id: receipt.transaction_id ?? null, received_at: at },
        conflictKey: `payment_webhook:${receipt.gateway}:${receipt.gateway_event_id}`
      }
    ]
  })
})

export const layerPaymentRecords: Layer.Layer<PaymentRecords, never, SqlClient.SqlClient> = Layer.effect(PaymentRecords, makePaymentRecords)
