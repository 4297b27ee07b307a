/**
 * What checkout's use cases need from the world besides the kernel's StateStore, as ports (the context
 * imports no other context: the app adapts catalog's StockReservations and promotion's
 * `checkAppliedCode` to these):
 * - OrderStock: reserve an order's lines all or nothing, idempotent by order id (catalog's reservations).
 * - AppliedCodeCheck: is the session's applied promo code still usable now (promotion's finalize check).
 * - PaymentRetryDeadlines: an index of orders whose payment-retry window ends at a time (a sorted set in
 *   Redis), so a sweep finds the due ones; the session value stays the truth, the index only points.
 * - SummaryNotifier: in-process wake-ups when this process committed a session's consumed events, so a
 *   `GET /checkout/summary?after=` waiter re-reads at once instead of at its next scheduled look.
 * - CheckoutSettings: the payment retry window and finalize's policy.
 */
import { Context, type Effect, Schema } from "effect"
import type { EventContext } from "@kasa/shared"
import { DEFAULT_FINALIZE_POLICY, type FinalizePolicy } from "./finalize.ts"

/** The store (or a port's backend) did not answer; nothing is known to have been written. */
export class CheckoutUnavailable extends Schema.TaggedError<CheckoutUnavailable>()("CheckoutUnavailable", {
  operation: Schema.String,
  message: Schema.String
}) {}

export const ShortLine = Schema.Struct({ offer_id: Schema.String, requested: Schema.Int, available: Schema.Int })
export type ShortLine = typeof ShortLine.Type

/**
 * The order id's reservation was released before any order was written with it (it ran out): that id
 * cannot hold stock again, so finalize orders under a new one.
 */
export class ReservationGone extends Schema.TaggedError<ReservationGone>()("ReservationGone", { order_id: Schema.String }) {}

/** Not every line could be reserved: nothing was reserved; `lines` are the short ones. */
export class OutOfStock extends Schema.TaggedError<OutOfStock>()("OutOfStock", { lines: Schema.Array(ShortLine) }) {}

export interface StockRequest {
  readonly order_id: string
  readonly session_id: string
  readonly lines: ReadonlyArray<{ readonly offer_id: string; readonly quantity: number }>
  readonly ttl_seconds: number
  readonly context: EventContext
}

export class OrderStock extends Context.Service<
  OrderStock,
  {
    /** All lines or none, held `ttl_seconds`; the same order and lines again changes nothing. */
    readonly reserve: (request: StockRequest) => Effect.Effect<void, OutOfStock | ReservationGone | CheckoutUnavailable>
    /** Puts a reservation no order was made with back into stock; one that is not there, or already released, changes nothing. */
    readonly release: (orderId: string, context: EventContext) => Effect.Effect<void, CheckoutUnavailable>
  }
>()("@kasa/checkout/OrderStock") {}

/** What finalize learns of the applied code: usable, or why not (promotion's reasons: expired, usage_limit_reached, ...). */
export type AppliedCodeVerdict = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly reason: string; readonly detail: string }

export class AppliedCodeCheck extends Context.Service<
  AppliedCodeCheck,
  { readonly check: (sessionId: string) => Effect.Effect<AppliedCodeVerdict, CheckoutUnavailable> }
>()("@kasa/checkout/AppliedCodeCheck") {}

/** One order waiting for a payment retry until `deadline_ms`. */
export interface RetryDeadline {
  readonly session_id: string
  readonly order_id: string
}

export class PaymentRetryDeadlines extends Context.Service<
  PaymentRetryDeadlines,
  {
    /** Sets (or moves) the order's deadline; the same again changes nothing. */
    readonly schedule: (entry: RetryDeadline, deadlineMs: number) => Effect.Effect<void, CheckoutUnavailable>
    /** At most `limit` entries whose deadline is at or before `nowMs`, earliest first. */
    readonly due: (nowMs: number, limit: number) => Effect.Effect<ReadonlyArray<RetryDeadline>, CheckoutUnavailable>
    readonly remove: (entry: RetryDeadline) => Effect.Effect<void, CheckoutUnavailable>
  }
>()("@kasa/checkout/PaymentRetryDeadlines") {}

export class SummaryNotifier extends Context.Service<
  SummaryNotifier,
  {
    /** Calls `wake` at the next commit of `sessionId`'s consumed events in this process; the returned function unsubscribes. */
    readonly subscribe: (sessionId: string, wake: () => void) => () => void
    readonly notify: (sessionId: string) => void
  }
>()("@kasa/checkout/SummaryNotifier") {}

/** A notifier over a map of listeners (one per process: the app's layer makes it). */
export const makeSummaryNotifier = (): SummaryNotifier["Service"] => {
  const listeners = new Map<string, Set<() => void>>()
  return SummaryNotifier.of({
    subscribe: (sessionId, wake) => {
      const set = listeners.get(sessionId) ?? new Set()
      set.add(wake)
      listeners.set(sessionId, set)
      return () => {
        set.delete(wake)
        if (set.size === 0 && listeners.get(sessionId) === set) listeners.delete(sessionId)
      }
    },
    notify: (sessionId) => {
      const set = listeners.get(sessionId)
      if (set !== undefined) for (const wake of [...set]) wake()
    }
  })
}

export interface CheckoutSettingsShape {
  /** PAYMENT_RETRY_WINDOW_SECONDS: how long after a failed payment the shopper may pay again. */
  readonly paymentRetryWindowSeconds: number
  readonly finalizePolicy: FinalizePolicy
}

export const DEFAULT_PAYMENT_RETRY_WINDOW_SECONDS = 900

export const CheckoutSettings = Context.Reference<CheckoutSettingsShape>("@kasa/checkout/CheckoutSettings", {
  defaultValue: () => ({ paymentRetryWindowSeconds: DEFAULT_PAYMENT_RETRY_WINDOW_SECONDS, finalizePolicy: DEFAULT_FINALIZE_POLICY })
})
