/**
 * The services HTTP API (SPEC §4.6) as a Hono app over the process runtime: what a cart may have
 * (`/services/available`), what one of its lines may have (`/services/for-item/{item_id}`), what any
 * cart may have (`/services/standalone`). All read this context's own projection of the cart.
 *
 * Which cart: the cart is keyed by session, so `cart_id` is the session id (as SPEC §4.5 says for
 * promotions). The platform's `identify` runs first, as in every session-scoped app; a request names
 * its cart with `?cart_id=` or, without it, by its session (X-Session-Id). When both are given they
 * must agree (400 otherwise: a session reads only its own cart, SPEC §5); a `cart_id` sent without a
 * session is the session, so it is what comes back in X-Session-Id rather than a newly issued one.
 */
import { Hono, type Context, type MiddlewareHandler } from "hono"
import { isSessionId } from "@kasa/shared"
import { availableForCart, listStandaloneServices, type ServiceRulebook, servicesForItem, type ServicesStore } from "@kasa/services"
import { identify, type ModuleRuntime, responder, problemResponse, SESSION_HEADER, type SessionEnv, validationProblem } from "@kasa/app-platform"
import { servicesProblem } from "./errors-to-http.ts"

export type ServicesAppServices = ServicesStore | ServiceRulebook

export const CART_ID_PARAM = "cart_id"

const sessionHeader = (c: Context): string | undefined => {
  const header = c.req.header(SESSION_HEADER)
  return header !== undefined && isSessionId(header) ? header : undefined
}

/** The cart the request asks about, or the 400 to answer instead. */
export const cartOf = (c: Context<SessionEnv>): { readonly ok: true; readonly cartId: string } | { readonly ok: false; readonly response: Response } => {
  const named = c.req.query(CART_ID_PARAM)
  if (named === undefined) return { ok: true, cartId: c.get("sessionId") }
  const refuse = (message: string) => ({ ok: false as const, response: problemResponse(validationProblem([{ field: CART_ID_PARAM, message }])) })
  if (!isSessionId(named)) return refuse("must be a session id (sess_...)")
  const session = sessionHeader(c)
  if (session !== undefined && session !== named) return refuse(`names another cart than the session's (${SESSION_HEADER}); a session reads only its own cart`)
  return { ok: true, cartId: named }
}

/** Outside `identify`: a request that names its cart by `cart_id` alone is that session, and hears so. */
const cartIdIsTheSession: MiddlewareHandler = async (c, next) => {
  await next()
  const named = c.req.query(CART_ID_PARAM)
  if (named !== undefined && isSessionId(named) && sessionHeader(c) === undefined) c.header(SESSION_HEADER, named)
}

export const servicesRoutes = (runtime: ModuleRuntime<ServicesAppServices>): Hono => {
  const respond = responder(runtime, servicesProblem)

  const app = new Hono<SessionEnv>()
  app.use("/services/*", cartIdIsTheSession, identify)

  app.get("/services/available", (c) => {
    const cart = cartOf(c)
    return cart.ok ? respond(c, availableForCart(cart.cartId)) : cart.response
  })

  app.get("/services/for-item/:item_id", (c) => {
    const cart = cartOf(c)
    return cart.ok ? respond(c, servicesForItem(cart.cartId, c.req.param("item_id"))) : cart.response
  })

  app.get("/services/standalone", (c) => respond(c, listStandaloneServices()))

  // Mounted into an untyped Hono (routes are copied, not nested) so any app can mount it.
  return new Hono().route("/", app)
}
