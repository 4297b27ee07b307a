// The one table from the cart's tagged errors to HTTP: every tag has its status and stable code, and
// problems about a field name it.
import { describe, expect, test } from "bun:test"
import {
  AlreadyAttached,
  CartChangedConcurrently,
  type CartError,
  CartUnavailable,
  CurrencyMismatch,
  InvalidQuantity,
  LineNotFound,
  LineQuantityLimitExceeded,
  NotAttachable,
  OfferNotFound,
  OfferTypeMismatch,
  ParentLineNotFound,
  ParentNotAllowed,
  ParentRequired,
  QuantityNotAdjustable,
  ServiceNotAvailable,
  TooManyLines
} from "@kasa/cart"
import { cartProblem } from "../src/errors-to-http.ts"

const rows: ReadonlyArray<readonly [CartError, number, string, string | undefined]> = [
  [new InvalidQuantity({ quantity: 0, min: 1, max: 99 }), 400, "validation_failed", "quantity"],
  [new OfferNotFound({ offer_id: "x" }), 404, "offer_not_found", "offer_id"],
  [new LineNotFound({ item_id: "item_1" }), 404, "line_not_found", undefined],
  [new ParentLineNotFound({ parent_item_id: "item_1" }), 404, "parent_line_not_found", "parent_item_id"],
  [new TooManyLines({ max: 50 }), 422, "too_many_lines", undefined],
  [new LineQuantityLimitExceeded({ item_id: "item_1", quantity: 100, max: 99 }), 422, "line_quantity_limit", "quantity"],
  [new ParentRequired({ type: "warranty" }), 422, "parent_required", "parent_item_id"],
  [new ParentNotAllowed({ type: "offer" }), 422, "parent_not_allowed", "parent_item_id"],
  [new NotAttachable({ offer_id: "w", parent_item_id: "item_1", reason: "no" }), 422, "not_attachable", "parent_item_id"],
  [new OfferTypeMismatch({ offer_id: "w", type: "offer", reason: "no" }), 422, "offer_type_mismatch", "type"],
  [new CurrencyMismatch({ cart_currency: "PLN", offer_currency: "EUR" }), 422, "currency_mismatch", "offer_id"],
  [new ServiceNotAvailable({ service_id: "carry_in", reason: "not yet" }), 422, "service_not_available", "offer_id"],
  [new AlreadyAttached({ offer_id: "carry_in", item_id: "item_2", parent_item_id: "item_1" }), 409, "already_attached", "offer_id"],
  [new QuantityNotAdjustable({ item_id: "item_2", reason: "follows its line" }), 422, "quantity_not_adjustable", "quantity"],
  [new CartChangedConcurrently({ attempts: 5 }), 409, "cart_conflict", undefined],
  [new CartUnavailable({ operation: "get", message: "down" }), 503, "cart_unavailable", undefined]
]

describe("cart errors → HTTP", () => {
  for (const [error, status, code, field] of rows) {
    test(`${error._tag} → ${status} ${code}`, () => {
      const problem = cartProblem(error)
      expect(problem).toMatchObject({ status, code, type: `https://kasa.dev/problems/${code}` })
      expect(problem.errors?.map((e) => e.field)).toEqual(field === undefined ? undefined : [field])
    })
  }

  test("no problem leaks a store's error message", () => {
    expect(JSON.stringify(cartProblem(new CartUnavailable({ operation: "get", message: "ECONNREFUSED 10.0.0.7:6379" })))).not.toContain("10.0.0.7")
  })
})
