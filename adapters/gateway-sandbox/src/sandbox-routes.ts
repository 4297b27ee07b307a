/**
 * The sandbox's hosted page as a Hono sub-app the payment app mounts (SPEC §4.4):
 * - `GET /sandbox/checkout/{transaction_id}`: the page (sandbox-page.ts), 404 for a payment the
 *   sandbox never started;
 * - `POST /sandbox/checkout/{transaction_id}` `{outcome: "succeed" | "fail" | "cancel"}`: settles the
 *   payment, sends its signed webhook to the shop (the configured origin, else the request's own)
 *   and answers `{return_url}`. A form post (the page without JavaScript) is answered with a 303 to
 *   the return URL instead. A bad outcome is 400 naming the field, an unknown payment 404, one that
 *   already settled 409; a webhook the shop did not take is 502 (the outcome stands: the shop finds it
 *   through the gateway's `status`), and both of those still carry the return URL.
 */
import { Effect, Schema } from "effect"
import { Hono } from "hono"
import type { Context } from "hono"
import { problemResponse, readJson, validate, validationProblem } from "@kasa/app-platform/http-problems"
import { problemTable, row } from "@kasa/app-platform/problem-table"
import type { StoreUnavailable } from "@kasa/shared"
import { settleAndReport } from "./sandbox-bank.ts"
import { sandboxBank, type SandboxGatewayOptions } from "./sandbox-gateway.ts"
import { type SandboxPayment, SandboxPaymentNotFound } from "./sandbox-ledger.ts"
import { SandboxOutcome, type SandboxPaymentSettled } from "./sandbox-outcomes.ts"
import { CHECKOUT_PAGE_CSP, checkoutPage, safeReturnUrl } from "./sandbox-page.ts"
import type { SandboxWebhookNotDelivered } from "./sandbox-webhook.ts"

export const SANDBOX_CHECKOUT_ROUTE = "/sandbox/checkout/:transaction_id"

export const OutcomeBody = Schema.Struct({ outcome: SandboxOutcome })

type SandboxRouteError = SandboxPaymentNotFound | SandboxPaymentSettled | StoreUnavailable | SandboxWebhookNotDelivered

/** The routes' table from the sandbox's errors to problem+json; `return_url` is added where the payment is known. */
export const sandboxProblems = problemTable<SandboxRouteError>()({
  SandboxPaymentNotFound: row(404, "payment_not_found", "No such sandbox payment", (e) => ({ detail: `the sandbox started no payment ${e.transaction_id}`, transaction_id: e.transaction_id })),
  SandboxPaymentSettled: row(409, "payment_settled", "The payment is settled already", (e) => ({ detail: `payment ${e.transaction_id} is ${e.status} already`, status_now: e.status })),
  StoreUnavailable: row(503, "store_unavailable", "The store is not answering; try again shortly"),
  SandboxWebhookNotDelivered: row(502, "webhook_not_delivered", "The shop did not take the payment's webhook", (e) => ({
    detail: `${e.message}; the outcome is recorded and the shop can read it from the gateway`
  }))
})

const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": CHECKOUT_PAGE_CSP,
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer"
}

const isForm = (contentType: string | undefined): boolean => /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(contentType ?? "")

/** The outcome the request asks for (JSON, or the page's form without JavaScript), or the problem response. */
const readOutcome = async (c: Context): Promise<{ readonly ok: true; readonly outcome: SandboxOutcome; readonly form: boolean } | { readonly ok: false; readonly response: Response }> => {
  if (isForm(c.req.header("content-type"))) {
    const form = await c.req.parseBody()
    const checked = validate(OutcomeBody, { outcome: form["outcome"] })
    return checked.ok ? { ok: true, outcome: checked.value.outcome, form: true } : { ok: false, response: problemResponse(validationProblem(checked.errors)) }
  }
  const read = await readJson(c, OutcomeBody)
  return read.ok ? { ok: true, outcome: read.value.outcome, form: false } : read
}

export const sandboxRoutes = (options: SandboxGatewayOptions): Hono => {
  const bank = sandboxBank(options)
  const app = new Hono()

  const answerError = (error: SandboxRouteError, payment: SandboxPayment | undefined): Response => {
    const p = sandboxProblems.toProblem(error)
    return problemResponse(payment === undefined ? p : { ...p, return_url: safeReturnUrl(payment.return_url) })
  }

  app.get(SANDBOX_CHECKOUT_ROUTE, async (c) => {
    const transaction_id = c.req.param("transaction_id")
    const read = await Effect.runPromise(Effect.result(bank.ledger.read(transaction_id)))
    if (read._tag === "Failure") return answerError(read.failure, undefined)
    if (read.success === undefined) return answerError(new SandboxPaymentNotFound({ transaction_id }), undefined)
    return new Response(checkoutPage(read.success, new URL(c.req.url).pathname), { status: 200, headers: PAGE_HEADERS })
  })

  app.post(SANDBOX_CHECKOUT_ROUTE, async (c) => {
    const transaction_id = c.req.param("transaction_id")
    const asked = await readOutcome(c)
    if (!asked.ok) return asked.response
    const program = settleAndReport(bank, transaction_id, asked.outcome, new URL(c.req.url).origin).pipe(Effect.withSpan("SandboxPage.settle"))
    const settled = await Effect.runPromise(Effect.result(program))
    if (settled._tag === "Success") {
      const return_url = safeReturnUrl(settled.success.return_url)
      return asked.form ? c.redirect(return_url, 303) : c.json({ return_url }, 200)
    }
    const knownPayment = settled.failure._tag === "SandboxPaymentSettled" || settled.failure._tag === "SandboxWebhookNotDelivered"
    const payment = knownPayment ? await Effect.runPromise(Effect.orElseSucceed(bank.ledger.read(transaction_id), () => undefined)) : undefined
    return answerError(settled.failure, payment)
  })

  return app
}
