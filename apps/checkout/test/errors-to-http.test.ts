// The one table from checkout's tagged errors to HTTP: every tag has its status and stable code, the
// facts a client needs (missing items, new totals, short lines), and problems about a field name it.
import { describe, expect, test } from "bun:test"
import {
  AppliedCodeRefused,
  CheckoutChangedConcurrently,
  CheckoutNotOpen,
  CheckoutUnavailable,
  InvalidCustomerData,
  MissingForFinalize,
  OutOfStock,
  TotalChanged
} from "@kasa/checkout"
import { type CheckoutError, checkoutProblem } from "../src/errors-to-http.ts"

const totals = { cart_total: 100, promotion_discount: 0, shipping_total: 10, services_total: 0, grand_total: 110, currency: "PLN" }

const rows: ReadonlyArray<readonly [CheckoutError, number, string, string | undefined, Record<string, unknown>]> = [
  [new InvalidCustomerData({ fields: [{ field: "invoice.tax_id", message: "bad NIP" }] }), 422, "invalid_customer_data", "invoice.tax_id", {}],
  [new MissingForFinalize({ missing: ["cart", "consents"] }), 422, "checkout_incomplete", "cart", { missing: ["cart", "consents"] }],
  [new CheckoutNotOpen({ status: "finalized", order_id: "ord_1" }), 409, "checkout_not_open", undefined, { checkout_status: "finalized", order_id: "ord_1" }],
  [new TotalChanged({ expected_total: 100, totals }), 409, "total_changed", "expected_total", { totals }],
  [new AppliedCodeRefused({ code: "MINUS50", reason: "usage_limit_reached", detail: "used up" }), 409, "promo_code_not_usable", undefined, { code_applied: "MINUS50", reason: "usage_limit_reached" }],
  [new OutOfStock({ lines: [{ offer_id: "tv", requested: 2, available: 1 }] }), 409, "out_of_stock", "lines.tv", { lines: [{ offer_id: "tv", requested: 2, available: 1 }] }],
  [new CheckoutChangedConcurrently({ attempts: 5 }), 409, "checkout_conflict", undefined, {}],
  [new CheckoutUnavailable({ operation: "get", message: "down" }), 503, "checkout_unavailable", undefined, {}]
]

describe("checkout's errors as problem+json", () => {
  test.each(rows.map((row) => [row[0]._tag, ...row] as const))("%s → %i %s", (_, error, status, code, field, members) => {
    const problem = checkoutProblem(error)
    expect(problem).toMatchObject({ status, code, ...members })
    if (field !== undefined) expect(problem.errors?.map((e) => e.field)).toContain(field)
  })
})
