/**
 * The transaction's state machine (SPEC §4.4) as one pure function: no I/O, no clock (the time comes
 * in as `at`), no randomness (ids come in). States: `initialized → pending → succeeded | failed |
 * cancelled`; `succeeded → refund_pending → partially_refunded | refunded`, and a partially refunded
 * transaction takes further refunds. `transition` takes one thing that happened (a gateway's outcome
 * or a refund command) and answers one of three ways:
 * - `Changed`: the new transaction (version + 1, one history entry) and the events to publish;
 * - `Unchanged`: nothing to write or publish: a replay (the same outcome again) or a stale report
 *   (a gateway's late `pending` after the payment already settled: gateways deliver out of order);
 * - a typed rejection (errors.ts): an illegal transition, a refund over what is still refundable.
 * Money rules: a success whose amount or currency differs from the transaction fails it with
 * `amount_mismatch`; a failed or cancelled transaction never succeeds later; one refund is in flight
 * at a time; a second success naming another capture is rejected, never folded in silently.
 */
import { Result } from "effect"
import { IllegalTransition, InvalidRefundAmount, RefundExceedsCaptured, RefundNotFound, type TransitionError } from "./errors.ts"
import { PaymentEventName, type PaymentEvent } from "./events.ts"
import {
  type PaymentTransaction,
  refundableAmount,
  type RefundRequest,
  type SettledRefund,
  type TransactionEventKind,
  transactionIds,
  type TransactionState
} from "./transaction.ts"

/** The reason a success is turned into a failure when it does not match the transaction. */
export const AMOUNT_MISMATCH = "amount_mismatch"

/** What happened, as the machine takes it (TransactionEventKind names each). */
export type TransactionEvent =
  | { readonly kind: "pending" }
  | { readonly kind: "succeeded"; readonly amount: number; readonly currency: string; readonly gateway_reference: string }
  | { readonly kind: "failed"; readonly reason: string; readonly error_code?: string | undefined }
  | { readonly kind: "cancelled"; readonly reason: string }
  | { readonly kind: "refund_requested"; readonly refund_id: string; readonly amount: number; readonly reason: string }
  | { readonly kind: "refund_succeeded"; readonly refund_id: string }
  | { readonly kind: "refund_failed"; readonly refund_id: string; readonly reason: string }

export type Transition =
  | { readonly _tag: "Changed"; readonly transaction: PaymentTransaction; readonly events: ReadonlyArray<PaymentEvent> }
  | { readonly _tag: "Unchanged"; readonly transaction: PaymentTransaction; readonly why: "replay" | "stale" }

const ids = transactionIds

const changed = (
  tx: PaymentTransaction,
  to: TransactionState,
  event: TransactionEventKind,
  at: Date,
  patch: Partial<PaymentTransaction>,
  events: ReadonlyArray<PaymentEvent>
): Result.Result<Transition, never> =>
  Result.succeed({
    _tag: "Changed",
    transaction: { ...tx, ...patch, state: to, version: tx.version + 1, history: [...tx.history, { from: tx.state, to, event, at: at.toISOString() }] },
    events
  })

const unchanged = (tx: PaymentTransaction, why: "replay" | "stale"): Result.Result<Transition, never> => Result.succeed({ _tag: "Unchanged", transaction: tx, why })

const illegal = (tx: PaymentTransaction, event: TransactionEventKind): Result.Result<never, IllegalTransition> =>
  Result.fail(new IllegalTransition({ transaction_id: tx.transaction_id, from: tx.state, event }))

/** Before the payment settled: the states a gateway outcome can still move. */
const isOpen = (state: TransactionState): boolean => state === "initialized" || state === "pending"

/** The money was taken: every state from `succeeded` on. */
const isSettledSuccess = (state: TransactionState): boolean =>
  state === "succeeded" || state === "refund_pending" || state === "partially_refunded" || state === "refunded"

const onPending = (tx: PaymentTransaction, at: Date): Result.Result<Transition, TransitionError> => {
  if (tx.state === "initialized") return changed(tx, "pending", "pending", at, {}, [{ name: PaymentEventName.pending, payload: ids(tx) }])
  return unchanged(tx, tx.state === "pending" ? "replay" : "stale")
}

const onSucceeded = (tx: PaymentTransaction, e: Extract<TransactionEvent, { kind: "succeeded" }>, at: Date): Result.Result<Transition, TransitionError> => {
  const matches = e.amount === tx.amount_total && e.currency === tx.currency
  if (isOpen(tx.state)) {
    if (!matches) {
      return changed(tx, "failed", "succeeded", at, { gateway_reference: e.gateway_reference, failure_reason: AMOUNT_MISMATCH, error_code: null }, [
        { name: PaymentEventName.failed, payload: { ...ids(tx), reason: AMOUNT_MISMATCH } }
      ])
    }
    return changed(tx, "succeeded", "succeeded", at, { gateway_reference: e.gateway_reference, captured_amount: e.amount }, [
      { name: PaymentEventName.succeeded, payload: { ...ids(tx), amount_total: e.amount, currency: e.currency, gateway_reference: e.gateway_reference } }
    ])
  }
  const sameCapture = tx.gateway_reference === e.gateway_reference
  if (isSettledSuccess(tx.state) && sameCapture && matches) return unchanged(tx, "replay")
  // The mismatched success that failed this transaction, delivered again.
  if (tx.state === "failed" && tx.failure_reason === AMOUNT_MISMATCH && sameCapture && !matches) return unchanged(tx, "replay")
  return illegal(tx, "succeeded")
}

const onFailed = (tx: PaymentTransaction, e: Extract<TransactionEvent, { kind: "failed" }>, at: Date): Result.Result<Transition, TransitionError> => {
  if (isOpen(tx.state)) {
    return changed(tx, "failed", "failed", at, { failure_reason: e.reason, error_code: e.error_code ?? null }, [
      { name: PaymentEventName.failed, payload: { ...ids(tx), reason: e.reason, ...(e.error_code === undefined ? {} : { error_code: e.error_code }) } }
    ])
  }
  if (tx.state === "failed") return unchanged(tx, "replay")
  return illegal(tx, "failed")
}

const onCancelled = (tx: PaymentTransaction, e: Extract<TransactionEvent, { kind: "cancelled" }>, at: Date): Result.Result<Transition, TransitionError> => {
  if (isOpen(tx.state)) {
    return changed(tx, "cancelled", "cancelled", at, { failure_reason: e.reason }, [{ name: PaymentEventName.cancelled, payload: { ...ids(tx), reason: e.reason } }])
  }
  if (tx.state === "cancelled") return unchanged(tx, "replay")
  return illegal(tx, "cancelled")
}

const knownRefund = (tx: PaymentTransaction, refund_id: string): RefundRequest | SettledRefund | undefined =>
  tx.refund_in_flight?.refund_id === refund_id ? tx.refund_in_flight : tx.settled_refunds.find((r) => r.refund_id === refund_id)

const onRefundRequested = (tx: PaymentTransaction, e: Extract<TransactionEvent, { kind: "refund_requested" }>, at: Date): Result.Result<Transition, TransitionError> => {
  const known = knownRefund(tx, e.refund_id)
  if (known !== undefined) return known.amount === e.amount && known.reason === e.reason ? unchanged(tx, "replay") : illegal(tx, "refund_requested")
  if (tx.state !== "succeeded" && tx.state !== "partially_refunded" && tx.state !== "refunded") return illegal(tx, "refund_requested")
  if (!Number.isSafeInteger(e.amount) || e.amount <= 0) return Result.fail(new InvalidRefundAmount({ transaction_id: tx.transaction_id, amount: e.amount }))
  const refundable = refundableAmount(tx)
  if (e.amount > refundable) return Result.fail(new RefundExceedsCaptured({ transaction_id: tx.transaction_id, requested_amount: e.amount, refundable_amount: refundable }))
  const refund: RefundRequest = { refund_id: e.refund_id, amount: e.amount, reason: e.reason }
  return changed(tx, "refund_pending", "refund_requested", at, { refund_in_flight: refund }, [
    { name: PaymentEventName.refundInitiated, payload: { ...ids(tx), refund_id: e.refund_id, refund_amount: e.amount, reason: e.reason } }
  ])
}

/** A refund outcome for a refund that is not the one in flight: a replay, a contradiction, or unknown. */
const settledOutcome = (tx: PaymentTransaction, refund_id: string, outcome: SettledRefund["outcome"], kind: TransactionEventKind): Result.Result<Transition, TransitionError> => {
  const settled = tx.settled_refunds.find((r) => r.refund_id === refund_id)
  if (settled !== undefined) return settled.outcome === outcome ? unchanged(tx, "replay") : illegal(tx, kind)
  if (tx.state === "refund_pending") return Result.fail(new RefundNotFound({ transaction_id: tx.transaction_id, refund_id }))
  return illegal(tx, kind)
}

const onRefundSucceeded = (tx: PaymentTransaction, e: Extract<TransactionEvent, { kind: "refund_succeeded" }>, at: Date): Result.Result<Transition, TransitionError> => {
  const refund = tx.refund_in_flight
  if (refund === null || refund.refund_id !== e.refund_id) return settledOutcome(tx, e.refund_id, "succeeded", "refund_succeeded")
  const refunded_amount = tx.refunded_amount + refund.amount
  const fully_refunded = refunded_amount === tx.captured_amount
  return changed(
    tx,
    fully_refunded ? "refunded" : "partially_refunded",
    "refund_succeeded",
    at,
    { refunded_amount, refund_in_flight: null, settled_refunds: [...tx.settled_refunds, { ...refund, outcome: "succeeded" }] },
    [{ name: PaymentEventName.refunded, payload: { ...ids(tx), refund_id: refund.refund_id, refund_amount: refund.amount, fully_refunded } }]
  )
}

const onRefundFailed = (tx: PaymentTransaction, e: Extract<TransactionEvent, { kind: "refund_failed" }>, at: Date): Result.Result<Transition, TransitionError> => {
  const refund = tx.refund_in_flight
  if (refund === null || refund.refund_id !== e.refund_id) return settledOutcome(tx, e.refund_id, "failed", "refund_failed")
  return changed(
    tx,
    tx.refunded_amount > 0 ? "partially_refunded" : "succeeded",
    "refund_failed",
    at,
    { refund_in_flight: null, settled_refunds: [...tx.settled_refunds, { ...refund, outcome: "failed" }] },
    [{ name: PaymentEventName.refundFailed, payload: { ...ids(tx), refund_id: refund.refund_id, refund_amount: refund.amount, reason: e.reason } }]
  )
}

/** One step of the state machine; see the file comment for the three answers. */
export const transition = (tx: PaymentTransaction, event: TransactionEvent, at: Date): Result.Result<Transition, TransitionError> => {
  switch (event.kind) {
    case "pending":
      return onPending(tx, at)
    case "succeeded":
      return onSucceeded(tx, event, at)
    case "failed":
      return onFailed(tx, event, at)
    case "cancelled":
      return onCancelled(tx, event, at)
    case "refund_requested":
      return onRefundRequested(tx, event, at)
    case "refund_succeeded":
      return onRefundSucceeded(tx, event, at)
    case "refund_failed":
      return onRefundFailed(tx, event, at)
  }
}
