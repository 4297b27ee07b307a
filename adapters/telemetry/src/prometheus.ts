/**
 * `/metrics` in Prometheus text exposition format 0.0.4 (SPEC §6): renders Effect's metric registry
 * (`Metric.snapshot`) plus gauges the caller computes at scrape time (consumer lag per group and
 * partition, success rates). Incremental counters become `counter`s and counters that may go down
 * become `gauge`s (Prometheus counters never decrease); histograms get cumulative `_bucket{le=...}`
 * series ending in `+Inf`, then `_sum` and `_count`; summaries get `{quantile=...}`, `_sum` and
 * `_count`; frequencies become a counter per value (label `key`). Families and series are sorted so
 * the output is stable; names and label names are sanitised, label values and help text escaped.
 */
import type { PartitionLag } from "@kasa/shared"
import { Effect, Metric } from "effect"

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

export interface GaugeSample {
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

/** A gauge computed at scrape time, e.g. consumer lag rows. */
export interface GaugeFamily {
  readonly name: string
  readonly help?: string
  readonly samples: ReadonlyArray<GaugeSample>
}

type Labels = Readonly<Record<string, string>>

interface Family {
  readonly name: string
  readonly type: "counter" | "gauge" | "histogram" | "summary"
  readonly help: string | undefined
  readonly series: Array<{ readonly labels: Labels; readonly lines: Array<string> }>
}

export const sanitizeMetricName = (name: string): string => {
  const cleaned = name.replace(/[^a-zA-Z0-9_:]/g, "_")
  return /^[a-zA-Z_:]/.test(cleaned) ? cleaned : `_${cleaned}`
}

export const sanitizeLabelName = (name: string): string => {
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, "_")
  return /^[a-zA-Z_]/.test(cleaned) ? cleaned : `_${cleaned}`
}

export const escapeLabelValue = (value: string): string =>
  value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")

const escapeHelp = (text: string): string => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")

export const formatValue = (value: number | bigint): string => {
  if (typeof value === "bigint") return value.toString()
  if (Number.isNaN(value)) return "NaN"
  if (value === Number.POSITIVE_INFINITY) return "+Inf"
  if (value === Number.NEGATIVE_INFINITY) return "-Inf"
  return String(value)
}

const renderLabels = (labels: Labels, extra?: readonly [string, string]): string => {
  const parts = Object.keys(labels)
    .sort()
    .map((name) => `${sanitizeLabelName(name)}="${escapeLabelValue(labels[name]!)}"`)
  if (extra !== undefined) parts.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`)
  return parts.length === 0 ? "" : `{${parts.join(",")}}`
}

const sample = (name: string, labels: Labels, value: number | bigint, extra?: readonly [string, string]): string =>
  `${name}${renderLabels(labels, extra)} ${formatValue(value)}`

const seriesOf = (snapshot: Metric.Metric.Snapshot, name: string): { readonly type: Family["type"]; readonly lines: Array<string> } => {
  const labels: Labels = snapshot.attributes ?? {}
  switch (snapshot.type) {
    case "Counter":
      return {
        type: snapshot.state.incremental ? "counter" : "gauge",
        lines: [sample(name, labels, snapshot.state.count)]
      }
    case "Gauge":
      return { type: "gauge", lines: [sample(name, labels, snapshot.state.value)] }
    case "Frequency":
      return {
        type: "counter",
        lines: [...snapshot.state.occurrences]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, count]) => sample(name, labels, count, ["key", key]))
      }
    case "Histogram": {
      const { buckets, count, sum } = snapshot.state
      return {
        type: "histogram",
        lines: [
          ...buckets.map(([le, cumulative]) => sample(`${name}_bucket`, labels, cumulative, ["le", formatValue(le)])),
          sample(`${name}_bucket`, labels, count, ["le", "+Inf"]),
          sample(`${name}_sum`, labels, sum),
          sample(`${name}_count`, labels, count)
        ]
      }
    }
    case "Summary": {
      const { quantiles, count, sum } = snapshot.state
      return {
        type: "summary",
        lines: [
          ...quantiles.map(([q, value]) => sample(name, labels, value ?? Number.NaN, ["quantile", formatValue(q)])),
          sample(`${name}_sum`, labels, sum),
          sample(`${name}_count`, labels, count)
        ]
      }
    }
  }
}

const compareLabels = (a: Labels, b: Labels): number => {
  const ka = renderLabels(a)
  const kb = renderLabels(b)
  return ka < kb ? -1 : ka > kb ? 1 : 0
}

/** Pure rendering: snapshots and extra gauges in, exposition text out (ends with a newline). */
export const renderPrometheus = (
  snapshots: ReadonlyArray<Metric.Metric.Snapshot>,
  gauges: ReadonlyArray<GaugeFamily> = []
): string => {
  const families = new Map<string, Family>()
  const familyFor = (name: string, type: Family["type"], help: string | undefined): Family => {
    let family = families.get(name)
    if (family === undefined) {
      family = { name, type, help, series: [] }
      families.set(name, family)
    }
    return family
  }
  for (const snapshot of snapshots) {
    const name = sanitizeMetricName(snapshot.id)
    const { type, lines } = seriesOf(snapshot, name)
    familyFor(name, type, snapshot.description).series.push({ labels: snapshot.attributes ?? {}, lines })
  }
  for (const gauge of gauges) {
    const name = sanitizeMetricName(gauge.name)
    const family = familyFor(name, "gauge", gauge.help)
    for (const row of gauge.samples) family.series.push({ labels: row.labels, lines: [sample(name, row.labels, row.value)] })
  }
  const out: Array<string> = []
  for (const family of [...families.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (family.help !== undefined && family.help !== "") out.push(`# HELP ${family.name} ${escapeHelp(family.help)}`)
    out.push(`# TYPE ${family.name} ${family.type}`)
    for (const series of family.series.sort((a, b) => compareLabels(a.labels, b.labels))) out.push(...series.lines)
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`
}

/** The current registry (the fiber's `Metric.MetricRegistry`) plus `gauges`, as exposition text. */
export const prometheusText = (gauges: ReadonlyArray<GaugeFamily> = []): Effect.Effect<string> =>
  Effect.map(Metric.snapshot, (snapshots) => renderPrometheus(snapshots, gauges))

/** Consumer lag rows (`EventBusAdmin.groupLag`) as the `kasa_consumer_lag` gauge. */
export const consumerLagGauge = (
  rows: ReadonlyArray<{ readonly group: string; readonly lag: ReadonlyArray<PartitionLag> }>
): GaugeFamily => ({
  name: "kasa_consumer_lag",
  help: "Messages not yet committed by a consumer group, per topic partition",
  samples: rows.flatMap(({ group, lag }) =>
    lag.map((row) => ({ labels: { group, topic: row.topic, partition: String(row.partition) }, value: row.lag }))
  )
})
