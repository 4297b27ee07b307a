// JSON log lines carry the correlation id and the current span's trace and span ids.
import { describe, expect, test } from "bun:test"
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base"
import { Cause, Effect, Layer, ManagedRuntime } from "effect"
import { layerJsonLogging, layerOtelTracing } from "@kasa/adapter-telemetry"

describe("layerJsonLogging", () => {
  test("a log line within an annotated effect carries correlation_id, trace_id and span_id", async () => {
    const lines: Array<string> = []
    const exporter = new InMemorySpanExporter()
    const runtime = ManagedRuntime.make(
      Layer.mergeAll(
        layerOtelTracing({ serviceName: "logging-test", exporter }),
        layerJsonLogging({ write: (line) => lines.push(line), fields: { service: "logging-test" } })
      )
    )
    try {
      const ids = await runtime.runPromise(
        Effect.gen(function* () {
          yield* Effect.logInfo("cart updated", { lines: 2 })
          const span = yield* Effect.currentSpan
          return { traceId: span.traceId, spanId: span.spanId }
        }).pipe(
          Effect.withSpan("Cart.addItem"),
          Effect.annotateLogs({ correlation_id: "corr_log123", session_id: "sess_1" })
        )
      )
      expect(lines).toHaveLength(1)
      const line = JSON.parse(lines[0]!) as Record<string, unknown>
      expect(line).toMatchObject({
        service: "logging-test",
        level: "INFO",
        message: ["cart updated", { lines: 2 }],
        correlation_id: "corr_log123",
        trace_id: ids.traceId,
        span_id: ids.spanId,
        annotations: { session_id: "sess_1" }
      })
      expect(Date.parse(line.timestamp as string)).not.toBeNaN()
      // The tracer logger is kept: the line is also an event on the span.
      const span = exporter.getFinishedSpans().find((s) => s.name === "Cart.addItem")
      expect(span?.events.some((event) => event.name.includes("cart updated"))).toBe(true)
    } finally {
      await runtime.dispose()
    }
  })

  test("lines outside any span have no trace ids; the minimum level filters; causes are rendered", async () => {
    const lines: Array<string> = []
    await Effect.runPromise(
      Effect.all([Effect.logDebug("hidden"), Effect.logWarning("plain"), Effect.logError("failed", Cause.fail(new Error("boom")))]).pipe(
        Effect.provide(layerJsonLogging({ write: (line) => lines.push(line), minimumLevel: "Info" }))
      )
    )
    expect(lines).toHaveLength(2)
    const plain = JSON.parse(lines[0]!) as Record<string, unknown>
    expect(plain).toMatchObject({ level: "WARN", message: "plain" })
    expect(plain.trace_id).toBeUndefined()
    expect(plain.correlation_id).toBeUndefined()
    const failed = JSON.parse(lines[1]!) as Record<string, unknown>
    expect(failed).toMatchObject({ level: "ERROR", message: "failed" })
    expect(failed.cause).toContain("boom")
  })
})
