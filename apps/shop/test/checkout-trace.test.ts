// One checkout is one trace (SPEC §6): the embedded shop's contexts in one app with an in-memory span
// exporter, served on a real port (the sandbox posts its webhook back over HTTP), one whole purchase
// whose finalize carries the shopper's X-Correlation-Id. The finalize request, the publication of
// `checkout.order_created`, payment starting the order's payment, the webhook's work on that
// transaction and the publication of `checkout.completed` share one trace and that correlation id,
// although the webhook arrives as a request of its own (its server span stays in its own trace,
// linked to the checkout's).
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { Effect } from "effect"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { startServedTestApp, type ServedTestApp } from "@kasa/test-support/app-harness"
import { purchase, sendTo } from "@kasa/test-support/shopper"
import { makeShopModules } from "../src/modules.ts"

const exporter = new InMemorySpanExporter()
let t: ServedTestApp

beforeAll(async () => {
  // The sandbox sends its webhook to PUBLIC_URL: this served port.
  t = await startServedTestApp("shop", (origin) => makeShopModules({ PUBLIC_URL: origin }), { spanExporter: exporter })
}, 60_000)

afterAll(() => t?.stop())

const spans = (): ReadonlyArray<ReadableSpan> => exporter.getFinishedSpans()
const named = (name: string, eventName?: string) => spans().filter((s) => s.name === name && (eventName === undefined || s.attributes.event_name === eventName))
const traceOf = (span: ReadableSpan) => span.spanContext().traceId
/** What was recorded, for a failure's message: each span's name, event, trace and correlation id. */
const described = () => spans().map((s) => `${s.name}${s.attributes.event_name === undefined ? "" : ` [${String(s.attributes.event_name)}]`} trace=${traceOf(s).slice(0, 8)} corr=${String(s.attributes.correlation_id)}`).join("\n")

describe("one trace per checkout", () => {
  test("finalize, checkout.order_created, payment's start, the webhook's work and checkout.completed share one trace and the finalize's correlation_id", async () => {
    const correlationId = `corr_trace_${crypto.randomUUID().slice(0, 8)}`
    const done = await purchase(sendTo(t.origin), { finalizeCorrelationId: correlationId })
    expect(done.status).toBe("completed")
    // The relay publishes checkout.completed (and ends its producer span) around the time the summary says completed.
    await Effect.runPromise(waitUntil(() => named("send checkout-events", "checkout.completed").length > 0, { describe: described, timeoutMs: 10_000 }))

    const finalize = named("POST /checkout/finalize")
    expect(finalize).toHaveLength(1)
    const steps = {
      finalize: finalize[0]!,
      orderCreated: named("send checkout-events", "checkout.order_created"),
      paymentStarted: named("Payment.startOrderPayment"),
      paymentInitialized: named("send payment-events", "payment.initialized"),
      webhook: named("Payment.applyWebhook"),
      paymentSucceeded: named("send payment-events", "payment.succeeded"),
      completed: named("send checkout-events", "checkout.completed")
    }
    const trace = traceOf(steps.finalize)
    const seen = Object.fromEntries(
      Object.entries(steps).map(([step, found]) => {
        const all = Array.isArray(found) ? found : [found]
        return [step, all.map((s) => ({ trace: traceOf(s) === trace ? "checkout's" : traceOf(s), correlation_id: s.attributes.correlation_id }))]
      })
    )
    const expected = Object.fromEntries(Object.keys(steps).map((step) => [step, [{ trace: "checkout's", correlation_id: correlationId }]]))
    expect(seen, described()).toEqual(expected)

    // The webhook's request is a trace of its own (the sandbox sent no trace context), linked to the checkout's.
    const webhookRequest = named("POST /payment/webhook/:gateway")
    expect(webhookRequest).toHaveLength(1)
    expect(traceOf(webhookRequest[0]!)).not.toBe(trace)
    expect(webhookRequest[0]!.attributes.correlation_id).not.toBe(correlationId)
    expect(webhookRequest[0]!.links.map((link) => link.context.traceId)).toContain(trace)
    expect((steps.webhook as ReadonlyArray<ReadableSpan>)[0]!.links.map((link) => link.context.traceId)).toContain(traceOf(webhookRequest[0]!))
  }, 120_000)
})
