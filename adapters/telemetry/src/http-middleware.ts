/**
 * The HTTP edge of correlation and tracing (SPEC §2, §6): a Hono middleware that reads or mints
 * `X-Correlation-Id`, echoes it on every response (errors and 404s included), runs the request under
 * a SERVER span (HTTP semantic-convention attributes, `correlation_id`, continuing an incoming
 * `traceparent`/`tracestate`) and records `observeHttp`. The span is an Effect span made through the
 * app's runtime, so it goes through the same tracer as everything else. Handlers get
 * `c.get("correlationId")` and `c.get("requestSpan")`. The supported way for a handler's effect to
 * become a child of the request is explicit: `runtime.runPromise(inRequest(c, effect))` sets the
 * server span as the Effect parent (`Effect.withParentSpan`) and puts `correlation_id` on every span
 * and log line inside. The ambient OpenTelemetry context is also set to the server span around
 * `next()` (for plain OpenTelemetry code, and `@effect/opentelemetry` parents an Effect root span on
 * it), but that alone is not enough: `Effect.currentSpan` stays empty in a span-less effect, so
 * `stampTrace` would stamp nothing, and nothing would add `correlation_id`.
 */
import { context as otelContext, ROOT_CONTEXT, trace } from "@opentelemetry/api"
import * as OtelTracer from "@effect/opentelemetry/OtelTracer"
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
  HTTP_REQUEST_METHOD_VALUE_OTHER
} from "@opentelemetry/semantic-conventions"
import { CORRELATION_HEADER, correlationIdFrom, observeHttp, parseTraceparent } from "@kasa/shared"
import { Effect, Tracer } from "effect"
import { dual } from "effect/Function"
import type { Context, MiddlewareHandler } from "hono"
import { matchedRoutes } from "hono/route"
import { setResponseHeader } from "./response-header.ts"

declare module "hono" {
  interface ContextVariableMap {
    /** The request's correlation id (well-formed incoming `X-Correlation-Id`, or a fresh one). */
    correlationId: string
    /** The request's SERVER span: the parent for effects run on behalf of the request. */
    requestSpan: Tracer.Span
  }
}

/** Anything that runs effects needing no services: the app's `ManagedRuntime` fits. */
export interface EffectRunner {
  readonly runPromise: <A, E>(effect: Effect.Effect<A, E>) => Promise<A>
}

export interface HttpTelemetryOptions {
  /** Runs the server span's effect; default `Effect.runPromise` (Effect's native tracer). */
  readonly runtime?: EffectRunner
}

/**
 * Parenting on the server span without capturing a stack trace: Effect would create an Error on every
 * request for a frame that only ever names this file.
 */
const NO_STACK = { captureStackTrace: false } as const

/** The route label for requests no route matched (keeps metric cardinality bounded). */
export const UNMATCHED_ROUTE = "unmatched"

class HttpServerError extends Error {
  override readonly name = "HttpServerError"
}

const knownMethods = new Set(["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"])

/**
 * The template of the route the request was aimed at: the last matched route after this
 * middleware. Taken before `next()` so a request a later middleware rejects (401, 422) is still
 * labelled with its endpoint; when only middleware matched, there is no route.
 */
const routeOf = (c: Context): string | undefined => {
  const routes = matchedRoutes(c)
  return routes.length - 1 > c.req.routeIndex ? routes[routes.length - 1]?.path : undefined
}

const requestAttributes = (c: Context, method: string, route: string | undefined, correlationId: string): Record<string, unknown> => {
  const url = new URL(c.req.url)
  const known = knownMethods.has(method)
  const attributes: Record<string, unknown> = {
    correlation_id: correlationId,
    [ATTR_HTTP_REQUEST_METHOD]: known ? method : HTTP_REQUEST_METHOD_VALUE_OTHER,
    [ATTR_URL_PATH]: url.pathname,
    [ATTR_URL_SCHEME]: url.protocol.replace(/:$/, ""),
    [ATTR_SERVER_ADDRESS]: url.hostname
  }
  if (!known) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = method
  if (url.port !== "") attributes[ATTR_SERVER_PORT] = Number(url.port)
  const userAgent = c.req.header("user-agent")
  if (userAgent !== undefined) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent
  if (route !== undefined) attributes[ATTR_HTTP_ROUTE] = route
  return attributes
}

/** The incoming W3C trace context as a parent, keeping its flags and `tracestate`. */
const incomingParent = (c: Context): Tracer.ExternalSpan | undefined => {
  const parsed = parseTraceparent(c.req.header("traceparent"))
  if (parsed === undefined) return undefined
  const traceState = c.req.header("tracestate")
  return OtelTracer.makeExternalSpan({
    traceId: parsed.traceId,
    spanId: parsed.spanId,
    traceFlags: parsed.sampled ? 1 : 0,
    ...(traceState === undefined ? {} : { traceState })
  })
}

export const httpTelemetry = (options: HttpTelemetryOptions = {}): MiddlewareHandler => {
  const runtime = options.runtime
  const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> =>
    runtime === undefined ? Effect.runPromise(effect) : runtime.runPromise(effect)

  return async (c, next) => {
    const started = performance.now()
    const correlationId = correlationIdFrom(c.req.header(CORRELATION_HEADER))
    c.set("correlationId", correlationId)
    const method = c.req.method
    const route = routeOf(c)
    const parent = incomingParent(c)
    let thrown: { readonly error: unknown } | undefined

    const serve = (span: Tracer.Span): Effect.Effect<void, unknown> =>
      Effect.gen(function* () {
        c.set("requestSpan", span)
        const handle = () =>
          next().then(
            () => undefined,
            (error: unknown) => {
              thrown = { error }
            }
          )
        // Plain OpenTelemetry code inside the handler sees the server span as the active one (when the
        // process exports OpenTelemetry spans; otherwise there is no OpenTelemetry span to see).
        if (span instanceof Tracer.NativeSpan) yield* Effect.promise(handle)
        else {
          const otelSpan = yield* Effect.orDie(Effect.withParentSpan(OtelTracer.currentOtelSpan, span, NO_STACK))
          yield* Effect.promise(() => otelContext.with(trace.setSpan(ROOT_CONTEXT, otelSpan), handle))
        }
        setResponseHeader(c, CORRELATION_HEADER, correlationId)
        const status = thrown === undefined ? c.res.status : 500
        span.attribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status)
        yield* observeHttp(method, route ?? UNMATCHED_ROUTE, status, (performance.now() - started) / 1000)
        if (status >= 500) {
          span.attribute(ATTR_ERROR_TYPE, String(status))
          return yield* Effect.fail(thrown?.error ?? c.error ?? new HttpServerError(`HTTP ${status}`))
        }
      })

    await run(
      Effect.useSpan(
        route === undefined ? method : `${method} ${route}`,
        {
          kind: "server",
          attributes: requestAttributes(c, method, route, correlationId),
          ...(parent === undefined ? { root: true } : { parent })
        },
        serve
      ).pipe(Effect.ignore)
    )
    if (thrown !== undefined) throw thrown.error
  }
}

/**
 * Runs `effect` on behalf of the request: its spans become children of the request's server span
 * and its spans and log lines carry `correlation_id`. Use as `runtime.runPromise(inRequest(c, eff))`
 * or `eff.pipe(inRequest(c))`. Outside the middleware it changes nothing.
 */
export const inRequest: {
  (c: Context): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, Exclude<R, Tracer.ParentSpan>>
  <A, E, R>(c: Context, self: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, Tracer.ParentSpan>>
} = dual(
  2,
  <A, E, R>(c: Context, self: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, Tracer.ParentSpan>> => {
    const correlationId = c.get("correlationId") as string | undefined
    const span = c.get("requestSpan") as Tracer.Span | undefined
    const annotated =
      correlationId === undefined
        ? self
        : self.pipe(Effect.annotateLogs("correlation_id", correlationId), Effect.annotateSpans("correlation_id", correlationId))
    return (span === undefined ? annotated : Effect.withParentSpan(annotated, span, NO_STACK)) as Effect.Effect<A, E, Exclude<R, Tracer.ParentSpan>>
  }
)
