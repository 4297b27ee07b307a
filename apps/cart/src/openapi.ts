/**
 * The cart's OpenAPI 3.1 paths, generated from the same Schemas the routes decode with and the
 * context answers with (`CartView`), so the document cannot drift from the code. Schemas are
 * inlined: a module contributes paths only, not shared components.
 */
import { CartView } from "@kasa/cart"
import { AddItemBody, ChangeQuantityBody } from "./routes.ts"
import { SESSION_HEADER, jsonBody, jsonSchema, problemResponseSpec as problemResponse, sessionHeader, sessionParameters as parameters, withPlatformEdges } from "@kasa/app-platform"

const cart = jsonSchema(CartView)

const itemId = { name: "item_id", in: "path", required: true, schema: { type: "string" }, description: "A line of this session's cart" }

const cartResponse = (description: string) => ({
  description,
  headers: { [SESSION_HEADER]: sessionHeader },
  content: { "application/json": { schema: cart } }
})

const common = {
  "409": problemResponse("The cart kept changing under the request; nothing was applied"),
  "503": problemResponse("The cart store is not answering")
}

export const cartOpenApiPaths = withPlatformEdges({
  "/cart": {
    get: {
      tags: ["cart"],
      summary: "The session's cart",
      parameters,
      responses: { "200": cartResponse("The cart (empty at version 0 for a new session)"), "503": common["503"] }
    },
    delete: {
      tags: ["cart"],
      summary: "Empty the cart",
      parameters,
      responses: { "200": cartResponse("The cleared cart"), ...common }
    }
  },
  "/cart/items": {
    post: {
      tags: ["cart"],
      summary: "Add an offer, warranty, accessory or service (priced server side)",
      parameters,
      requestBody: jsonBody(AddItemBody),
      responses: {
        "201": cartResponse("The cart with the item added"),
        "400": problemResponse("Malformed JSON, a field of the wrong type, a quantity outside 1..99, or an Idempotency-Key without a session"),
        "404": problemResponse("No such offer, or no such parent line in this cart"),
        "422": problemResponse("A rule forbids it: too many lines, too many units, a warranty or service the parent line does not allow, another currency, services not available"),
        ...common,
        "409": problemResponse("The line already has this service or warranty (already_attached; another warranty replaces the first), or the cart kept changing under the request; nothing was applied")
      }
    }
  },
  "/cart/items/{item_id}": {
    patch: {
      tags: ["cart"],
      summary: "Change a line's quantity (its warranty and service lines follow)",
      parameters: [...parameters, itemId],
      requestBody: jsonBody(ChangeQuantityBody),
      responses: {
        "200": cartResponse("The cart with the new quantity"),
        "400": problemResponse("Malformed JSON or a quantity outside 1..99"),
        "404": problemResponse("No such line in this cart"),
        "422": problemResponse("A warranty or service line: its quantity follows its parent line (or is 1 per cart), change the parent instead"),
        ...common
      }
    },
    delete: {
      tags: ["cart"],
      summary: "Remove a line, with the warranty and service lines attached to it",
      parameters: [...parameters, itemId],
      responses: { "200": cartResponse("The cart without the line"), "404": problemResponse("No such line in this cart"), ...common }
    }
  }
})
