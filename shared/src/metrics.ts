/**
 * The product's own metrics, declared once (SPEC §6): events published and consumed by topic, name
 * and outcome, processing duration, HTTP latency, the memory governor's collections. Effect metrics,
 * rendered as Prometheus text by the telemetry adapter; series are cached so the hot path allocates
 * nothing per message.
 */
import { Effect, Metric } from "effect"

const counter = (name: string, description: string) => Metric.counter(name, { description, incremental: true })

const published = counter("kasa_events_published_total", "Events published to the bus, by topic and event name")
const consumed = counter("kasa_events_consumed_total", "Events taken from the bus, by group, topic, event name and outcome")
const setAside = counter("kasa_outbox_set_aside_total", "Outbox entries moved out of the outbox because they can never be published")
const memoryCollections = counter("kasa_memory_collections_total", "Full garbage collections a served thread's memory governor ran (MEMORY_COLLECT_GROWTH_MB)")
const memoryCollectionSeconds = counter("kasa_memory_collection_seconds_total", "Time the memory governor's full collections took, their thread paused meanwhile")
const processingSeconds = Metric.histogram("kasa_event_processing_duration_seconds", {
  description: "Time from handing an event to its handler until its state is written",
  boundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
})
const httpSeconds = Metric.histogram("kasa_http_request_duration_seconds", {
  description: "HTTP request latency by method, route and status",
  boundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
})

const cache = new Map<string, Metric.Metric<number, unknown>>()
/** A metric with these attributes, made once and cached (a context's own metrics use it too). */
export const metricSeries = <S>(metric: Metric.Metric<number, S>, attributes: Readonly<Record<string, string>>): Metric.Metric<number, S> => {
  let key = metric.id
  for (const name in attributes) key += `|${name}=${attributes[name]}`
  let found = cache.get(key)
  if (found === undefined) {
    found = Metric.withAttributes(metric, attributes) as Metric.Metric<number, unknown>
    cache.set(key, found)
  }
  return found as Metric.Metric<number, S>
}

export type ConsumeOutcome = "processed" | "duplicate" | "ignored" | "dead_lettered" | "retried" | "undecodable"

export const countPublished = (topic: string, eventName: string, count = 1): Effect.Effect<void> =>
  Metric.update(metricSeries(published, { topic, event_name: eventName }), count)

export const countSetAside = (reason: "unreadable" | "unencodable"): Effect.Effect<void> => Metric.update(metricSeries(setAside, { reason }), 1)

export const countConsumed = (group: string, topic: string, eventName: string, outcome: ConsumeOutcome, count = 1): Effect.Effect<void> =>
  Metric.update(metricSeries(consumed, { group, topic, event_name: eventName, outcome }), count)

/** One full collection the memory governor ran, and how long it paused its thread. */
export const countMemoryCollection = (seconds: number): Effect.Effect<void> =>
  Effect.andThen(Metric.update(memoryCollections, 1), Metric.update(memoryCollectionSeconds, seconds))

export const observeProcessing = (group: string, topic: string, seconds: number): Effect.Effect<void> =>
  Metric.update(metricSeries(processingSeconds, { group, topic }), seconds)

export const observeHttp = (method: string, route: string, status: number, seconds: number): Effect.Effect<void> =>
  Metric.update(metricSeries(httpSeconds, { method, route, status: String(status) }), seconds)
