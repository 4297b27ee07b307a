/**
 * The cart's one table from tagged errors to HTTP (SPEC §2): bad input 400, unknown ids 404 (an
 * unknown offer too: SPEC says "unknown ids 404", and an offer id in the body is as much an id as a
 * parent line's), rule violations 422, a cart that kept changing under the command 409, a store that
 * does not answer 503. Each answer is problem+json with a stable code and, where a field is at
 * fault, `errors` naming it, so a client can point at what to fix.
 */
import { fieldAt, problemTable, row } from "@kasa/app-platform"
import type { CartError } from "@kasa/cart"

/** The table: `cartProblems.toProblem` for the routes, `cartProblems.responses` for the OpenAPI document (openapi.ts). */
export const cartProblems = problemTable<CartError>()({
  InvalidQuantity: row(400, "validation_failed", "The request is not valid", (e) => {
    const message = `must be an integer from ${e.min} to ${e.max}`
    return { detail: `quantity: ${message}`, errors: fieldAt("quantity", message) }
  }),
  OfferNotFound: row(404, "offer_not_found", "No such offer", (e) => ({ detail: `the catalog has no offer ${e.offer_id}`, errors: fieldAt("offer_id", "no such offer"), offer_id: e.offer_id })),
  LineNotFound: row(404, "line_not_found", "No such cart line", (e) => ({ detail: `the cart has no line ${e.item_id}`, item_id: e.item_id })),
  ParentLineNotFound: row(404, "parent_line_not_found", "No such parent line", (e) => ({
    detail: `the cart has no line ${e.parent_item_id} to attach to`,
    errors: fieldAt("parent_item_id", "no such line in this cart"),
    parent_item_id: e.parent_item_id
  })),
  TooManyLines: row(422, "too_many_lines", "The cart is full", (e) => ({ detail: `a cart holds at most ${e.max} lines`, max_lines: e.max })),
  LineQuantityLimitExceeded: row(422, "line_quantity_limit", "Too many units on one line", (e) => ({
    detail: `line ${e.item_id} would hold ${e.quantity} units; a line holds at most ${e.max}`,
    errors: fieldAt("quantity", `the line would hold ${e.quantity}; at most ${e.max}`),
    item_id: e.item_id
  })),
  ParentRequired: row(422, "parent_required", "This item must be attached to a line", (e) => ({
    detail: `a ${e.type} is attached to the line it belongs to: give parent_item_id`,
    errors: fieldAt("parent_item_id", "required for this type")
  })),
  ParentNotAllowed: row(422, "parent_not_allowed", "This item cannot be attached to a line", (e) => ({
    detail: `a line of type ${e.type} stands on its own`,
    errors: fieldAt("parent_item_id", `not allowed for type ${e.type}`)
  })),
  NotAttachable: row(422, "not_attachable", "This item cannot be attached to that line", (e) => ({
    detail: e.reason,
    errors: fieldAt("parent_item_id", e.reason),
    offer_id: e.offer_id,
    parent_item_id: e.parent_item_id
  })),
  OfferTypeMismatch: row(422, "offer_type_mismatch", "The offer cannot be added as this type", (e) => ({ detail: e.reason, errors: fieldAt("type", e.reason), offer_id: e.offer_id })),
  CurrencyMismatch: row(422, "currency_mismatch", "The offer is priced in another currency", (e) => ({
    detail: `the cart is in ${e.cart_currency}, the offer in ${e.offer_currency}`,
    errors: fieldAt("offer_id", `priced in ${e.offer_currency}, the cart is in ${e.cart_currency}`)
  })),
  ServiceNotAvailable: row(422, "service_not_available", "The service cannot be added", (e) => ({ detail: e.reason, errors: fieldAt("offer_id", e.reason), service_id: e.service_id })),
  AlreadyAttached: row(409, "already_attached", "The line already has this item", (e) => ({
    detail:
      e.parent_item_id === null
        ? `the cart already has ${e.offer_id} (line ${e.item_id}); a standalone service is added once`
        : `line ${e.parent_item_id} already has ${e.offer_id} (line ${e.item_id}); a line carries one of each service and one warranty`,
    errors: fieldAt("offer_id", "already attached"),
    offer_id: e.offer_id,
    item_id: e.item_id
  })),
  QuantityNotAdjustable: row(422, "quantity_not_adjustable", "This line's quantity cannot be set", (e) => ({ detail: e.reason, errors: fieldAt("quantity", e.reason), item_id: e.item_id })),
  CartChangedConcurrently: row(409, "cart_conflict", "The cart kept changing", (e) => ({ detail: `the cart changed under this request ${e.attempts} times; nothing was applied, try again` })),
  CartUnavailable: row(503, "cart_unavailable", "The cart store is not answering; try again shortly")
})

export const cartProblem = cartProblems.toProblem
