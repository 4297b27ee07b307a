/**
 * What can go wrong in shipping, as tagged errors in the error channel (ARCHITECTURE §3). They speak
 * the domain's language and carry the facts a client needs; the app maps each tag to an HTTP status
 * in one table (apps/shipping/src/errors-to-http.ts), so no status code lives in this context.
 */
import { Schema } from "effect"

const FieldProblem = Schema.Struct({ field: Schema.String, message: Schema.String })

/** No delivery method of this id exists at all. */
export class MethodNotFound extends Schema.TaggedError<MethodNotFound>()("MethodNotFound", {
  method_id: Schema.String
}) {}

/** The method exists but the session's cart does not allow it (reason: eligibility.ts's code). */
export class MethodNotAvailable extends Schema.TaggedError<MethodNotAvailable>()("MethodNotAvailable", {
  method_id: Schema.String,
  reason: Schema.String
}) {}

/** A date or addons need a chosen delivery method first. */
export class NoMethodSelected extends Schema.TaggedError<NoMethodSelected>()("NoMethodSelected", {}) {}

/** The date is not one of the method's delivery days (GET /shipping/calendar). */
export class DateNotAvailable extends Schema.TaggedError<DateNotAvailable>()("DateNotAvailable", {
  delivery_date: Schema.String,
  method_id: Schema.String
}) {}

/** Express delivery was asked of a method that has none. */
export class ExpressNotSupported extends Schema.TaggedError<ExpressNotSupported>()("ExpressNotSupported", {
  method_id: Schema.String
}) {}

/** No addon of this id exists at all. */
export class AddonNotFound extends Schema.TaggedError<AddonNotFound>()("AddonNotFound", {
  addon_id: Schema.String
}) {}

/** The addon exists but cannot be booked with the selected method. */
export class AddonNotSupported extends Schema.TaggedError<AddonNotSupported>()("AddonNotSupported", {
  addon_id: Schema.String,
  method_id: Schema.String
}) {}

/** Dropping Sunday delivery while the chosen date is a Sunday would leave an impossible date. */
export class SundayDateNeedsAddon extends Schema.TaggedError<SundayDateNeedsAddon>()("SundayDateNeedsAddon", {
  delivery_date: Schema.String
}) {}

/** Address fields that are malformed (empty, too long, a postal code that does not fit its country). */
export class InvalidAddress extends Schema.TaggedError<InvalidAddress>()("InvalidAddress", {
  errors: Schema.Array(FieldProblem)
}) {}

/** A well-formed country the shop does not deliver to. */
export class CountryNotSupported extends Schema.TaggedError<CountryNotSupported>()("CountryNotSupported", {
  country: Schema.String,
  supported: Schema.Array(Schema.String)
}) {}

/** Others kept changing this session's shipping state while the command was retried; nothing was applied. */
export class ShippingChangedConcurrently extends Schema.TaggedError<ShippingChangedConcurrently>()("ShippingChangedConcurrently", {
  attempts: Schema.Number
}) {}

/** The shipping store cannot be reached or holds something unreadable; nothing was applied. */
export class ShippingUnavailable extends Schema.TaggedError<ShippingUnavailable>()("ShippingUnavailable", {
  operation: Schema.String,
  message: Schema.String
}) {}

/** The external calendar did not give an answer (the application falls back to the default calendar). */
export class CalendarUnavailable extends Schema.TaggedError<CalendarUnavailable>()("CalendarUnavailable", {
  reason: Schema.Literals(["not_configured", "circuit_open", "timeout", "unreachable", "http_error", "bad_response"]),
  message: Schema.String
}) {}

/** The shipping rules file breaks a rule (SPEC §9's shape): the app does not start; each problem names its field. */
export class InvalidShippingRules extends Schema.TaggedError<InvalidShippingRules>()("InvalidShippingRules", {
  source: Schema.String,
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `invalid shipping rules ${this.source}: ${this.problems.join("; ")}`
  }
}

/** Every error a shipping use case can fail with. */
export type ShippingError =
  | MethodNotFound
  | MethodNotAvailable
  | NoMethodSelected
  | DateNotAvailable
  | ExpressNotSupported
  | AddonNotFound
  | AddonNotSupported
  | SundayDateNeedsAddon
  | InvalidAddress
  | CountryNotSupported
  | ShippingChangedConcurrently
  | ShippingUnavailable
