// Prometheus text rendering of Effect metrics: exact lines for known updates, label escaping, extra gauges.
import { describe, expect, test } from "bun:test"
import { Effect, Metric } from "effect"
import { consumerLagGauge, escapeLabelValue, prometheusText, renderPrometheus } from "@kasa/adapter-telemetry"

/** Runs `updates` against a fresh registry and renders it, so other tests' metrics do not leak in. */
const render = (updates: Effect.Effect<void>, gauges: Parameters<typeof prometheusText>[0] = []): Promise<string> =>
  Effect.runPromise(
    updates.pipe(Effect.andThen(prometheusText(gauges)), Effect.provideService(Metric.MetricRegistry, new Map()))
  )

describe("renderPrometheus", () => {
  test("counters: one series per attribute set, HELP and TYPE once per family", async () => {
    const published = Metric.counter("shop_events_published_total", { description: "Events published", incremental: true })
    const text = await render(
      Effect.all([
        Metric.update(Metric.withAttributes(published, { topic: "cart-events", event_name: "cart.item_added" }), 3),
        Metric.update(Metric.withAttributes(published, { topic: "cart-events", event_name: "cart.item_added" }), 1),
        Metric.update(Metric.withAttributes(published, { topic: "order-events", event_name: "order.created" }), 2)
      ]).pipe(Effect.asVoid)
    )
    expect(text).toBe(
      [
        "# HELP shop_events_published_total Events published",
        "# TYPE shop_events_published_total counter",
        'shop_events_published_total{event_name="cart.item_added",topic="cart-events"} 4',
        'shop_events_published_total{event_name="order.created",topic="order-events"} 2',
        ""
      ].join("\n")
    )
  })

  test("histograms: cumulative buckets, +Inf, _sum and _count", async () => {
    const latency = Metric.histogram("shop_latency_seconds", { description: "Latency", boundaries: [0.25, 0.5, 1] })
    const series = Metric.withAttributes(latency, { route: "/cart" })
    const text = await render(Effect.forEach([0.125, 0.25, 0.5, 2], (v) => Metric.update(series, v), { discard: true }))
    expect(text).toBe(
      [
        "# HELP shop_latency_seconds Latency",
        "# TYPE shop_latency_seconds histogram",
        'shop_latency_seconds_bucket{route="/cart",le="0.25"} 2',
        'shop_latency_seconds_bucket{route="/cart",le="0.5"} 3',
        'shop_latency_seconds_bucket{route="/cart",le="1"} 3',
        'shop_latency_seconds_bucket{route="/cart",le="+Inf"} 4',
        'shop_latency_seconds_sum{route="/cart"} 2.875',
        'shop_latency_seconds_count{route="/cart"} 4',
        ""
      ].join("\n")
    )
  })

  test("gauges, non-incremental counters as gauges, metrics without attributes, families sorted", async () => {
    const text = await render(
      Effect.all([
        Metric.update(Metric.gauge("shop_b_gauge"), 7),
        Metric.update(Metric.counter("shop_a_balance"), -5)
      ]).pipe(Effect.asVoid)
    )
    expect(text).toBe(["# TYPE shop_a_balance gauge", "shop_a_balance -5", "# TYPE shop_b_gauge gauge", "shop_b_gauge 7", ""].join("\n"))
  })

  test("escapes label values and help text; sanitises names", async () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd')
    const counter = Metric.counter("shop.odd-name_total", { description: "line one\nline \\two", incremental: true })
    const text = await render(Metric.update(Metric.withAttributes(counter, { "bad-label": 'say "hi"\\\n' }), 1))
    expect(text).toBe(
      [
        "# HELP shop_odd_name_total line one\\nline \\\\two",
        "# TYPE shop_odd_name_total counter",
        'shop_odd_name_total{bad_label="say \\"hi\\"\\\\\\n"} 1',
        ""
      ].join("\n")
    )
  })

  test("extra gauges: consumer lag rows", () => {
    const text = renderPrometheus(
      [],
      [
        consumerLagGauge([
          {
            group: "order",
            lag: [
              { topic: "payment-events", partition: 1, committed: 5, end: 9, lag: 4 },
              { topic: "payment-events", partition: 0, committed: 3, end: 3, lag: 0 }
            ]
          }
        ])
      ]
    )
    expect(text).toBe(
      [
        "# HELP kasa_consumer_lag Messages not yet committed by a consumer group, per topic partition",
        "# TYPE kasa_consumer_lag gauge",
        'kasa_consumer_lag{group="order",partition="0",topic="payment-events"} 0',
        'kasa_consumer_lag{group="order",partition="1",topic="payment-events"} 4',
        ""
      ].join("\n")
    )
  })

  test("an empty registry renders as empty text", async () => {
    expect(await render(Effect.void)).toBe("")
  })
})
