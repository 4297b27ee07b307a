/**
 * Checkout's OpenAPI 3.1 paths, generated from the Schemas the routes decode with and the use cases
 * answer with (the summary view); error responses derived from the one error table (errors-to-http.ts).
 */
import { Schema } from "effect"
import { CheckoutSummary, ConsentsRequest, CustomerData, finalizeCheckout, MAX_WAIT_MS, setConsents, setCustomerData, waitForSummary } from "@kasa/checkout"
import { errorsOf, jsonBody, okResponse as ok, sessionParameters as parameters } from "@kasa/app-platform"
import { checkoutProblems } from "./errors-to-http.ts"
import { APPLIED_HEADER, DEFAULT_WAIT_MS, FinalizeBody } from "./routes.ts"

export const FinalizeAnswerView = Schema.Struct({ order_id: Schema.String, status: Schema.String, grand_total: Schema.Int, currency: Schema.String })

export const checkoutOperationErrors = {
  "GET /checkout/summary": errorsOf(waitForSummary, ["CheckoutUnavailable"]),
  "POST /checkout/customer-data": errorsOf(setCustomerData, ["InvalidCustomerData", "CheckoutNotOpen", "CheckoutChangedConcurrently", "CheckoutUnavailable"]),
  "POST /checkout/consents": errorsOf(setConsents, ["CheckoutNotOpen", "CheckoutChangedConcurrently", "CheckoutUnavailable"]),
  "POST /checkout/finalize": errorsOf(finalizeCheckout, [
    "MissingForFinalize",
    "CheckoutNotOpen",
    "TotalChanged",
    "AppliedCodeRefused",
    "OutOfStock",
    "CheckoutChangedConcurrently",
    "CheckoutUnavailable"
  ])
}

const summaryQuery = [
  { name: "after", in: "query", required: false, schema: { type: "string", maxLength: 128 }, description: "An event id: answer once checkout has applied it (see X-Applied)" },
  { name: "wait_ms", in: "query", required: false, schema: { type: "integer", minimum: 0, maximum: MAX_WAIT_MS }, description: `With after: how long to wait, default ${DEFAULT_WAIT_MS}` }
]

const summaryResponse = {
  ...ok("The summary; with after, X-Applied says whether it reflects that event", CheckoutSummary),
  headers: { [APPLIED_HEADER]: { description: "With after: true once the event is applied, false when the wait ended first", schema: { type: "string", enum: ["true", "false"] } } }
}

export const checkoutOpenApiPaths = checkoutProblems.documented(checkoutOperationErrors, {
  "/checkout/summary": {
    get: { tags: ["checkout"], summary: "The session's checkout: items, totals, shipping, payment, customer, consents, order", parameters: [...parameters, ...summaryQuery], responses: { "200": summaryResponse } }
  },
  "/checkout/customer-data": {
    post: { tags: ["checkout"], summary: "The shopper's data (an invoice's NIP is checked)", parameters, requestBody: jsonBody(CustomerData), responses: { "200": ok("The summary with the data", CheckoutSummary) } }
  },
  "/checkout/consents": {
    post: { tags: ["checkout"], summary: "The shopper's consents (terms and privacy are required to finalize)", parameters, requestBody: jsonBody(ConsentsRequest), responses: { "200": ok("The summary with the consents", CheckoutSummary) } }
  },
  "/checkout/finalize": {
    post: {
      tags: ["checkout"],
      summary: "Validate, reserve the stock and create the order (checkout.order_created); payment follows through events",
      parameters,
      requestBody: { ...jsonBody(FinalizeBody), required: false },
      responses: { "202": ok("The order", FinalizeAnswerView) }
    }
  }
})
