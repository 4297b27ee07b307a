/**
 * Payment's metrics under the names seed 004 gives them (SPEC §6), beside the kernel's generic ones:
 * payment events published by type (counted when their commit has applied), events the payment
 * consumer handled and how long each took, handler failures, and two rates kept by this process: the
 * share of settled payments that succeeded, and the share of succeeded ones refunded since it started.
 */
import { Effect, Metric } from "effect"
import { metricSeries } from "@kasa/shared"
import { PaymentEventName } from "./events.ts"

const published = Metric.counter("payment_events_published_total", { description: "Payment events published, by event type", incremental: true })
const consumed = Metric.counter("payment_events_consumed_total", { description: "Events the payment consumer handled", incremental: true })
const failures = Metric.counter("payment_event_failures_total", { description: "Events the payment consumer failed to handle (each failed attempt)", incremental: true })
const processing = Metric.histogram("payment_event_processing_duration_seconds", {
  description: "Time the payment consumer took to decide on one event",
  boundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
})
const successRate = Metric.gauge("payment_success_rate", { description: "Succeeded payments over succeeded plus failed ones, since this process started" })
const refundRate = Metric.gauge("payment_refund_rate", { description: "Refunds over succeeded payments, since this process started" })

const outcomes = { succeeded: 0, failed: 0, refunded: 0 }

/** Counts events whose commit has applied, and moves the rates. */
export const countPaymentEvents = (eventNames: ReadonlyArray<string>): Effect.Effect<void> =>
  Effect.suspend(() => {
    for (const name of eventNames) {
      if (name === PaymentEventName.succeeded) outcomes.succeeded++
      else if (name === PaymentEventName.failed) outcomes.failed++
      else if (name === PaymentEventName.refunded) outcomes.refunded++
    }
    const settled = outcomes.succeeded + outcomes.failed
    return Effect.all(
      [
        ...eventNames.map((name) => Metric.update(metricSeries(published, { event_type: name }), 1)),
        ...(settled === 0 ? [] : [Metric.update(successRate, outcomes.succeeded / settled)]),
        ...(outcomes.succeeded === 0 ? [] : [Metric.update(refundRate, outcomes.refunded / outcomes.succeeded)])
      ],
      { discard: true }
    )
  })

/** A consumer handler, measured: each event handled, its duration, each failure. */
export const measuredHandling = <A, E, R>(handling: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.gen(function* () {
    const started = performance.now()
    const result = yield* Effect.tapError(handling, () => Metric.update(failures, 1))
    yield* Metric.update(consumed, 1)
    yield* Metric.update(processing, (performance.now() - started) / 1000)
    return result
  })
