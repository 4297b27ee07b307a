/**
 * What the payment application needs from the outside besides the kernel's StateStore and the
 * gateways (gateway.ts): its records (SPEC §4.4: transactions with their history, refunds, webhook
 * receipts), read straight from their tables and written as `RecordWrite`s that the StateStore commits
 * in the same transaction as the events and markers of the change. The adapter knows the tables; the
 * application only says what changed.
 */
import { Context, type Effect, Schema } from "effect"
import type { RecordWrite } from "@kasa/shared"
import type { PaymentTransaction } from "./transaction.ts"

export class RecordsUnavailable extends Schema.TaggedError<RecordsUnavailable>()("RecordsUnavailable", {
  operation: Schema.String,
  message: Schema.String
}) {}

export interface WebhookReceipt {
  readonly gateway: string
  readonly gateway_event_id: string
  readonly event_type: string
  readonly transaction_id?: string | undefined
}

export class PaymentRecords extends Context.Service<
  PaymentRecords,
  {
    readonly transaction: (transactionId: string) => Effect.Effect<PaymentTransaction | undefined, RecordsUnavailable>
    /** The order's newest transaction (a retry after a failure is a new one). */
    readonly latestForOrder: (orderId: string) => Effect.Effect<PaymentTransaction | undefined, RecordsUnavailable>
    readonly hasReceipt: (gateway: string, gatewayEventId: string) => Effect.Effect<boolean, RecordsUnavailable>
    /** The writes that record a new transaction (`at`: ISO instant). */
    readonly created: (transaction: PaymentTransaction, at: string) => ReadonlyArray<RecordWrite>
    /** The writes that record a change from `before` (the version read) to `after`; a concurrent change makes them a WriteConflict. */
    readonly changed: (before: PaymentTransaction, after: PaymentTransaction, at: string) => ReadonlyArray<RecordWrite>
    /** The write that records a webhook once: the same gateway event id again is a WriteConflict. */
    readonly receipt: (receipt: WebhookReceipt, at: string) => ReadonlyArray<RecordWrite>
  }
>()("@kasa/payment/PaymentRecords") {}
