/**
 * The one OpenTelemetry setup of a process (ARCHITECTURE §5): a Node tracer provider with a service
 * resource, OTLP/HTTP export through a BatchSpanProcessor when `OTEL_EXPORTER_OTLP_ENDPOINT` is set,
 * and an optional extra exporter (an `InMemorySpanExporter` in tests, exported synchronously so a
 * test sees a span as soon as it ends). `layerOtelTracing` installs it as Effect's tracer through
 * `@effect/opentelemetry`, so `Effect.withSpan`/`Effect.fn` spans, the kernel's `send`/`process`
 * spans and the HTTP server spans all land in this one provider. While the layer lives it is also
 * the global provider, with the AsyncLocalStorage context manager and the W3C propagator, so plain
 * OpenTelemetry code sees the current request's span; release flushes, shuts down and unregisters.
 * One live layer per process: a second one still exports its Effect spans, but leaves the globals.
 * Without an endpoint or an exporter there is nothing to export to, and the layer installs nothing.
 */
import { context, propagation, trace } from "@opentelemetry/api"
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks"
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import type { Resource as OtelResource } from "@opentelemetry/resources"
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace-base"
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node"
import * as OtelTracer from "@effect/opentelemetry/OtelTracer"
import * as Resource from "@effect/opentelemetry/Resource"
import { Config, Effect, Layer, Tracer } from "effect"

export interface TracingOptions {
  readonly serviceName: string
  readonly serviceVersion?: string
  /** Also export every span here, synchronously on end (tests: `new InMemorySpanExporter()`); shut down with the layer. */
  readonly exporter?: SpanExporter
  /** OTLP base URL; defaults to the `OTEL_EXPORTER_OTLP_ENDPOINT` configuration value. */
  readonly otlpEndpoint?: string
}

/** `<base>/v1/traces`, as the OTLP/HTTP specification derives it from the generic endpoint. */
export const otlpTracesUrl = (endpoint: string): string => `${endpoint.replace(/\/+$/, "")}/v1/traces`

export const makeTracerProvider = (
  resource: OtelResource,
  options: { readonly exporter?: SpanExporter | undefined; readonly otlpEndpoint?: string | undefined }
): NodeTracerProvider => {
  const spanProcessors: Array<SpanProcessor> = []
  if (options.otlpEndpoint !== undefined && options.otlpEndpoint !== "") {
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(options.otlpEndpoint) })))
  }
  if (options.exporter !== undefined) spanProcessors.push(new SimpleSpanProcessor(options.exporter))
  return new NodeTracerProvider({ resource, spanProcessors })
}

/** Makes `provider` the process-wide one; returns what undoes exactly what succeeded. */
const registerGlobals = (provider: NodeTracerProvider): (() => void) => {
  const contextManager = new AsyncLocalStorageContextManager().enable()
  const ownsContext = context.setGlobalContextManager(contextManager)
  if (!ownsContext) contextManager.disable()
  const ownsPropagation = propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] })
  )
  const ownsTrace = trace.setGlobalTracerProvider(provider)
  return () => {
    if (ownsTrace) trace.disable()
    if (ownsPropagation) propagation.disable()
    if (ownsContext) context.disable()
  }
}

/** The OTLP endpoint to export to: the option, else `OTEL_EXPORTER_OTLP_ENDPOINT`; undefined when neither is set. */
const resolvedEndpoint = (options: TracingOptions) =>
  Effect.map(Config.option(Config.String("OTEL_EXPORTER_OTLP_ENDPOINT")).pipe(Effect.orDie), (configured) => {
    const endpoint = options.otlpEndpoint ?? (configured._tag === "Some" ? configured.value : undefined)
    return endpoint === "" ? undefined : endpoint
  })

const layerProvider = (options: TracingOptions, otlpEndpoint: string | undefined): Layer.Layer<OtelTracer.OtelTracerProvider, never, Resource.Resource> =>
  Layer.effect(
    OtelTracer.OtelTracerProvider,
    Effect.gen(function* () {
      const resource = yield* Resource.Resource
      const { provider } = yield* Effect.acquireRelease(
        Effect.sync(() => {
          const provider = makeTracerProvider(resource, { exporter: options.exporter, otlpEndpoint })
          return { provider, unregister: registerGlobals(provider) }
        }),
        ({ provider, unregister }) =>
          Effect.promise(() => provider.forceFlush().finally(() => provider.shutdown())).pipe(
            Effect.ignore,
            Effect.timeoutOption("5 seconds"),
            Effect.ensuring(Effect.sync(unregister))
          )
      )
      return provider
    })
  )

/**
 * Effect spans exported as OpenTelemetry spans, without @effect/opentelemetry's per-step hook that
 * makes each span the active OpenTelemetry context for every step of its fiber: that hook copied the
 * context and entered AsyncLocalStorage on every Effect step, about a quarter of add-to-cart's CPU.
 * Nothing here reads the ambient OpenTelemetry context inside an Effect (parents travel as Effect
 * spans and W3C headers), and the HTTP middleware still makes the server span active for plain code.
 */
const layerEffectSpansOnly: Layer.Layer<never, never, OtelTracer.OtelTracer> = Layer.effect(
  Tracer.Tracer,
  Effect.map(OtelTracer.make, (otel) => Tracer.make({ span: (options) => otel.span(options) }))
)

/**
 * Effect's tracer backed by this process's OpenTelemetry provider, when its spans go somewhere: an
 * OTLP endpoint (the option or `OTEL_EXPORTER_OTLP_ENDPOINT`) or an exporter. With neither, Effect's
 * own tracer stays: its spans carry the same trace and span ids into logs, envelopes and `traceparent`,
 * without building OpenTelemetry spans nobody reads (about 5% of add-to-cart's CPU). Provide it to the
 * app's ManagedRuntime (or merge it into the app layer); releasing the runtime flushes pending spans.
 */
export const layerOtelTracing = (options: TracingOptions): Layer.Layer<never> =>
  Layer.unwrap(
    Effect.map(resolvedEndpoint(options), (otlpEndpoint) =>
      otlpEndpoint === undefined && options.exporter === undefined
        ? Layer.empty
        : layerEffectSpansOnly.pipe(
            Layer.provide(OtelTracer.layerTracer),
            Layer.provide(layerProvider(options, otlpEndpoint)),
            Layer.provide(
              Resource.layerFromEnv(
                Resource.configToAttributes({
                  serviceName: options.serviceName,
                  ...(options.serviceVersion === undefined ? {} : { serviceVersion: options.serviceVersion })
                })
              )
            )
          )
    )
  )
