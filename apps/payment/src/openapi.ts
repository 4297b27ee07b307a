/**
 * Payment's OpenAPI 3.1 paths, generated from the Schemas the routes decode with and the use cases
 * answer with; error responses derived from the one error table (errors-to-http.ts).
 */
import { AvailableMethodsView, AvailableMethodView, getAvailableMethods, initializePayment, receiveWebhook, refundPayment, selectPaymentMethod, TransactionView, transactionStatus, WebhookOutcomeView } from "@kasa/payment"
import { errorsOf, jsonBody, okResponse as ok, problemResponseSpec as problemResponse, sessionParameters as parameters } from "@kasa/app-platform"
import { paymentProblems } from "./errors-to-http.ts"
import { InitializeBody, RefundBody, SelectBody } from "./routes.ts"

export const paymentOperationErrors = {
  "GET /payment/available": errorsOf(getAvailableMethods, ["RecordsUnavailable"]),
  "POST /payment/select": errorsOf(selectPaymentMethod, ["PaymentMethodNotFound", "PaymentMethodNotAvailable", "PaymentChangedConcurrently", "RecordsUnavailable"]),
  "POST /payment/initialize": errorsOf(initializePayment, ["OrderPaymentNotFound", "OrderAlreadyPaid", "BlikCodeMismatch", "InvalidBlikCode", "PaymentChangedConcurrently", "RecordsUnavailable"]),
  "GET /payment/status/{transaction_id}": errorsOf(transactionStatus, ["TransactionNotFound", "RecordsUnavailable"]),
  "POST /payment/webhook/{gateway}": errorsOf(receiveWebhook, ["GatewayNotFound", "InvalidWebhook", "PaymentChangedConcurrently", "RecordsUnavailable"]),
  "POST /payment/refunds": errorsOf(refundPayment, ["TransactionNotFound", "RefundExceedsCaptured", "InvalidRefundAmount", "IllegalTransition", "RefundNotFound", "PaymentChangedConcurrently", "RecordsUnavailable"])
}

const transactionPath = { name: "transaction_id", in: "path", required: true, schema: { type: "string" } }
const gatewayPath = { name: "gateway", in: "path", required: true, schema: { type: "string", enum: ["sandbox"] } }
const bearer = { name: "Authorization", in: "header", required: true, description: "Bearer <ADMIN_TOKEN>", schema: { type: "string" } }

export const paymentOpenApiPaths = paymentProblems.documented(paymentOperationErrors, {
  "/payment/available": {
    get: { tags: ["payment"], summary: "The payment methods the session's cart and delivery allow, and the one chosen", parameters, responses: { "200": ok("The methods", AvailableMethodsView) } }
  },
  "/payment/select": {
    post: { tags: ["payment"], summary: "Choose a payment method", parameters, requestBody: jsonBody(SelectBody), responses: { "200": ok("The chosen method and its gateway", AvailableMethodView) } }
  },
  "/payment/initialize": {
    post: {
      tags: ["payment"],
      summary: "The order's payment: as it stands, started again after a failure (a new transaction), or started at the bank with a BLIK code",
      parameters,
      requestBody: jsonBody(InitializeBody),
      responses: { "200": ok("The order's current transaction", TransactionView) }
    }
  },
  "/payment/status/{transaction_id}": {
    get: { tags: ["payment"], summary: "A transaction of this session", parameters: [...parameters, transactionPath], responses: { "200": ok("The transaction", TransactionView) } }
  },
  "/payment/webhook/{gateway}": {
    post: {
      tags: ["payment"],
      summary: "A gateway's signed notification (the sandbox signs X-Sandbox-Signature: t=<unix seconds>,v1=<HMAC-SHA256 of t.body>)",
      parameters: [gatewayPath],
      requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
      responses: { "200": ok("What the notification did (a duplicate changes nothing)", WebhookOutcomeView) }
    }
  },
  "/payment/refunds": {
    post: {
      tags: ["payment"],
      summary: "Refund a paid transaction, all that is left or an amount (admin)",
      parameters: [bearer],
      requestBody: jsonBody(RefundBody),
      responses: {
        "200": ok("The transaction after the refund", TransactionView),
        "401": problemResponse("No admin token, or not ADMIN_TOKEN"),
        "403": problemResponse("No ADMIN_TOKEN is configured")
      }
    }
  }
})
