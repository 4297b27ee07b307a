/**
 * W3C trace context in message headers: the producer writes `traceparent` from its current span, the
 * consumer starts its span as that span's child, so one checkout is one trace across processes.
 */
import { Effect, Tracer } from "effect"

const pattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

export interface TraceContext {
  readonly traceId: string
  readonly spanId: string
  readonly sampled: boolean
}

export const parseTraceparent = (header: string | undefined): TraceContext | undefined => {
  if (header === undefined) return undefined
  const match = pattern.exec(header.trim())
  if (match === null || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined
  return { traceId: match[1]!, spanId: match[2]!, sampled: (Number.parseInt(match[3]!, 16) & 1) === 1 }
}

export const formatTraceparent = (context: TraceContext): string =>
  `00-${context.traceId}-${context.spanId}-${context.sampled ? "01" : "00"}`

/** The span a header points at, usable as `parent` in span options. */
export const externalParent = (header: string | undefined): Tracer.ExternalSpan | undefined => {
  const context = parseTraceparent(header)
  return context === undefined ? undefined : Tracer.externalSpan(context)
}

/** `traceparent` of the current span, if there is one. */
export const currentTraceparent: Effect.Effect<string | undefined> = Effect.currentSpan.pipe(
  Effect.map((span) => formatTraceparent({ traceId: span.traceId, spanId: span.spanId, sampled: span.sampled })),
  Effect.orElseSucceed(() => undefined)
)
