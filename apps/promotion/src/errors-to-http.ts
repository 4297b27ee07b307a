/**
 * The promotion's one table from tagged errors to HTTP (SPEC §2, §4.5): an unknown promotion id or
 * something not applied 404, a code or promotion the cart cannot have 422 with its `reason` (a code's
 * being one of SPEC's: unknown, expired, usage_limit_reached, minimum_not_met, not_combinable), a
 * session that kept changing under the request 409, a store that does not answer 503. Each answer is
 * problem+json with a stable code and, where a field is at fault, `errors` naming it.
 */
import { type FieldProblem, type Problem, problem } from "@kasa/app-platform"
import type { PromotionError } from "@kasa/promotion"

type Row<E> = (error: E) => Problem

const field = (name: string, message: string): ReadonlyArray<FieldProblem> => [{ field: name, message }]

const table: { readonly [T in PromotionError["_tag"]]: Row<Extract<PromotionError, { readonly _tag: T }>> } = {
  PromotionNotFound: (e) =>
    problem(404, "promotion_not_found", "No such promotion", {
      detail: `there is no promotion ${e.promotion_id}`,
      errors: field("promotion_id", "no such promotion"),
      promotion_id: e.promotion_id
    }),
  PromotionNotApplicable: (e) =>
    problem(422, "promotion_not_applicable", "The promotion cannot be applied to this cart", {
      detail: e.detail,
      reason: e.reason,
      errors: field("promotion_id", e.detail),
      promotion_id: e.promotion_id,
      ...(e.conflicts_with === undefined ? {} : { conflicts_with: e.conflicts_with })
    }),
  CodeRejected: (e) =>
    problem(422, "promo_code_invalid", "The code cannot be applied", { detail: e.detail, reason: e.reason, errors: field("code", e.detail), promo_code: e.code }),
  NotApplied: (e) => problem(404, "promotion_not_applied", "Not applied", { detail: `this session has no promotion or code ${e.id} applied`, id: e.id }),
  PromotionsChangedConcurrently: (e) =>
    problem(409, "promotions_conflict", "The session's promotions kept changing", {
      detail: `the cart or the promotions changed under this request ${e.attempts} times; nothing was applied, try again`
    }),
  PromotionsUnavailable: () => problem(503, "promotions_unavailable", "The promotion store is not answering; try again shortly"),
  CodeUsageUnavailable: () => problem(503, "promotions_unavailable", "The code usage counters are not answering; try again shortly")
}

export const promotionProblem = (error: PromotionError): Problem => (table[error._tag] as Row<PromotionError>)(error)
