/**
 * The cart's HTTP API (SPEC §4.2) as a Hono app over the process runtime. Handlers are thin: who is
 * asking (the platform's session.ts), the body checked against its Schema (400 naming the field; a price or any
 * other unknown field is ignored), one use case run under the request's span (`inRequest`), and the
 * cart body or the problem from the one error table. Every mutating endpoint answers with the same
 * cart body as `GET /cart`.
 */
import { Schema } from "effect"
import { Hono } from "hono"
import { addItem, changeItemQuantity, clearCart, type CartStore, getCart, LineType, type OfferLookup, Quantity, removeItem, type ServicePricing } from "@kasa/cart"
import { identify, idempotency, type ModuleRuntime, readJson, requester, responder, type SessionEnv } from "@kasa/app-platform"
import { cartProblem } from "./errors-to-http.ts"

export type CartServices = CartStore | OfferLookup | ServicePricing

const Id = Schema.String.check(Schema.isNonEmpty(), Schema.isMaxLength(128))

export const AddItemBody = Schema.Struct({
  offer_id: Id.annotate({ description: "The catalog offer, or the service id for type service" }),
  quantity: Quantity.annotate({ description: "Units to add, 1..99 (merged into an existing line of the same offer, type and parent)" }),
  type: LineType.annotate({ description: "offer: a product on its own; warranty, service: attached to a line; accessory: optionally attached" }),
  parent_item_id: Schema.optionalKey(Schema.NullOr(Id).annotate({ description: "The line a warranty, service or accessory is attached to" }))
})

export const ChangeQuantityBody = Schema.Struct({
  quantity: Quantity.annotate({ description: "The line's new quantity, 1..99" })
})

export const cartRoutes = (runtime: ModuleRuntime<CartServices>): Hono => {
  const respond = responder(runtime, cartProblem)
  const once = idempotency(runtime)

  const app = new Hono<SessionEnv>()
  // `/cart/*` matches `/cart` itself too: one pass of `identify` per request.
  app.use("/cart/*", identify(runtime))

  app.get("/cart", (c) => respond(c, getCart(c.get("sessionId"))))

  app.post("/cart/items", once, async (c) => {
    const body = await readJson(c, AddItemBody)
    if (!body.ok) return body.response
    const { offer_id, quantity, type, parent_item_id } = body.value
    return respond(c, addItem(requester(c), { offer_id, quantity, type, parent_item_id: parent_item_id ?? null }), 201)
  })

  app.patch("/cart/items/:item_id", async (c) => {
    const body = await readJson(c, ChangeQuantityBody)
    if (!body.ok) return body.response
    return respond(c, changeItemQuantity(requester(c), c.req.param("item_id"), body.value.quantity))
  })

  app.delete("/cart/items/:item_id", (c) => respond(c, removeItem(requester(c), c.req.param("item_id"))))

  app.delete("/cart", (c) => respond(c, clearCart(requester(c))))

  // Mounted into an untyped Hono (routes are copied, not nested) so any app can mount it.
  return new Hono().route("/", app)
}
