/**
 * The promotion's one table from tagged errors to HTTP (SPEC §2, §4.5): an unknown promotion id or
 * something not applied 404, a code or promotion the cart cannot have 422 with its `reason` (a code's
 * being one of SPEC's: unknown, expired, usage_limit_reached, minimum_not_met, not_combinable), a
 * session that kept changing under the request 409, a store that does not answer 503. Each answer is
 * problem+json with a stable code and, where a field is at fault, `errors` naming it.
 */
import { fieldAt, problemTable, row } from "@kasa/app-platform"
import type { PromotionError } from "@kasa/promotion"

/** The table: `promotionProblems.toProblem` for the routes, `promotionProblems.responses` for the OpenAPI document (openapi.ts). */
export const promotionProblems = problemTable<PromotionError>()({
  PromotionNotFound: row(404, "promotion_not_found", "No such promotion", (e) => ({
    detail: `there is no promotion ${e.promotion_id}`,
    errors: fieldAt("promotion_id", "no such promotion"),
    promotion_id: e.promotion_id
  })),
  PromotionNotApplicable: row(422, "promotion_not_applicable", "The promotion cannot be applied to this cart", (e) => ({
    detail: e.detail,
    reason: e.reason,
    errors: fieldAt("promotion_id", e.detail),
    promotion_id: e.promotion_id,
    ...(e.conflicts_with === undefined ? {} : { conflicts_with: e.conflicts_with })
  })),
  CodeRejected: row(422, "promo_code_invalid", "The code cannot be applied", (e) => ({ detail: e.detail, reason: e.reason, errors: fieldAt("code", e.detail), promo_code: e.code })),
  NotApplied: row(404, "promotion_not_applied", "Not applied", (e) => ({ detail: `this session has no promotion or code ${e.id} applied`, id: e.id })),
  PromotionsChangedConcurrently: row(409, "promotions_conflict", "The session's promotions kept changing", (e) => ({
    detail: `the cart or the promotions changed under this request ${e.attempts} times; nothing was applied, try again`
  })),
  PromotionsUnavailable: row(503, "promotions_unavailable", "The promotion store is not answering; try again shortly"),
  CodeUsageUnavailable: row(503, "promotions_unavailable", "The code usage counters are not answering; try again shortly")
})

export const promotionProblem = promotionProblems.toProblem
