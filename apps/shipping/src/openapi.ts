/**
 * Shipping's OpenAPI 3.1 paths, generated from the same Schemas the routes decode with and the
 * context answers with, so the document cannot drift from the code. Schemas are inlined: a module
 * contributes paths only, not shared components.
 */
import {
  AddonsView,
  AvailableMethodsView,
  CalendarView,
  DeliveryDateView,
  getAvailableMethods,
  getCalendar,
  provideShippingAddress,
  SelectedMethodView,
  selectShippingAddons,
  selectShippingMethod,
  setShippingDate
} from "@kasa/shipping"
import { Address } from "@kasa/shipping"
import { errorsOf, jsonBody, okResponse as ok, problemResponseSpec as problemResponse, sessionParameters as parameters } from "@kasa/app-platform"
import { shippingProblems } from "./errors-to-http.ts"
import { AddonsBody, AddressBody, SelectBody, SetDateBody } from "./routes.ts"

/** What each operation's use case can fail with (checked by `errorsOf`); its error responses are derived from these. */
export const shippingOperationErrors = {
  "GET /shipping/available": errorsOf(getAvailableMethods, ["ShippingUnavailable"]),
  "POST /shipping/select": errorsOf(selectShippingMethod, ["MethodNotFound", "MethodNotAvailable", "ShippingChangedConcurrently", "ShippingUnavailable"]),
  "POST /shipping/address": errorsOf(provideShippingAddress, ["InvalidAddress", "CountryNotSupported", "ShippingChangedConcurrently", "ShippingUnavailable"]),
  "GET /shipping/calendar": errorsOf(getCalendar, ["MethodNotFound", "MethodNotAvailable", "ShippingUnavailable"]),
  "POST /shipping/set-date": errorsOf(setShippingDate, ["NoMethodSelected", "DateNotAvailable", "ExpressNotSupported", "ShippingChangedConcurrently", "ShippingUnavailable"]),
  "POST /shipping/addons": errorsOf(selectShippingAddons, ["NoMethodSelected", "AddonNotFound", "AddonNotSupported", "SundayDateNeedsAddon", "ShippingChangedConcurrently", "ShippingUnavailable"])
}

export const shippingOpenApiPaths = shippingProblems.documented(shippingOperationErrors, {
  "/shipping/available": {
    get: {
      tags: ["shipping"],
      summary: "The delivery methods the session's cart allows, with prices, and the one chosen",
      description: "Eventually consistent with the cart: shipping projects the cart from cart-events. An empty (or never seen) cart has no methods.",
      parameters,
      responses: { "200": ok("The methods, in the shop's order", AvailableMethodsView) }
    }
  },
  "/shipping/select": {
    post: {
      tags: ["shipping"],
      summary: "Choose a delivery method (another method clears the chosen date and the addons it does not take)",
      parameters,
      requestBody: jsonBody(SelectBody),
      responses: {
        "200": ok("The chosen method and its price", SelectedMethodView),
        "422": problemResponse("The cart does not allow this method (reason: oversize_item, item_too_large, too_heavy, no_large_item, cart_empty, ...)")
      }
    }
  },
  "/shipping/address": {
    post: {
      tags: ["shipping"],
      summary: "Give the delivery address",
      parameters,
      requestBody: jsonBody(AddressBody),
      responses: { "200": ok("The address as stored (trimmed, postal code in its canonical form)", Address) }
    }
  },
  "/shipping/calendar": {
    get: {
      tags: ["shipping"],
      summary: "The delivery days of a method for the next 14 days (degraded: the default calendar, the calendar service did not answer)",
      parameters: [...parameters, { name: "method_id", in: "query", required: true, schema: { type: "string" } }],
      responses: { "200": ok("The delivery days", CalendarView) }
    }
  },
  "/shipping/set-date": {
    post: {
      tags: ["shipping"],
      summary: "Choose the delivery date (and express) for the chosen method",
      parameters,
      requestBody: jsonBody(SetDateBody),
      responses: { "200": ok("The chosen date and the express fee", DeliveryDateView) }
    }
  },
  "/shipping/addons": {
    post: {
      tags: ["shipping"],
      summary: "Book addons with the chosen method (replaces the booked ones)",
      parameters,
      requestBody: jsonBody(AddonsBody),
      responses: { "200": ok("The booked addons and their total", AddonsView) }
    }
  }
})
