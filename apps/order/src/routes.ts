/**
 * Order's HTTP API (SPEC §4.8) as a Hono app over the process runtime; every use case runs over the
 * records' services (orders in SQL, a command's Idempotency-Key answer committed with it). A shopper
 * (its session) reads its own orders and cancels them; an admin (the bearer token, caller.ts) reads
 * and cancels any and moves orders along their fulfilment (`POST /orders/{id}/status`).
 */
import { Schema } from "effect"
import { Hono } from "hono"
import { cancelOrder, FulfilmentStatus, getOrder, listOrders, orderHistory, setOrderStatus } from "@kasa/order"
import { idempotency, type ModuleRuntime, overRecordsRuntime, problemResponse, readJson, requester, requireAdmin, responder, type SessionEnv, validationProblem } from "@kasa/app-platform"
import { isSessionId } from "@kasa/shared"
import { identifyCaller } from "./caller.ts"
import { orderProblem } from "./errors-to-http.ts"
import type { OrderServices } from "./services.ts"

const Text = (max: number) => Schema.String.check(Schema.isNonEmpty(), Schema.isMaxLength(max))

export const CancelBody = Schema.Struct({ reason: Text(500).annotate({ description: "Why the order is cancelled (kept in its history and events)" }) })

export const StatusBody = Schema.Struct({
  status: FulfilmentStatus.annotate({ description: "The next fulfilment step (CONFIRMED only for a cash-on-delivery order)" }),
  carrier: Schema.optionalKey(Text(64).annotate({ description: "READY_FOR_PICKUP: the carrier taking the parcel (default: the shipping method)" })),
  tracking_number: Schema.optionalKey(Text(128).annotate({ description: "OUT_FOR_DELIVERY: the carrier's tracking number" }))
})

export const SESSION_ID_PARAM = "session_id"

export const orderRoutes = (runtime: ModuleRuntime<OrderServices>, options: { readonly adminToken: string | undefined }): Hono => {
  const records = overRecordsRuntime(runtime)
  const respond = responder(records, orderProblem)
  const once = idempotency(records)
  const caller = identifyCaller(runtime, options.adminToken)

  const app = new Hono<SessionEnv>()
  app.use("/orders", caller)
  app.use("/orders/*", caller)

  app.get("/orders", (c) => {
    const who = c.get("caller")
    const named = c.req.query(SESSION_ID_PARAM)
    if (named !== undefined && !isSessionId(named)) return problemResponse(validationProblem([{ field: SESSION_ID_PARAM, message: "must be a session id (sess_...)" }]))
    const sessionId = named ?? (who.kind === "session" ? who.session_id : undefined)
    if (sessionId === undefined) return problemResponse(validationProblem([{ field: SESSION_ID_PARAM, message: "required with the admin token" }]))
    return respond(c, listOrders(who, sessionId))
  })

  app.get("/orders/:order_id", (c) => respond(c, getOrder(c.get("caller"), c.req.param("order_id"))))

  app.get("/orders/:order_id/history", (c) => respond(c, orderHistory(c.get("caller"), c.req.param("order_id"))))

  app.post("/orders/:order_id/cancel", once, async (c) => {
    const body = await readJson(c, CancelBody)
    if (!body.ok) return body.response
    return respond(c, cancelOrder(c.get("caller"), c.req.param("order_id"), body.value.reason, requester(c).correlation_id))
  })

  app.post("/orders/:order_id/status", requireAdmin(options.adminToken), once, async (c) => {
    const body = await readJson(c, StatusBody)
    if (!body.ok) return body.response
    return respond(c, setOrderStatus(c.req.param("order_id"), body.value, requester(c).correlation_id))
  })

  // Mounted into an untyped Hono (routes are copied, not nested) so any app can mount it.
  return new Hono().route("/", app as unknown as Hono)
}
