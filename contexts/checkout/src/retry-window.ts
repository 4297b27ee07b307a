/**
 * The payment retry window (SPEC §4.7, issue #10): after a failed (or cancelled) payment the shopper
 * may pay the same order again for PAYMENT_RETRY_WINDOW_SECONDS; when the window ends without a
 * success, checkout publishes `checkout.payment_retry_expired` (the order context cancels the order,
 * catalog releases its stock on `order.cancelled`). Pure rules here; the sweep is in retry-sweep.ts.
 * Decisions where SPEC is silent:
 * - the window opens at the order's first failure and is not extended by later ones (a shopper cannot
 *   hold stock forever by failing again and again);
 * - it opens no later than one window after the order was created (a failure that comes late, say a
 *   shopper sitting on the gateway's page, gets a shorter window), so it always ends within two windows
 *   of finalize;
 * - the stock reservation is held two windows plus a minute: longer than any retry window can last,
 *   so a shopper paying at the window's last second still finds the units held.
 */
import type { CheckoutSession } from "./session-store.ts"
import { unpaid } from "./projection.ts"

/** How long a finalize holds the order's stock: always longer than the retry window can end after it. */
export const reservationTtlSeconds = (windowSeconds: number): number => 2 * windowSeconds + 60

/** When the retry window of an order created at `orderedAtMs` ends, once a payment of it failed at `failedAtMs`. */
export const retryDeadlineMs = (orderedAtMs: number, failedAtMs: number, windowSeconds: number): number =>
  Math.min(failedAtMs, orderedAtMs + windowSeconds * 1000) + windowSeconds * 1000

/** Whether the session's current order waits for a payment (none succeeded yet). */
export const awaitsPayment = (session: CheckoutSession): boolean => {
  const p = session.projection
  return p.order_id !== null && unpaid(p) && p.payment.status !== "succeeded"
}

/** Whether `order_id`'s retry window has ended without a payment at `nowMs`: the sweep then expires it. */
export const retryWindowOver = (session: CheckoutSession, orderId: string, nowMs: number): boolean =>
  session.projection.order_id === orderId && awaitsPayment(session) && session.retry_deadline_ms !== null && session.retry_deadline_ms <= nowMs
