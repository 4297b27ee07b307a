/**
 * The sandbox bank's rules, as pure functions over a ledger entry: how a payment settles (the shopper's
 * Pay / Fail / Cancel on the hosted page, or the BLIK bank confirming) and whether a refund is taken.
 * A payment settles once; a refund needs a payment that was paid and an amount the earlier refunds
 * leave room for; the same refund asked again is answered again and not taken twice.
 */
import { Result, Schema } from "effect"
import { GatewayDeclined, type RefundPayment } from "@kasa/payment"
import { newEventId, type SandboxEvent, type SandboxEventType } from "./sandbox-event.ts"
import type { SandboxPayment, SandboxPaymentStatus } from "./sandbox-ledger.ts"

export const SANDBOX = "sandbox"

export const SandboxOutcome = Schema.Literals(["succeed", "fail", "cancel"])
export type SandboxOutcome = typeof SandboxOutcome.Type

/** The payment settled already (paid, failed or cancelled): the page cannot change it. */
export class SandboxPaymentSettled extends Schema.TaggedError<SandboxPaymentSettled>()("SandboxPaymentSettled", {
  transaction_id: Schema.String,
  status: Schema.String
}) {}

const settlements: Readonly<Record<SandboxOutcome, { readonly status: SandboxPaymentStatus; readonly type: SandboxEventType; readonly reason?: string; readonly error_code?: string }>> = {
  succeed: { status: "succeeded", type: "payment.succeeded" },
  fail: { status: "failed", type: "payment.failed", reason: "declined_by_sandbox", error_code: "sandbox_declined" },
  cancel: { status: "cancelled", type: "payment.cancelled", reason: "cancelled_by_shopper" }
}

/** The event the sandbox reports about `payment` (a new event id: a new outcome). */
export const eventFor = (
  payment: SandboxPayment,
  type: SandboxEventType,
  nowMs: number,
  extra: Pick<SandboxEvent, "reason" | "error_code" | "refund_id"> = {}
): SandboxEvent => ({
  id: newEventId(),
  type,
  transaction_id: payment.transaction_id,
  amount: payment.amount,
  currency: payment.currency,
  reference: payment.reference,
  created: Math.floor(nowMs / 1000),
  ...extra
})

/** `payment` settled with `outcome` at `nowMs`, its outcome reported; refused once it has settled. */
export const settle = (payment: SandboxPayment, outcome: SandboxOutcome, nowMs: number): Result.Result<SandboxPayment, SandboxPaymentSettled> => {
  if (payment.status !== "open") return Result.fail(new SandboxPaymentSettled({ transaction_id: payment.transaction_id, status: payment.status }))
  const s = settlements[outcome]
  const extra = { ...(s.reason === undefined ? {} : { reason: s.reason }), ...(s.error_code === undefined ? {} : { error_code: s.error_code }) }
  return Result.succeed({ ...payment, status: s.status, reported: eventFor(payment, s.type, nowMs, extra) })
}

const declined = (reason: string) => Result.fail(new GatewayDeclined({ gateway: SANDBOX, reason }))

export const refundedAmount = (payment: SandboxPayment): number => payment.refunds.reduce((sum, r) => sum + r.amount, 0)

/** `payment` with `request` refunded, the same payment when this refund was taken already, or why not. */
export const refund = (payment: SandboxPayment, request: RefundPayment, nowMs: number): Result.Result<SandboxPayment, GatewayDeclined> => {
  const earlier = payment.refunds.find((r) => r.refund_id === request.refund_id || r.idempotency_key === request.idempotency_key)
  if (earlier !== undefined) return earlier.amount === request.amount && earlier.refund_id === request.refund_id ? Result.succeed(payment) : declined("refund_id_reused")
  if (payment.status !== "succeeded") return declined("payment_not_paid")
  if (request.currency !== payment.currency) return declined("currency_mismatch")
  if (!Number.isSafeInteger(request.amount) || request.amount <= 0) return declined("invalid_refund_amount")
  if (refundedAmount(payment) + request.amount > payment.amount) return declined("refund_exceeds_paid_amount")
  const refunds = [...payment.refunds, { refund_id: request.refund_id, amount: request.amount, idempotency_key: request.idempotency_key }]
  return Result.succeed({ ...payment, refunds, reported: eventFor(payment, "refund.succeeded", nowMs, { refund_id: request.refund_id }) })
}
