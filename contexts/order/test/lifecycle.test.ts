// The order's lifecycle, table-driven over every (status, event kind) pair: the product of all
// statuses and all event kinds is generated, and each pair must have a row in the expected table (a
// new status or kind without one fails the test). Then the rules one by one: cash on delivery starts
// PENDING, replays, cancel before and after payment, partial then full refund, compensation, a retry
// after a failed payment, money arriving after a cancellation, store pickup, the record through JSON.
import { describe, expect, test } from "bun:test"
import { Result, Schema } from "effect"
import {
  createOrder,
  type LifecycleEvent,
  LifecycleEventKind,
  Order,
  OrderStatus,
  type OrderPublished,
  payloadSchemaOf,
  transition,
  type Transition
} from "@kasa/order"
import { cardOrder, codOrder, orderIn } from "@kasa/order/testing/orders"

const AT = new Date("2026-12-01T10:00:00.000Z")
const LATER = new Date("2026-12-01T11:00:00.000Z")

/** One event of each kind, as the table applies it to every status. */
const eventOf: Readonly<Record<LifecycleEventKind, LifecycleEvent>> = {
  payment_initialized: { kind: "payment_initialized", transaction_id: "txn_2" },
  payment_succeeded: { kind: "payment_succeeded", transaction_id: "txn_1" },
  payment_failed: { kind: "payment_failed", transaction_id: "txn_1", reason: "card_declined" },
  payment_retry_expired: { kind: "payment_retry_expired" },
  cancel_requested: { kind: "cancel_requested", reason: "changed_my_mind" },
  compensation: { kind: "compensation", reason: "reservation_expired" },
  refunded: { kind: "refunded", refund_id: "rf_2", refund_amount: 10_000, fully_refunded: true },
  confirmed: { kind: "confirmed" },
  preparing: { kind: "preparing" },
  ready_for_pickup: { kind: "ready_for_pickup" },
  out_for_delivery: { kind: "out_for_delivery", tracking_number: "TRK1" },
  delivered: { kind: "delivered" }
}

type Expected = { readonly to: OrderStatus; readonly publishes: ReadonlyArray<string> } | { readonly unchanged: "replay" | "stale" } | { readonly rejected: string }

const to = (status: OrderStatus, ...publishes: ReadonlyArray<string>): Expected => ({ to: status, publishes })
const replay: Expected = { unchanged: "replay" }
const stale: Expected = { unchanged: "stale" }
const illegal: Expected = { rejected: "IllegalTransition" }
const notCancellable: Expected = { rejected: "OrderNotCancellable" }
const refundRequested = to("CANCELLING", "order.cancellation_requested")
const refunded = to("REFUNDED", "order.refunded")
const cancelled = to("CANCELLED", "order.cancelled")
const noFulfilment = { confirmed: illegal, preparing: illegal, ready_for_pickup: illegal, out_for_delivery: illegal, delivered: illegal }
const shipped = { cancel_requested: notCancellable, compensation: notCancellable, refunded }
const latePayment = { payment_initialized: stale, payment_succeeded: replay, payment_failed: stale, payment_retry_expired: stale }

const expected: Readonly<Record<OrderStatus, Readonly<Record<LifecycleEventKind, Expected>>>> = {
  PAYMENT_PENDING: {
    payment_initialized: to("PAYMENT_PENDING"),
    payment_succeeded: to("CONFIRMED", "order.confirmed"),
    payment_failed: to("PAYMENT_FAILED", "order.payment_failed"),
    payment_retry_expired: cancelled,
    cancel_requested: cancelled,
    compensation: cancelled,
    refunded: illegal,
    ...noFulfilment
  },
  PENDING: {
    payment_initialized: to("PENDING"),
    payment_succeeded: illegal,
    payment_failed: illegal,
    payment_retry_expired: stale,
    cancel_requested: cancelled,
    compensation: cancelled,
    refunded: illegal,
    ...noFulfilment,
    confirmed: to("CONFIRMED", "order.confirmed")
  },
  CONFIRMED: {
    ...latePayment,
    cancel_requested: refundRequested,
    compensation: refundRequested,
    refunded,
    confirmed: replay,
    preparing: to("PREPARING", "order.preparing"),
    ready_for_pickup: illegal,
    out_for_delivery: illegal,
    delivered: illegal
  },
  PREPARING: {
    ...latePayment,
    cancel_requested: refundRequested,
    compensation: refundRequested,
    refunded,
    confirmed: stale,
    preparing: replay,
    ready_for_pickup: to("READY_FOR_PICKUP", "order.ready_for_pickup", "delivery.assigned"),
    out_for_delivery: illegal,
    delivered: illegal
  },
  READY_FOR_PICKUP: {
    ...latePayment,
    cancel_requested: to("CANCELLING", "order.cancellation_requested", "delivery.cancelled"),
    compensation: to("CANCELLING", "order.cancellation_requested", "delivery.cancelled"),
    refunded,
    confirmed: stale,
    preparing: stale,
    ready_for_pickup: replay,
    out_for_delivery: to("OUT_FOR_DELIVERY", "order.out_for_delivery", "delivery.picked_up", "delivery.in_transit"),
    delivered: illegal
  },
  OUT_FOR_DELIVERY: {
    ...latePayment,
    ...shipped,
    confirmed: stale,
    preparing: stale,
    ready_for_pickup: stale,
    out_for_delivery: replay,
    delivered: to("DELIVERED", "order.delivered", "delivery.delivered")
  },
  DELIVERED: { ...latePayment, ...shipped, confirmed: stale, preparing: stale, ready_for_pickup: stale, out_for_delivery: stale, delivered: replay },
  PAYMENT_FAILED: {
    payment_initialized: to("PAYMENT_FAILED"),
    payment_succeeded: to("CONFIRMED", "order.confirmed"),
    payment_failed: replay,
    payment_retry_expired: cancelled,
    cancel_requested: cancelled,
    compensation: cancelled,
    refunded: illegal,
    ...noFulfilment
  },
  CANCELLING: { ...latePayment, cancel_requested: replay, compensation: replay, refunded, ...noFulfilment },
  CANCELLED: {
    ...latePayment,
    payment_succeeded: refundRequested,
    cancel_requested: replay,
    compensation: replay,
    refunded: illegal,
    ...noFulfilment
  },
  REFUNDED: { ...latePayment, cancel_requested: replay, compensation: replay, refunded: illegal, ...noFulfilment }
}

const pairs = OrderStatus.literals.flatMap((status) => LifecycleEventKind.literals.map((kind) => [status, kind] as const))

const outcome = (result: Result.Result<Transition, { readonly _tag: string }>): Expected =>
  Result.isFailure(result)
    ? { rejected: result.failure._tag }
    : result.success._tag === "Unchanged"
      ? { unchanged: result.success.why }
      : { to: result.success.order.status, publishes: result.success.events.map((e) => e.name) }

const fitsItsSchema = (event: OrderPublished): boolean => Schema.is(payloadSchemaOf(event.name))(event.payload)

const ok = (result: Result.Result<Transition, unknown>): Extract<Transition, { _tag: "Changed" }> => {
  if (Result.isFailure(result)) throw new Error(`expected a change, got ${JSON.stringify(result.failure)}`)
  if (result.success._tag !== "Changed") throw new Error(`expected a change, got ${result.success._tag} (${result.success.why})`)
  return result.success
}

/** Applies events in turn, each of which must change the order; the last order and every event published. */
const walk = (order: Order, ...events: ReadonlyArray<LifecycleEvent>): { readonly order: Order; readonly events: ReadonlyArray<OrderPublished> } =>
  events.reduce((acc, event) => {
    const t = ok(transition(acc.order, event, LATER))
    return { order: t.order, events: [...acc.events, ...t.events] }
  }, { order, events: [] as ReadonlyArray<OrderPublished> })

describe("transition: every status × every event kind", () => {
  test("the product covers 11 statuses × 12 kinds", () => {
    expect(pairs).toHaveLength(132)
  })

  test.each(pairs)("%s + %s", (status, kind) => {
    const row = expected[status]?.[kind]
    expect(row).toBeDefined()
    const before = orderIn[status]
    const result = transition(before, eventOf[kind], LATER)
    expect(outcome(result)).toEqual(row!)
    if (Result.isSuccess(result)) {
      const t = result.success
      if (t._tag === "Unchanged") {
        expect(t.order).toBe(before)
      } else {
        expect(t.order.version).toBe(before.version + 1)
        expect(t.order.history.at(-1)).toMatchObject({ from: status, to: t.order.status, event: kind, at: LATER.toISOString() })
        for (const event of t.events) {
          // Every published payload fits its Schema and names its order; order events name the step.
          expect(fitsItsSchema(event)).toBe(true)
          expect(event.payload).toMatchObject({ order_id: "ord_1" })
          if (event.name.startsWith("order.")) expect(event.payload).toMatchObject({ session_id: "sess_1", status: t.order.status, previous_status: status })
        }
      }
    } else {
      expect(result.failure).toMatchObject({ order_id: "ord_1" })
    }
  })
})

describe("createOrder", () => {
  test("a card order starts in PAYMENT_PENDING with one history entry and publishes order.created", () => {
    const { order, events } = createOrder(cardOrder, AT)
    expect(order).toMatchObject({ status: "PAYMENT_PENDING", version: 1, reservation_id: "res_1", cancel_reason: null, delivery: null, created_at: AT.toISOString() })
    expect(order.payment).toEqual({ method_id: "card", transaction_id: null, status: null, refunded_amount: 0, refunds: [] })
    expect(order.lines.map((l) => [l.item_id, l.line_total, l.parent_item_id])).toEqual([
      ["it_1", 7_000, null],
      ["it_2", 1_000, "it_1"]
    ])
    expect(order.customer).toMatchObject({ phone: null, invoice: null })
    expect(order.history).toEqual([{ from: null, to: "PAYMENT_PENDING", event: "created", at: AT.toISOString() }])
    expect(events.map((e) => e.name)).toEqual(["order.created"])
    expect(events[0]?.payload).toMatchObject({ order_id: "ord_1", session_id: "sess_1", status: "PAYMENT_PENDING", previous_status: null, grand_total: 10_000, payment_method_id: "card" })
    expect(fitsItsSchema(events[0]!)).toBe(true)
  })

  test("a cash-on-delivery order starts in PENDING", () => {
    const { order, events } = createOrder(codOrder, AT)
    expect(order.status).toBe("PENDING")
    expect(events[0]?.payload).toMatchObject({ status: "PENDING", payment_method_id: "cash_on_delivery" })
  })
})

describe("replays change nothing and publish nothing", () => {
  test("a success delivered three times confirms once", () => {
    const first = ok(transition(orderIn.PAYMENT_PENDING, eventOf.payment_succeeded, AT))
    expect(first.events.map((e) => e.name)).toEqual(["order.confirmed"])
    expect(first.order.payment).toMatchObject({ transaction_id: "txn_1", status: "succeeded" })
    expect(outcome(transition(first.order, eventOf.payment_succeeded, LATER))).toEqual(replay)
    expect(outcome(transition(first.order, eventOf.payment_succeeded, LATER))).toEqual(replay)
  })

  test("a second success naming another transaction is rejected, not folded in", () => {
    const paid = ok(transition(orderIn.PAYMENT_PENDING, eventOf.payment_succeeded, AT)).order
    expect(outcome(transition(paid, { kind: "payment_succeeded", transaction_id: "txn_other" }, LATER))).toEqual(illegal)
  })

  test("the same initialization again is a replay", () => {
    expect(outcome(transition(orderIn.PAYMENT_PENDING, { kind: "payment_initialized", transaction_id: "txn_1" }, LATER))).toEqual(replay)
  })
})

describe("cancellation", () => {
  test("before payment: CANCELLED at once, order.cancelled names the reservation to release", () => {
    const t = ok(transition(orderIn.PAYMENT_PENDING, { kind: "cancel_requested", reason: "changed_my_mind" }, AT))
    expect(t.order).toMatchObject({ status: "CANCELLED", cancel_reason: "changed_my_mind" })
    expect(t.order.history.at(-1)).toMatchObject({ event: "cancel_requested", reason: "changed_my_mind" })
    expect(t.events).toEqual([
      { name: "order.cancelled", payload: { order_id: "ord_1", session_id: "sess_1", status: "CANCELLED", previous_status: "PAYMENT_PENDING", reason: "changed_my_mind", reservation_id: "res_1" } }
    ])
  })

  test("after payment: CANCELLING and a refund of the grand total asked for; the full refund ends it REFUNDED", () => {
    const cancelling = ok(transition(orderIn.PREPARING, { kind: "cancel_requested", reason: "changed_my_mind" }, AT))
    expect(cancelling.events).toEqual([
      {
        name: "order.cancellation_requested",
        payload: {
          order_id: "ord_1",
          session_id: "sess_1",
          status: "CANCELLING",
          previous_status: "PREPARING",
          reason: "changed_my_mind",
          transaction_id: "txn_1",
          refund_amount: 10_000,
          currency: "PLN",
          reservation_id: "res_1"
        }
      }
    ])
    const done = ok(transition(cancelling.order, { kind: "refunded", refund_id: "rf_9", refund_amount: 10_000, fully_refunded: true }, LATER))
    expect(done.order).toMatchObject({ status: "REFUNDED", payment: { status: "refunded", refunded_amount: 10_000 } })
    expect(done.events[0]?.payload).toMatchObject({ previous_status: "CANCELLING", refund_id: "rf_9", refund_amount: 10_000, refunded_amount: 10_000 })
    expect(done.order.history.map((h) => h.to)).toEqual(["PAYMENT_PENDING", "CANCELLING", "REFUNDED"])
  })

  test("a cash-on-delivery order is unpaid: cancelled at once, even while being prepared", () => {
    const prepared = walk(orderIn.PENDING, { kind: "confirmed" }, { kind: "preparing" }).order
    expect(ok(transition(prepared, { kind: "cancel_requested", reason: "r" }, AT)).events.map((e) => e.name)).toEqual(["order.cancelled"])
  })

  test("a paid order with nothing left to refund is cancelled at once", () => {
    const refundedInPart = ok(transition(orderIn.CONFIRMED, { kind: "refunded", refund_id: "rf_a", refund_amount: 10_000, fully_refunded: false }, AT)).order
    // payment did not call it full, but the grand total is reached: REFUNDED all the same.
    expect(refundedInPart.status).toBe("REFUNDED")
    const zero = { ...orderIn.CONFIRMED, grand_total: 0 }
    expect(ok(transition(zero, { kind: "cancel_requested", reason: "r" }, AT)).order.status).toBe("CANCELLED")
  })

  test("out for delivery or delivered: OrderNotCancellable", () => {
    for (const order of [orderIn.OUT_FOR_DELIVERY, orderIn.DELIVERED]) {
      const result = transition(order, { kind: "cancel_requested", reason: "r" }, AT)
      expect(Result.isFailure(result) && result.failure).toMatchObject({ _tag: "OrderNotCancellable", order_id: "ord_1", status: order.status })
    }
  })

  test("a second cancellation keeps the first reason", () => {
    const first = ok(transition(orderIn.CONFIRMED, { kind: "cancel_requested", reason: "first" }, AT)).order
    expect(outcome(transition(first, { kind: "cancel_requested", reason: "second" }, LATER))).toEqual(replay)
    expect(first.cancel_reason).toBe("first")
  })

  test("the payment retry window closing cancels an unpaid order with payment_retry_expired, once", () => {
    const t = ok(transition(orderIn.PAYMENT_FAILED, { kind: "payment_retry_expired" }, AT))
    expect(t.order).toMatchObject({ status: "CANCELLED", cancel_reason: "payment_retry_expired" })
    expect(t.events[0]?.payload).toMatchObject({ reason: "payment_retry_expired", reservation_id: "res_1" })
    expect(outcome(transition(t.order, { kind: "payment_retry_expired" }, LATER))).toEqual(replay)
  })

  test("money that arrives after a cancellation is given back", () => {
    const expired = ok(transition(orderIn.PAYMENT_PENDING, { kind: "payment_retry_expired" }, AT)).order
    const late = ok(transition(expired, { kind: "payment_succeeded", transaction_id: "txn_1" }, LATER))
    expect(late.order).toMatchObject({ status: "CANCELLING", cancel_reason: "payment_retry_expired", payment: { transaction_id: "txn_1", status: "succeeded" } })
    expect(late.events[0]?.payload).toMatchObject({ reason: "paid_after_cancellation", refund_amount: 10_000, previous_status: "CANCELLED" })
    expect(outcome(transition(late.order, { kind: "payment_succeeded", transaction_id: "txn_1" }, LATER))).toEqual(replay)
    // A zero total leaves nothing to give back: the payment is recorded, the order stays cancelled.
    const free = ok(transition({ ...expired, grand_total: 0 }, { kind: "payment_succeeded", transaction_id: "txn_1" }, LATER))
    expect([free.order.status, free.order.payment.status, free.events]).toEqual(["CANCELLED", "succeeded", []])
  })
})

describe("refunds", () => {
  test("a partial refund only adds to refunded_amount; the cancellation asks for the rest; the rest ends it REFUNDED", () => {
    const partial = ok(transition(orderIn.CONFIRMED, { kind: "refunded", refund_id: "rf_a", refund_amount: 4_000, fully_refunded: false }, AT))
    expect(partial.order).toMatchObject({ status: "CONFIRMED", payment: { status: "partially_refunded", refunded_amount: 4_000 } })
    expect(partial.events).toEqual([])
    expect(partial.order.history.at(-1)).toMatchObject({ from: "CONFIRMED", to: "CONFIRMED", event: "refunded" })
    expect(outcome(transition(partial.order, { kind: "refunded", refund_id: "rf_a", refund_amount: 4_000, fully_refunded: false }, LATER))).toEqual(replay)

    const cancelling = ok(transition(partial.order, { kind: "cancel_requested", reason: "r" }, LATER))
    expect(cancelling.events[0]?.payload).toMatchObject({ refund_amount: 6_000 })
    const done = ok(transition(cancelling.order, { kind: "refunded", refund_id: "rf_b", refund_amount: 6_000, fully_refunded: true }, LATER))
    expect(done.order).toMatchObject({ status: "REFUNDED", payment: { refunded_amount: 10_000, refunds: [{ refund_id: "rf_a", refund_amount: 4_000 }, { refund_id: "rf_b", refund_amount: 6_000 }] } })
    expect(done.events[0]?.payload).toMatchObject({ refund_id: "rf_b", refund_amount: 6_000, refunded_amount: 10_000 })
    expect(outcome(transition(done.order, { kind: "refunded", refund_id: "rf_a", refund_amount: 4_000, fully_refunded: false }, LATER))).toEqual(replay)
  })

  test("a partial refund while cancelling stays CANCELLING", () => {
    const t = ok(transition(orderIn.CANCELLING, { kind: "refunded", refund_id: "rf_a", refund_amount: 1_000, fully_refunded: false }, AT))
    expect(t.order.status).toBe("CANCELLING")
    expect(t.events).toEqual([])
  })

  test("more than is left is RefundExceedsPaid; a non-positive or fractional amount is InvalidRefundAmount", () => {
    const over = transition(orderIn.CONFIRMED, { kind: "refunded", refund_id: "rf_x", refund_amount: 10_001, fully_refunded: true }, AT)
    expect(Result.isFailure(over) && over.failure).toMatchObject({ _tag: "RefundExceedsPaid", refund_amount: 10_001, refundable_amount: 10_000 })
    for (const amount of [0, -1, 1.5]) {
      const bad = transition(orderIn.CONFIRMED, { kind: "refunded", refund_id: "rf_x", refund_amount: amount, fully_refunded: false }, AT)
      expect(Result.isFailure(bad) && bad.failure._tag).toBe("InvalidRefundAmount")
    }
  })
})

describe("compensation", () => {
  test("paid but the reservation expired: CANCELLING with the reason, a refund of the total asked for", () => {
    const paid = ok(transition(orderIn.PAYMENT_PENDING, eventOf.payment_succeeded, AT)).order
    const t = ok(transition(paid, { kind: "compensation", reason: "reservation_expired" }, LATER))
    expect(t.order).toMatchObject({ status: "CANCELLING", cancel_reason: "reservation_expired" })
    expect(t.order.history.at(-1)).toMatchObject({ from: "CONFIRMED", to: "CANCELLING", event: "compensation", reason: "reservation_expired" })
    expect(t.events[0]).toMatchObject({ name: "order.cancellation_requested", payload: { reason: "reservation_expired", transaction_id: "txn_1", refund_amount: 10_000 } })
  })
})

describe("a failed payment and its retry", () => {
  test("failed, retried with a new transaction that fails too, then one that succeeds: CONFIRMED by the last", () => {
    const { order, events } = walk(
      orderIn.PAYMENT_PENDING,
      { kind: "payment_failed", transaction_id: "txn_1", reason: "card_declined" },
      { kind: "payment_initialized", transaction_id: "txn_2" },
      { kind: "payment_failed", transaction_id: "txn_2", reason: "insufficient_funds" },
      { kind: "payment_initialized", transaction_id: "txn_3" },
      { kind: "payment_succeeded", transaction_id: "txn_3" }
    )
    expect(order).toMatchObject({ status: "CONFIRMED", payment: { transaction_id: "txn_3", status: "succeeded" } })
    expect(events.map((e) => [e.name, (e.payload as { readonly transaction_id?: string }).transaction_id])).toEqual([
      ["order.payment_failed", "txn_1"],
      ["order.payment_failed", "txn_2"],
      ["order.confirmed", "txn_3"]
    ])
    expect(order.history.map((h) => [h.to, h.event, h.reason])).toEqual([
      ["PAYMENT_PENDING", "created", undefined],
      ["PAYMENT_FAILED", "payment_failed", "card_declined"],
      ["PAYMENT_FAILED", "payment_initialized", undefined],
      ["PAYMENT_FAILED", "payment_failed", "insufficient_funds"],
      ["PAYMENT_FAILED", "payment_initialized", undefined],
      ["CONFIRMED", "payment_succeeded", undefined]
    ])
    // A late failure of an earlier attempt changes nothing once paid.
    expect(outcome(transition(order, { kind: "payment_failed", transaction_id: "txn_1", reason: "x" }, LATER))).toEqual(stale)
  })
})

describe("fulfilment", () => {
  test("a courier order goes one step at a time; the carrier and tracking number follow the parcel", () => {
    const { order, events } = walk(
      orderIn.CONFIRMED,
      { kind: "preparing" },
      { kind: "ready_for_pickup", carrier: "DPD" },
      { kind: "out_for_delivery", tracking_number: "DPD123" },
      { kind: "delivered" }
    )
    expect(order).toMatchObject({ status: "DELIVERED", delivery: { carrier: "DPD", tracking_number: "DPD123" } })
    expect(events.map((e) => e.name)).toEqual([
      "order.preparing",
      "order.ready_for_pickup",
      "delivery.assigned",
      "order.out_for_delivery",
      "delivery.picked_up",
      "delivery.in_transit",
      "order.delivered",
      "delivery.delivered"
    ])
    expect(events[2]?.payload).toEqual({ order_id: "ord_1", carrier: "DPD" })
    expect(events.at(-1)?.payload).toEqual({ order_id: "ord_1", carrier: "DPD", tracking_number: "DPD123" })
  })

  test("a store-pickup order is collected: READY_FOR_PICKUP → DELIVERED, no carrier, no delivery events", () => {
    const pickup: Order = { ...orderIn.PREPARING, shipping: { ...orderIn.PREPARING.shipping, method_id: "store_pickup", address: null } }
    const ready = walk(pickup, { kind: "ready_for_pickup" })
    expect(ready.order.delivery).toBeNull()
    expect(outcome(transition(ready.order, { kind: "out_for_delivery" }, LATER))).toEqual(illegal)
    const collected = walk(ready.order, { kind: "delivered" })
    expect([...ready.events, ...collected.events].map((e) => e.name)).toEqual(["order.ready_for_pickup", "order.delivered"])
  })

  test("a cash-on-delivery order is confirmed by the shop, then fulfilled like any other", () => {
    const { order, events } = walk(orderIn.PENDING, { kind: "confirmed" }, { kind: "preparing" })
    expect(order.status).toBe("PREPARING")
    expect(events[0]).toEqual({
      name: "order.confirmed",
      payload: { order_id: "ord_1", session_id: "sess_1", status: "CONFIRMED", previous_status: "PENDING", grand_total: 10_000, currency: "PLN", transaction_id: null }
    })
  })
})

describe("the record survives JSON", () => {
  test.each(OrderStatus.literals)("an order in %s decodes back from its JSON form unchanged", (status) => {
    const order = orderIn[status]
    expect(Schema.decodeUnknownSync(Order)(JSON.parse(JSON.stringify(order)))).toEqual(order)
  })

  test("an order with a reasoned history entry, a carrier and refunds does too", () => {
    const { order } = walk(orderIn.READY_FOR_PICKUP, { kind: "refunded", refund_id: "rf_a", refund_amount: 1, fully_refunded: false }, { kind: "cancel_requested", reason: "r" })
    expect(Schema.decodeUnknownSync(Order)(JSON.parse(JSON.stringify(order)))).toEqual(order)
  })
})
