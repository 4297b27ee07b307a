/**
 * @kasa/adapter-telemetry: the process's OpenTelemetry setup (`layerOtelTracing`), the HTTP middleware
 * that starts server spans and carries correlation ids (`httpTelemetry`, `inRequest`), `/metrics`
 * rendering (`prometheusText`) and JSON logging (`layerJsonLogging`).
 */
export * from "./http-middleware.ts"
export * from "./logging.ts"
export * from "./prometheus.ts"
export * from "./response-header.ts"
export * from "./tracing.ts"
