// A cart request is one trace: the use case's span is a child of the request's server span and
// carries correlation_id, and the event it publishes carries a traceparent in that trace.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base"
import { Effect } from "effect"
import { Topics } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { call, newSession, startCartApp, type TestApp, writeCatalogFile } from "./fixtures.ts"

const exporter = new InMemorySpanExporter()
let t: TestApp
let catalog: Awaited<ReturnType<typeof writeCatalogFile>>

beforeAll(async () => {
  catalog = await writeCatalogFile()
  t = await startCartApp({ catalogFile: catalog.file }, { spanExporter: exporter })
})
afterAll(async () => {
  await t.app.stop()
  await catalog.remove()
})

describe("tracing", () => {
  test("Cart.addItem runs under the POST /cart/items server span, with correlation_id, and its event continues the trace", async () => {
    const session = newSession()
    const response = await call(t, "POST", "/cart/items", { session, headers: { "X-Correlation-Id": "corr_traced_1" }, body: { offer_id: "sofa-3", quantity: 1, type: "offer" } })
    expect(response.status).toBe(201)
    const spans = () => exporter.getFinishedSpans()
    await Effect.runPromise(waitUntil(() => spans().some((s) => s.name === "POST /cart/items"), { describe: () => spans().map((s) => s.name).join(", "), timeoutMs: 5_000 }))
    const server = spans().find((s) => s.name === "POST /cart/items")!
    const useCase = spans().find((s) => s.name === "Cart.addItem")!
    expect(useCase).toBeDefined()
    expect(useCase.spanContext().traceId).toBe(server.spanContext().traceId)
    expect(useCase.parentSpanContext?.spanId).toBe(server.spanContext().spanId)
    expect(useCase.attributes.correlation_id).toBe("corr_traced_1")
    const message = () => t.broker.topics.get(Topics.cart)!.flatMap((p) => p.log).find((m) => m.key === session.id)
    await Effect.runPromise(waitUntil(() => message() !== undefined, { describe: () => "not published", timeoutMs: 5_000 }))
    expect(message()!.headers.traceparent).toContain(server.spanContext().traceId)
    expect(message()!.headers.correlation_id).toBe("corr_traced_1")
    // The session token is a credential: no span carries it (the session_id may appear).
    const recorded = JSON.stringify(spans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, links: s.links, resource: s.resource.attributes })))
    expect(recorded).not.toContain(session.token)
    expect(recorded).not.toContain(session.token.split(".")[0]!)
  })
})
