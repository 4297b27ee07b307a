/**
 * The promotion's OpenAPI 3.1 paths, generated from the same Schemas the routes decode with and the
 * context answers with, so the document cannot drift from the code. Schemas are inlined: a module
 * contributes paths only, not shared components.
 */
import { AppliedView, AvailableView, CodeAppliedView, CodeInvalidReason, PromotionAppliedView } from "@kasa/promotion"
import { jsonBody, jsonSchema, okResponse as ok, problemResponseSpec as problemResponse, problemSchema, sessionHeader, sessionParameters as parameters, withPlatformEdges } from "@kasa/app-platform"
import { ApplyCodeBody, ApplyPromotionBody } from "./routes.ts"

const common = {
  "409": problemResponse("The cart or the promotions kept changing under the request; nothing was applied"),
  "503": problemResponse("The promotion store is not answering")
}

export const promotionOpenApiPaths = withPlatformEdges({
  "/promotions/available": {
    get: {
      tags: ["promotion"],
      summary: "The promotions this cart qualifies for, with the discount each would give",
      parameters: [...parameters, { name: "cart_id", in: "query", required: true, schema: sessionHeader.schema, description: "The cart's session id" }],
      responses: { "200": ok("Qualifying promotions (none for a cart never seen)", AvailableView), "400": problemResponse("cart_id missing or not a session id"), "503": common["503"] }
    }
  },
  "/promotions/applied": {
    get: {
      tags: ["promotion"],
      summary: "What the session has applied, with the amounts as of its current cart",
      parameters,
      responses: { "200": ok("Applied promotions, the code and the total discount", AppliedView), "503": common["503"] }
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
        "400": problemResponse("Malformed JSON or promotion_id missing"),
        "404": problemResponse("No such promotion"),
        "422": problemResponse("The cart cannot have it: reason not_yet_valid, expired, minimum_not_met or not_combinable"),
        ...common
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
        "400": problemResponse("Malformed JSON, or code missing, empty or too long"),
        "422": problemResponse("The code cannot be applied; promotion.code_invalid is published with the same reason", {
          properties: { ...problemSchema.properties, reason: jsonSchema(CodeInvalidReason), promo_code: { type: "string" } }
        }),
        ...common
      }
    }
  },
  "/promotions/{id}": {
    delete: {
      tags: ["promotion"],
      summary: "Remove an applied promotion (by id) or code",
      parameters: [...parameters, { name: "id", in: "path", required: true, schema: { type: "string" }, description: "A promotion id or a code (any case)" }],
      responses: { "200": ok("What stays applied", AppliedView), "404": problemResponse("Not applied to this session"), ...common }
    }
  }
})
