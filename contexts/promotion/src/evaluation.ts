/**
 * Whether a rule gives this cart anything now, and how much, or why not: the window, the currency,
 * the minimum cart_total and the rule's maths, in that order. A code is capped by what the
 * promotions next to it leave of cart_total, so the discounts together never pass it.
 */
import type { CartSnapshot } from "@kasa/shared"
import { cartTotal, codeAmount, meetsMinimum, promotionAmount, windowState } from "./discounts.ts"
import type { CodeRule, PromotionRule, Rules } from "./rules.ts"

export type Evaluation<R> = { readonly ok: true; readonly amount: number } | { readonly ok: false; readonly reason: R; readonly detail: string }

/** What the promotion gives this cart now, or why it gives nothing. */
export const evaluatePromotion = (rules: Rules, rule: PromotionRule, cart: CartSnapshot, nowMs: number): Evaluation<"not_yet_valid" | "expired" | "minimum_not_met"> => {
  const state = windowState(rule.window, nowMs)
  if (state === "before") return { ok: false, reason: "not_yet_valid", detail: `${rule.promotion_id} starts at ${new Date(rule.window.fromMs!).toISOString()}` }
  if (state === "after") return { ok: false, reason: "expired", detail: `${rule.promotion_id} ended at ${new Date(rule.window.untilMs!).toISOString()}` }
  if (cart.currency !== rules.currency) return { ok: false, reason: "minimum_not_met", detail: `promotions apply to carts in ${rules.currency}` }
  if (!meetsMinimum(cart, rule.minimum_cart_total)) return { ok: false, reason: "minimum_not_met", detail: `needs cart_total of at least ${rule.minimum_cart_total}` }
  const amount = promotionAmount(rule, cart)
  if (amount === 0) return { ok: false, reason: "minimum_not_met", detail: `needs at least ${rule.every} units of ${rule.categories.join(", ")}` }
  return { ok: true, amount }
}

/**
 * What the code gives this cart now, next to `promotionsTotal` of promotions, or why it gives
 * nothing. A code not valid yet is `unknown` to the shopper (SPEC's reasons have no "not yet").
 */
export const evaluateCode = (
  rules: Rules,
  rule: CodeRule,
  cart: CartSnapshot,
  nowMs: number,
  promotionsTotal: number
): Evaluation<"unknown" | "expired" | "minimum_not_met"> => {
  const state = windowState(rule.window, nowMs)
  if (state === "before") return { ok: false, reason: "unknown", detail: `${rule.code} is not valid yet` }
  if (state === "after") return { ok: false, reason: "expired", detail: `${rule.code} expired at ${new Date(rule.window.untilMs!).toISOString()}` }
  if (cart.currency !== rules.currency) return { ok: false, reason: "minimum_not_met", detail: `codes apply to carts in ${rules.currency}` }
  if (!meetsMinimum(cart, rule.minimum_cart_total)) {
    return { ok: false, reason: "minimum_not_met", detail: `${rule.code} needs cart_total of at least ${rule.minimum_cart_total}; the cart has ${cartTotal(cart)}` }
  }
  const amount = Math.min(codeAmount(rule, cart), cartTotal(cart) - promotionsTotal)
  if (amount <= 0) return { ok: false, reason: "minimum_not_met", detail: `${rule.code} gives nothing on this cart` }
  return { ok: true, amount }
}

