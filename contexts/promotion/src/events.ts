/**
 * The events the promotion context publishes on `promotion-events` (SPEC §3.4), keyed by session:
 * their names, payload Schemas, and the functions that turn a decision's changes into envelopes.
 * Beyond SPEC's fields, amounts caused by a cart change carry the `cart_version` they were computed
 * at (so a reader can match them to the cart), a removed code carries `code`, and a removal caused
 * by an order carries `order_id`. `promotion.code_redeemed` is this context's addition to the
 * catalogue: the completed order whose use of a code was counted (written in the same atomic step as
 * the count, so it is published exactly when the use counts).
 */
import { Schema } from "effect"
import { type Envelope, envelopeIn, type EventContext as KernelEventContext, outboxEventsOn, Topics } from "@kasa/shared"
import { type PromotionChange, RemovalReason } from "./domain.ts"
import { CodeInvalidReason } from "./errors.ts"

export const PROMOTION_PRODUCER = "promotion"

export const PromotionEventName = {
  applied: "promotion.applied",
  removed: "promotion.removed",
  codeApplied: "promotion.code_applied",
  codeInvalid: "promotion.code_invalid",
  codeRedeemed: "promotion.code_redeemed"
} as const
export type PromotionEventName = (typeof PromotionEventName)[keyof typeof PromotionEventName]

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const identity = { session_id: Schema.String.check(Schema.isNonEmpty()), user_id: Schema.optionalKey(Schema.String) }
const version = { cart_version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)) }

export const PromotionApplied = Schema.Struct({
  ...identity,
  promotion_id: Schema.String,
  promotion_name: Schema.String,
  discount_amount: Amount,
  discount_currency: Schema.String,
  ...version
})
export type PromotionApplied = typeof PromotionApplied.Type

export const PromotionRemoved = Schema.Struct({
  ...identity,
  /** The promotion id, or the code when a code was removed. */
  promotion_id: Schema.String,
  reason: Schema.optionalKey(RemovalReason),
  code: Schema.optionalKey(Schema.String),
  order_id: Schema.optionalKey(Schema.String),
  cart_version: Schema.optionalKey(version.cart_version)
})
export type PromotionRemoved = typeof PromotionRemoved.Type

export const PromotionCodeApplied = Schema.Struct({ ...identity, code: Schema.String, discount_amount: Amount, discount_currency: Schema.String, ...version })
export type PromotionCodeApplied = typeof PromotionCodeApplied.Type

export const PromotionCodeInvalid = Schema.Struct({ ...identity, code: Schema.String, reason: CodeInvalidReason })
export type PromotionCodeInvalid = typeof PromotionCodeInvalid.Type

export const PromotionCodeRedeemed = Schema.Struct({
  ...identity,
  code: Schema.String,
  order_id: Schema.String,
  usage_limit: Schema.NullOr(Schema.Int)
})
export type PromotionCodeRedeemed = typeof PromotionCodeRedeemed.Type

/** Each event name with the Schema of its payload. */
export const PromotionEventPayloads = {
  [PromotionEventName.applied]: PromotionApplied,
  [PromotionEventName.removed]: PromotionRemoved,
  [PromotionEventName.codeApplied]: PromotionCodeApplied,
  [PromotionEventName.codeInvalid]: PromotionCodeInvalid,
  [PromotionEventName.codeRedeemed]: PromotionCodeRedeemed
} as const

/** Who and what caused the events: the request (correlation, user) or the consumed event. */
export interface EventContext extends KernelEventContext {
  readonly session_id: string
  readonly user_id?: string | undefined
}

const envelope = (name: PromotionEventName, payload: Record<string, unknown>, context: EventContext): Envelope =>
  envelopeIn(context, {
    eventName: name,
    aggregateId: context.session_id,
    producer: PROMOTION_PRODUCER,
    payload: { session_id: context.session_id, ...(context.user_id === undefined ? {} : { user_id: context.user_id }), ...payload }
  })

/** One envelope per change, in order; amounts in `currency` as of `cart_version`. */
export const promotionEnvelopes = (
  changes: ReadonlyArray<PromotionChange>,
  at: { readonly cart_version: number; readonly currency: string; readonly order_id?: string | undefined },
  context: EventContext
): ReadonlyArray<Envelope> =>
  changes.map((change) => {
    const order = at.order_id === undefined ? {} : { order_id: at.order_id }
    switch (change._tag) {
      case "PromotionApplied":
        return envelope(PromotionEventName.applied, { ...change.promotion, discount_currency: at.currency, cart_version: at.cart_version }, context)
      case "PromotionRemoved":
        return envelope(PromotionEventName.removed, { promotion_id: change.promotion_id, reason: change.reason, ...order, cart_version: at.cart_version }, context)
      case "CodeApplied":
        return envelope(PromotionEventName.codeApplied, { ...change.code, discount_currency: at.currency, cart_version: at.cart_version }, context)
      case "CodeRemoved":
        return envelope(PromotionEventName.removed, { promotion_id: change.code, code: change.code, reason: change.reason, ...order, cart_version: at.cart_version }, context)
    }
  })

export const codeInvalidEnvelope = (code: string, reason: CodeInvalidReason, context: EventContext): Envelope =>
  envelope(PromotionEventName.codeInvalid, { code, reason } satisfies Omit<PromotionCodeInvalid, "session_id">, context)

export const codeRedeemedEnvelope = (redeemed: { readonly code: string; readonly order_id: string; readonly usage_limit: number | null }, context: EventContext): Envelope =>
  envelope(PromotionEventName.codeRedeemed, redeemed, context)

/** The removal of a code that hit its limit when the session's order completed. */
export const codeLimitReachedEnvelope = (code: string, orderId: string, context: EventContext): Envelope =>
  envelope(PromotionEventName.removed, { promotion_id: code, code, reason: "usage_limit_reached", order_id: orderId }, context)

/** Envelopes as outbox entries on promotion-events, keyed by their session. */
export const toOutboxEvents = outboxEventsOn(Topics.promotion)
