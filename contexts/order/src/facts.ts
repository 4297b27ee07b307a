/**
 * What the order hears besides its lifecycle's own events, as pure steps over the same answers
 * (Changed / Unchanged / a typed rejection), so the consumer folds every fact one way:
 * - `reservation_held` (inventory.reserved): the stock reservation catalog holds for the order,
 *   recorded once (checkout's `checkout.order_created` does not name it), so `order.cancelled` and
 *   `order.cancellation_requested` can tell catalog which one to release.
 * - `reservation_expired` (inventory.released, reason `expired`): the saga's decision (SPEC §4.8): an
 *   order not yet fulfilled (unpaid, cash on delivery, or CONFIRMED) lost its stock, so it is
 *   compensated (`compensation {reason: "reservation_expired"}`: an unpaid one is cancelled, a paid one
 *   goes CANCELLING and is refunded); one already being prepared or further keeps its goods (stale).
 * - `refund_failed` (payment.refund_failed): the gateway turned the refund down; the order stays
 *   CANCELLING (an admin refunds by hand) with a history entry naming the refund and why.
 * - every lifecycle event: `transition`.
 */
import { Result } from "effect"
import type { HistoryEntry, Order } from "./order.ts"
import type { OrderStatus } from "./order-status.ts"
import { transition } from "./lifecycle.ts"
import { type LifecycleEvent, type Step, unchanged } from "./lifecycle-step.ts"

/** The reason of a compensation for a reservation that expired before the order was fulfilled. */
export const RESERVATION_EXPIRED = "reservation_expired"

export type OrderFact =
  | LifecycleEvent
  | { readonly kind: "reservation_held"; readonly reservation_id: string }
  | { readonly kind: "reservation_expired" }
  | { readonly kind: "refund_failed"; readonly refund_id: string; readonly reason: string }

/** Not yet fulfilled: the goods have not been taken off the shelf for it. */
const NOT_YET_FULFILLED: ReadonlyArray<OrderStatus> = ["PAYMENT_PENDING", "PAYMENT_FAILED", "PENDING", "CONFIRMED"]

/** The same status, one history entry, a patch, nothing published. */
const noted = (order: Order, event: string, at: Date, patch: Partial<Order>, reason?: string): Step => {
  const entry: HistoryEntry = { from: order.status, to: order.status, event, at: at.toISOString(), ...(reason === undefined ? {} : { reason }) }
  return Result.succeed({ _tag: "Changed", order: { ...order, ...patch, version: order.version + 1, history: [...order.history, entry] }, events: [] })
}

const refundFailure = (refundId: string, reason: string): string => `${reason} (${refundId})`

/** One fact applied to the order; see the file comment. */
export const applyFact = (order: Order, fact: OrderFact, at: Date): Step => {
  switch (fact.kind) {
    case "reservation_held":
      if (order.reservation_id === fact.reservation_id) return unchanged(order, "replay")
      return order.reservation_id === null ? noted(order, fact.kind, at, { reservation_id: fact.reservation_id }) : unchanged(order, "stale")
    case "reservation_expired":
      return NOT_YET_FULFILLED.includes(order.status) ? transition(order, { kind: "compensation", reason: RESERVATION_EXPIRED }, at) : unchanged(order, "stale")
    case "refund_failed": {
      const reason = refundFailure(fact.refund_id, fact.reason)
      if (order.history.some((entry) => entry.event === fact.kind && entry.reason === reason)) return unchanged(order, "replay")
      return order.status === "CANCELLING" ? noted(order, fact.kind, at, {}, reason) : unchanged(order, "stale")
    }
    default:
      return transition(order, fact, at)
  }
}
