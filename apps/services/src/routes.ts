/**
 * The services HTTP API (SPEC §4.6) as a Hono app over the process runtime: what a cart may have
 * (`/services/available`), what one of its lines may have (`/services/for-item/{item_id}`), what any
 * cart may have (`/services/standalone`). All read this context's own projection of the cart.
 *
 * Which cart: the caller's own, named by its session (X-Session-Id); `?cart_id=` may name it too and
 * must then be the caller's session_id (the platform's `callersCart`: a session reads only its own
 * cart, SPEC §5).
 */
import { Hono } from "hono"
import { availableForCart, listStandaloneServices, type ServiceRulebook, servicesForItem, type ServicesStore } from "@kasa/services"
import { callersCart, identify, type ModuleRuntime, responder, type SessionEnv } from "@kasa/app-platform"
import { servicesProblem } from "./errors-to-http.ts"

export type ServicesAppServices = ServicesStore | ServiceRulebook

export const servicesRoutes = (runtime: ModuleRuntime<ServicesAppServices>): Hono => {
  const respond = responder(runtime, servicesProblem)

  const app = new Hono<SessionEnv>()
  app.use("/services/*", identify(runtime))

  app.get("/services/available", (c) => {
    const cart = callersCart(c)
    return cart.ok ? respond(c, availableForCart(cart.cartId)) : cart.response
  })

  app.get("/services/for-item/:item_id", (c) => {
    const cart = callersCart(c)
    return cart.ok ? respond(c, servicesForItem(cart.cartId, c.req.param("item_id"))) : cart.response
  })

  app.get("/services/standalone", (c) => respond(c, listStandaloneServices()))

  // Mounted into an untyped Hono (routes are copied, not nested) so any app can mount it.
  return new Hono().route("/", app)
}
