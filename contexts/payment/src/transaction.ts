/**
 * A payment transaction (SPEC §4.4): what payment records of one attempt to take an order's money,
 * with its state, what was captured and refunded, the refund in flight, the refunds the gateway has
 * answered, a version, and its history (from, to, event, at). A Schema, so the record store can keep
 * and read it back whole. A new one starts in `initialized`; transition.ts moves it. A retry after a
 * failure is a new transaction: a failed or cancelled one never succeeds later. It also keeps where it
 * was started (the correlation id and traceparent of the checkout), so what its gateway's webhook
 * causes continues that checkout's trace.
 */
import { Schema } from "effect"
import type { TraceOrigin } from "@kasa/shared"
import { CurrencyCode } from "@kasa/shared/money"
import { PaymentEventName, type PaymentEvent } from "./events.ts"

export const TransactionState = Schema.Literals([
  "initialized",
  "pending",
  "succeeded",
  "failed",
  "cancelled",
  "refund_pending",
  "partially_refunded",
  "refunded"
])
export type TransactionState = typeof TransactionState.Type

/** What the machine takes, named after what happened. */
export const TransactionEventKind = Schema.Literals(["pending", "succeeded", "failed", "cancelled", "refund_requested", "refund_succeeded", "refund_failed"])
export type TransactionEventKind = typeof TransactionEventKind.Type

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Id = Schema.String.check(Schema.isNonEmpty())

export const RefundRequest = Schema.Struct({ refund_id: Id, amount: Amount, reason: Schema.String })
export type RefundRequest = typeof RefundRequest.Type

/** A refund the gateway has answered, kept so a replayed outcome is recognised. */
export const SettledRefund = Schema.Struct({ ...RefundRequest.fields, outcome: Schema.Literals(["succeeded", "failed"]) })
export type SettledRefund = typeof SettledRefund.Type

export const HistoryEntry = Schema.Struct({
  /** null for the entry that created the transaction. */
  from: Schema.NullOr(TransactionState),
  to: TransactionState,
  event: Schema.String,
  /** ISO 8601 instant. */
  at: Schema.String
})
export type HistoryEntry = typeof HistoryEntry.Type

export const PaymentTransaction = Schema.Struct({
  transaction_id: Id,
  order_id: Id,
  session_id: Id,
  gateway: Id,
  method_id: Id,
  amount_total: Amount,
  currency: CurrencyCode,
  state: TransactionState,
  redirect_url: Schema.NullOr(Schema.String),
  gateway_reference: Schema.NullOr(Schema.String),
  /** Why it failed or was cancelled (`amount_mismatch` when a success did not match). */
  failure_reason: Schema.NullOr(Schema.String),
  error_code: Schema.NullOr(Schema.String),
  captured_amount: Amount,
  refunded_amount: Amount,
  refund_in_flight: Schema.NullOr(RefundRequest),
  settled_refunds: Schema.Array(SettledRefund),
  version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  history: Schema.Array(HistoryEntry),
  /** The correlation id of what started it (the checkout's, for an order's first transaction); absent on records kept before it was. */
  correlation_id: Schema.optionalKey(Schema.String),
  /** W3C traceparent of the span that started it, so its webhook's work continues that trace. */
  traceparent: Schema.optionalKey(Schema.String)
})
export type PaymentTransaction = typeof PaymentTransaction.Type

export interface NewTransaction {
  readonly transaction_id: string
  readonly order_id: string
  readonly session_id: string
  readonly gateway: string
  readonly method_id: string
  readonly amount_total: number
  readonly currency: string
  readonly redirect_url?: string | undefined
  readonly gateway_reference?: string | undefined
  /** Where it is started: kept with it (`correlation_id`, `traceparent`). */
  readonly origin?: TraceOrigin | undefined
}

/** The ids every payment event of this transaction carries. */
export const transactionIds = (tx: PaymentTransaction) => ({ session_id: tx.session_id, transaction_id: tx.transaction_id, order_id: tx.order_id })

/** A new transaction in `initialized`, and its `payment.initialized`. */
export const initializeTransaction = (input: NewTransaction, at: Date): { readonly transaction: PaymentTransaction; readonly events: ReadonlyArray<PaymentEvent> } => {
  const transaction: PaymentTransaction = {
    transaction_id: input.transaction_id,
    order_id: input.order_id,
    session_id: input.session_id,
    gateway: input.gateway,
    method_id: input.method_id,
    amount_total: input.amount_total,
    currency: input.currency,
    state: "initialized",
    redirect_url: input.redirect_url ?? null,
    gateway_reference: input.gateway_reference ?? null,
    failure_reason: null,
    error_code: null,
    captured_amount: 0,
    refunded_amount: 0,
    refund_in_flight: null,
    settled_refunds: [],
    version: 1,
    history: [{ from: null, to: "initialized", event: "initialized", at: at.toISOString() }],
    ...(input.origin === undefined ? {} : { correlation_id: input.origin.correlation_id }),
    ...(input.origin?.traceparent === undefined ? {} : { traceparent: input.origin.traceparent })
  }
  const payload = {
    ...transactionIds(transaction),
    method_id: input.method_id,
    gateway: input.gateway,
    amount_total: input.amount_total,
    currency: input.currency,
    ...(input.redirect_url === undefined ? {} : { redirect_url: input.redirect_url })
  }
  return { transaction, events: [{ name: PaymentEventName.initialized, payload }] }
}

/** Where the transaction was started, for work on it that arrives later (its webhook); `fallback` for one kept without. */
export const transactionOrigin = (tx: PaymentTransaction, fallback: string): TraceOrigin => ({ correlation_id: tx.correlation_id ?? fallback, traceparent: tx.traceparent })

/** What may still be refunded: captured minus refunded (a refund in flight is not yet counted). */
export const refundableAmount = (tx: PaymentTransaction): number => tx.captured_amount - tx.refunded_amount

export const isFullyRefunded = (tx: PaymentTransaction): boolean => tx.captured_amount > 0 && tx.refunded_amount === tx.captured_amount

/** Whether the money of this transaction was taken (and so may be refunded). */
export const isCaptured = (tx: PaymentTransaction): boolean => tx.captured_amount > 0
