/**
 * What can go wrong in checkout's pure domain, as tagged errors in the error channel (ARCHITECTURE §3).
 * They carry the facts a client needs; the app maps each tag to an HTTP status in one table
 * (MissingForFinalize and InvalidCustomerData 422, TotalChanged and CheckoutNotOpen 409), so no status
 * code lives in this context.
 */
import { Schema } from "effect"
import { Totals } from "./totals.ts"

/** What SPEC §4.7's finalize can find missing, in the order it lists them. */
export const MissingItem = Schema.Literals(["cart", "shipping_method", "address", "delivery_date", "payment_method", "customer_data", "consents"])
export type MissingItem = typeof MissingItem.Type

/** Finalize found the checkout incomplete: `missing` lists every item still to be given. */
export class MissingForFinalize extends Schema.TaggedError<MissingForFinalize>()("MissingForFinalize", {
  missing: Schema.Array(MissingItem)
}) {}

/** The client's `expected_total` is not the grand total any more: `totals` are the current ones. */
export class TotalChanged extends Schema.TaggedError<TotalChanged>()("TotalChanged", {
  expected_total: Schema.Number,
  totals: Totals
}) {}

export const FieldProblem = Schema.Struct({ field: Schema.String, message: Schema.String })
export type FieldProblem = typeof FieldProblem.Type

/** Customer data that breaks a rule (email, names, phone, NIP): every failing field at once. */
export class InvalidCustomerData extends Schema.TaggedError<InvalidCustomerData>()("InvalidCustomerData", {
  fields: Schema.Array(FieldProblem)
}) {}

/** The session's order is under way or done (finalized, awaiting or failing payment, completed): no second order. */
export class CheckoutNotOpen extends Schema.TaggedError<CheckoutNotOpen>()("CheckoutNotOpen", {
  status: Schema.String,
  order_id: Schema.NullOr(Schema.String)
}) {}

/** Every error finalize's validation can refuse with. */
export type FinalizeError = MissingForFinalize | CheckoutNotOpen
