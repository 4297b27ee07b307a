/**
 * The promotion's HTTP API (SPEC §4.5) as a Hono app over the process runtime. Handlers are thin: who
 * is asking (the platform's session.ts), the body or query checked against its Schema (400 naming the
 * field, nothing changed or published), one use case run under the request's span, and the body or
 * the problem from the one error table. `/promotions/available` reads the caller's cart; `cart_id`
 * may name it, and must then be the caller's own session_id (the platform's `callersCart`).
 */
import { Schema } from "effect"
import { Hono } from "hono"
import {
  appliedFor,
  applyCode,
  applyPromotion,
  availableFor,
  type CodeUsage,
  type PromotionRules,
  type PromotionStore,
  removePromotion
} from "@kasa/promotion"
import { callersCart, identify, idempotency, type ModuleRuntime, responder, readJson, requester, type SessionEnv } from "@kasa/app-platform"
import { promotionProblem } from "./errors-to-http.ts"

export type PromotionServices = PromotionStore | PromotionRules | CodeUsage

export const ApplyPromotionBody = Schema.Struct({
  promotion_id: Schema.String.check(Schema.isNonEmpty(), Schema.isMaxLength(64)).annotate({ description: "A promotion of the rules file, e.g. second-item-half-price" })
})

/** What a shopper typed: any case, surrounding spaces ignored; no control characters. */
export const ApplyCodeBody = Schema.Struct({
  code: Schema.String.check(
    Schema.makeFilter((value: string) => (value.trim().length >= 1 && value.trim().length <= 64) || "must be 1 to 64 characters"),
    Schema.makeFilter((value: string) => !/[\u0000-\u001f\u007f]/.test(value) || "must not contain control characters")
  ).annotate({ description: "The promo code as typed, e.g. WELCOME10 (case does not matter)" })
})

export const promotionRoutes = (runtime: ModuleRuntime<PromotionServices>): Hono => {
  const respond = responder(runtime, promotionProblem)
  const once = idempotency(runtime)

  const app = new Hono<SessionEnv>()
  app.use("/promotions/*", identify(runtime))

  app.get("/promotions/available", (c) => {
    const cart = callersCart(c)
    return cart.ok ? respond(c, availableFor(cart.cartId)) : cart.response
  })

  app.get("/promotions/applied", (c) => respond(c, appliedFor(c.get("sessionId"))))

  app.post("/promotions/apply", once, async (c) => {
    const body = await readJson(c, ApplyPromotionBody)
    if (!body.ok) return body.response
    return respond(c, applyPromotion(requester(c), body.value.promotion_id))
  })

  app.post("/promotions/apply-code", once, async (c) => {
    const body = await readJson(c, ApplyCodeBody)
    if (!body.ok) return body.response
    return respond(c, applyCode(requester(c), body.value.code))
  })

  app.delete("/promotions/:id", (c) => respond(c, removePromotion(requester(c), c.req.param("id"))))

  // Mounted into an untyped Hono (routes are copied, not nested) so any app can mount it.
  return new Hono().route("/", app)
}
