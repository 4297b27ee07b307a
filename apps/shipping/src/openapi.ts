/**
 * Shipping's OpenAPI 3.1 paths, generated from the same Schemas the routes decode with and the
 * context answers with, so the document cannot drift from the code. Schemas are inlined: a module
 * contributes paths only, not shared components.
 */
import { AddonsView, AvailableMethodsView, CalendarView, DeliveryDateView, SelectedMethodView } from "@kasa/shipping"
import { Address } from "@kasa/shipping"
import { jsonBody, okResponse as ok, problemResponseSpec as problemResponse, sessionParameters as parameters, withPlatformEdges } from "@kasa/app-platform"
import { AddonsBody, AddressBody, SelectBody, SetDateBody } from "./routes.ts"

const common = {
  "409": problemResponse("The session's shipping state kept changing under the request; nothing was applied"),
  "503": problemResponse("The shipping store is not answering")
}

export const shippingOpenApiPaths = withPlatformEdges({
  "/shipping/available": {
    get: {
      tags: ["shipping"],
      summary: "The delivery methods the session's cart allows, with prices, and the one chosen",
      description: "Eventually consistent with the cart: shipping projects the cart from cart-events. An empty (or never seen) cart has no methods.",
      parameters,
      responses: { "200": ok("The methods, in the shop's order", AvailableMethodsView), "503": common["503"] }
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
        "400": problemResponse("Malformed JSON or no method_id"),
        "404": problemResponse("No such delivery method"),
        "422": problemResponse("The cart does not allow this method (reason: oversize_item, item_too_large, too_heavy, no_large_item, cart_empty, ...)"),
        ...common
      }
    }
  },
  "/shipping/address": {
    post: {
      tags: ["shipping"],
      summary: "Give the delivery address",
      parameters,
      requestBody: jsonBody(AddressBody),
      responses: {
        "200": ok("The address as stored (trimmed, postal code in its canonical form)", Address),
        "400": problemResponse("A field missing or empty, or a postal code that does not fit the country"),
        "422": problemResponse("A country the shop does not deliver to"),
        ...common
      }
    }
  },
  "/shipping/calendar": {
    get: {
      tags: ["shipping"],
      summary: "The delivery days of a method for the next 14 days (degraded: the default calendar, the calendar service did not answer)",
      parameters: [...parameters, { name: "method_id", in: "query", required: true, schema: { type: "string" } }],
      responses: {
        "200": ok("The delivery days", CalendarView),
        "400": problemResponse("No method_id"),
        "404": problemResponse("No such delivery method"),
        "422": problemResponse("The cart does not allow this method"),
        "503": common["503"]
      }
    }
  },
  "/shipping/set-date": {
    post: {
      tags: ["shipping"],
      summary: "Choose the delivery date (and express) for the chosen method",
      parameters,
      requestBody: jsonBody(SetDateBody),
      responses: {
        "200": ok("The chosen date and the express fee", DeliveryDateView),
        "400": problemResponse("Malformed JSON, or a delivery_date that is not a YYYY-MM-DD date"),
        "422": problemResponse("No method chosen yet, a date not in the calendar, or express with a method that has none"),
        ...common
      }
    }
  },
  "/shipping/addons": {
    post: {
      tags: ["shipping"],
      summary: "Book addons with the chosen method (replaces the booked ones)",
      parameters,
      requestBody: jsonBody(AddonsBody),
      responses: {
        "200": ok("The booked addons and their total", AddonsView),
        "400": problemResponse("Malformed JSON or addons not a list of ids"),
        "404": problemResponse("No such addon"),
        "422": problemResponse("No method chosen yet, an addon the method does not take, or dropping sunday_delivery while the chosen date is a Sunday"),
        ...common
      }
    }
  }
})
