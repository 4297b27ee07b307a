// The one table from shipping's tagged errors to HTTP: every tag, its status, its stable code and
// the field it names (SPEC §2: bad input 400, unknown ids 404, rule violations 422, conflicts 409).
import { describe, expect, test } from "bun:test"
import {
  AddonNotFound,
  AddonNotSupported,
  CountryNotSupported,
  DateNotAvailable,
  ExpressNotSupported,
  InvalidAddress,
  MethodNotAvailable,
  MethodNotFound,
  NoMethodSelected,
  ShippingChangedConcurrently,
  type ShippingError,
  ShippingUnavailable,
  SundayDateNeedsAddon
} from "@kasa/shipping"
import { shippingProblem } from "../src/errors-to-http.ts"

describe("shippingProblem", () => {
  test.each<[ShippingError, number, string, string | undefined]>([
    [new MethodNotFound({ method_id: "drone" }), 404, "method_not_found", "method_id"],
    [new MethodNotAvailable({ method_id: "parcel_locker", reason: "oversize_item" }), 422, "method_not_available", "method_id"],
    [new NoMethodSelected(), 422, "method_not_selected", undefined],
    [new DateNotAvailable({ delivery_date: "2026-02-15", method_id: "courier" }), 422, "date_not_available", "delivery_date"],
    [new ExpressNotSupported({ method_id: "pallet" }), 422, "express_not_supported", "is_express"],
    [new AddonNotFound({ addon_id: "helicopter" }), 404, "addon_not_found", "addons"],
    [new AddonNotSupported({ addon_id: "sunday_delivery", method_id: "store_pickup" }), 422, "addon_not_supported", "addons"],
    [new SundayDateNeedsAddon({ delivery_date: "2026-02-15" }), 422, "sunday_date_needs_addon", "addons"],
    [new InvalidAddress({ errors: [{ field: "postal_code", message: "not a postal code of PL" }] }), 400, "validation_failed", "postal_code"],
    [new CountryNotSupported({ country: "FR", supported: ["PL"] }), 422, "country_not_supported", "country"],
    [new ShippingChangedConcurrently({ attempts: 5 }), 409, "shipping_conflict", undefined],
    [new ShippingUnavailable({ operation: "get", message: "down" }), 503, "shipping_unavailable", undefined]
  ])("%o → %d %s", (error, status, code, fieldName) => {
    const problem = shippingProblem(error)
    expect(problem).toMatchObject({ status, code, type: `https://kasa.dev/problems/${code}` })
    if (fieldName !== undefined) expect(problem.errors?.map((e) => e.field)).toEqual([fieldName])
  })

  test("a store failure's message is not shown to clients", () => {
    expect(JSON.stringify(shippingProblem(new ShippingUnavailable({ operation: "get", message: "ECONNREFUSED 10.0.0.7:6379" })))).not.toContain("10.0.0.7")
  })
})
