/**
 * What the order application needs from the outside besides the kernel's StateStore: its records
 * (SPEC §4.8: orders, their lines and their status history, in PostgreSQL), read straight from their
 * tables and written as `RecordWrite`s that the StateStore commits in the same transaction as the
 * events and processed markers of the change. The adapter knows the tables; the application only
 * says what changed. A change names the version it read, so a concurrent one is a WriteConflict.
 */
import { Context, type Effect, Schema } from "effect"
import type { RecordWrite } from "@kasa/shared"
import type { HistoryEntry, Order } from "./order.ts"

export class RecordsUnavailable extends Schema.TaggedError<RecordsUnavailable>()("RecordsUnavailable", {
  operation: Schema.String,
  message: Schema.String
}) {}

export class OrderRecords extends Context.Service<
  OrderRecords,
  {
    readonly order: (orderId: string) => Effect.Effect<Order | undefined, RecordsUnavailable>
    /** The session's orders, newest first. */
    readonly ofSession: (sessionId: string) => Effect.Effect<ReadonlyArray<Order>, RecordsUnavailable>
    /** The order's status history as its history table holds it, oldest first (empty for no such order). */
    readonly history: (orderId: string) => Effect.Effect<ReadonlyArray<HistoryEntry>, RecordsUnavailable>
    /** The writes that record a new order, its lines and its history so far (`at`: ISO instant). */
    readonly created: (order: Order, at: string) => ReadonlyArray<RecordWrite>
    /** The writes that record a change from `before` (the version read) to `after`. */
    readonly changed: (before: Order, after: Order, at: string) => ReadonlyArray<RecordWrite>
  }
>()("@kasa/order/OrderRecords") {}
