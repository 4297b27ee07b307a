/**
 * Payment's HTTP API (SPEC §4.4) as a Hono app over the process runtime. A session's methods and choice
 * run over the key-value store (its working state, with their Idempotency-Key answers); what touches a
 * transaction runs over the records' services (transactions and their answers in SQL). Shoppers:
 * the methods, choosing one, starting an order's payment again or with a BLIK code, a transaction's
 * status (a session sees only its own). Gateways: `POST /payment/webhook/{gateway}`, answered from the
 * exact bytes received (a signature covers them). Admins: refunds, with the bearer token.
 */
import { Schema } from "effect"
import { Hono } from "hono"
import { getAvailableMethods, initializePayment, receiveWebhook, refundPayment, selectPaymentMethod, transactionStatus } from "@kasa/payment"
import {
  identify,
  idempotency,
  type ModuleRuntime,
  type PlatformServices,
  overRecordsRuntime,
  readJson,
  requester,
  requireAdmin,
  responder,
  type SessionEnv
} from "@kasa/app-platform"
import { type PaymentError, paymentProblem } from "./errors-to-http.ts"
import type { PaymentServices } from "./services.ts"

const Id = Schema.String.check(Schema.isNonEmpty(), Schema.isMaxLength(128))

export const SelectBody = Schema.Struct({ method_id: Id.annotate({ description: "card, blik, p24, payu or cash_on_delivery (GET /payment/available lists those allowed)" }) })

export const InitializeBody = Schema.Struct({
  order_id: Id,
  blik_code: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(32)).annotate({ description: "BLIK only: the six-digit code from the shopper's bank app" }))
})

export const RefundBody = Schema.Struct({
  transaction_id: Id,
  amount: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThan(0)).annotate({ description: "Minor units; default: all that is left to refund" })),
  reason: Schema.String.check(Schema.isNonEmpty(), Schema.isMaxLength(500))
})

export const paymentRoutes = (runtime: ModuleRuntime<PaymentServices>, options: { readonly adminToken: string | undefined }): Hono => {
  const records = overRecordsRuntime(runtime)
  const respond = responder(records, paymentProblem)
  const once = idempotency(records)
  const respondSession = responder<PlatformServices | PaymentServices, PaymentError>(runtime, paymentProblem)
  const onceSession = idempotency(runtime)

  const app = new Hono<SessionEnv>()
  app.use("/payment/available", identify(runtime))
  app.use("/payment/select", identify(runtime))
  app.use("/payment/initialize", identify(runtime))
  app.use("/payment/status/*", identify(runtime))

  app.get("/payment/available", (c) => respondSession(c, getAvailableMethods(c.get("sessionId"))))

  app.post("/payment/select", onceSession, async (c) => {
    const body = await readJson(c, SelectBody)
    if (!body.ok) return body.response
    return respondSession(c, selectPaymentMethod(requester(c), body.value.method_id))
  })

  app.post("/payment/initialize", once, async (c) => {
    const body = await readJson(c, InitializeBody)
    if (!body.ok) return body.response
    return respond(c, initializePayment(requester(c), body.value))
  })

  app.get("/payment/status/:transaction_id", (c) => respond(c, transactionStatus(c.get("sessionId"), c.req.param("transaction_id"))))

  app.post("/payment/webhook/:gateway", async (c) => {
    const body = await c.req.text()
    const headers: Record<string, string> = {}
    c.req.raw.headers.forEach((value, name) => (headers[name.toLowerCase()] = value))
    return respond(c, receiveWebhook(c.req.param("gateway"), { body, headers }, requester(c).correlation_id))
  })

  app.post("/payment/refunds", requireAdmin(options.adminToken), async (c) => {
    const body = await readJson(c, RefundBody)
    if (!body.ok) return body.response
    return respond(c, refundPayment(body.value, requester(c).correlation_id))
  })

  // Mounted into an untyped Hono (routes are copied, not nested) so any app can mount it.
  return new Hono().route("/", app as unknown as Hono)
}

