/**
 * The services app's OpenAPI 3.1 paths, generated from the same Schema the event and the API list
 * services with (`OfferedServiceSchema`), so the document cannot drift from the code. Schemas are
 * inlined: a module contributes paths only.
 */
import { Schema } from "effect"
import { availableForCart, listStandaloneServices, OfferedServiceSchema, servicesForItem } from "@kasa/services"
import { MinorUnits } from "@kasa/shared/money"
import { cartIdParameter as cartId, errorsOf, okResponse as ok, sessionParameters } from "@kasa/app-platform"
import { servicesProblems } from "./errors-to-http.ts"

export const ServiceListBody = Schema.Struct({ services: Schema.Array(OfferedServiceSchema) })

export const AvailabilityBody = Schema.Struct({
  services: Schema.Array(OfferedServiceSchema),
  total_services_price: MinorUnits.check(Schema.isGreaterThanOrEqualTo(0)).annotate({ description: "What the service lines now in the cart cost" })
})

/** What each operation's use case can fail with (checked by `errorsOf`); its error responses are derived from these. */
export const servicesOperationErrors = {
  "GET /services/available": errorsOf(availableForCart, ["ServicesUnavailable"]),
  "GET /services/for-item/{item_id}": errorsOf(servicesForItem, ["LineNotFound", "ServicesUnavailable"]),
  "GET /services/standalone": errorsOf(listStandaloneServices, [])
}

export const servicesOpenApiPaths = servicesProblems.documented(servicesOperationErrors, {
  "/services/available": {
    get: {
      tags: ["services"],
      summary: "Every service the cart may have (item services line by line, then standalone ones), and what its services cost now",
      parameters: [...sessionParameters, cartId],
      responses: { "200": ok("Offered services with the price adding each would add to services_total; an unseen cart is an empty one", AvailabilityBody) }
    }
  },
  "/services/for-item/{item_id}": {
    get: {
      tags: ["services"],
      summary: "The item services one line of the cart may have",
      parameters: [...sessionParameters, cartId, { name: "item_id", in: "path", required: true, schema: { type: "string" }, description: "A line of the cart" }],
      responses: { "200": ok("Item services for the line (none for warranties, services, or categories no rule serves)", ServiceListBody) }
    }
  },
  "/services/standalone": {
    get: {
      tags: ["services"],
      summary: "The standalone services (per cart), which any cart may have",
      parameters: sessionParameters,
      responses: { "200": ok("Standalone services with their price", ServiceListBody) }
    }
  }
})
