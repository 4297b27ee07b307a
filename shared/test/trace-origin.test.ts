// continueTrace: work that arrives without trace context (a webhook) runs in a span that continues the
// trace its record was started in, with that record's correlation id on the span and the spans inside,
// and the two traces linked both ways; without a kept traceparent it is an ordinary child span.
import { describe, expect, test } from "bun:test"
import { Effect, Option, Tracer } from "effect"
import { continueTrace, currentTraceOrigin, formatTraceparent, type TraceOrigin } from "@kasa/shared"

/** Runs `effect` with a tracer that keeps every span it makes. */
const traced = async <A>(effect: Effect.Effect<A>) => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  const value = await Effect.runPromise(Effect.provideService(effect, Tracer.Tracer, tracer))
  return { value, spans, named: (name: string) => spans.find((s) => s.name === name)! }
}

const checkoutTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
const kept: TraceOrigin = { correlation_id: "corr_checkout", traceparent: formatTraceparent({ traceId: checkoutTrace, spanId: "00f067aa0ba902b7", sampled: true }) }

describe("continueTrace", () => {
  test("continues the kept trace with its correlation id, the request and the work linked both ways", async () => {
    const { spans, named } = await traced(
      Effect.withSpan(Effect.void, "inner").pipe(
        continueTrace("work", kept, { "kasa.note": "x" }),
        Effect.withSpan("use case"),
        Effect.annotateSpans("correlation_id", "corr_webhook"),
        Effect.withSpan("POST /webhook", { root: true })
      )
    )
    const request = named("POST /webhook")
    const work = named("work")
    expect(work.traceId).toBe(checkoutTrace)
    expect(Option.getOrUndefined(work.parent)?.spanId).toBe("00f067aa0ba902b7")
    expect(work.attributes.get("correlation_id")).toBe("corr_checkout")
    expect(work.attributes.get("kasa.note")).toBe("x")
    expect(named("inner").traceId).toBe(checkoutTrace)
    expect(named("inner").attributes.get("correlation_id")).toBe("corr_checkout")
    expect(named("use case").attributes.get("correlation_id")).toBe("corr_webhook")
    expect(request.traceId).not.toBe(checkoutTrace)
    expect(work.links.map((l) => l.span.spanId)).toEqual([named("use case").spanId])
    expect(request.links.map((l) => [l.span.traceId, l.span.spanId])).toEqual([[checkoutTrace, work.spanId]])
    expect(spans).toHaveLength(4)
  })

  test("without a kept traceparent: a child of the current span, the correlation id still the kept one, no links", async () => {
    const { named } = await traced(Effect.void.pipe(continueTrace("work", { correlation_id: "corr_old" }), Effect.withSpan("request", { root: true })))
    expect(named("work").traceId).toBe(named("request").traceId)
    expect(Option.getOrUndefined(named("work").parent)?.spanId).toBe(named("request").spanId)
    expect(named("work").attributes.get("correlation_id")).toBe("corr_old")
    expect(named("work").links).toEqual([])
    expect(named("request").links).toEqual([])
  })

  test("currentTraceOrigin keeps the current span's traceparent, and none outside a span", async () => {
    const { value, named } = await traced(currentTraceOrigin("corr_1").pipe(Effect.withSpan("writer")))
    const writer = named("writer")
    expect(value).toEqual({ correlation_id: "corr_1", traceparent: formatTraceparent({ traceId: writer.traceId, spanId: writer.spanId, sampled: writer.sampled }) })
    expect(await Effect.runPromise(currentTraceOrigin("corr_2"))).toEqual({ correlation_id: "corr_2" })
  })
})
