/**
 * The sweep that ends payment retry windows (retry-window.ts), like catalog's `releaseExpired`: the
 * due entries of the PaymentRetryDeadlines index, each checked against its session (the truth), and
 * for an order still unpaid past its deadline ONE atomic write: the session cancelled and
 * `checkout.payment_retry_expired`. Safe on any number of replicas at once: the write names the
 * revision it read, so of two sweepers expiring the same order one commits, the other loses the race,
 * reads the session again, finds it cancelled and publishes nothing. An entry whose order was paid,
 * replaced or forgotten is dropped; the app runs this on an Effect Schedule.
 */
import { Clock, Effect } from "effect"
import { retryOnConflict } from "@kasa/shared"
import { CheckoutEventName, checkoutEnvelopes } from "./events.ts"
import { PaymentRetryDeadlines, type RetryDeadline } from "./ports.ts"
import { applyEvent } from "./projection.ts"
import { awaitsPayment, retryWindowOver } from "./retry-window.ts"
import { loadSession, rememberApplied, sessionWrite } from "./session-store.ts"
import { commitWrite, MAX_ATTEMPTS } from "./session-use-cases.ts"
import { CheckoutChangedConcurrently } from "./use-case-errors.ts"

/** Due entries handled per sweep round. */
export const SWEEP_BATCH = 100

/** Expires one entry's order if its window is over; true when this call published the expiry. */
const expireOne = (entry: RetryDeadline, nowMs: number) =>
  Effect.gen(function* () {
    const deadlines = yield* PaymentRetryDeadlines
    const loaded = yield* loadSession(entry.session_id)
    const { session } = loaded
    if (!retryWindowOver(session, entry.order_id, nowMs)) {
      const later = session.projection.order_id === entry.order_id && awaitsPayment(session) ? session.retry_deadline_ms : null
      yield* later === null ? deadlines.remove(entry) : deadlines.schedule(entry, later)
      return false
    }
    const payload = { session_id: entry.session_id, order_id: entry.order_id }
    const envelopes = checkoutEnvelopes([{ name: CheckoutEventName.paymentRetryExpired, payload }], {
      correlation_id: session.order_correlation_id ?? `corr_expiry_${entry.order_id}`,
      occurred_at: new Date(nowMs)
    })
    const projection = applyEvent(session.projection, "checkout.payment_retry_expired", payload)
    const applied_event_ids = rememberApplied(session.applied_event_ids, ...envelopes.map((e) => e.event_id))
    yield* commitWrite(yield* sessionWrite(loaded, { ...session, projection, applied_event_ids, retry_deadline_ms: null }, envelopes))
    yield* deadlines.remove(entry)
    return true
  }).pipe(retryOnConflict(MAX_ATTEMPTS, () => new CheckoutChangedConcurrently({ attempts: MAX_ATTEMPTS })))

/** One sweep round: every due entry (up to SWEEP_BATCH); answers the orders it expired. */
export const expirePaymentRetries = Effect.fn("Checkout.expirePaymentRetries")(function* () {
  const nowMs = yield* Clock.currentTimeMillis
  const deadlines = yield* PaymentRetryDeadlines
  const due = yield* deadlines.due(nowMs, SWEEP_BATCH)
  const expired: Array<string> = []
  for (const entry of due) if (yield* expireOne(entry, nowMs)) expired.push(entry.order_id)
  return expired
})
