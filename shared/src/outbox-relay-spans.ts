/**
 * The producer span of one relayed event (SPEC §6): its parent is the span that wrote the state (the
 * entry's `traceparent`), it stays open across the publish and ends with its outcome, and the message
 * carries the producer span's own `traceparent`, so a consumer's span is its child.
 */
import { Effect } from "effect"
import { Headers } from "./envelope.ts"
import type { BusMessage } from "./event-bus.ts"
import type { PendingEvent } from "./outbox.ts"
import { externalParent, formatTraceparent } from "./traceparent.ts"

/** Opens the producer span of `message`, the bus message of `pending`; returns it with the stamped message. */
export const openProducerSpan = (pending: PendingEvent, message: BusMessage) =>
  Effect.makeSpan(`send ${message.topic}`, {
    kind: "producer",
    parent: externalParent(message.headers[Headers.traceparent]),
    attributes: {
      // A raw message (no envelope) still carries its correlation id and event name as headers.
      correlation_id: pending.event.envelope?.correlation_id ?? message.headers[Headers.correlationId],
      "messaging.operation.type": "send",
      "messaging.destination.name": message.topic,
      "messaging.message.id": pending.event.envelope?.event_id ?? pending.id,
      "messaging.kafka.message.key": message.key,
      event_name: message.headers[Headers.eventName]
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
