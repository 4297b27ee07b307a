/**
 * The outbox relay: publishes what the outbox holds to the EventBus, oldest first, and acknowledges
 * (trims) only what the bus acknowledged. A relay that dies between write and publish leaves the
 * entries in place, so the next relay publishes them: at-least-once, never lost. Each publication
 * gets a producer span whose parent is the span that wrote the state.
 */
import { Clock, Effect } from "effect"
import { Headers } from "./envelope.ts"
import { EventBus, type BusMessage } from "./event-bus.ts"
import { countPublished } from "./metrics.ts"
import { OutboxReader, type PendingEvent, toBusMessage } from "./outbox.ts"
import { externalParent, formatTraceparent } from "./traceparent.ts"

export interface RelayOptions {
  readonly maxBatch?: number
  /** Longest sleep when the outbox looks empty (the store also wakes the relay on writes). */
  readonly idleWaitMs?: number
}

/** Opens a producer span per event; it stays open across the publish and ends with its outcome. */
const openProducerSpan = (pending: PendingEvent) => {
  const message = toBusMessage(pending.event)
  return Effect.makeSpan(`send ${message.topic}`, {
    kind: "producer",
    parent: externalParent(message.headers[Headers.traceparent]),
    attributes: {
      correlation_id: pending.event.envelope.correlation_id,
      "messaging.operation.type": "send",
      "messaging.destination.name": message.topic,
      "messaging.message.id": pending.event.envelope.event_id,
      "messaging.kafka.message.key": message.key,
      event_name: pending.event.envelope.event_name
    }
  }).pipe(
    Effect.map((span) => ({
      span,
      message: {
        ...message,
        headers: {
          ...message.headers,
          [Headers.traceparent]: formatTraceparent({ traceId: span.traceId, spanId: span.spanId, sampled: span.sampled })
        }
      } satisfies BusMessage
    }))
  )
}

/** One pass: publish up to `maxBatch` pending events. Returns how many were published. */
export const relayOnce = (maxBatch = 500): Effect.Effect<number, unknown, EventBus | OutboxReader> =>
  Effect.gen(function* () {
    const reader = yield* OutboxReader
    const bus = yield* EventBus
    const pending = yield* reader.pending(maxBatch)
    if (pending.length === 0) return 0
    const sends = yield* Effect.forEach(pending, openProducerSpan)
    const published = yield* Effect.exit(bus.publish(sends.map((send) => send.message)))
    const ended = yield* Clock.currentTimeNanos
    for (const send of sends) send.span.end(ended, published)
    if (published._tag === "Failure") return yield* Effect.failCause(published.cause)
    yield* reader.acknowledge(pending.map((entry) => entry.id))
    for (const entry of pending) yield* countPublished(entry.event.topic, entry.event.envelope.event_name)
    return pending.length
  })

/** Runs until interrupted; failures (bus or store down) back off and try again. */
export const runRelay = (options: RelayOptions = {}): Effect.Effect<never, never, EventBus | OutboxReader> =>
  Effect.gen(function* () {
    const reader = yield* OutboxReader
    const maxBatch = options.maxBatch ?? 500
    const idle = options.idleWaitMs ?? 1_000
    let failures = 0
    while (true) {
      const outcome = yield* Effect.result(relayOnce(maxBatch))
      if (outcome._tag === "Failure") {
        failures++
        yield* Effect.logWarning("outbox relay failed; backing off", String(outcome.failure))
        yield* Effect.sleep(Math.min(5_000, 50 * 2 ** Math.min(failures, 7)))
        continue
      }
      failures = 0
      if (outcome.success < maxBatch) yield* Effect.ignore(reader.waitForPending(idle))
    }
  })
