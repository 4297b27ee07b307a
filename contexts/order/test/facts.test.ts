// The facts the order hears besides its lifecycle's own events (facts.ts), table-driven over every
// status: a reservation recorded once, an expired reservation compensating an order not yet
// fulfilled (unpaid: cancelled; paid: CANCELLING with the refund asked for), a refund the gateway
// turned down noted on a CANCELLING order; and a lifecycle event passed through to `transition`.
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { applyFact, type OrderFact, OrderStatus, type Step } from "@kasa/order"
import { orderIn } from "@kasa/order/testing/orders"

const AT = new Date("2026-12-01T12:00:00.000Z")

const outcome = (step: Step): string => {
  if (Result.isFailure(step)) return `rejected ${step.failure._tag}`
  if (step.success._tag === "Unchanged") return step.success.why
  return [step.success.order.status, ...step.success.events.map((e) => e.name)].join(" ")
}

const expired: OrderFact = { kind: "reservation_expired" }
const refundFailed: OrderFact = { kind: "refund_failed", refund_id: "rf_9", reason: "gateway_declined" }

const table: ReadonlyArray<readonly [OrderStatus, OrderFact, string]> = [
  ["PAYMENT_PENDING", expired, "CANCELLED order.cancelled"],
  ["PAYMENT_FAILED", expired, "CANCELLED order.cancelled"],
  ["PENDING", expired, "CANCELLED order.cancelled"],
  ["CONFIRMED", expired, "CANCELLING order.cancellation_requested"],
  ["PREPARING", expired, "stale"],
  ["READY_FOR_PICKUP", expired, "stale"],
  ["OUT_FOR_DELIVERY", expired, "stale"],
  ["DELIVERED", expired, "stale"],
  ["CANCELLING", expired, "stale"],
  ["CANCELLED", expired, "stale"],
  ["REFUNDED", expired, "stale"],
  ...OrderStatus.literals.map((status) => [status, refundFailed, status === "CANCELLING" ? "CANCELLING" : "stale"] as const)
]

describe("facts", () => {
  test.each(table)("%s + %o → %s", (status, fact, expected) => {
    expect(outcome(applyFact(orderIn[status], fact, AT))).toBe(expected)
  })

  test("an expired reservation's compensation names its reason and asks for the whole refund", () => {
    const step = applyFact(orderIn.CONFIRMED, expired, AT)
    if (Result.isFailure(step) || step.success._tag !== "Changed") throw new Error("expected a change")
    expect(step.success.order.cancel_reason).toBe("reservation_expired")
    expect(step.success.events[0]!.payload).toMatchObject({ reason: "reservation_expired", refund_amount: 10_000, transaction_id: "txn_1" })
  })

  test("a refund turned down is noted once, with its refund and reason, and nothing is published", () => {
    const first = applyFact(orderIn.CANCELLING, refundFailed, AT)
    if (Result.isFailure(first) || first.success._tag !== "Changed") throw new Error("expected a change")
    expect(first.success.events).toEqual([])
    expect(first.success.order.history.at(-1)).toEqual({ from: "CANCELLING", to: "CANCELLING", event: "refund_failed", at: AT.toISOString(), reason: "gateway_declined (rf_9)" })
    expect(outcome(applyFact(first.success.order, refundFailed, AT))).toBe("replay")
  })

  test("the reservation is recorded when the order has none; the same again is a replay, another one stale", () => {
    const none = { ...orderIn.PAYMENT_PENDING, reservation_id: null }
    const held = applyFact(none, { kind: "reservation_held", reservation_id: "res_7" }, AT)
    if (Result.isFailure(held) || held.success._tag !== "Changed") throw new Error("expected a change")
    expect([held.success.order.reservation_id, held.success.order.status, held.success.order.version]).toEqual(["res_7", "PAYMENT_PENDING", none.version + 1])
    expect(outcome(applyFact(held.success.order, { kind: "reservation_held", reservation_id: "res_7" }, AT))).toBe("replay")
    expect(outcome(applyFact(held.success.order, { kind: "reservation_held", reservation_id: "res_8" }, AT))).toBe("stale")
  })

  test("a lifecycle event is the lifecycle's", () => {
    expect(outcome(applyFact(orderIn.PAYMENT_PENDING, { kind: "payment_succeeded", transaction_id: "txn_1" }, AT))).toBe("CONFIRMED order.confirmed")
  })
})
