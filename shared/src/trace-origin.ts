/**
 * Work that belongs to a trace begun earlier and elsewhere. A record can keep where it was created
 * (`TraceOrigin`: the correlation id and the `traceparent` of the span that wrote it), and a later
 * arrival that has no trace context of its own (a payment gateway's webhook) runs its work on that
 * record with `continueTrace`: in a span whose parent is the kept one, with the kept correlation id on
 * the span, its log lines and every span inside, so the events it writes continue the first trace.
 * The arrival's own trace (its request's server span) stays its own; the two are linked both ways.
 */
import { Effect, Option, type Tracer } from "effect"
import { currentTraceparent, externalParent } from "./traceparent.ts"

export interface TraceOrigin {
  readonly correlation_id: string
  /** W3C `traceparent` of the span that created the record; absent when there was none. */
  readonly traceparent?: string | undefined
}

/** The origin to keep with a record written now, on behalf of `correlationId`. */
export const currentTraceOrigin = (correlationId: string): Effect.Effect<TraceOrigin> =>
  Effect.map(currentTraceparent, (traceparent) => (traceparent === undefined ? { correlation_id: correlationId } : { correlation_id: correlationId, traceparent }))

/** The outermost span of this process's current trace that is a local span (a request's server span). */
const localRoot = (span: Tracer.Span): Tracer.Span => {
  let root = span
  while (Option.isSome(root.parent) && root.parent.value._tag === "Span") root = root.parent.value
  return root
}

const currentSpan: Effect.Effect<Tracer.Span | undefined> = Effect.orElseSucceed(Effect.currentSpan, () => undefined)

/**
 * Runs `self` in span `name`, continuing `origin`'s trace (a child of its `traceparent`; without one,
 * of the current span) with its `correlation_id`. When it continues another trace, the new span links
 * to the span it was started from, and the local root of that span (the request's server span) links
 * to the new span, so either trace leads to the other.
 */
export const continueTrace =
  (name: string, origin: TraceOrigin, attributes: Readonly<Record<string, unknown>> = {}) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(currentSpan, (here) => {
      const parent = externalParent(origin.traceparent)
      const elsewhere = parent !== undefined && here !== undefined && parent.traceId !== here.traceId ? here : undefined
      const linked =
        elsewhere === undefined
          ? self
          : Effect.andThen(
              Effect.flatMap(currentSpan, (span) =>
                Effect.sync(() => (span === undefined ? undefined : localRoot(elsewhere).addLinks([{ span, attributes: { "link.type": "continued_in" } }])))
              ),
              self
            )
      return linked.pipe(
        Effect.withSpan(name, {
          ...(parent === undefined ? {} : { parent }),
          ...(elsewhere === undefined ? {} : { links: [{ span: elsewhere, attributes: { "link.type": "caused_by" } }] }),
          attributes: { ...attributes, correlation_id: origin.correlation_id }
        }),
        Effect.annotateLogs("correlation_id", origin.correlation_id),
        Effect.annotateSpans("correlation_id", origin.correlation_id)
      )
    })
