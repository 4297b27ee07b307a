/**
 * The promotion use cases as Effect programs over the ports. Each command is one transaction: load
 * the session (cart projection and applied discounts, one read), decide with the pure domain, save
 * the applied discounts with their events (one atomic write that applies only if neither the
 * consumer nor another request wrote since the read). On a conflict the whole command runs again on
 * the fresh state, a few times, then gives up with PromotionsChangedConcurrently. A command that
 * changes nothing writes and publishes nothing; a rejected code writes no state but publishes
 * `promotion.code_invalid` (SPEC §3.4 asks for it), and nothing else does.
 */
import { Clock, Effect } from "effect"
import { answering, cartHash, type CommandContext, retryOnConflict } from "@kasa/shared"
import { hasUsesLeft } from "./code-usage.ts"
import { addCode, addPromotion, type Decision, removeApplied } from "./domain.ts"
import { evaluateCode } from "./evaluation.ts"
import { type CodeInvalidReason, type CodeUsageUnavailable, PromotionsChangedConcurrently, type PromotionsUnavailable } from "./errors.ts"
import { codeInvalidEnvelope, type EventContext, promotionEnvelopes } from "./events.ts"
import { CodeUsage, type LoadedSession, PromotionRules, PromotionStore } from "./ports.ts"
import { normalizeCode, type Rules } from "./rules.ts"
import { type AvailableView, availablePromotions, type CodeAppliedView, type PromotionAppliedView, toAppliedView } from "./view.ts"

export type { CommandContext } from "@kasa/shared"

/** How many times a command runs before a write conflict becomes PromotionsChangedConcurrently. */
export const MAX_ATTEMPTS = 5

const eventContext = (context: CommandContext, nowMs: number): EventContext => ({
  session_id: context.session_id,
  correlation_id: context.correlation_id,
  user_id: context.user_id,
  occurred_at: new Date(nowMs)
})

/** `present` turns the decision into the command's answer, which an Idempotency-Key request commits with it. */
const transact = <A, E extends { readonly _tag: string }, R>(
  context: CommandContext,
  decide: (loaded: LoadedSession, rules: Rules, nowMs: number) => Effect.Effect<Decision, E, R>,
  present: (decision: Decision) => A
) =>
  Effect.gen(function* () {
    const store = yield* PromotionStore
    const { rules } = yield* PromotionRules
    const loaded = yield* store.load(context.session_id)
    const nowMs = yield* Clock.currentTimeMillis
    const decision = yield* decide(loaded, rules, nowMs)
    const answer = present(decision)
    if (decision.changes.length > 0) {
      const events = promotionEnvelopes(decision.changes, decision.applied, eventContext(context, nowMs))
      yield* store.save({ loaded, applied: decision.applied, events }).pipe(answering(answer))
    }
    return answer
  }).pipe(retryOnConflict(MAX_ATTEMPTS, () => new PromotionsChangedConcurrently({ attempts: MAX_ATTEMPTS })))

/** The promotions the session's cart qualifies for now, from the cache of its content when the current rules filled it. */
export const availableFor = Effect.fn("Promotion.availableFor")(function* (sessionId: string) {
  const store = yield* PromotionStore
  const { rules } = yield* PromotionRules
  const { cart } = yield* store.load(sessionId)
  const cached = yield* store.cachedAvailable(cartHash(cart))
  if (cached !== undefined && cached.rules === rules.fingerprint) return { promotions: cached.promotions } satisfies AvailableView
  return { promotions: availablePromotions(rules, cart, yield* Clock.currentTimeMillis) } satisfies AvailableView
})

/** What the session has applied, with the amounts as of its current cart. */
export const appliedFor = Effect.fn("Promotion.appliedFor")(function* (sessionId: string) {
  const store = yield* PromotionStore
  return toAppliedView((yield* store.load(sessionId)).applied)
})

/** Applies a promotion of the rules file; the same promotion again changes nothing. */
export const applyPromotion = Effect.fn("Promotion.applyPromotion")(function* (context: CommandContext, promotionId: string) {
  return yield* transact(
    context,
    (loaded, rules, nowMs) => Effect.fromResult(addPromotion(rules, loaded.cart, loaded.applied, promotionId, nowMs)),
    // The decision holds the promotion whenever it succeeds (addPromotion refuses otherwise).
    (decision): PromotionAppliedView => ({ ...decision.applied.promotions.find((p) => p.promotion_id === promotionId)!, discount_currency: decision.applied.currency })
  )
})

/** Applies a code (any case); a refusal publishes `promotion.code_invalid` with its reason and changes nothing else. */
export const applyCode = Effect.fn("Promotion.applyCode")(function* (context: CommandContext, typed: string) {
  const usage = yield* CodeUsage
  return yield* transact(
    context,
    (loaded, rules, nowMs) =>
      Effect.gen(function* () {
        const rule = rules.codeByCode.get(normalizeCode(typed))
        // Only a limited code needs its count; an unknown or unlimited one never touches the counters.
        const used = rule === undefined || rule.usage_limit === null ? 0 : yield* usage.used(rule.code)
        return yield* Effect.fromResult(addCode(rules, loaded.cart, loaded.applied, typed, nowMs, used))
      }),
    // The decision holds the code whenever it succeeds (addCode refuses otherwise).
    (decision): CodeAppliedView => ({ code: decision.applied.code!.code, discount_amount: decision.applied.code!.discount_amount, discount_currency: decision.applied.currency })
  ).pipe(
    Effect.tapError((error) =>
      error._tag === "CodeRejected"
        ? Effect.flatMap(Clock.currentTimeMillis, (nowMs) =>
            Effect.flatMap(PromotionStore, (store) => store.publish([codeInvalidEnvelope(error.code, error.reason, eventContext(context, nowMs))]))
          )
        : Effect.void
    )
  )
})

/** Removes an applied promotion (by id) or code (any case); answers what stays applied. */
export const removePromotion = Effect.fn("Promotion.removePromotion")(function* (context: CommandContext, id: string) {
  return yield* transact(context, (loaded, rules, nowMs) => Effect.fromResult(removeApplied(rules, loaded.cart, loaded.applied, id, nowMs)), (decision) => toAppliedView(decision.applied))
})

/** What the checkout's finalize learns about the session's code: none, usable (with its amount), or why not. */
export type CodeCheck =
  | { readonly code: null; readonly ok: true }
  | { readonly code: string; readonly ok: true; readonly discount_amount: number; readonly used: number; readonly usage_limit: number | null }
  | { readonly code: string; readonly ok: false; readonly reason: CodeInvalidReason; readonly detail: string }

/**
 * The check SPEC §4.5 has the checkout repeat at finalize: is the session's code still in its
 * window, still within its usage limit (counted uses now, not when it was applied), and still met by
 * the cart? It reads only; the count itself happens when the order completes.
 */
export const checkAppliedCode = Effect.fn("Promotion.checkAppliedCode")(function* (sessionId: string): Effect.fn.Return<CodeCheck, PromotionsUnavailable | CodeUsageUnavailable, PromotionStore | PromotionRules | CodeUsage> {
  const store = yield* PromotionStore
  const { rules } = yield* PromotionRules
  const usage = yield* CodeUsage
  const { cart, applied } = yield* store.load(sessionId)
  if (applied.code === null) return { code: null, ok: true }
  const code = applied.code.code
  const refuse = (reason: CodeInvalidReason, detail: string): CodeCheck => ({ code, ok: false, reason, detail })
  const rule = rules.codeByCode.get(code)
  if (rule === undefined) return refuse("unknown", `there is no code ${code} any more`)
  const used = yield* usage.used(code)
  if (!hasUsesLeft(rule, used)) return refuse("usage_limit_reached", `${code} has been used ${used} of ${rule.usage_limit} times`)
  const promotionsTotal = applied.promotions.reduce((sum, p) => sum + p.discount_amount, 0)
  const evaluation = evaluateCode(rules, rule, cart, yield* Clock.currentTimeMillis, promotionsTotal)
  if (!evaluation.ok) return refuse(evaluation.reason, evaluation.detail)
  return { code, ok: true, discount_amount: evaluation.amount, used, usage_limit: rule.usage_limit }
})
