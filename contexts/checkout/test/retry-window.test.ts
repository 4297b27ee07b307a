// The payment retry window's rules, table-driven: when it ends (from the first failure, opened no later
// than one window after the order), how long finalize holds the stock (always past any window's end),
// and when the sweep may expire an order (unpaid, its own order, past the deadline).
import { describe, expect, test } from "bun:test"
import { awaitsPayment, emptySession, reservationTtlSeconds, retryDeadlineMs, retryWindowOver, type CheckoutSession } from "@kasa/checkout"

const W = 900
const T0 = 1_000_000

describe("retryDeadlineMs", () => {
  test.each([
    ["a failure right after the order", T0, T0 + 5_000, T0 + 5_000 + W * 1000],
    ["a failure half a window later", T0, T0 + (W / 2) * 1000, T0 + (W / 2) * 1000 + W * 1000],
    ["a failure exactly one window later", T0, T0 + W * 1000, T0 + 2 * W * 1000],
    ["a late failure: the window opens one window after the order", T0, T0 + 3 * W * 1000, T0 + 2 * W * 1000]
  ])("%s", (_, ordered, failed, deadline) => {
    expect(retryDeadlineMs(ordered, failed, W)).toBe(deadline)
  })

  test.each([[1], [60], [900], [86_400]])("the stock is held past every deadline a window of %i s can give", (window) => {
    const ttlMs = reservationTtlSeconds(window) * 1000
    for (const failedAfter of [0, window * 500, window * 1000, window * 5000]) {
      expect(retryDeadlineMs(T0, T0 + failedAfter, window)).toBeLessThan(T0 + ttlMs)
    }
  })
})

const session = (status: CheckoutSession["projection"]["status"], paymentStatus: string | null, deadline: number | null, orderId: string | null = "ord_1"): CheckoutSession => {
  const empty = emptySession("sess_retryWindowTest00000000")
  return { ...empty, projection: { ...empty.projection, status, order_id: orderId, payment: { ...empty.projection.payment, status: paymentStatus } }, retry_deadline_ms: deadline }
}

describe("retryWindowOver", () => {
  test.each([
    ["payment failed, past the deadline", session("payment_failed", "failed", T0), "ord_1", T0, true],
    ["payment failed, before the deadline", session("payment_failed", "failed", T0), "ord_1", T0 - 1, false],
    ["a retry under way (finalized again), past the deadline", session("finalized", "initialized", T0), "ord_1", T0 + 1, true],
    ["paid", session("completed", "succeeded", T0), "ord_1", T0 + 1, false],
    ["paid, the checkout not yet completed", session("payment_failed", "succeeded", T0), "ord_1", T0 + 1, false],
    ["cancelled already", session("cancelled", "failed", T0), "ord_1", T0 + 1, false],
    ["another order", session("payment_failed", "failed", T0), "ord_2", T0 + 1, false],
    ["no deadline (never failed)", session("finalized", "initialized", null), "ord_1", T0 + 1, false]
  ])("%s", (_, s, orderId, now, over) => {
    expect(retryWindowOver(s, orderId, now)).toBe(over)
  })

  test("an open checkout awaits no payment", () => {
    expect(awaitsPayment(session("open", null, null, null))).toBe(false)
  })
})
