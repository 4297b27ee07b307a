/**
 * The cart's one table from tagged errors to HTTP (SPEC §2): bad input 400, unknown ids 404 (an
 * unknown offer too: SPEC says "unknown ids 404", and an offer id in the body is as much an id as a
 * parent line's), rule violations 422, a cart that kept changing under the command 409, a store that
 * does not answer 503. Each answer is problem+json with a stable code and, where a field is at
 * fault, `errors` naming it, so a client can point at what to fix.
 */
import { type FieldProblem, type Problem, problem } from "@kasa/app-platform"
import type { CartError } from "@kasa/cart"

type Row<E> = (error: E) => Problem

const field = (name: string, message: string): ReadonlyArray<FieldProblem> => [{ field: name, message }]

const table: { readonly [T in CartError["_tag"]]: Row<Extract<CartError, { readonly _tag: T }>> } = {
  InvalidQuantity: (e) => {
    const message = `must be an integer from ${e.min} to ${e.max}`
    return problem(400, "validation_failed", "The request is not valid", { detail: `quantity: ${message}`, errors: field("quantity", message) })
  },
  OfferNotFound: (e) =>
    problem(404, "offer_not_found", "No such offer", { detail: `the catalog has no offer ${e.offer_id}`, errors: field("offer_id", "no such offer"), offer_id: e.offer_id }),
  LineNotFound: (e) => problem(404, "line_not_found", "No such cart line", { detail: `the cart has no line ${e.item_id}`, item_id: e.item_id }),
  ParentLineNotFound: (e) =>
    problem(404, "parent_line_not_found", "No such parent line", {
      detail: `the cart has no line ${e.parent_item_id} to attach to`,
      errors: field("parent_item_id", "no such line in this cart"),
      parent_item_id: e.parent_item_id
    }),
  TooManyLines: (e) => problem(422, "too_many_lines", "The cart is full", { detail: `a cart holds at most ${e.max} lines`, max_lines: e.max }),
  LineQuantityLimitExceeded: (e) =>
    problem(422, "line_quantity_limit", "Too many units on one line", {
      detail: `line ${e.item_id} would hold ${e.quantity} units; a line holds at most ${e.max}`,
      errors: field("quantity", `the line would hold ${e.quantity}; at most ${e.max}`),
      item_id: e.item_id
    }),
  ParentRequired: (e) =>
    problem(422, "parent_required", "This item must be attached to a line", {
      detail: `a ${e.type} is attached to the line it belongs to: give parent_item_id`,
      errors: field("parent_item_id", "required for this type")
    }),
  ParentNotAllowed: (e) =>
    problem(422, "parent_not_allowed", "This item cannot be attached to a line", {
      detail: `a line of type ${e.type} stands on its own`,
      errors: field("parent_item_id", `not allowed for type ${e.type}`)
    }),
  NotAttachable: (e) =>
    problem(422, "not_attachable", "This item cannot be attached to that line", {
      detail: e.reason,
      errors: field("parent_item_id", e.reason),
      offer_id: e.offer_id,
      parent_item_id: e.parent_item_id
    }),
  OfferTypeMismatch: (e) =>
    problem(422, "offer_type_mismatch", "The offer cannot be added as this type", { detail: e.reason, errors: field("type", e.reason), offer_id: e.offer_id }),
  CurrencyMismatch: (e) =>
    problem(422, "currency_mismatch", "The offer is priced in another currency", {
      detail: `the cart is in ${e.cart_currency}, the offer in ${e.offer_currency}`,
      errors: field("offer_id", `priced in ${e.offer_currency}, the cart is in ${e.cart_currency}`)
    }),
  ServiceNotAvailable: (e) =>
    problem(422, "service_not_available", "The service cannot be added", { detail: e.reason, errors: field("offer_id", e.reason), service_id: e.service_id }),
  AlreadyAttached: (e) =>
    problem(409, "already_attached", "The line already has this item", {
      detail:
        e.parent_item_id === null
          ? `the cart already has ${e.offer_id} (line ${e.item_id}); a standalone service is added once`
          : `line ${e.parent_item_id} already has ${e.offer_id} (line ${e.item_id}); a line carries one of each service and one warranty`,
      errors: field("offer_id", "already attached"),
      offer_id: e.offer_id,
      item_id: e.item_id
    }),
  QuantityNotAdjustable: (e) =>
    problem(422, "quantity_not_adjustable", "This line's quantity cannot be set", { detail: e.reason, errors: field("quantity", e.reason), item_id: e.item_id }),
  CartChangedConcurrently: (e) =>
    problem(409, "cart_conflict", "The cart kept changing", { detail: `the cart changed under this request ${e.attempts} times; nothing was applied, try again` }),
  CartUnavailable: () => problem(503, "cart_unavailable", "The cart store is not answering; try again shortly")
}

export const cartProblem = (error: CartError): Problem => (table[error._tag] as Row<CartError>)(error)
