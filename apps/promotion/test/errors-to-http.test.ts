// The one table from the promotion's tagged errors to HTTP: every tag has its status and stable code,
// a refusal carries its reason, and problems about a field name it.
import { describe, expect, test } from "bun:test"
import {
  CodeRejected,
  CodeUsageUnavailable,
  NotApplied,
  type PromotionError,
  PromotionNotApplicable,
  PromotionNotFound,
  PromotionsChangedConcurrently,
  PromotionsUnavailable
} from "@kasa/promotion"
import { promotionProblem } from "../src/errors-to-http.ts"

const rows: ReadonlyArray<readonly [PromotionError, number, string, string | undefined, Record<string, unknown>]> = [
  [new PromotionNotFound({ promotion_id: "x" }), 404, "promotion_not_found", "promotion_id", { promotion_id: "x" }],
  [
    new PromotionNotApplicable({ promotion_id: "buy-3-get-1", reason: "not_combinable", detail: "no", conflicts_with: "second-item-half-price" }),
    422,
    "promotion_not_applicable",
    "promotion_id",
    { reason: "not_combinable", conflicts_with: "second-item-half-price" }
  ],
  [new PromotionNotApplicable({ promotion_id: "buy-3-get-1", reason: "minimum_not_met", detail: "no" }), 422, "promotion_not_applicable", "promotion_id", { reason: "minimum_not_met" }],
  ...(["unknown", "expired", "usage_limit_reached", "minimum_not_met", "not_combinable"] as const).map(
    (reason) => [new CodeRejected({ code: "MINUS50", reason, detail: "no" }), 422, "promo_code_invalid", "code", { reason, promo_code: "MINUS50" }] as const
  ),
  [new NotApplied({ id: "WELCOME10" }), 404, "promotion_not_applied", undefined, { id: "WELCOME10" }],
  [new PromotionsChangedConcurrently({ attempts: 5 }), 409, "promotions_conflict", undefined, {}],
  [new PromotionsUnavailable({ operation: "get", message: "down" }), 503, "promotions_unavailable", undefined, {}],
  [new CodeUsageUnavailable({ operation: "redeem", message: "down" }), 503, "promotions_unavailable", undefined, {}]
]

describe("promotion errors → HTTP", () => {
  const label = (error: PromotionError) => ("reason" in error ? `${error._tag} (${error.reason})` : error._tag)
  test.each(rows.map((row) => [label(row[0]), ...row] as const))("%s", (_, error, status, code, field, extra) => {
    const problem = promotionProblem(error)
    expect(problem).toMatchObject({ status, code, type: `https://kasa.dev/problems/${code}`, ...extra })
    if (field === undefined) expect(problem.errors).toBeUndefined()
    else expect(problem.errors?.map((e) => e.field)).toEqual([field])
  })

  test("a store that is down says nothing of its internals", () => {
    expect(JSON.stringify(promotionProblem(new PromotionsUnavailable({ operation: "get", message: "ECONNREFUSED 10.0.0.7:6379" })))).not.toContain("10.0.0.7")
  })
})
