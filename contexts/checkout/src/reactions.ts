/**
 * What checkout publishes because of a consumed event, decided from the projection before and after
 * it (pure, so the consumer only applies, decides and writes): `checkout.totals_updated` whenever the
 * session's totals changed, and `checkout.completed` when the current order's payment succeeded while
 * the order was waiting for it (a success after the order was cancelled completes nothing: the order
 * context refunds it). The caller applies the returned `checkout.completed` to the projection too, as
 * it does with every event of its own. A cash-on-delivery order completes when payment has set up its
 * offline transaction: nothing is paid online, the courier collects (so the cart clears, the stock
 * is committed and the code counted as for a paid order). The retry window's expiry is a timer's
 * decision, not here.
 */
import type { ProjectedEventName } from "./consumed-events.ts"
import type { CheckoutEvent } from "./events.ts"
import { type CheckoutProjection, OFFLINE_PAYMENT, unpaid } from "./projection.ts"
import { computeTotals, totalsDiffer } from "./totals.ts"

export const reactionsTo = (event_name: ProjectedEventName, before: CheckoutProjection, after: CheckoutProjection): ReadonlyArray<CheckoutEvent> => {
  if (after === before) return []
  const events: Array<CheckoutEvent> = []
  const totals = computeTotals(after)
  if (totalsDiffer(computeTotals(before), totals)) {
    events.push({ name: "checkout.totals_updated", payload: { session_id: after.session_id, cart_version: after.cart_version, ...totals } })
  }
  const waiting = unpaid(before)
  const paid =
    (event_name === "payment.succeeded" && before.payment.status !== "succeeded" && after.payment.status === "succeeded") ||
    (event_name === "payment.initialized" && before.payment.status !== OFFLINE_PAYMENT && after.payment.status === OFFLINE_PAYMENT)
  if (waiting && paid && after.order_id !== null) {
    events.push({ name: "checkout.completed", payload: { session_id: after.session_id, order_id: after.order_id, cart_version: after.order_cart_version ?? after.cart_version } })
  }
  return events
}
