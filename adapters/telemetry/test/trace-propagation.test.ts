// One trace from an HTTP request through the outbox, the relay and a consumer: the server span, the
// `send` producer span and the `process` consumer span share a trace id, are parented correctly and
// all carry the request's correlation_id (SPEC §2, §6).
import { afterAll, describe, expect, test } from "bun:test"
import { SpanKind, trace } from "@opentelemetry/api"
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { Effect, Exit, Layer, ManagedRuntime, Scope } from "effect"
import { Hono } from "hono"
import { MemoryBroker, layerMemoryEventBus, layerMemoryStateStore } from "@kasa/adapter-memory"
import { type ConsumedEvent, makeEnvelope, relayOnce, runConsumer, StateStore, stampTrace } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { httpTelemetry, inRequest, layerOtelTracing } from "@kasa/adapter-telemetry"

const topic = "telemetry-test-events"
const exporter = new InMemorySpanExporter()
const broker = new MemoryBroker()
broker.createTopic(topic, 3)
broker.createTopic(`${topic}.dlq`, 3)

const runtime = ManagedRuntime.make(
  Layer.mergeAll(layerOtelTracing({ serviceName: "telemetry-test", exporter }), layerMemoryEventBus(broker), layerMemoryStateStore())
)
afterAll(() => runtime.dispose())

const placeOrder = Effect.fn("Test.placeOrder")(function* (correlationId: string, orderId: string) {
  const store = yield* StateStore
  const envelope = makeEnvelope({
    eventName: "order.created",
    aggregateId: orderId,
    correlationId,
    producer: "telemetry-test",
    payload: { order_id: orderId }
  })
  const write = yield* stampTrace({
    ops: [{ op: "set", key: `order:${orderId}`, value: "created" }],
    events: [{ topic, key: orderId, envelope }]
  })
  yield* store.commit(write)
})

const app = new Hono()
app.use("*", httpTelemetry({ runtime }))
let activeInHandler: string | undefined
app.post("/orders/:id", async (c) => {
  activeInHandler = trace.getActiveSpan()?.spanContext().spanId
  await runtime.runPromise(inRequest(c, placeOrder(c.get("correlationId"), c.req.param("id"))))
  return c.json({ ok: true }, 201)
})

const spans = (): ReadonlyArray<ReadableSpan> => exporter.getFinishedSpans()
const named = (name: string): ReadableSpan | undefined => spans().find((span) => span.name === name)
const describeSpans = () =>
  spans()
    .map((s) => `${s.name} ${s.spanContext().traceId}/${s.spanContext().spanId} <- ${s.parentSpanContext?.spanId ?? "-"}`)
    .join("; ")

describe("trace propagation: HTTP → outbox → relay → consumer", () => {
  test("server, producer and consumer spans form one trace carrying correlation_id", async () => {
    exporter.reset()
    const handled: Array<ConsumedEvent> = []
    const scope = await runtime.runPromise(Scope.make())
    try {
      await runtime.runPromise(
        runConsumer({
          group: "telemetry-test",
          topics: [topic],
          handler: (event) => Effect.sync(() => void handled.push(event))
        }).pipe(Scope.provide(scope))
      )

      const response = await app.request("/orders/ord_1", { method: "POST", headers: { "X-Correlation-Id": "corr_test123" } })
      expect(response.status).toBe(201)
      expect(response.headers.get("X-Correlation-Id")).toBe("corr_test123")

      expect(await runtime.runPromise(relayOnce())).toBe(1)
      await runtime.runPromise(
        waitUntil(() => handled.length === 1 && named(`process ${topic}`) !== undefined, {
          timeoutMs: 5_000,
          describe: () => `handled=${handled.length}; spans: ${describeSpans()}`
        })
      )
    } finally {
      await runtime.runPromise(Scope.close(scope, Exit.void))
    }

    const server = named("POST /orders/:id")
    const handler = named("Test.placeOrder")
    const producer = named(`send ${topic}`)
    const consumer = named(`process ${topic}`)
    if (server === undefined || handler === undefined || producer === undefined || consumer === undefined) {
      throw new Error(`missing spans: ${describeSpans()}`)
    }

    const traceId = server.spanContext().traceId
    for (const span of [handler, producer, consumer]) expect(span.spanContext().traceId).toBe(traceId)

    expect(server.kind).toBe(SpanKind.SERVER)
    expect(server.parentSpanContext).toBeUndefined()
    // Plain OpenTelemetry code in the handler sees the server span as the active one.
    expect(activeInHandler).toBe(server.spanContext().spanId)
    expect(handler.parentSpanContext?.spanId).toBe(server.spanContext().spanId)
    expect(producer.kind).toBe(SpanKind.PRODUCER)
    expect(producer.parentSpanContext?.spanId).toBe(handler.spanContext().spanId)
    expect(consumer.kind).toBe(SpanKind.CONSUMER)
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId)

    for (const span of [server, handler, producer, consumer]) expect(span.attributes.correlation_id).toBe("corr_test123")
    expect(handled[0]?.envelope.correlation_id).toBe("corr_test123")

    expect(server.attributes["http.request.method"]).toBe("POST")
    expect(server.attributes["http.route"]).toBe("/orders/:id")
    expect(server.attributes["url.path"]).toBe("/orders/ord_1")
    expect(server.attributes["http.response.status_code"]).toBe(201)
    expect(server.resource.attributes["service.name"]).toBe("telemetry-test")
  })

  test("a request carrying traceparent continues the caller's trace", async () => {
    exporter.reset()
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
    const parentId = "00f067aa0ba902b7"
    const response = await app.request("/orders/ord_2", {
      method: "POST",
      headers: { traceparent: `00-${traceId}-${parentId}-01`, tracestate: "vendor=abc" }
    })
    expect(response.status).toBe(201)
    const server = named("POST /orders/:id")
    const handler = named("Test.placeOrder")
    expect(server?.spanContext().traceId).toBe(traceId)
    expect(server?.parentSpanContext?.spanId).toBe(parentId)
    expect(server?.parentSpanContext?.traceState?.get("vendor")).toBe("abc")
    expect(handler?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId)
    // The outbox entry carries the handler span's traceparent, so the producer span will join too.
    expect(await runtime.runPromise(relayOnce())).toBe(1)
    expect(named(`send ${topic}`)?.spanContext().traceId).toBe(traceId)
  })

  test("a failing handler marks the server span as an error and still echoes the correlation id", async () => {
    exporter.reset()
    const failing = new Hono()
    failing.use("*", httpTelemetry({ runtime }))
    failing.onError((_error, c) => c.text("failed", 500))
    failing.get("/boom", async (c) => {
      await runtime.runPromise(inRequest(c, Effect.fail(new Error("kaput")).pipe(Effect.withSpan("Test.boom"))))
      return c.text("unreachable")
    })
    const response = await failing.request("/boom", { headers: { "X-Correlation-Id": "corr_boom" } })
    expect(response.status).toBe(500)
    expect(response.headers.get("X-Correlation-Id")).toBe("corr_boom")
    const server = named("GET /boom")
    expect(server?.status.code).toBe(2) // SpanStatusCode.ERROR
    expect(server?.attributes["error.type"]).toBe("500")
    expect(named("Test.boom")?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId)
  })
})
