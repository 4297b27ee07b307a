/**
 * The cart's OpenAPI 3.1 paths, generated from the same Schemas the routes decode with and the
 * context answers with (`CartView`), so the document cannot drift from the code. Schemas are
 * inlined: a module contributes paths only, not shared components.
 */
import { addItem, CartView, changeItemQuantity, clearCart, getCart, removeItem } from "@kasa/cart"
import { cartProblems } from "./errors-to-http.ts"
import { AddItemBody, ChangeQuantityBody } from "./routes.ts"
import { errorsOf, SESSION_HEADER, jsonBody, jsonSchema, sessionHeader, sessionParameters as parameters } from "@kasa/app-platform"

const cart = jsonSchema(CartView)

const itemId = { name: "item_id", in: "path", required: true, schema: { type: "string" }, description: "A line of this session's cart" }

const cartResponse = (description: string) => ({
  description,
  headers: { [SESSION_HEADER]: sessionHeader },
  content: { "application/json": { schema: cart } }
})

/**
 * What each operation's use case can fail with (checked against its error type by `errorsOf`); the
 * error responses below are derived from these and the table, and the shop's OpenAPI test reads them.
 */
export const cartOperationErrors = {
  "GET /cart": errorsOf(getCart, ["CartUnavailable"]),
  "DELETE /cart": errorsOf(clearCart, ["CartChangedConcurrently", "CartUnavailable"]),
  "POST /cart/items": errorsOf(addItem, [
    "InvalidQuantity",
    "OfferNotFound",
    "ParentLineNotFound",
    "TooManyLines",
    "LineQuantityLimitExceeded",
    "ParentRequired",
    "ParentNotAllowed",
    "NotAttachable",
    "OfferTypeMismatch",
    "CurrencyMismatch",
    "ServiceNotAvailable",
    "AlreadyAttached",
    "CartChangedConcurrently",
    "CartUnavailable"
  ]),
  "PATCH /cart/items/{item_id}": errorsOf(changeItemQuantity, ["InvalidQuantity", "LineNotFound", "QuantityNotAdjustable", "CartChangedConcurrently", "CartUnavailable"]),
  "DELETE /cart/items/{item_id}": errorsOf(removeItem, ["LineNotFound", "CartChangedConcurrently", "CartUnavailable"])
}

export const cartOpenApiPaths = cartProblems.documented(cartOperationErrors, {
  "/cart": {
    get: {
      tags: ["cart"],
      summary: "The session's cart",
      parameters,
      responses: { "200": cartResponse("The cart (empty at version 0 for a new session)") }
    },
    delete: {
      tags: ["cart"],
      summary: "Empty the cart",
      parameters,
      responses: { "200": cartResponse("The cleared cart") }
    }
  },
  "/cart/items": {
    post: {
      tags: ["cart"],
      summary: "Add an offer, warranty, accessory or service (priced server side)",
      parameters,
      requestBody: jsonBody(AddItemBody),
      responses: { "201": cartResponse("The cart with the item added") }
    }
  },
  "/cart/items/{item_id}": {
    patch: {
      tags: ["cart"],
      summary: "Change a line's quantity (its warranty and service lines follow)",
      parameters: [...parameters, itemId],
      requestBody: jsonBody(ChangeQuantityBody),
      responses: { "200": cartResponse("The cart with the new quantity") }
    },
    delete: {
      tags: ["cart"],
      summary: "Remove a line, with the warranty and service lines attached to it",
      parameters: [...parameters, itemId],
      responses: { "200": cartResponse("The cart without the line") }
    }
  }
})
