/**
 * The discounts applied to a session, as a context that consumes promotion-events keeps them (payment
 * decides cash on delivery from the grand total after them; checkout shows and charges it): the
 * applied promotions by `promotion_id` (promotion re-publishes one with a new amount on a cart change)
 * and the one code. `promotion.removed` names a code by carrying `code` (promotion publishes
 * `promotion_id` = the code then), else it names a promotion. The payload Schemas read only these
 * fields (unknown fields are ignored on decoding).
 */
import { Schema } from "effect"
import { SessionIdString } from "./session-id-schema.ts"

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
// A consumer names its state after the session: a payload without a session id's shape does not fit.
const session = { session_id: SessionIdString }

export const AppliedPromotion = Schema.Struct({ promotion_id: Schema.String, discount_amount: Amount })
export const AppliedCode = Schema.Struct({ code: Schema.String, discount_amount: Amount })

export interface AppliedDiscounts {
  readonly promotions: ReadonlyArray<typeof AppliedPromotion.Type>
  readonly code: typeof AppliedCode.Type | null
}

export const PromotionAppliedSeen = Schema.Struct({ ...session, promotion_id: Schema.String, discount_amount: Amount })
export const PromotionCodeAppliedSeen = Schema.Struct({ ...session, code: Schema.String, discount_amount: Amount })
export const PromotionRemovedSeen = Schema.Struct({ ...session, promotion_id: Schema.String, code: Schema.optionalKey(Schema.String) })

/** The promotion events that change the discounts, with the Schema of what is read of each. */
export const DiscountEventPayloads = {
  "promotion.applied": PromotionAppliedSeen,
  "promotion.code_applied": PromotionCodeAppliedSeen,
  "promotion.removed": PromotionRemovedSeen
} as const

export type DiscountEvent =
  | { readonly name: "promotion.applied"; readonly payload: typeof PromotionAppliedSeen.Type }
  | { readonly name: "promotion.code_applied"; readonly payload: typeof PromotionCodeAppliedSeen.Type }
  | { readonly name: "promotion.removed"; readonly payload: typeof PromotionRemovedSeen.Type }

/** The discounts after one promotion event (spread over a projection that holds them). */
export const applyDiscountEvent = (discounts: AppliedDiscounts, event: DiscountEvent): AppliedDiscounts => {
  switch (event.name) {
    case "promotion.applied": {
      const { promotion_id, discount_amount } = event.payload
      const others = discounts.promotions.filter((q) => q.promotion_id !== promotion_id)
      return { promotions: [...others, { promotion_id, discount_amount }], code: discounts.code }
    }
    case "promotion.code_applied":
      return { promotions: discounts.promotions, code: { code: event.payload.code, discount_amount: event.payload.discount_amount } }
    case "promotion.removed": {
      const { promotion_id, code } = event.payload
      const removedCode = code ?? promotion_id
      return {
        promotions: code === undefined ? discounts.promotions.filter((q) => q.promotion_id !== promotion_id) : discounts.promotions,
        code: discounts.code !== null && discounts.code.code === removedCode ? null : discounts.code
      }
    }
  }
}

/** Every applied promotion's discount and the code's, as promotion computed them for the cart. */
export const discountTotal = (discounts: AppliedDiscounts): number =>
  discounts.promotions.reduce((sum, q) => sum + q.discount_amount, discounts.code?.discount_amount ?? 0)
