/**
 * `POST /checkout/finalize` (SPEC §4.7): validate against the session's current data (422 `missing`),
 * check the client's `expected_total` (409 with the new totals), re-check an applied promo code with
 * promotion (409 when it cannot be used any more), reserve every goods line all or nothing (409
 * naming the short lines), then ONE atomic write: the session finalized with its order id and
 * `checkout.order_created` (and, with an Idempotency-Key, the answer). 202
 * `{order_id, status, grand_total, currency}`.
 * The order id is derived, not drawn: a hash of the session, how many orders it made before, and the
 * cart version ordered. A retry of the same request (after a timeout, a lost race with the consumer, a
 * crash between the reservation and the write) computes the same id, and a reservation is idempotent
 * by order id, so a finalize never reserves twice; two different requests racing for one session
 * reserve once and the second finds the checkout finalized (409 `checkout_not_open`). If the cart
 * changed between a reservation and its write (the write lost the race), the next attempt orders the
 * new cart under a new id and releases the first reservation: its id can never come back (cart
 * versions only grow), so no order will ever point at it. A request refused after it reserved does
 * the same when the session has moved on (a new cart, another order made); while the session still
 * names that id (the race lost every time, the total changed) the reservation stays for the next
 * finalize to take over (a reservation replays by order id). If it runs out first (released by the
 * catalog), its id cannot hold stock again: the session's ids get a new salt and finalize runs again
 * under a fresh one. A request that ends with the store unavailable keeps it too: its write may have applied
 * (if not, the reservation runs out with its TTL, retry-window.ts).
 */
import { Clock, Effect } from "effect"
import { answering, type CommandContext, retryOnConflict, WriteConflict } from "@kasa/shared"
import { checkTotal, orderDraft, validateForFinalize } from "./finalize.ts"
import { CheckoutEventName, checkoutEnvelopes } from "./events.ts"
import { AppliedCodeCheck, CheckoutSettings, OrderStock } from "./ports.ts"
import { applyEvent } from "./projection.ts"
import { reservationTtlSeconds } from "./retry-window.ts"
import { checkoutSessionKey, loadSession, rememberApplied, sessionWrite } from "./session-store.ts"
import { commitWrite, MAX_ATTEMPTS } from "./session-use-cases.ts"
import { AppliedCodeRefused, CheckoutChangedConcurrently } from "./use-case-errors.ts"

export interface FinalizeRequest {
  /** The grand total the client showed the shopper (minor units); a different one is a 409 with the new totals. */
  readonly expected_total?: number | undefined
}

export interface FinalizeAnswer {
  readonly order_id: string
  readonly status: string
  readonly grand_total: number
  readonly currency: string
}

/** `ord_` and 24 hex digits of SHA-256 over the session, its order round (with its salt) and the cart version. */
export const orderIdFor = (sessionId: string, round: number, cartVersion: number, salt: number) =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${sessionId}\u0000${round}\u0000${cartVersion}\u0000${salt}`))).pipe(
    Effect.map((digest) => `ord_${Array.from(new Uint8Array(digest).slice(0, 12), (b) => b.toString(16).padStart(2, "0")).join("")}`)
  )

export const finalizeCheckout = Effect.fn("Checkout.finalize")(function* (context: CommandContext, request: FinalizeRequest) {
  const stock = yield* OrderStock
  /** The order id this request holds stock for, until its order is written. */
  let held: string | undefined
  const releaseHeld = (occurred_at: Date) =>
    Effect.suspend(() => {
      const orderId = held
      held = undefined
      return orderId === undefined ? Effect.void : stock.release(orderId, { correlation_id: context.correlation_id, occurred_at })
    })
  const attempt = Effect.gen(function* () {
    const settings = yield* CheckoutSettings
    const loaded = yield* loadSession(context.session_id)
    const { session } = loaded
    const p = session.projection
    const ready = yield* Effect.fromResult(validateForFinalize(p, session.customer ?? undefined, session.consents ?? undefined, settings.finalizePolicy))
    const totals = yield* Effect.fromResult(checkTotal(request.expected_total, ready.totals))
    if (p.code !== null) {
      const verdict = yield* Effect.flatMap(AppliedCodeCheck, (codes) => codes.check(context.session_id))
      if (!verdict.ok) return yield* new AppliedCodeRefused({ code: verdict.code, reason: verdict.reason, detail: verdict.detail })
    }
    const order_id = yield* orderIdFor(context.session_id, session.orders_made, p.cart_version, session.order_salt)
    const now = yield* Clock.currentTimeMillis
    const eventContext = { correlation_id: context.correlation_id, occurred_at: new Date(now) }
    const lines = p.items.filter((item) => item.type !== "service").map((item) => ({ offer_id: item.offer_id, quantity: item.quantity }))
    if (held !== undefined && held !== order_id) yield* releaseHeld(eventContext.occurred_at)
    yield* stock.reserve({ order_id, session_id: context.session_id, lines, ttl_seconds: reservationTtlSeconds(settings.paymentRetryWindowSeconds), context: eventContext }).pipe(
      // That id's stock ran out earlier: salt the session's ids and run again on it (a lost race for the salt runs again too).
      Effect.catchTag("ReservationGone", () =>
        sessionWrite(loaded, { ...session, order_salt: session.order_salt + 1 }, []).pipe(
          Effect.flatMap(commitWrite),
          Effect.andThen(Effect.fail(new WriteConflict({ key: checkoutSessionKey(context.session_id) })))
        )
      )
    )
    held = order_id
    const draft = orderDraft(p, ready, order_id)
    const payload = context.user_id === undefined ? draft : { ...draft, user_id: context.user_id }
    const envelopes = checkoutEnvelopes([{ name: CheckoutEventName.orderCreated, payload }], eventContext)
    const projection = applyEvent(p, "checkout.order_created", { session_id: context.session_id, order_id, cart_version: p.cart_version })
    const answer: FinalizeAnswer = { order_id, status: projection.status, grand_total: totals.grand_total, currency: totals.currency }
    const next = {
      ...session,
      projection,
      applied_event_ids: rememberApplied(session.applied_event_ids, ...envelopes.map((e) => e.event_id)),
      orders_made: session.orders_made + 1,
      ordered_at_ms: now,
      order_correlation_id: context.correlation_id,
      retry_deadline_ms: null
    }
    yield* commitWrite(yield* sessionWrite(loaded, next, envelopes)).pipe(answering(answer))
    held = undefined
    return answer
  })
  return yield* attempt.pipe(
    retryOnConflict(MAX_ATTEMPTS, () => new CheckoutChangedConcurrently({ attempts: MAX_ATTEMPTS })),
    // Refused for sure (this request wrote nothing): the stock it holds goes back once no finalize of the
    // session can ask for that id again. Unavailable: the write may have applied, keep it.
    Effect.tapError((error) =>
      error._tag === "CheckoutUnavailable" || held === undefined
        ? Effect.void
        : Effect.ignore(
            Effect.gen(function* () {
              const { session } = yield* loadSession(context.session_id)
              const next = yield* orderIdFor(context.session_id, session.orders_made, session.projection.cart_version, session.order_salt)
              if (session.projection.order_id !== held && next !== held) yield* releaseHeld(new Date(yield* Clock.currentTimeMillis))
            })
          )
    )
  )
})
