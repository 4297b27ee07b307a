// The sandbox bank's rules as tables: a payment settles once, each outcome reported with its event;
// a refund needs a paid payment, the same currency, a positive amount and room left, and the same
// refund asked again is the same answer, not a second refund.
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import type { RefundPayment } from "@kasa/payment"
import type { SandboxPayment } from "../src/sandbox-ledger.ts"
import { refund, settle } from "../src/sandbox-outcomes.ts"

const NOW = 1_800_000_000_000
const open: SandboxPayment = {
  transaction_id: "txn_1",
  order_id: "ord_1",
  amount: 10_000,
  currency: "PLN",
  method: "card",
  return_url: "/back",
  idempotency_key: "start:txn_1",
  reference: "sbx_txn_1",
  status: "open",
  refunds: [],
  started_at: NOW
}
const paid: SandboxPayment = { ...open, status: "succeeded" }
const refundOf = (refund_id: string, amount: number, overrides: Partial<RefundPayment> = {}): RefundPayment => ({
  transaction_id: "txn_1",
  refund_id,
  amount,
  currency: "PLN",
  gateway_reference: "sbx_txn_1",
  idempotency_key: `refund:${refund_id}`,
  ...overrides
})

describe("settle", () => {
  test.each([
    ["succeed", "succeeded", "payment.succeeded", undefined],
    ["fail", "failed", "payment.failed", "declined_by_sandbox"],
    ["cancel", "cancelled", "payment.cancelled", "cancelled_by_shopper"]
  ] as const)("%s → %s", (outcome, status, type, reason) => {
    const settled = Result.getOrThrow(settle(open, outcome, NOW))
    expect(settled.status).toBe(status)
    expect(settled.reported).toMatchObject({ type, transaction_id: "txn_1", amount: 10_000, currency: "PLN", reference: "sbx_txn_1", created: NOW / 1000 })
    expect(settled.reported?.reason).toBe(reason)
  })

  test.each(["succeeded", "failed", "cancelled"] as const)("a %s payment does not settle again", (status) => {
    const result = settle({ ...open, status }, "succeed", NOW)
    expect(Result.isFailure(result) && result.failure._tag).toBe("SandboxPaymentSettled")
  })
})

describe("refund", () => {
  const partly: SandboxPayment = { ...paid, refunds: [{ refund_id: "rf_1", amount: 4_000, idempotency_key: "refund:rf_1" }] }
  test.each([
    ["the whole amount", paid, refundOf("rf_9", 10_000), "taken"],
    ["what is left", partly, refundOf("rf_9", 6_000), "taken"],
    ["more than is left", partly, refundOf("rf_9", 6_001), "refund_exceeds_paid_amount"],
    ["more than was paid", paid, refundOf("rf_9", 10_001), "refund_exceeds_paid_amount"],
    ["zero", paid, refundOf("rf_9", 0), "invalid_refund_amount"],
    ["a fraction", paid, refundOf("rf_9", 1.5), "invalid_refund_amount"],
    ["another currency", paid, refundOf("rf_9", 100, { currency: "EUR" }), "currency_mismatch"],
    ["an open payment", open, refundOf("rf_9", 100), "payment_not_paid"],
    ["a failed payment", { ...open, status: "failed" }, refundOf("rf_9", 100), "payment_not_paid"],
    ["the same refund again", partly, refundOf("rf_1", 4_000), "same"],
    ["the same refund id with another amount", partly, refundOf("rf_1", 5_000), "refund_id_reused"],
    ["another refund under the same idempotency key", partly, refundOf("rf_2", 4_000, { idempotency_key: "refund:rf_1" }), "refund_id_reused"]
  ] as const)("%s", (_name, payment, request, expected) => {
    const result = refund(payment, request, NOW)
    if (Result.isFailure(result)) {
      expect(result.failure.reason).toBe(expected)
      return
    }
    if (expected === "same") {
      expect(result.success).toBe(payment)
      return
    }
    expect(expected).toBe("taken")
    expect(result.success.refunds.at(-1)).toEqual({ refund_id: request.refund_id, amount: request.amount, idempotency_key: request.idempotency_key })
    expect(result.success.reported).toMatchObject({ type: "refund.succeeded", refund_id: request.refund_id })
  })
})
