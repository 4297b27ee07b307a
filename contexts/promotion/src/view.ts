/**
 * What clients read (SPEC §4.5 responses), as Schemas (the app's OpenAPI is generated from them) and
 * the pure functions that build them: the promotions a cart qualifies for with the discount each
 * would give, what a session has applied with its total, and the bodies of apply and apply-code.
 */
import { Schema } from "effect"
import type { CartSnapshot } from "@kasa/shared"
import { type Applied, totalDiscount } from "./domain.ts"
import { evaluatePromotion } from "./evaluation.ts"
import type { Rules } from "./rules.ts"

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

export const AvailablePromotion = Schema.Struct({
  promotion_id: Schema.String,
  name: Schema.String,
  discount_amount: Amount,
  currency: Schema.String
})
export type AvailablePromotion = typeof AvailablePromotion.Type

export const AvailableView = Schema.Struct({ promotions: Schema.Array(AvailablePromotion) })
export type AvailableView = typeof AvailableView.Type

export const AppliedView = Schema.Struct({
  promotions: Schema.Array(Schema.Struct({ promotion_id: Schema.String, promotion_name: Schema.String, discount_amount: Amount })),
  code: Schema.NullOr(Schema.Struct({ code: Schema.String, discount_amount: Amount })),
  total_discount: Amount
})
export type AppliedView = typeof AppliedView.Type

export const PromotionAppliedView = Schema.Struct({
  promotion_id: Schema.String,
  promotion_name: Schema.String,
  discount_amount: Amount,
  discount_currency: Schema.String
})
export type PromotionAppliedView = typeof PromotionAppliedView.Type

export const CodeAppliedView = Schema.Struct({ code: Schema.String, discount_amount: Amount, discount_currency: Schema.String })
export type CodeAppliedView = typeof CodeAppliedView.Type

/** Each promotion this cart qualifies for now, with what it would take off on its own, in file order. */
export const availablePromotions = (rules: Rules, cart: CartSnapshot, nowMs: number): ReadonlyArray<AvailablePromotion> =>
  rules.promotions.flatMap((rule) => {
    const evaluation = evaluatePromotion(rules, rule, cart, nowMs)
    return evaluation.ok ? [{ promotion_id: rule.promotion_id, name: rule.name, discount_amount: evaluation.amount, currency: cart.currency }] : []
  })

export const toAppliedView = (applied: Applied): AppliedView => ({
  promotions: applied.promotions.map((p) => ({ promotion_id: p.promotion_id, promotion_name: p.promotion_name, discount_amount: p.discount_amount })),
  code: applied.code === null ? null : { code: applied.code.code, discount_amount: applied.code.discount_amount },
  total_discount: totalDiscount(applied)
})
