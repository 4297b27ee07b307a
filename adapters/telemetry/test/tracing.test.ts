// The OpenTelemetry setup: OTLP/HTTP export when OTEL_EXPORTER_OTLP_ENDPOINT is set (flushed on
// release), the process-wide registration while the layer lives, and its removal afterwards; with
// nothing to export to, Effect's own tracer.
import { afterAll, describe, expect, test } from "bun:test"
import { context, ProxyTracerProvider, trace } from "@opentelemetry/api"
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base"
import { ConfigProvider, Effect, Layer, ManagedRuntime, Tracer } from "effect"
import { layerOtelTracing, otlpTracesUrl } from "@kasa/adapter-telemetry"

const received: Array<{ readonly path: string; readonly contentType: string | null; readonly bytes: number }> = []
const collector = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: async (request) => {
    const body = await request.arrayBuffer()
    received.push({ path: new URL(request.url).pathname, contentType: request.headers.get("content-type"), bytes: body.byteLength })
    return new Response("{}", { headers: { "content-type": "application/json" } })
  }
})
afterAll(() => collector.stop(true))

const delegate = () => (trace.getTracerProvider() as ProxyTracerProvider).getDelegate()

describe("layerOtelTracing", () => {
  test("exports Effect spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, flushed when the layer is released", async () => {
    received.length = 0
    const env = ConfigProvider.layer(ConfigProvider.fromEnv({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.port}/` } }))
    const runtime = ManagedRuntime.make(layerOtelTracing({ serviceName: "otlp-test" }).pipe(Layer.provide(env)))
    await runtime.runPromise(Effect.void.pipe(Effect.withSpan("Otlp.exported")))
    await runtime.dispose()
    expect(received.length).toBeGreaterThanOrEqual(1)
    expect(received[0]?.path).toBe("/v1/traces")
    expect(received[0]?.bytes).toBeGreaterThan(0)
  })

  test("is the global provider with an async context manager while it lives, and unregisters on release", async () => {
    for (let round = 0; round < 2; round++) {
      // A fresh exporter each time: releasing the layer shuts down the exporter it was given.
      const exporter = new InMemorySpanExporter()
      const runtime = ManagedRuntime.make(layerOtelTracing({ serviceName: "global-test", exporter }))
      await runtime.runPromise(Effect.void)
      const tracer = trace.getTracer("plain-otel")
      const span = tracer.startSpan("plain")
      const seen = await context.with(trace.setSpan(context.active(), span), async () => {
        await Promise.resolve()
        return trace.getActiveSpan()?.spanContext().spanId
      })
      span.end()
      expect(seen).toBe(span.spanContext().spanId)
      expect(exporter.getFinishedSpans().some((s) => s.name === "plain")).toBe(true)
      await runtime.dispose()
      expect(delegate().constructor.name).toBe("NoopTracerProvider")
    }
  })

  test("with neither an endpoint nor an exporter: no OpenTelemetry provider, and Effect's spans still carry W3C trace and span ids", async () => {
    const env = ConfigProvider.layer(ConfigProvider.fromEnv({ env: {} }))
    const runtime = ManagedRuntime.make(layerOtelTracing({ serviceName: "unexported-test" }).pipe(Layer.provide(env)))
    const span = await runtime.runPromise(Effect.currentSpan.pipe(Effect.withSpan("Unexported.span")))
    expect(delegate().constructor.name).toBe("NoopTracerProvider")
    expect(span).toBeInstanceOf(Tracer.NativeSpan)
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/)
    await runtime.dispose()
  })

  test("otlpTracesUrl appends the signal path once", () => {
    expect(otlpTracesUrl("http://jaeger:4318")).toBe("http://jaeger:4318/v1/traces")
    expect(otlpTracesUrl("http://jaeger:4318/")).toBe("http://jaeger:4318/v1/traces")
  })
})
