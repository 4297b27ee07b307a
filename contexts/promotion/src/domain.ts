/**
 * A session's applied promotions and code, and the rules that change them (SPEC §4.5, §9), as pure
 * functions: no I/O, no clock (the time comes in as `nowMs`), no randomness. Every decision works
 * the same way: take what the shopper has chosen, `settle` it against the cart as it is now (each
 * rule's window, minimum and maths; a code capped so that the discounts never pass cart_total), and
 * `diff` the result against what was applied before. The diff is the list of changes, one per
 * event: a discount that is new or has a new amount, or one that was dropped, with its reason.
 */
import { Result, Schema } from "effect"
import { type CartSnapshot } from "@kasa/shared"
import { DEFAULT_CURRENCY } from "@kasa/shared/money"
import { windowState } from "./discounts.ts"
import { CodeRejected, NotApplied, PromotionNotApplicable, PromotionNotFound } from "./errors.ts"
import { evaluateCode, evaluatePromotion } from "./evaluation.ts"
import { type CodeRule, normalizeCode, type PromotionRule, type Rules } from "./rules.ts"

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

export const AppliedPromotion = Schema.Struct({ promotion_id: Schema.String, promotion_name: Schema.String, discount_amount: Amount })
export type AppliedPromotion = typeof AppliedPromotion.Type

export const AppliedCode = Schema.Struct({ code: Schema.String, discount_amount: Amount })
export type AppliedCode = typeof AppliedCode.Type

/** What a session has applied, with each amount as of `cart_version`. */
export const Applied = Schema.Struct({
  session_id: Schema.String,
  cart_version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  currency: Schema.String,
  promotions: Schema.Array(AppliedPromotion),
  code: Schema.NullOr(AppliedCode)
})
export type Applied = typeof Applied.Type

/** Why an applied promotion or code went (`promotion.removed`'s `reason`). */
export const RemovalReason = Schema.Literals(["removed_by_shopper", "minimum_not_met", "expired", "withdrawn", "usage_limit_reached", "order_completed"])
export type RemovalReason = typeof RemovalReason.Type

/** What one event records. */
export type PromotionChange =
  | { readonly _tag: "PromotionApplied"; readonly promotion: AppliedPromotion }
  | { readonly _tag: "PromotionRemoved"; readonly promotion_id: string; readonly reason: RemovalReason }
  | { readonly _tag: "CodeApplied"; readonly code: AppliedCode }
  | { readonly _tag: "CodeRemoved"; readonly code: string; readonly reason: RemovalReason }

/** The outcome of a decision: what is applied after it, and the changes (none when nothing changed). */
export interface Decision {
  readonly applied: Applied
  readonly changes: ReadonlyArray<PromotionChange>
}

/** An order's discounts as they stood when it was created, so its completion counts the right code. */
export const OrderRecord = Schema.Struct({
  order_id: Schema.String,
  session_id: Schema.String,
  promotion_ids: Schema.Array(Schema.String),
  code: Schema.NullOr(Schema.String)
})
export type OrderRecord = typeof OrderRecord.Type

export const emptyCart = (session_id: string): CartSnapshot => ({ session_id, cart_version: 0, lines: [], currency: DEFAULT_CURRENCY })

export const nothingApplied = (cart: CartSnapshot): Applied => ({
  session_id: cart.session_id,
  cart_version: cart.cart_version,
  currency: cart.currency,
  promotions: [],
  code: null
})

export const isEmpty = (applied: Applied): boolean => applied.promotions.length === 0 && applied.code === null

export const totalDiscount = (applied: Applied): number => applied.promotions.reduce((sum, p) => sum + p.discount_amount, applied.code?.discount_amount ?? 0)

/** A promotion and a code, or two promotions, may share a cart only if both rules say so. */
const promotionsCombine = (a: PromotionRule, b: PromotionRule): boolean => a.combines_with.promotions && b.combines_with.promotions
const codeCombines = (code: CodeRule, promotion: PromotionRule): boolean => code.combines_with.promotions && promotion.combines_with.codes

interface Dropped {
  readonly kind: "promotion" | "code"
  readonly id: string
  readonly reason: RemovalReason
}

const removalReason = (reason: string): RemovalReason => (reason === "expired" || reason === "minimum_not_met" ? reason : "withdrawn")

/** What the chosen promotions and code give on `cart` now; what no longer applies is dropped with its reason. */
export const settle = (
  rules: Rules,
  cart: CartSnapshot,
  chosen: { readonly promotion_ids: ReadonlyArray<string>; readonly code: string | null },
  nowMs: number
): { readonly applied: Applied; readonly dropped: ReadonlyArray<Dropped> } => {
  const dropped: Array<Dropped> = []
  const promotions: Array<AppliedPromotion> = []
  for (const id of chosen.promotion_ids) {
    const rule = rules.promotionById.get(id)
    if (rule === undefined) {
      dropped.push({ kind: "promotion", id, reason: "withdrawn" })
      continue
    }
    const evaluation = evaluatePromotion(rules, rule, cart, nowMs)
    if (evaluation.ok) promotions.push({ promotion_id: id, promotion_name: rule.name, discount_amount: evaluation.amount })
    else dropped.push({ kind: "promotion", id, reason: removalReason(evaluation.reason) })
  }
  let code: AppliedCode | null = null
  if (chosen.code !== null) {
    const rule = rules.codeByCode.get(chosen.code)
    const evaluation = rule === undefined ? undefined : evaluateCode(rules, rule, cart, nowMs, promotions.reduce((sum, p) => sum + p.discount_amount, 0))
    if (evaluation?.ok === true) code = { code: chosen.code, discount_amount: evaluation.amount }
    else dropped.push({ kind: "code", id: chosen.code, reason: evaluation === undefined ? "withdrawn" : removalReason(evaluation.reason) })
  }
  return { applied: { session_id: cart.session_id, cart_version: cart.cart_version, currency: cart.currency, promotions, code }, dropped }
}

/** The changes from `before` to `after`, plus one removal per dropped discount. */
export const diff = (before: Applied, after: Applied, dropped: ReadonlyArray<Dropped>): ReadonlyArray<PromotionChange> => {
  const changes: Array<PromotionChange> = []
  for (const promotion of after.promotions) {
    const previous = before.promotions.find((p) => p.promotion_id === promotion.promotion_id)
    if (previous === undefined || previous.discount_amount !== promotion.discount_amount) changes.push({ _tag: "PromotionApplied", promotion })
  }
  for (const gone of dropped) {
    changes.push(gone.kind === "promotion" ? { _tag: "PromotionRemoved", promotion_id: gone.id, reason: gone.reason } : { _tag: "CodeRemoved", code: gone.id, reason: gone.reason })
  }
  if (after.code !== null && (before.code?.code !== after.code.code || before.code.discount_amount !== after.code.discount_amount)) {
    changes.push({ _tag: "CodeApplied", code: after.code })
  }
  return changes
}

const chosenOf = (applied: Applied) => ({ promotion_ids: applied.promotions.map((p) => p.promotion_id), code: applied.code?.code ?? null })

const decide = (rules: Rules, cart: CartSnapshot, before: Applied, chosen: Parameters<typeof settle>[2], nowMs: number, extra: ReadonlyArray<Dropped> = []): Decision => {
  const settled = settle(rules, cart, chosen, nowMs)
  return { applied: settled.applied, changes: diff(before, settled.applied, [...extra, ...settled.dropped]) }
}

/** On a cart change: the same choices, new amounts; what no longer qualifies is removed with its reason. */
export const recompute = (rules: Rules, cart: CartSnapshot, before: Applied, nowMs: number): Decision => decide(rules, cart, before, chosenOf(before), nowMs)

/** `POST /promotions/apply`: adds the promotion if it exists, is in its window, gives something and combines with what is applied. */
export const addPromotion = (
  rules: Rules,
  cart: CartSnapshot,
  before: Applied,
  promotionId: string,
  nowMs: number
): Result.Result<Decision, PromotionNotFound | PromotionNotApplicable> => {
  const rule = rules.promotionById.get(promotionId)
  if (rule === undefined) return Result.fail(new PromotionNotFound({ promotion_id: promotionId }))
  const chosen = chosenOf(before)
  if (!chosen.promotion_ids.includes(promotionId)) {
    const refuse = (reason: PromotionNotApplicable["reason"], detail: string, conflicts_with?: string) =>
      Result.fail(new PromotionNotApplicable({ promotion_id: promotionId, reason, detail, ...(conflicts_with === undefined ? {} : { conflicts_with }) }))
    for (const other of chosen.promotion_ids) {
      const otherRule = rules.promotionById.get(other)
      if (otherRule !== undefined && !promotionsCombine(rule, otherRule)) return refuse("not_combinable", `${promotionId} does not combine with ${other}, which is applied`, other)
    }
    const codeRule = chosen.code === null ? undefined : rules.codeByCode.get(chosen.code)
    if (codeRule !== undefined && !codeCombines(codeRule, rule)) return refuse("not_combinable", `${promotionId} does not combine with the code ${codeRule.code}, which is applied`, codeRule.code)
    const evaluation = evaluatePromotion(rules, rule, cart, nowMs)
    if (!evaluation.ok) return refuse(evaluation.reason, evaluation.detail)
  }
  const promotion_ids = chosen.promotion_ids.includes(promotionId) ? chosen.promotion_ids : [...chosen.promotion_ids, promotionId]
  const decision = decide(rules, cart, before, { ...chosen, promotion_ids }, nowMs)
  // Settled on the cart as it is: what is applied must hold the promotion (it would not if `before` lagged the cart).
  if (!decision.applied.promotions.some((p) => p.promotion_id === promotionId)) {
    return Result.fail(new PromotionNotApplicable({ promotion_id: promotionId, reason: "minimum_not_met", detail: `${promotionId} gives nothing on this cart` }))
  }
  return Result.succeed(decision)
}

/**
 * `POST /promotions/apply-code`: checks, in this order, that the code exists (unknown), is in its
 * window (expired), has uses left (`used` completed orders against its limit), is the only code and
 * combines with the applied promotions (not_combinable), and gives something on this cart
 * (minimum_not_met). The same code again changes nothing.
 */
export const addCode = (
  rules: Rules,
  cart: CartSnapshot,
  before: Applied,
  typed: string,
  nowMs: number,
  used: number
): Result.Result<Decision, CodeRejected> => {
  const code = normalizeCode(typed)
  const reject = (reason: CodeRejected["reason"], detail: string) => Result.fail(new CodeRejected({ code, reason, detail }))
  const rule = rules.codeByCode.get(code)
  if (rule === undefined) return reject("unknown", `there is no code ${code}`)
  const state = windowState(rule.window, nowMs)
  if (state === "before") return reject("unknown", `${code} is not valid yet`)
  if (state === "after") return reject("expired", `${code} expired at ${new Date(rule.window.untilMs!).toISOString()}`)
  const chosen = chosenOf(before)
  if (chosen.code !== code) {
    if (rule.usage_limit !== null && used >= rule.usage_limit) return reject("usage_limit_reached", `${code} has been used ${used} of ${rule.usage_limit} times`)
    if (chosen.code !== null) return reject("not_combinable", `the cart already holds the code ${chosen.code}; a cart holds one code`)
    for (const id of chosen.promotion_ids) {
      const promotion = rules.promotionById.get(id)
      if (promotion !== undefined && !codeCombines(rule, promotion)) return reject("not_combinable", `${code} does not combine with ${id}, which is applied`)
    }
    const promotionsTotal = before.promotions.reduce((sum, p) => sum + p.discount_amount, 0)
    const evaluation = evaluateCode(rules, rule, cart, nowMs, promotionsTotal)
    if (!evaluation.ok) return reject(evaluation.reason, evaluation.detail)
  }
  const decision = decide(rules, cart, before, { ...chosen, code }, nowMs)
  // Settled on the cart as it is: what is applied must hold the code (it would not if `before` lagged the cart).
  if (decision.applied.code?.code !== code) return reject("minimum_not_met", `${code} gives nothing on this cart`)
  return Result.succeed(decision)
}

/** `DELETE /promotions/{id}`: the promotion with that id, or the code (any case), removed by the shopper. */
export const removeApplied = (rules: Rules, cart: CartSnapshot, before: Applied, id: string, nowMs: number): Result.Result<Decision, NotApplied> => {
  const chosen = chosenOf(before)
  if (chosen.promotion_ids.includes(id)) {
    const rest = { ...chosen, promotion_ids: chosen.promotion_ids.filter((other) => other !== id) }
    return Result.succeed(decide(rules, cart, before, rest, nowMs, [{ kind: "promotion", id, reason: "removed_by_shopper" }]))
  }
  if (chosen.code !== null && chosen.code === normalizeCode(id)) {
    return Result.succeed(decide(rules, cart, before, { ...chosen, code: null }, nowMs, [{ kind: "code", id: chosen.code, reason: "removed_by_shopper" }]))
  }
  return Result.fail(new NotApplied({ id }))
}

/**
 * When the session's order completes its discounts are spent: everything applied is removed with
 * reason `order_completed`, except a code whose removal was already announced when it was counted
 * (`codeAnnounced`, the usage limit case).
 */
export const completeOrder = (before: Applied, codeAnnounced: boolean): Decision => {
  const changes: Array<PromotionChange> = before.promotions.map((p) => ({ _tag: "PromotionRemoved", promotion_id: p.promotion_id, reason: "order_completed" }))
  if (before.code !== null && !codeAnnounced) changes.push({ _tag: "CodeRemoved", code: before.code.code, reason: "order_completed" })
  return { applied: { ...before, promotions: [], code: null }, changes }
}

/** The record an order's completion reads: its promotions and code as applied when it was created. */
export const orderRecord = (orderId: string, applied: Applied): OrderRecord => ({
  order_id: orderId,
  session_id: applied.session_id,
  promotion_ids: applied.promotions.map((p) => p.promotion_id),
  code: applied.code?.code ?? null
})
