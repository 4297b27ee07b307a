/**
 * Checkout's HTTP API (SPEC §4.7) as a Hono app over the process runtime: the summary (with
 * read-your-writes: `?after=<event_id>[,<event_id>...]&wait_ms=<n>`, answering `X-Applied: true` once
 * checkout has applied those events, `false` when the wait ended first), the customer data, the consents, and
 * finalize (202; Idempotency-Key). Handlers are thin: who is asking, the body or query checked
 * against its Schema (400 naming the field), one use case through the platform's responder (so every
 * platform header applies), the problem from the one error table.
 */
import { Effect, Schema } from "effect"
import { Hono } from "hono"
import { ConsentsRequest, CustomerData, finalizeCheckout, MAX_AFTER_IDS, MAX_WAIT_MS, setConsents, setCustomerData, waitForSummary } from "@kasa/checkout"
import { identify, idempotency, type ModuleRuntime, type PlatformServices, problemResponse, readJson, requester, responder, type SessionEnv, validate, validationProblem } from "@kasa/app-platform"
import { type CheckoutError, checkoutProblem } from "./errors-to-http.ts"
import type { CheckoutServices } from "./services.ts"

/** Says whether the summary reflects the `after` events (`true`) or the wait ended first (`false`). */
export const APPLIED_HEADER = "X-Applied"
/** How long `?after=` waits when `wait_ms` is not given. */
export const DEFAULT_WAIT_MS = 5_000

export const SummaryQuery = Schema.Struct({
  after: Schema.optionalKey(
    Schema.String.check(
      Schema.isPattern(/^[^,]{1,128}(,[^,]{1,128})*$/, { message: "event ids, comma-separated" }),
      Schema.makeFilter((value: string) => value.split(",").length <= MAX_AFTER_IDS || `at most ${MAX_AFTER_IDS} event ids`)
    ).annotate({ description: `Event ids, comma-separated (e.g. what X-Event-Ids named, up to ${MAX_AFTER_IDS}): answer once checkout has applied every one` })
  ),
  wait_ms: Schema.optionalKey(
    Schema.String.check(Schema.isPattern(/^(0|[1-9][0-9]{0,4})$/, { message: "a whole number of milliseconds" })).annotate({
      description: `How long to wait for \`after\`, 0..${MAX_WAIT_MS} ms (default ${DEFAULT_WAIT_MS})`
    })
  )
})

export const FinalizeBody = Schema.Struct({
  expected_total: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)).annotate({ description: "The grand total shown to the shopper, minor units; another one now is a 409 with the new totals" }))
})

export const checkoutRoutes = (runtime: ModuleRuntime<CheckoutServices>): Hono => {
  const respond = responder<PlatformServices | CheckoutServices, CheckoutError>(runtime, checkoutProblem)
  const once = idempotency(runtime)

  const app = new Hono<SessionEnv>()
  app.use("/checkout/*", identify(runtime))

  app.get("/checkout/summary", async (c) => {
    const query = validate(SummaryQuery, c.req.query())
    if (!query.ok) return problemResponse(validationProblem(query.errors))
    const after = query.value.after?.split(",")
    const wait_ms = query.value.wait_ms === undefined ? undefined : Number(query.value.wait_ms)
    if (wait_ms !== undefined && wait_ms > MAX_WAIT_MS) return problemResponse(validationProblem([{ field: "wait_ms", message: `at most ${MAX_WAIT_MS}` }]))
    if (after === undefined && wait_ms !== undefined) return problemResponse(validationProblem([{ field: "wait_ms", message: "only with after" }]))
    let applied = true
    const response = await respond(
      c,
      Effect.map(waitForSummary(c.get("sessionId"), after, wait_ms ?? DEFAULT_WAIT_MS), (waited) => {
        applied = waited.applied
        return waited.summary
      })
    )
    if (after !== undefined && response.ok) response.headers.set(APPLIED_HEADER, String(applied))
    return response
  })

  app.post("/checkout/customer-data", once, async (c) => {
    const body = await readJson(c, CustomerData)
    if (!body.ok) return body.response
    return respond(c, setCustomerData(requester(c), body.value))
  })

  app.post("/checkout/consents", once, async (c) => {
    const body = await readJson(c, ConsentsRequest)
    if (!body.ok) return body.response
    return respond(c, setConsents(requester(c), body.value))
  })

  app.post("/checkout/finalize", once, async (c) => {
    // No body at all is the same as `{}`: expected_total is optional.
    const empty = (await c.req.text()) === "" && c.req.header("content-type") === undefined
    const body = empty ? ({ ok: true, value: {} } as const) : await readJson(c, FinalizeBody)
    if (!body.ok) return body.response
    return respond(c, finalizeCheckout(requester(c), body.value), 202)
  })

  // Mounted into an untyped Hono (routes are copied, not nested) so any app can mount it.
  return new Hono().route("/", app as unknown as Hono)
}
