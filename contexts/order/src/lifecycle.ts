/**
 * The order's lifecycle (SPEC §4.8, seed 004) as one pure function: no I/O, no clock (`at` comes in),
 * no ids made up. `transition(order, event, at)` answers Changed / Unchanged / a typed rejection
 * (lifecycle-step.ts). The event kinds, where they come from, and what each does:
 * - `payment_initialized` (payment.initialized): records the transaction (a retry names a new one)
 *   while the order waits for its money (PAYMENT_PENDING, PAYMENT_FAILED; PENDING for cash on
 *   delivery's offline transaction); no status change, nothing published; later it is stale.
 * - `payment_succeeded` (payment.succeeded): PAYMENT_PENDING or PAYMENT_FAILED (a retry succeeded) →
 *   CONFIRMED, `order.confirmed`. The same transaction again is a replay. Money taken for an order
 *   already CANCELLED (cancelled or expired while the shopper was paying) must go back: CANCELLING with
 *   `order.cancellation_requested` (reason `paid_after_cancellation`). Anything else is illegal (a
 *   second, different payment of a paid order is not folded in silently).
 * - `payment_failed` (payment.failed): PAYMENT_PENDING → PAYMENT_FAILED, `order.payment_failed`; a
 *   retry that fails too publishes it again; the same failure again is a replay; after the order was
 *   paid or cancelled it is stale. A later `payment_succeeded` still confirms.
 * - `payment_retry_expired` (checkout.payment_retry_expired): an unpaid order (PAYMENT_PENDING,
 *   PAYMENT_FAILED) → CANCELLED, reason `payment_retry_expired`; stale once paid or cancelled otherwise.
 * - `cancel_requested {reason}` (`POST /orders/{id}/cancel`) and `compensation {reason}` (the saga: the
 *   order was paid but cannot proceed, e.g. its reservation expired or stock is gone): an unpaid order
 *   (PAYMENT_PENDING, PAYMENT_FAILED, cash on delivery up to READY_FOR_PICKUP) → CANCELLED,
 *   `order.cancelled` (the caller releases the stock); a paid one up to READY_FOR_PICKUP → CANCELLING,
 *   `order.cancellation_requested` with what is left to refund (payment refunds it), or CANCELLED when
 *   nothing is left. OUT_FOR_DELIVERY and DELIVERED are not cancellable (OrderNotCancellable). An
 *   order already CANCELLING, CANCELLED or REFUNDED takes it as a replay (the first reason stays). A
 *   carrier already assigned hears `delivery.cancelled`. Whether the order was paid is the order's own
 *   knowledge (its payment's state), not the caller's.
 * - `refunded {refund_id, refund_amount, fully_refunded}` (payment.refunded), on a paid order: a full
 *   refund (payment says so, or the total is reached) → REFUNDED with `order.refunded`, from CANCELLING
 *   or any paid fulfilment status (a refund payment made is a fact the order cannot refuse); a partial
 *   one only adds to `payment.refunded_amount` (a history entry, nothing published). A refund id
 *   already recorded is a replay; more than is left is RefundExceedsPaid.
 * - `confirmed`, `preparing`, `ready_for_pickup`, `out_for_delivery`, `delivered`: fulfilment.ts.
 * A paid order's cancellation ends in REFUNDED (SPEC §4.8: cancel → refund → REFUNDED); CANCELLED is
 * the end of an unpaid one (or of a paid one with nothing left to give back).
 */
import { Result } from "effect"
import { InvalidRefundAmount, OrderNotCancellable, RefundExceedsPaid } from "./errors.ts"
import { DeliveryEventName, OrderEventName, type OrderPublished } from "./events.ts"
import { fulfil } from "./fulfilment.ts"
import { changed, illegal, type LifecycleEvent, type LifecycleEventKind, type Step, unchanged } from "./lifecycle-step.ts"
import { isPaid, type Order, refundableAmount, stepOf } from "./order.ts"
import type { OrderStatus } from "./order-status.ts"

/** The reason of an order cancelled because its payment never succeeded within the retry window. */
export const PAYMENT_RETRY_EXPIRED = "payment_retry_expired"
/** The reason of the refund asked for when money arrives for an order already cancelled. */
export const PAID_AFTER_CANCELLATION = "paid_after_cancellation"

/** Still waiting for the shopper's money: the states a payment outcome can move. */
const awaitsPayment = (status: OrderStatus): boolean => status === "PAYMENT_PENDING" || status === "PAYMENT_FAILED"

/** Being cancelled, cancelled, or its money given back: a further cancellation changes nothing. */
const isEnding = (status: OrderStatus): boolean => status === "CANCELLING" || status === "CANCELLED" || status === "REFUNDED"

/** Still in the shop: an order in these may be cancelled. */
const isCancellable = (status: OrderStatus): boolean =>
  awaitsPayment(status) || status === "PENDING" || status === "CONFIRMED" || status === "PREPARING" || status === "READY_FOR_PICKUP"

const withTransaction = (order: Order, transaction_id: string, status: Order["payment"]["status"]): Partial<Order> => ({
  payment: { ...order.payment, transaction_id, status }
})

/** The carrier already assigned hears the parcel will not come. */
const deliveryCancelled = (order: Order): ReadonlyArray<OrderPublished> =>
  order.delivery === null
    ? []
    : [
        {
          name: DeliveryEventName.cancelled,
          payload: { order_id: order.order_id, carrier: order.delivery.carrier, ...(order.delivery.tracking_number === null ? {} : { tracking_number: order.delivery.tracking_number }) }
        }
      ]

/** Cancel a cancellable order: a refund asked for when money is left to give back, else cancelled at once. */
const cancelNow = (order: Order, kind: LifecycleEventKind, reason: string, at: Date, refundReason: string = reason): Step => {
  const transaction_id = order.payment.transaction_id
  const refund_amount = refundableAmount(order)
  if (isPaid(order) && transaction_id !== null && refund_amount > 0) {
    const payload = { ...stepOf(order, "CANCELLING"), reason: refundReason, transaction_id, refund_amount, currency: order.currency, reservation_id: order.reservation_id }
    return changed(order, "CANCELLING", kind, at, { cancel_reason: reason }, [{ name: OrderEventName.cancellationRequested, payload }, ...deliveryCancelled(order)], refundReason)
  }
  const payload = { ...stepOf(order, "CANCELLED"), reason, reservation_id: order.reservation_id }
  return changed(order, "CANCELLED", kind, at, { cancel_reason: reason }, [{ name: OrderEventName.cancelled, payload }, ...deliveryCancelled(order)], reason)
}

const onCancel = (order: Order, kind: "cancel_requested" | "compensation", reason: string, at: Date): Step => {
  if (isEnding(order.status)) return unchanged(order, "replay")
  if (!isCancellable(order.status)) return Result.fail(new OrderNotCancellable({ order_id: order.order_id, status: order.status }))
  return cancelNow(order, kind, reason, at)
}

const onPaymentInitialized = (order: Order, e: Extract<LifecycleEvent, { kind: "payment_initialized" }>, at: Date): Step => {
  if (!awaitsPayment(order.status) && order.status !== "PENDING") return unchanged(order, "stale")
  if (order.payment.transaction_id === e.transaction_id) return unchanged(order, "replay")
  return changed(order, order.status, e.kind, at, withTransaction(order, e.transaction_id, "initialized"), [])
}

const onPaymentSucceeded = (order: Order, e: Extract<LifecycleEvent, { kind: "payment_succeeded" }>, at: Date): Step => {
  if (isPaid(order) && order.payment.transaction_id === e.transaction_id) return unchanged(order, "replay")
  const patch = withTransaction(order, e.transaction_id, "succeeded")
  if (awaitsPayment(order.status)) {
    const payload = { ...stepOf(order, "CONFIRMED"), grand_total: order.grand_total, currency: order.currency, transaction_id: e.transaction_id }
    return changed(order, "CONFIRMED", e.kind, at, patch, [{ name: OrderEventName.confirmed, payload }])
  }
  if (order.status === "CANCELLED" && !isPaid(order)) {
    // Nothing to give back (a zero total): the payment is recorded, the order stays cancelled.
    if (refundableAmount(order) === 0) return changed(order, "CANCELLED", e.kind, at, patch, [])
    return cancelNow({ ...order, ...patch }, e.kind, order.cancel_reason ?? PAID_AFTER_CANCELLATION, at, PAID_AFTER_CANCELLATION)
  }
  return illegal(order, e.kind)
}

const onPaymentFailed = (order: Order, e: Extract<LifecycleEvent, { kind: "payment_failed" }>, at: Date): Step => {
  if (!awaitsPayment(order.status)) return order.status === "PENDING" ? illegal(order, e.kind) : unchanged(order, "stale")
  if (order.status === "PAYMENT_FAILED" && order.payment.transaction_id === e.transaction_id && order.payment.status === "failed") return unchanged(order, "replay")
  const payload = { ...stepOf(order, "PAYMENT_FAILED"), transaction_id: e.transaction_id, reason: e.reason }
  return changed(order, "PAYMENT_FAILED", e.kind, at, withTransaction(order, e.transaction_id, "failed"), [{ name: OrderEventName.paymentFailed, payload }], e.reason)
}

const onRetryExpired = (order: Order, at: Date): Step => {
  if (awaitsPayment(order.status)) return cancelNow(order, "payment_retry_expired", PAYMENT_RETRY_EXPIRED, at)
  return unchanged(order, order.status === "CANCELLED" && order.cancel_reason === PAYMENT_RETRY_EXPIRED ? "replay" : "stale")
}

const onRefunded = (order: Order, e: Extract<LifecycleEvent, { kind: "refunded" }>, at: Date): Step => {
  if (order.payment.refunds.some((r) => r.refund_id === e.refund_id)) return unchanged(order, "replay")
  const transaction_id = order.payment.transaction_id
  if (!isPaid(order) || transaction_id === null || order.status === "REFUNDED") return illegal(order, e.kind)
  if (!Number.isSafeInteger(e.refund_amount) || e.refund_amount <= 0) return Result.fail(new InvalidRefundAmount({ order_id: order.order_id, amount: e.refund_amount }))
  const refundable = refundableAmount(order)
  if (e.refund_amount > refundable) return Result.fail(new RefundExceedsPaid({ order_id: order.order_id, refund_amount: e.refund_amount, refundable_amount: refundable }))
  const refunded_amount = order.payment.refunded_amount + e.refund_amount
  const full = e.fully_refunded || refunded_amount === order.grand_total
  const payment = {
    ...order.payment,
    status: full ? ("refunded" as const) : ("partially_refunded" as const),
    refunded_amount,
    refunds: [...order.payment.refunds, { refund_id: e.refund_id, refund_amount: e.refund_amount }]
  }
  if (!full) return changed(order, order.status, e.kind, at, { payment }, [])
  const payload = { ...stepOf(order, "REFUNDED"), transaction_id, refund_id: e.refund_id, refund_amount: e.refund_amount, refunded_amount, currency: order.currency }
  return changed(order, "REFUNDED", e.kind, at, { payment }, [{ name: OrderEventName.refunded, payload }])
}

/** One step of the lifecycle; see the file comment for what each event does. */
export const transition = (order: Order, event: LifecycleEvent, at: Date): Step => {
  switch (event.kind) {
    case "payment_initialized":
      return onPaymentInitialized(order, event, at)
    case "payment_succeeded":
      return onPaymentSucceeded(order, event, at)
    case "payment_failed":
      return onPaymentFailed(order, event, at)
    case "payment_retry_expired":
      return onRetryExpired(order, at)
    case "cancel_requested":
    case "compensation":
      return onCancel(order, event.kind, event.reason, at)
    case "refunded":
      return onRefunded(order, event, at)
    case "confirmed":
    case "preparing":
    case "ready_for_pickup":
    case "out_for_delivery":
    case "delivered":
      return fulfil(order, event, at)
  }
}
