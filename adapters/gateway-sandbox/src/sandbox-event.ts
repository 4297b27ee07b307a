/**
 * What a sandbox webhook says (its JSON body) and what that means to the payment state machine. The
 * same body is what the ledger keeps as a payment's last reported outcome, so `status` and
 * `verifyWebhook` read an outcome through one mapping and can never disagree. `id` is the sandbox's
 * event id (the shop's replay guard): a resent webhook keeps it, a new outcome gets a new one.
 */
import { Result, Schema } from "effect"
import type { TransactionEvent } from "@kasa/payment"

export const SandboxEventType = Schema.Literals([
  "payment.pending",
  "payment.succeeded",
  "payment.failed",
  "payment.cancelled",
  "refund.succeeded",
  "refund.failed"
])
export type SandboxEventType = typeof SandboxEventType.Type

export const SandboxEvent = Schema.Struct({
  id: Schema.String.check(Schema.isPattern(/^evt_[A-Za-z0-9_-]+$/)),
  type: SandboxEventType,
  transaction_id: Schema.String,
  amount: Schema.Int,
  currency: Schema.String,
  /** The sandbox's reference of the payment (a success's `gateway_reference`). */
  reference: Schema.String,
  /** Unix seconds the outcome happened. */
  created: Schema.Int,
  reason: Schema.optionalKey(Schema.String),
  error_code: Schema.optionalKey(Schema.String),
  refund_id: Schema.optionalKey(Schema.String)
})
export type SandboxEvent = typeof SandboxEvent.Type

export const newEventId = (): string => `evt_${crypto.randomUUID().replaceAll("-", "")}`

/** The state machine's reading of an event, or why it has none (a refund event without its refund id). */
export const transactionEventOf = (event: SandboxEvent): Result.Result<TransactionEvent, string> => {
  switch (event.type) {
    case "payment.pending":
      return Result.succeed({ kind: "pending" })
    case "payment.succeeded":
      return Result.succeed({ kind: "succeeded", amount: event.amount, currency: event.currency, gateway_reference: event.reference })
    case "payment.failed":
      return Result.succeed({ kind: "failed", reason: event.reason ?? "payment_failed", ...(event.error_code === undefined ? {} : { error_code: event.error_code }) })
    case "payment.cancelled":
      return Result.succeed({ kind: "cancelled", reason: event.reason ?? "cancelled" })
    case "refund.succeeded":
      return event.refund_id === undefined ? Result.fail("refund.succeeded without refund_id") : Result.succeed({ kind: "refund_succeeded", refund_id: event.refund_id })
    case "refund.failed":
      return event.refund_id === undefined
        ? Result.fail("refund.failed without refund_id")
        : Result.succeed({ kind: "refund_failed", refund_id: event.refund_id, reason: event.reason ?? "refund_failed" })
  }
}
