/**
 * Structured JSON logs (SPEC §6): one JSON object per line with `timestamp`, `level`, `message`,
 * `correlation_id` (lifted out of the log annotations, where `inRequest` and the consumer runtime put
 * it), `trace_id`/`span_id` of the fiber's current span (an external parent counts too), the other
 * annotations, log spans and a rendered cause. `layerJsonLogging` replaces Effect's default console
 * logger and keeps the tracer logger, so log lines still become span events.
 */
import { Layer, Logger, References } from "effect"
import type { LogLevel } from "effect"

export interface JsonLoggingOptions {
  /** Where a finished line goes (default `console.log`); tests collect lines here. */
  readonly write?: (line: string) => void
  /** Fixed fields on every line, e.g. `{ service: "cart" }`. */
  readonly fields?: Readonly<Record<string, string>>
  /** Lines below this level are dropped (Effect's `MinimumLogLevel`; default Info). */
  readonly minimumLevel?: LogLevel.LogLevel
}

export interface LogLine {
  readonly timestamp: string
  readonly level: string
  readonly message: unknown
  readonly correlation_id?: string
  readonly trace_id?: string
  readonly span_id?: string
  readonly annotations?: Record<string, unknown>
  readonly spans?: Record<string, number>
  readonly cause?: string
  readonly fiber_id: string
  readonly [field: string]: unknown
}

const safeStringify = (value: unknown): string => {
  const seen = new WeakSet<object>()
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return v.toString()
    if (typeof v === "object" && v !== null) {
      if (seen.has(v)) return "[Circular]"
      seen.add(v)
    }
    return v
  })
}

/** The line as an object (before JSON): separated out so it can be tested and reused. */
export const logLineFormatter = (fields: Readonly<Record<string, string>> = {}): Logger.Logger<unknown, LogLine> =>
  Logger.make((options) => {
    const base = Logger.formatStructured.log(options)
    const { correlation_id, ...annotations } = base.annotations
    const span = options.fiber.cache.span
    const line: Record<string, unknown> = {
      ...fields,
      timestamp: base.timestamp,
      level: base.level,
      message: base.message,
      fiber_id: base.fiberId
    }
    if (correlation_id !== undefined) line.correlation_id = String(correlation_id)
    if (span !== undefined) {
      line.trace_id = span.traceId
      line.span_id = span.spanId
    }
    if (Object.keys(annotations).length > 0) line.annotations = annotations
    if (Object.keys(base.spans).length > 0) line.spans = base.spans
    if (base.cause !== undefined) line.cause = base.cause
    return line as LogLine
  })

export const jsonLogger = (options: Pick<JsonLoggingOptions, "write" | "fields"> = {}): Logger.Logger<unknown, void> => {
  const write = options.write ?? ((line: string) => console.log(line))
  return Logger.map(logLineFormatter(options.fields), (line) => write(safeStringify(line)))
}

/** Replaces the default logger with JSON lines (and keeps log lines as span events). */
export const layerJsonLogging = (options: JsonLoggingOptions = {}): Layer.Layer<never> => {
  const loggers = Logger.layer([jsonLogger(options), Logger.tracerLogger])
  return options.minimumLevel === undefined
    ? loggers
    : Layer.merge(loggers, Layer.succeed(References.MinimumLogLevel, options.minimumLevel))
}
