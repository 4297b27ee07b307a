/**
 * Order's OpenAPI 3.1 paths, generated from the Schemas the routes decode with and the use cases
 * answer with; error responses derived from the one error table (errors-to-http.ts).
 */
import { cancelOrder, getOrder, listOrders, OrderHistoryView, orderHistory, OrdersView, OrderView, setOrderStatus } from "@kasa/order"
import { errorsOf, jsonBody, okResponse as ok, problemResponseSpec as problemResponse, sessionParameters } from "@kasa/app-platform"
import { orderProblems } from "./errors-to-http.ts"
import { CancelBody, StatusBody } from "./routes.ts"

export const orderOperationErrors = {
  "GET /orders": errorsOf(listOrders, ["OrdersForbidden", "RecordsUnavailable"]),
  "GET /orders/{order_id}": errorsOf(getOrder, ["OrderNotFound", "RecordsUnavailable"]),
  "GET /orders/{order_id}/history": errorsOf(orderHistory, ["OrderNotFound", "RecordsUnavailable"]),
  "POST /orders/{order_id}/cancel": errorsOf(cancelOrder, ["OrderNotFound", "OrderNotCancellable", "IllegalTransition", "OrderChangedConcurrently", "RecordsUnavailable"]),
  "POST /orders/{order_id}/status": errorsOf(setOrderStatus, ["OrderNotFound", "IllegalTransition", "OrderNotCancellable", "OrderChangedConcurrently", "RecordsUnavailable"])
}

const orderPath = { name: "order_id", in: "path", required: true, schema: { type: "string" } }
const adminBearer = { name: "Authorization", in: "header", required: false, description: "Bearer <ADMIN_TOKEN>: an admin's request (any session's orders)", schema: { type: "string" } }
const requiredBearer = { ...adminBearer, required: true, description: "Bearer <ADMIN_TOKEN>" }
const sessionQuery = { name: "session_id", in: "query", required: false, description: "The session whose orders (default and only choice for a shopper: its own; required with the admin token)", schema: { type: "string" } }
const parameters = [...sessionParameters, adminBearer]
const adminAnswers = { "401": problemResponse("An Authorization header without ADMIN_TOKEN (admin_required)"), "403": problemResponse("No ADMIN_TOKEN is configured (admin_disabled)") }

export const orderOpenApiPaths = orderProblems.documented(orderOperationErrors, {
  "/orders": {
    get: { tags: ["order"], summary: "A session's orders, newest first", parameters: [...parameters, sessionQuery], responses: { "200": ok("The orders", OrdersView), ...adminAnswers } }
  },
  "/orders/{order_id}": {
    get: { tags: ["order"], summary: "An order of this session (any with the admin token)", parameters: [...parameters, orderPath], responses: { "200": ok("The order", OrderView), ...adminAnswers } }
  },
  "/orders/{order_id}/history": {
    get: { tags: ["order"], summary: "The order's status history, oldest first", parameters: [...parameters, orderPath], responses: { "200": ok("The history", OrderHistoryView), ...adminAnswers } }
  },
  "/orders/{order_id}/cancel": {
    post: {
      tags: ["order"],
      summary: "Cancel the order: before payment it is cancelled and its stock released; after it, CANCELLING until payment refunds (then REFUNDED)",
      parameters: [...parameters, orderPath],
      requestBody: jsonBody(CancelBody),
      responses: { "200": ok("The order after the cancellation", OrderView), ...adminAnswers }
    }
  },
  "/orders/{order_id}/status": {
    post: {
      tags: ["order"],
      summary: "Move the order one fulfilment step (admin / fulfilment); READY_FOR_PICKUP, OUT_FOR_DELIVERY and DELIVERED publish delivery-events",
      parameters: [requiredBearer, orderPath],
      requestBody: jsonBody(StatusBody),
      responses: { "200": ok("The order after the step", OrderView), ...adminAnswers }
    }
  }
})
