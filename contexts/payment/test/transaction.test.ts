// The transaction state machine, table-driven over every (state, event kind) pair: the product of
// all states and all event kinds is generated, and each pair must have a row in the expected table
// (a new state or kind without one fails the test). Then the money rules one by one: amount and
// currency mismatch, replays, partial then full refund, over-refund, a refund that failed.
import { describe, expect, test } from "bun:test"
import { Result, Schema } from "effect"
import {
  initializeTransaction,
  isFullyRefunded,
  type PaymentEvent,
  PaymentTransaction,
  PaymentEventPayloads,
  refundableAmount,
  TransactionEventKind,
  TransactionState,
  transition,
  type Transition,
  type TransactionEvent
} from "@kasa/payment"

const AT = new Date("2026-12-01T10:00:00.000Z")
const LATER = new Date("2026-12-01T10:05:00.000Z")

const initialized: PaymentTransaction = initializeTransaction(
  {
    transaction_id: "tx_1",
    order_id: "ord_1",
    session_id: "sess_1",
    gateway: "sandbox",
    method_id: "card",
    amount_total: 10_000,
    currency: "PLN",
    redirect_url: "http://localhost:3000/sandbox/checkout/tx_1"
  },
  AT
).transaction

/** A transaction in `state` as the machine leaves it (the fields are what the test events refer to). */
const inState: Readonly<Record<TransactionState, PaymentTransaction>> = {
  initialized,
  pending: { ...initialized, state: "pending" },
  succeeded: { ...initialized, state: "succeeded", gateway_reference: "gw_1", captured_amount: 10_000 },
  failed: { ...initialized, state: "failed", failure_reason: "card_declined", error_code: "do_not_honor" },
  cancelled: { ...initialized, state: "cancelled", failure_reason: "shopper_cancelled" },
  refund_pending: { ...initialized, state: "refund_pending", gateway_reference: "gw_1", captured_amount: 10_000, refund_in_flight: { refund_id: "rf_1", amount: 3_000, reason: "r" } },
  partially_refunded: {
    ...initialized,
    state: "partially_refunded",
    gateway_reference: "gw_1",
    captured_amount: 10_000,
    refunded_amount: 3_000,
    settled_refunds: [{ refund_id: "rf_1", amount: 3_000, reason: "r", outcome: "succeeded" }]
  },
  refunded: {
    ...initialized,
    state: "refunded",
    gateway_reference: "gw_1",
    captured_amount: 10_000,
    refunded_amount: 10_000,
    settled_refunds: [{ refund_id: "rf_1", amount: 10_000, reason: "r", outcome: "succeeded" }]
  }
}

/** One event of each kind, as the table applies it to every state. */
const eventOf: Readonly<Record<TransactionEventKind, TransactionEvent>> = {
  pending: { kind: "pending" },
  succeeded: { kind: "succeeded", amount: 10_000, currency: "PLN", gateway_reference: "gw_1" },
  failed: { kind: "failed", reason: "card_declined", error_code: "do_not_honor" },
  cancelled: { kind: "cancelled", reason: "shopper_cancelled" },
  refund_requested: { kind: "refund_requested", refund_id: "rf_2", amount: 2_000, reason: "r" },
  refund_succeeded: { kind: "refund_succeeded", refund_id: "rf_1" },
  refund_failed: { kind: "refund_failed", refund_id: "rf_1", reason: "gateway_declined" }
}

type Expected =
  | { readonly to: TransactionState; readonly publishes: ReadonlyArray<string> }
  | { readonly unchanged: "replay" | "stale" }
  | { readonly rejected: string }

const to = (state: TransactionState, ...publishes: ReadonlyArray<string>): Expected => ({ to: state, publishes })
const replay: Expected = { unchanged: "replay" }
const stale: Expected = { unchanged: "stale" }
const illegal: Expected = { rejected: "IllegalTransition" }

const expected: Readonly<Record<TransactionState, Readonly<Record<TransactionEventKind, Expected>>>> = {
  initialized: {
    pending: to("pending", "payment.pending"),
    succeeded: to("succeeded", "payment.succeeded"),
    failed: to("failed", "payment.failed"),
    cancelled: to("cancelled", "payment.cancelled"),
    refund_requested: illegal,
    refund_succeeded: illegal,
    refund_failed: illegal
  },
  pending: {
    pending: replay,
    succeeded: to("succeeded", "payment.succeeded"),
    failed: to("failed", "payment.failed"),
    cancelled: to("cancelled", "payment.cancelled"),
    refund_requested: illegal,
    refund_succeeded: illegal,
    refund_failed: illegal
  },
  succeeded: {
    pending: stale,
    succeeded: replay,
    failed: illegal,
    cancelled: illegal,
    refund_requested: to("refund_pending", "payment.refund_initiated"),
    refund_succeeded: illegal,
    refund_failed: illegal
  },
  failed: {
    pending: stale,
    succeeded: illegal,
    failed: replay,
    cancelled: illegal,
    refund_requested: illegal,
    refund_succeeded: illegal,
    refund_failed: illegal
  },
  cancelled: {
    pending: stale,
    succeeded: illegal,
    failed: illegal,
    cancelled: replay,
    refund_requested: illegal,
    refund_succeeded: illegal,
    refund_failed: illegal
  },
  refund_pending: {
    pending: stale,
    succeeded: replay,
    failed: illegal,
    cancelled: illegal,
    refund_requested: illegal,
    refund_succeeded: to("partially_refunded", "payment.refunded"),
    refund_failed: to("succeeded", "payment.refund_failed")
  },
  partially_refunded: {
    pending: stale,
    succeeded: replay,
    failed: illegal,
    cancelled: illegal,
    refund_requested: to("refund_pending", "payment.refund_initiated"),
    refund_succeeded: replay,
    refund_failed: illegal
  },
  refunded: {
    pending: stale,
    succeeded: replay,
    failed: illegal,
    cancelled: illegal,
    refund_requested: { rejected: "RefundExceedsCaptured" },
    refund_succeeded: replay,
    refund_failed: illegal
  }
}

const pairs = TransactionState.literals.flatMap((state) => TransactionEventKind.literals.map((kind) => [state, kind] as const))

const outcome = (result: Result.Result<Transition, { readonly _tag: string }>): Expected =>
  Result.isFailure(result)
    ? { rejected: result.failure._tag }
    : result.success._tag === "Unchanged"
      ? { unchanged: result.success.why }
      : { to: result.success.transaction.state, publishes: result.success.events.map((e) => e.name) }

const fitsItsSchema = (event: PaymentEvent): boolean => Schema.is(PaymentEventPayloads[event.name] as Schema.Codec<unknown>)(event.payload)

const ok = (result: Result.Result<Transition, unknown>): Extract<Transition, { _tag: "Changed" }> => {
  if (Result.isFailure(result)) throw new Error(`expected a change, got ${JSON.stringify(result.failure)}`)
  if (result.success._tag !== "Changed") throw new Error(`expected a change, got ${result.success._tag}`)
  return result.success
}

describe("transition: every state × every event kind", () => {
  test("the product covers 8 states × 7 kinds", () => {
    expect(pairs).toHaveLength(56)
  })

  test.each(pairs)("%s + %s", (state, kind) => {
    const row = expected[state]?.[kind]
    expect(row).toBeDefined()
    const before = inState[state]
    const result = transition(before, eventOf[kind], LATER)
    expect(outcome(result)).toEqual(row!)
    if (Result.isSuccess(result)) {
      const t = result.success
      if (t._tag === "Unchanged") {
        expect(t.transaction).toBe(before)
      } else {
        expect(t.transaction.version).toBe(before.version + 1)
        expect(t.transaction.history.at(-1)).toEqual({ from: state, to: t.transaction.state, event: kind, at: LATER.toISOString() })
        for (const event of t.events) {
          // Every published payload fits its Schema and names its transaction, order and session.
          expect(fitsItsSchema(event)).toBe(true)
          expect(event.payload).toMatchObject({ session_id: "sess_1" })
        }
      }
    } else {
      expect(result.failure).toMatchObject({ transaction_id: "tx_1" })
    }
  })
})

describe("initializeTransaction", () => {
  test("starts in initialized with one history entry and publishes payment.initialized", () => {
    const { transaction, events } = initializeTransaction(
      { transaction_id: "tx_9", order_id: "ord_9", session_id: "sess_9", gateway: "sandbox", method_id: "blik", amount_total: 4_200, currency: "PLN" },
      AT
    )
    expect(transaction).toMatchObject({ state: "initialized", version: 1, captured_amount: 0, refunded_amount: 0, redirect_url: null, refund_in_flight: null })
    expect(transaction.history).toEqual([{ from: null, to: "initialized", event: "initialized", at: AT.toISOString() }])
    expect(events).toEqual([
      {
        name: "payment.initialized",
        payload: { session_id: "sess_9", transaction_id: "tx_9", order_id: "ord_9", method_id: "blik", gateway: "sandbox", amount_total: 4_200, currency: "PLN" }
      }
    ])
  })
})

describe("a success that does not match the transaction", () => {
  test.each<[string, TransactionEvent]>([
    ["a smaller amount", { kind: "succeeded", amount: 9_999, currency: "PLN", gateway_reference: "gw_x" }],
    ["a larger amount", { kind: "succeeded", amount: 10_001, currency: "PLN", gateway_reference: "gw_x" }],
    ["another currency", { kind: "succeeded", amount: 10_000, currency: "EUR", gateway_reference: "gw_x" }]
  ])("%s fails the transaction with amount_mismatch", (_name, event) => {
    for (const from of [inState.initialized, inState.pending]) {
      const t = ok(transition(from, event, LATER))
      expect(t.transaction).toMatchObject({ state: "failed", failure_reason: "amount_mismatch", captured_amount: 0, gateway_reference: "gw_x" })
      expect(t.events).toEqual([{ name: "payment.failed", payload: { session_id: "sess_1", transaction_id: "tx_1", order_id: "ord_1", reason: "amount_mismatch" } }])
      // The same mismatched success again is a replay; a matching one later can never succeed it.
      expect(outcome(transition(t.transaction, event, LATER))).toEqual(replay)
      expect(outcome(transition(t.transaction, eventOf.succeeded, LATER))).toEqual(illegal)
    }
  })
})

describe("replays change nothing and publish nothing", () => {
  test("a success delivered three times publishes payment.succeeded once", () => {
    const first = ok(transition(inState.pending, eventOf.succeeded, AT))
    expect(first.events.map((e) => e.name)).toEqual(["payment.succeeded"])
    const second = transition(first.transaction, eventOf.succeeded, LATER)
    const third = transition(first.transaction, eventOf.succeeded, LATER)
    expect(outcome(second)).toEqual(replay)
    expect(outcome(third)).toEqual(replay)
  })

  test("a second success naming another capture is rejected, not folded in", () => {
    const paid = ok(transition(inState.pending, eventOf.succeeded, AT)).transaction
    expect(outcome(transition(paid, { ...eventOf.succeeded, gateway_reference: "gw_other" } as TransactionEvent, LATER))).toEqual(illegal)
  })

  test("a failure after a failure keeps the first reason", () => {
    const failed = ok(transition(inState.pending, { kind: "failed", reason: "card_declined" }, AT)).transaction
    const again = transition(failed, { kind: "failed", reason: "insufficient_funds", error_code: "51" }, LATER)
    expect(outcome(again)).toEqual(replay)
    expect(failed).toMatchObject({ failure_reason: "card_declined", error_code: null })
  })

  test("the same refund request again is a replay; the same id with another amount is illegal", () => {
    const asked = ok(transition(inState.succeeded, eventOf.refund_requested, AT)).transaction
    expect(outcome(transition(asked, eventOf.refund_requested, LATER))).toEqual(replay)
    expect(outcome(transition(asked, { kind: "refund_requested", refund_id: "rf_2", amount: 2_500, reason: "r" }, LATER))).toEqual(illegal)
  })
})

describe("refunds", () => {
  test("a partial refund, then the rest: partially_refunded, then refunded with fully_refunded", () => {
    const asked1 = ok(transition(inState.succeeded, { kind: "refund_requested", refund_id: "rf_a", amount: 4_000, reason: "one item returned" }, AT))
    expect(asked1.events).toEqual([
      { name: "payment.refund_initiated", payload: { session_id: "sess_1", transaction_id: "tx_1", order_id: "ord_1", refund_id: "rf_a", refund_amount: 4_000, reason: "one item returned" } }
    ])
    expect(asked1.transaction.refund_in_flight).toEqual({ refund_id: "rf_a", amount: 4_000, reason: "one item returned" })
    const done1 = ok(transition(asked1.transaction, { kind: "refund_succeeded", refund_id: "rf_a" }, AT))
    expect(done1.transaction).toMatchObject({ state: "partially_refunded", refunded_amount: 4_000, refund_in_flight: null })
    expect(done1.events).toEqual([
      { name: "payment.refunded", payload: { session_id: "sess_1", transaction_id: "tx_1", order_id: "ord_1", refund_id: "rf_a", refund_amount: 4_000, fully_refunded: false } }
    ])
    expect(refundableAmount(done1.transaction)).toBe(6_000)
    expect(isFullyRefunded(done1.transaction)).toBe(false)

    const asked2 = ok(transition(done1.transaction, { kind: "refund_requested", refund_id: "rf_b", amount: 6_000, reason: "order cancelled" }, LATER))
    const done2 = ok(transition(asked2.transaction, { kind: "refund_succeeded", refund_id: "rf_b" }, LATER))
    expect(done2.transaction).toMatchObject({ state: "refunded", refunded_amount: 10_000 })
    expect(done2.events[0]?.payload).toMatchObject({ refund_id: "rf_b", refund_amount: 6_000, fully_refunded: true })
    expect(isFullyRefunded(done2.transaction)).toBe(true)
    expect(done2.transaction.history.map((h) => h.to)).toEqual(["initialized", "refund_pending", "partially_refunded", "refund_pending", "refunded"])
    // Replays of both outcomes change nothing.
    expect(outcome(transition(done2.transaction, { kind: "refund_succeeded", refund_id: "rf_a" }, LATER))).toEqual(replay)
    expect(outcome(transition(done2.transaction, { kind: "refund_succeeded", refund_id: "rf_b" }, LATER))).toEqual(replay)
  })

  test("one full refund goes straight to refunded", () => {
    const asked = ok(transition(inState.succeeded, { kind: "refund_requested", refund_id: "rf_all", amount: 10_000, reason: "cancelled" }, AT))
    const done = ok(transition(asked.transaction, { kind: "refund_succeeded", refund_id: "rf_all" }, AT))
    expect(done.transaction.state).toBe("refunded")
    expect(done.events[0]?.payload).toMatchObject({ fully_refunded: true })
  })

  test.each<[string, PaymentTransaction, number, number]>([
    ["more than captured", inState.succeeded, 10_001, 10_000],
    ["more than what is left after a partial refund", inState.partially_refunded, 7_001, 7_000],
    ["anything after a full refund", inState.refunded, 1, 0]
  ])("%s is RefundExceedsCaptured", (_name, tx, amount, refundable) => {
    const result = transition(tx, { kind: "refund_requested", refund_id: "rf_x", amount, reason: "r" }, AT)
    expect(Result.isFailure(result) && result.failure).toMatchObject({ _tag: "RefundExceedsCaptured", transaction_id: "tx_1", requested_amount: amount, refundable_amount: refundable })
  })

  test("exactly what is left is accepted", () => {
    expect(ok(transition(inState.partially_refunded, { kind: "refund_requested", refund_id: "rf_x", amount: 7_000, reason: "r" }, AT)).transaction.state).toBe("refund_pending")
  })

  test.each([0, -1, 1.5])("a refund of %p is InvalidRefundAmount", (amount) => {
    const result = transition(inState.succeeded, { kind: "refund_requested", refund_id: "rf_x", amount, reason: "r" }, AT)
    expect(Result.isFailure(result) && result.failure._tag).toBe("InvalidRefundAmount")
  })

  test("a refund the gateway turned down returns to where it was, and publishes payment.refund_failed", () => {
    const failed = ok(transition(inState.refund_pending, { kind: "refund_failed", refund_id: "rf_1", reason: "gateway_declined" }, AT))
    expect(failed.transaction).toMatchObject({ state: "succeeded", refunded_amount: 0, refund_in_flight: null })
    expect(failed.events).toEqual([
      { name: "payment.refund_failed", payload: { session_id: "sess_1", transaction_id: "tx_1", order_id: "ord_1", refund_id: "rf_1", refund_amount: 3_000, reason: "gateway_declined" } }
    ])
    expect(refundableAmount(failed.transaction)).toBe(10_000)
    // After a partial refund a failed one returns to partially_refunded.
    const partial = ok(transition(inState.partially_refunded, { kind: "refund_requested", refund_id: "rf_2", amount: 1_000, reason: "r" }, AT)).transaction
    expect(ok(transition(partial, { kind: "refund_failed", refund_id: "rf_2", reason: "x" }, AT)).transaction.state).toBe("partially_refunded")
    // The outcome replayed is a replay; the opposite outcome for the same refund is illegal.
    expect(outcome(transition(failed.transaction, { kind: "refund_failed", refund_id: "rf_1", reason: "gateway_declined" }, LATER))).toEqual(replay)
    expect(outcome(transition(failed.transaction, { kind: "refund_succeeded", refund_id: "rf_1" }, LATER))).toEqual(illegal)
  })

  test("an outcome for a refund that is not the one in flight is RefundNotFound", () => {
    const result = transition(inState.refund_pending, { kind: "refund_succeeded", refund_id: "rf_unknown" }, AT)
    expect(Result.isFailure(result) && result.failure).toMatchObject({ _tag: "RefundNotFound", refund_id: "rf_unknown" })
  })
})

describe("the record survives JSON", () => {
  test.each(TransactionState.literals)("a transaction in %s decodes back from its JSON form unchanged", (state) => {
    const tx = inState[state]
    expect(Schema.decodeUnknownSync(PaymentTransaction)(JSON.parse(JSON.stringify(tx)))).toEqual(tx)
  })
})
