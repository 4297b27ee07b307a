/**
 * The promotion's OpenAPI 3.1 paths, generated from the same Schemas the routes decode with and the
 * context answers with, so the document cannot drift from the code. Schemas are inlined: a module
 * contributes paths only, not shared components.
 */
import { AppliedView, appliedFor, applyCode, applyPromotion, availableFor, AvailableView, CodeAppliedView, CodeInvalidReason, PromotionAppliedView, removePromotion } from "@kasa/promotion"
import { cartIdParameter, errorsOf, jsonBody, jsonSchema, okResponse as ok, problemResponseSpec as problemResponse, problemSchema, sessionParameters as parameters } from "@kasa/app-platform"
import { promotionProblems } from "./errors-to-http.ts"
import { ApplyCodeBody, ApplyPromotionBody } from "./routes.ts"

/** What each operation's use case can fail with (checked by `errorsOf`); its error responses are derived from these. */
export const promotionOperationErrors = {
  "GET /promotions/available": errorsOf(availableFor, ["PromotionsUnavailable"]),
  "GET /promotions/applied": errorsOf(appliedFor, ["PromotionsUnavailable"]),
  "POST /promotions/apply": errorsOf(applyPromotion, ["PromotionNotFound", "PromotionNotApplicable", "PromotionsChangedConcurrently", "PromotionsUnavailable"]),
  "POST /promotions/apply-code": errorsOf(applyCode, ["CodeRejected", "PromotionsChangedConcurrently", "PromotionsUnavailable", "CodeUsageUnavailable"]),
  "DELETE /promotions/{id}": errorsOf(removePromotion, ["NotApplied", "PromotionsChangedConcurrently", "PromotionsUnavailable"])
}

export const promotionOpenApiPaths = promotionProblems.documented(promotionOperationErrors, {
  "/promotions/available": {
    get: {
      tags: ["promotion"],
      summary: "The promotions this cart qualifies for, with the discount each would give",
      parameters: [...parameters, cartIdParameter],
      responses: { "200": ok("Qualifying promotions (none for a cart never seen)", AvailableView) }
    }
  },
  "/promotions/applied": {
    get: {
      tags: ["promotion"],
      summary: "What the session has applied, with the amounts as of its current cart",
      parameters,
      responses: { "200": ok("Applied promotions, the code and the total discount", AppliedView) }
    }
  },
  "/promotions/apply": {
    post: {
      tags: ["promotion"],
      summary: "Apply a promotion of the rules file",
      parameters,
      requestBody: jsonBody(ApplyPromotionBody),
      responses: {
        "200": ok("The promotion as applied to this cart (the same answer again if it already was)", PromotionAppliedView),
        "422": problemResponse("The cart cannot have it: reason not_yet_valid, expired, minimum_not_met or not_combinable")
      }
    }
  },
  "/promotions/apply-code": {
    post: {
      tags: ["promotion"],
      summary: "Apply a promo code (one per cart; combines with one promotion)",
      parameters,
      requestBody: jsonBody(ApplyCodeBody),
      responses: {
        "200": ok("The code as applied to this cart", CodeAppliedView),
        "422": problemResponse("The code cannot be applied; promotion.code_invalid is published with the same reason", {
          properties: { ...problemSchema.properties, reason: jsonSchema(CodeInvalidReason), promo_code: { type: "string" } }
        })
      }
    }
  },
  "/promotions/{id}": {
    delete: {
      tags: ["promotion"],
      summary: "Remove an applied promotion (by id) or code",
      parameters: [...parameters, { name: "id", in: "path", required: true, schema: { type: "string" }, description: "A promotion id or a code (any case)" }],
      responses: { "200": ok("What stays applied", AppliedView) }
    }
  }
})
