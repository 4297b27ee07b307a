/**
 * The promotion maths (SPEC §9) as pure functions over a cart snapshot: which units a rule looks at,
 * what an "every n-th unit, p% off" promotion takes off, what a percentage or fixed-amount code takes
 * off, and whether a rule's minimum and validity window hold. Money is integer minor units; every
 * percentage is rounded down to the minor unit (the shop never rounds a discount up), a promotion's
 * per unit, as the rule reads ("every second unit is 50% off, rounded down to the grosz").
 */
import { type CartSnapshot, snapshotGoodsTotal } from "@kasa/shared"
import { money, percentOf } from "@kasa/shared/money"
import type { CodeRule, PromotionRule, ValidityWindow } from "./rules.ts"

/** The cart as a rule sees it: its lines and currency (the version does not matter to the maths). */
export type CartContents = Pick<CartSnapshot, "lines" | "currency">

/** Unit prices of the non-service lines in `categories`, one entry per unit, high to low. */
export const unitPricesInScope = (cart: CartContents, categories: ReadonlyArray<string>): ReadonlyArray<number> => {
  const prices: Array<number> = []
  for (const line of cart.lines) {
    if (line.type === "service" || !categories.includes(line.category)) continue
    for (let unit = 0; unit < line.quantity; unit++) prices.push(line.unit_price)
  }
  return prices.sort((a, b) => b - a)
}

/** Every `every`-th unit of `pricesHighToLow` gets `percentOff` % off, each rounded down. */
export const everyNthUnitOff = (pricesHighToLow: ReadonlyArray<number>, every: number, percentOff: number): number => {
  let discount = 0
  for (let position = every; position <= pricesHighToLow.length; position += every) {
    discount += percentOf(money(pricesHighToLow[position - 1]!), percentOff).amount
  }
  return discount
}

/** cart_total: the non-service lines, as the cart sums them. */
export const cartTotal = (cart: CartContents): number => snapshotGoodsTotal({ session_id: "", cart_version: 0, ...cart })

/** The total of the non-service lines in `categories`. */
export const totalInScope = (cart: CartContents, categories: ReadonlyArray<string>): number =>
  cart.lines.reduce((sum, line) => (line.type !== "service" && categories.includes(line.category) ? sum + line.unit_price * line.quantity : sum), 0)

export type WindowState = "before" | "open" | "after"

export const windowState = (window: ValidityWindow, nowMs: number): WindowState => {
  if (window.fromMs !== undefined && nowMs < window.fromMs) return "before"
  if (window.untilMs !== undefined && nowMs >= window.untilMs) return "after"
  return "open"
}

/** Whether cart_total reaches the rule's minimum (inclusive: 10000 meets a minimum of 10000). */
export const meetsMinimum = (cart: CartContents, minimum: number): boolean => cartTotal(cart) >= minimum

/** What the promotion takes off this cart by its maths alone (window and minimum aside). */
export const promotionAmount = (rule: PromotionRule, cart: CartContents): number =>
  everyNthUnitOff(unitPricesInScope(cart, rule.categories), rule.every, rule.percent_off)

/** What the code takes off this cart by its maths alone: of cart_total, or of its categories' lines. */
export const codeAmount = (rule: CodeRule, cart: CartContents): number => {
  const base = rule.categories === undefined ? cartTotal(cart) : totalInScope(cart, rule.categories)
  return rule.discount.kind === "percentage" ? percentOf(money(base, cart.currency), rule.discount.percent).amount : Math.min(rule.discount.amount, base)
}
