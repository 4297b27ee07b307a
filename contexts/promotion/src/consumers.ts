/**
 * What the promotion context does with other contexts' events (SPEC §3.3: group `promotion-consumer`
 * on cart-events and checkout-events). A cart event brings the cart snapshot: if it is newer than the
 * projection, the session's applied discounts are recomputed on it (new amounts published as
 * `promotion.applied` / `promotion.code_applied`, what no longer qualifies as `promotion.removed` with
 * its reason) and the content's available promotions are cached. `checkout.order_created` records
 * the order's discounts as they stand; `checkout.completed` counts the order's code (CodeUsage, once
 * per order, atomically against its limit) and clears what the session had applied.
 *
 * A code with no use left at completion: the order keeps the price it was finalized and paid at
 * (changing a paid order is a refund, not a promotion's business); the count stays at the limit; the
 * session gets `promotion.removed` with reason `usage_limit_reached` and the order id, written with
 * the outcome, so the checkout, analytics and support see it. The finalize check
 * (`checkAppliedCode`) is what keeps this to the last few orders racing for the last uses.
 *
 * Handlers only decide; the consumer runtime writes their state, events and the processed marker in
 * one commit, so a redelivered event changes nothing, and a write conflict retries on fresh state.
 */
import { Clock, Effect, Schema } from "effect"
import {
  cartEventRoutes,
  cartHash,
  type CartSnapshot,
  type ConsumedEvent,
  type ConsumerOptions,
  eventRouter,
  isNewerSnapshot,
  PermanentFailure,
  route,
  type RoutedEvent,
  SessionIdString,
  stampTrace,
  Topics
} from "@kasa/shared"
import { completeOrder, orderRecord, recompute } from "./domain.ts"
import type { CodeUsageUnavailable, PromotionsUnavailable } from "./errors.ts"
import { codeLimitReachedEnvelope, codeRedeemedEnvelope, type EventContext, promotionEnvelopes, toOutboxEvents } from "./events.ts"
import { CodeUsage, PromotionRules, PromotionStore } from "./ports.ts"
import { availablePromotions } from "./view.ts"

export const PROMOTION_CONSUMER_GROUP = "promotion-consumer"
export const PROMOTION_CONSUMER_TOPICS: ReadonlyArray<string> = [Topics.cart, Topics.checkout]

export const CheckoutEventName = {
  orderCreated: "checkout.order_created",
  completed: "checkout.completed"
} as const

/** The part of `checkout.order_created` and `checkout.completed` this context reads (unknown fields are ignored). */
export const CheckoutOrderEvent = Schema.Struct({
  session_id: SessionIdString,
  order_id: Schema.String.check(Schema.isNonEmpty(), Schema.isMaxLength(128))
})

type OrderEvent = RoutedEvent<typeof CheckoutOrderEvent.Type>

const userOf = (event: ConsumedEvent): string | undefined => {
  const user = event.envelope.payload.user_id
  return typeof user === "string" ? user : undefined
}

const causedBy = (event: ConsumedEvent, sessionId: string, nowMs: number): EventContext => ({
  session_id: sessionId,
  correlation_id: event.envelope.correlation_id,
  user_id: userOf(event),
  occurred_at: new Date(nowMs),
  caused_by: event.envelope
})

/** A cart change: recompute on the newer snapshot, publish what changed, cache what is available. */
const onCartChange = Effect.fnUntraced(function* (event: RoutedEvent<CartSnapshot>) {
  const snapshot = event.payload
  const store = yield* PromotionStore
  const { rules } = yield* PromotionRules
  const loaded = yield* store.load(snapshot.session_id)
  if (!isNewerSnapshot(loaded.revision.cart === undefined ? undefined : loaded.cart, snapshot)) return undefined
  const nowMs = yield* Clock.currentTimeMillis
  const decision = recompute(rules, snapshot, loaded.applied, nowMs)
  const events = promotionEnvelopes(decision.changes, decision.applied, causedBy(event, snapshot.session_id, nowMs))
  return store.toAtomicWrite({
    loaded,
    cart: snapshot,
    applied: decision.applied,
    events,
    available: { cartHash: cartHash(snapshot), value: { rules: rules.fingerprint, promotions: availablePromotions(rules, snapshot, nowMs) } }
  })
})

/** An order was created: keep its discounts as they stand, for its completion (the first record wins). */
const onOrderCreated = Effect.fn("Promotion.onOrderCreated")(function* (event: OrderEvent) {
  const { session_id, order_id } = event.payload
  const store = yield* PromotionStore
  if ((yield* store.orderRecord(order_id)) !== undefined) return undefined
  const loaded = yield* store.load(session_id)
  return store.toAtomicWrite({ loaded, applied: loaded.applied, events: [], order: orderRecord(order_id, loaded.applied) })
})

/**
 * An order completed: count its code (the one recorded at its creation; the session's applied code
 * when no record exists, e.g. an order created before this consumer ran), then clear the session.
 */
const onCompleted = Effect.fn("Promotion.onCheckoutCompleted")(function* (event: OrderEvent) {
  const { session_id, order_id } = event.payload
  const store = yield* PromotionStore
  const { rules } = yield* PromotionRules
  const record = yield* store.orderRecord(order_id)
  const loaded = yield* store.load(session_id)
  const code = record !== undefined ? record.code : (loaded.applied.code?.code ?? null)
  const nowMs = yield* Clock.currentTimeMillis
  const context = causedBy(event, session_id, nowMs)
  let limitAnnounced = false
  if (code !== null) {
    const rule = rules.codeByCode.get(code)
    if (rule === undefined) {
      yield* Effect.logWarning("the completed order's code is no longer in the rules; not counted", { code, order_id })
    } else {
      const usage = yield* CodeUsage
      const stamped = (envelope: ReturnType<typeof codeRedeemedEnvelope>) => Effect.map(stampTrace({ events: toOutboxEvents([envelope]) }), (write) => write.events ?? [])
      const events = {
        redeemed: yield* stamped(codeRedeemedEnvelope({ code, order_id, usage_limit: rule.usage_limit }, context)),
        limitReached: yield* stamped(codeLimitReachedEnvelope(code, order_id, context))
      }
      const redemption = yield* usage.redeem(code, rule.usage_limit, order_id, events).pipe(
        Effect.catchTag("InvalidRedemption", (invalid) => Effect.fail(new PermanentFailure({ reason: `cannot count ${code} for ${order_id}: ${invalid.problems.join("; ")}` })))
      )
      if (redemption.outcome === "limit_reached") {
        limitAnnounced = true
        yield* Effect.logWarning("a completed order used a code past its usage limit; the order keeps its price, the use is not counted", {
          code,
          order_id,
          usage_limit: rule.usage_limit
        })
      }
    }
  }
  const decision = completeOrder(loaded.applied, limitAnnounced && loaded.applied.code?.code === code)
  // Nothing stored, nothing to clear (a code announced by the count still needs clearing: not "nothing").
  if (loaded.revision.applied === undefined) return undefined
  const events = promotionEnvelopes(decision.changes, { cart_version: loaded.applied.cart_version, currency: loaded.applied.currency, order_id }, context)
  return store.toAtomicWrite({ loaded, applied: decision.applied, events })
})

type HandlerError = PermanentFailure | PromotionsUnavailable | CodeUsageUnavailable
type HandlerServices = PromotionStore | PromotionRules | CodeUsage

/** The handler for cart-events and checkout-events; other event names are ignored. */
export const makePromotionEventsHandler = () =>
  eventRouter(PROMOTION_CONSUMER_GROUP, {
    ...cartEventRoutes(onCartChange),
    [CheckoutEventName.orderCreated]: route(CheckoutOrderEvent, onOrderCreated),
    [CheckoutEventName.completed]: route(CheckoutOrderEvent, onCompleted)
  })

/** Options for the kernel's `runConsumer`: group, topics and handler. */
export const promotionConsumer = (): ConsumerOptions<HandlerError, HandlerServices> => ({
  group: PROMOTION_CONSUMER_GROUP,
  topics: PROMOTION_CONSUMER_TOPICS,
  handler: makePromotionEventsHandler()
})
