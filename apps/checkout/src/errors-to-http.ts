/**
 * Checkout's one table from tagged errors to HTTP (SPEC §2, §4.7): rules the shopper's data breaks
 * and what finalize finds missing are 422 (the data is well formed but not acceptable, or not there
 * yet: `missing` lists it); a state that changed under the request is 409 (the order is under way, the
 * grand total moved, the applied code cannot be used any more, stock ran short: each answer carries
 * what changed, the new totals or the short lines); a store that does not answer is 503.
 */
import { fieldAt, problemTable, row } from "@kasa/app-platform"
import type {
  AppliedCodeRefused,
  CheckoutChangedConcurrently,
  CheckoutNotOpen,
  CheckoutUnavailable,
  InvalidCustomerData,
  MissingForFinalize,
  OutOfStock,
  TotalChanged
} from "@kasa/checkout"

export type CheckoutError =
  | AppliedCodeRefused
  | CheckoutChangedConcurrently
  | CheckoutNotOpen
  | CheckoutUnavailable
  | InvalidCustomerData
  | MissingForFinalize
  | OutOfStock
  | TotalChanged

export const checkoutProblems = problemTable<CheckoutError>()({
  InvalidCustomerData: row(422, "invalid_customer_data", "The customer data breaks a rule", (e) => ({
    detail: e.fields.map((f) => `${f.field}: ${f.message}`).join("; "),
    errors: e.fields
  })),
  MissingForFinalize: row(422, "checkout_incomplete", "The checkout is not complete", (e) => ({
    detail: `missing: ${e.missing.join(", ")}`,
    errors: e.missing.map((item) => ({ field: item, message: "missing" })),
    missing: e.missing
  })),
  CheckoutNotOpen: row(409, "checkout_not_open", "The checkout's order is under way or done", (e) => ({
    detail: `the checkout is ${e.status}${e.order_id === null ? "" : ` with order ${e.order_id}`}`,
    checkout_status: e.status,
    order_id: e.order_id
  })),
  TotalChanged: row(409, "total_changed", "The grand total is not the one expected", (e) => ({
    detail: `expected ${e.expected_total}, the grand total is now ${e.totals.grand_total} ${e.totals.currency}`,
    errors: fieldAt("expected_total", `the grand total is now ${e.totals.grand_total}`),
    totals: e.totals
  })),
  AppliedCodeRefused: row(409, "promo_code_not_usable", "The applied promo code cannot be used any more", (e) => ({
    detail: `${e.code}: ${e.detail}; remove it (DELETE /promotions/${e.code}) and finalize again`,
    code_applied: e.code,
    reason: e.reason
  })),
  OutOfStock: row(409, "out_of_stock", "Not enough stock for some lines", (e) => ({
    detail: e.lines.map((l) => `${l.offer_id}: ${l.requested} wanted, ${l.available} available`).join("; "),
    errors: e.lines.map((l) => ({ field: `lines.${l.offer_id}`, message: `${l.available} available` })),
    lines: e.lines
  })),
  CheckoutChangedConcurrently: row(409, "checkout_conflict", "The checkout kept changing", (e) => ({
    detail: `the checkout changed under this request ${e.attempts} times; nothing was applied, try again`
  })),
  CheckoutUnavailable: row(503, "checkout_unavailable", "The checkout store is not answering; try again shortly")
})

export const checkoutProblem = checkoutProblems.toProblem
