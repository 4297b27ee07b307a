/**
 * `checkout-consumer` (SPEC §3.3): cart, shipping, payment, promotion, services and inventory events
 * keep each session's projection current (never an HTTP call to another context). For each event the
 * handler only decides: apply it (projection.ts), publish what it causes (reactions.ts:
 * `checkout.totals_updated`, `checkout.completed`, applied to the projection in the same write, as
 * every event of checkout's own), remember its id for `GET /checkout/summary?after=`, and after a
 * failed payment open the retry window (retry-window.ts). The runtime commits the returned write with
 * the processed marker, so a redelivered event changes nothing.
 * The window's deadline goes into the PaymentRetryDeadlines index before the write commits: the index
 * only points at sessions and the sweep re-checks the session, so an entry whose write never applied
 * is dropped by the sweep, while one written after the commit could be lost in a crash.
 * An event checkout does not project but a client may wait for (`promotion.code_invalid`, which
 * apply-code answers with in X-Event-Ids) is remembered too, so `?after=` of any event a command
 * returned answers. `services.availability_calculated` is not read at all: services publishes it from
 * its consumer, so no command returns its id for a client to wait on, and what it says of the cart's
 * services the cart snapshot already carries (reading it cost a session read and write per add-to-cart).
 * The group still subscribes to services-events as SPEC §3.3 lists; the runtime skips its events unread.
 */
import { Clock, Effect, Schema } from "effect"
import { ConsumerGroups, type ConsumerOptions, type Envelope, type EventHandler, eventRouter, route, type RoutedEvent, SessionIdString } from "@kasa/shared"
import { ProjectedEventPayloads, type ProjectedEventName, type ProjectedPayload } from "./consumed-events.ts"
import { checkoutEnvelopes } from "./events.ts"
import { CheckoutSettings, PaymentRetryDeadlines } from "./ports.ts"
import { applyEvent } from "./projection.ts"
import { reactionsTo } from "./reactions.ts"
import { retryDeadlineMs } from "./retry-window.ts"
import { loadSession, rememberApplied, sessionWrite } from "./session-store.ts"

export const CHECKOUT_CONSUMER_GROUP = "checkout-consumer"
export const CHECKOUT_CONSUMER_TOPICS: ReadonlyArray<string> = ConsumerGroups[CHECKOUT_CONSUMER_GROUP]!

/** Events read only so that `?after=` can wait for them. */
const SeenOnly = Schema.Struct({ session_id: SessionIdString })
const SEEN_ONLY_EVENTS = ["promotion.code_invalid"] as const

/** The write that folds one consumed event into its session (and its id into the remembered ones). */
export const projectConsumed = <N extends ProjectedEventName>(name: N, payload: ProjectedPayload<N>, causedBy: Envelope) =>
  Effect.gen(function* () {
    const loaded = yield* loadSession(payload.session_id)
    const session = loaded.session
    const before = session.projection
    const applied = applyEvent(before, name, payload)
    const reactions = reactionsTo(name, before, applied)
    const projection = reactions.reduce(
      (p, reaction) => (reaction.name === "checkout.completed" ? applyEvent(p, "checkout.completed", { session_id: p.session_id, order_id: reaction.payload.order_id }) : p),
      applied
    )
    let retry_deadline_ms = session.retry_deadline_ms
    const failed = (name === "payment.failed" || name === "payment.cancelled") && before.status !== "payment_failed" && projection.status === "payment_failed"
    if (failed && retry_deadline_ms === null && projection.order_id !== null) {
      const { paymentRetryWindowSeconds } = yield* CheckoutSettings
      const failedAt = Date.parse(causedBy.occurred_at)
      retry_deadline_ms = retryDeadlineMs(session.ordered_at_ms ?? failedAt, failedAt, paymentRetryWindowSeconds)
      const deadlines = yield* PaymentRetryDeadlines
      yield* deadlines.schedule({ session_id: projection.session_id, order_id: projection.order_id }, retry_deadline_ms)
    }
    const envelopes = checkoutEnvelopes(reactions, { correlation_id: causedBy.correlation_id, occurred_at: new Date(yield* Clock.currentTimeMillis), caused_by: causedBy })
    const applied_event_ids = rememberApplied(session.applied_event_ids, causedBy.event_id, ...envelopes.map((e) => e.event_id))
    return yield* sessionWrite(loaded, { ...session, projection, applied_event_ids, retry_deadline_ms }, envelopes)
  })

/** The write that only remembers a session's event id (an event that changes nothing checkout shows). */
export const rememberConsumed = (sessionId: string, causedBy: Envelope) =>
  Effect.gen(function* () {
    const loaded = yield* loadSession(sessionId)
    const applied_event_ids = rememberApplied(loaded.session.applied_event_ids, causedBy.event_id)
    if (applied_event_ids === loaded.session.applied_event_ids) return undefined
    return yield* sessionWrite(loaded, { ...loaded.session, applied_event_ids }, [])
  })

const projectedRoute = <N extends ProjectedEventName>(name: N) =>
  route(ProjectedEventPayloads[name] as (typeof ProjectedEventPayloads)["shipping.method_selected"], (event: RoutedEvent<unknown>) =>
    projectConsumed(name, event.payload as ProjectedPayload<N>, event.envelope)
  )

const routes = () =>
  eventRouter(CHECKOUT_CONSUMER_GROUP, {
    ...Object.fromEntries((Object.keys(ProjectedEventPayloads) as Array<ProjectedEventName>).map((name) => [name, projectedRoute(name)])),
    ...Object.fromEntries(SEEN_ONLY_EVENTS.map((name) => [name, route(SeenOnly, (event) => rememberConsumed(event.payload.session_id, event.envelope))]))
  })

const options = <E, R>(handler: EventHandler<E, R>): ConsumerOptions<E, R> => ({ group: CHECKOUT_CONSUMER_GROUP, topics: CHECKOUT_CONSUMER_TOPICS, handler })

/** `checkout-consumer`: the sessions' projections, over the key-value StateStore. */
export const checkoutConsumer = () => options(routes())
