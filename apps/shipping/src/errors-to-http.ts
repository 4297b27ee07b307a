/**
 * Shipping's one table from tagged errors to HTTP (SPEC §2, §4.3). Bad input 400 (a malformed
 * address field is named). Unknown ids 404: a `method_id` or addon id that names nothing, like the
 * cart's unknown `offer_id` in a body; SPEC §2's "unknown ids 404" holds for ids in bodies and query
 * strings too, so a client can tell "no such thing" (a typo, a stale client) from "not for this
 * cart". Known things the request may not have are 422: a method the cart does not allow, a date
 * not in the calendar, express or an addon the method does not offer, a date or addon before a
 * method, a country not delivered to. A session that kept changing under the command is 409, a
 * store that does not answer 503. Each answer is problem+json with a stable code, the field at fault
 * in `errors`, and the facts (`reason`, `method_id`, ...) as extension members.
 */
import { fieldAt, problemTable, row } from "@kasa/app-platform"
import type { ShippingError } from "@kasa/shipping"

/** The table: `shippingProblems.toProblem` for the routes, `shippingProblems.responses` for the OpenAPI document (openapi.ts). */
export const shippingProblems = problemTable<ShippingError>()({
  MethodNotFound: row(404, "method_not_found", "No such delivery method", (e) => ({
    detail: `there is no delivery method ${e.method_id}`,
    errors: fieldAt("method_id", "no such delivery method"),
    method_id: e.method_id
  })),
  MethodNotAvailable: row(422, "method_not_available", "The cart does not allow this delivery method", (e) => ({
    detail: `${e.method_id} is not available for this cart: ${e.reason}`,
    errors: fieldAt("method_id", `not available for this cart (${e.reason})`),
    method_id: e.method_id,
    reason: e.reason
  })),
  NoMethodSelected: row(422, "method_not_selected", "Choose a delivery method first", () => ({ detail: "a delivery date and addons belong to a chosen delivery method: POST /shipping/select first" })),
  DateNotAvailable: row(422, "date_not_available", "The date is not a delivery day", (e) => ({
    detail: `${e.delivery_date} is not in the ${e.method_id} calendar (GET /shipping/calendar?method_id=${e.method_id})`,
    errors: fieldAt("delivery_date", "not a delivery day of the calendar"),
    delivery_date: e.delivery_date,
    method_id: e.method_id
  })),
  ExpressNotSupported: row(422, "express_not_supported", "The delivery method has no express option", (e) => ({
    detail: `${e.method_id} does not deliver express`,
    errors: fieldAt("is_express", `not offered with ${e.method_id}`),
    method_id: e.method_id
  })),
  AddonNotFound: row(404, "addon_not_found", "No such addon", (e) => ({ detail: `there is no addon ${e.addon_id}`, errors: fieldAt("addons", `no such addon: ${e.addon_id}`), addon_id: e.addon_id })),
  AddonNotSupported: row(422, "addon_not_supported", "The delivery method does not take this addon", (e) => ({
    detail: `${e.addon_id} cannot be booked with ${e.method_id}`,
    errors: fieldAt("addons", `${e.addon_id} is not offered with ${e.method_id}`),
    addon_id: e.addon_id,
    method_id: e.method_id
  })),
  SundayDateNeedsAddon: row(422, "sunday_date_needs_addon", "The chosen date is a Sunday", (e) => ({
    detail: `the delivery date ${e.delivery_date} is a Sunday, which needs sunday_delivery: choose another date first`,
    errors: fieldAt("addons", "sunday_delivery is needed by the chosen Sunday date"),
    delivery_date: e.delivery_date
  })),
  InvalidAddress: row(400, "validation_failed", "The request is not valid", (e) => ({ detail: e.errors.map((p) => `${p.field}: ${p.message}`).join("; "), errors: e.errors })),
  CountryNotSupported: row(422, "country_not_supported", "The shop does not deliver to this country", (e) => ({
    detail: `no delivery to ${e.country}; the shop delivers to ${e.supported.join(", ")}`,
    errors: fieldAt("country", `not delivered to; one of ${e.supported.join(", ")}`),
    country: e.country,
    supported: e.supported
  })),
  ShippingChangedConcurrently: row(409, "shipping_conflict", "The shipping choice kept changing", (e) => ({ detail: `it changed under this request ${e.attempts} times; nothing was applied, try again` })),
  ShippingUnavailable: row(503, "shipping_unavailable", "The shipping store is not answering; try again shortly")
})

export const shippingProblem = shippingProblems.toProblem
