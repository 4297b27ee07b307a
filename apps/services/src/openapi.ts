/**
 * The services app's OpenAPI 3.1 paths, generated from the same Schema the event and the API list
 * services with (`OfferedServiceSchema`), so the document cannot drift from the code. Schemas are
 * inlined: a module contributes paths only.
 */
import { Schema } from "effect"
import { OfferedServiceSchema } from "@kasa/services"
import { MinorUnits } from "@kasa/shared/money"
import { SESSION_HEADER, okResponse as ok, problemResponseSpec as problemResponse, sessionHeader, sessionParameters, withPlatformEdges } from "@kasa/app-platform"
import { CART_ID_PARAM } from "./routes.ts"

export const ServiceListBody = Schema.Struct({ services: Schema.Array(OfferedServiceSchema) })

export const AvailabilityBody = Schema.Struct({
  services: Schema.Array(OfferedServiceSchema),
  total_services_price: MinorUnits.check(Schema.isGreaterThanOrEqualTo(0)).annotate({ description: "What the service lines now in the cart cost" })
})

const cartId = {
  name: CART_ID_PARAM,
  in: "query",
  required: false,
  schema: sessionHeader.schema,
  description: `The cart, i.e. its session id; default the request's ${SESSION_HEADER}, and must equal it when both are given`
}

const unavailable = { "503": problemResponse("The services store is not answering") }

export const servicesOpenApiPaths = withPlatformEdges({
  "/services/available": {
    get: {
      tags: ["services"],
      summary: "Every service the cart may have (item services line by line, then standalone ones), and what its services cost now",
      parameters: [...sessionParameters, cartId],
      responses: {
        "200": ok("Offered services with the price adding each would add to services_total; an unseen cart is an empty one", AvailabilityBody),
        "400": problemResponse("cart_id is not a session id, or names another session than X-Session-Id"),
        ...unavailable
      }
    }
  },
  "/services/for-item/{item_id}": {
    get: {
      tags: ["services"],
      summary: "The item services one line of the cart may have",
      parameters: [...sessionParameters, cartId, { name: "item_id", in: "path", required: true, schema: { type: "string" }, description: "A line of the cart" }],
      responses: {
        "200": ok("Item services for the line (none for warranties, services, or categories no rule serves)", ServiceListBody),
        "400": problemResponse("cart_id is not a session id, or names another session than X-Session-Id"),
        "404": problemResponse("The cart has no such line"),
        ...unavailable
      }
    }
  },
  "/services/standalone": {
    get: {
      tags: ["services"],
      summary: "The standalone services (per cart), which any cart may have",
      parameters: sessionParameters,
      responses: { "200": ok("Standalone services with their price", ServiceListBody), ...unavailable }
    }
  }
})
