/**
 * Dead letters (SPEC §5): a message that cannot be handled goes to `<topic>.dlq` as it arrived (its
 * bytes, key and headers, which may not be an envelope at all) plus `dlq.*` headers saying why. It is
 * written through the outbox in the same atomic step as the message's processed marker, so a crash
 * right after dead-lettering never dead-letters it twice: the redelivered message finds its marker,
 * and the relay publishes the letter (at least once, like every outbox entry). A dead letter's marker
 * is the message's place on the log (topic/partition/offset), not its event_id: a redelivery of that
 * offset finds it and adds no second letter, while `ops dlq replay`, which puts the same envelope back
 * at a new offset, is handled afresh (an event_id marker would make every replay a silent duplicate).
 */
import { makeEnvelope, type Envelope, Headers } from "./envelope.ts"
import type { DeliveredMessage } from "./event-bus.ts"
import type { OutboxEvent } from "./outbox.ts"
import { offsetMarkerId, type ProcessedMarker } from "./state-store.ts"
import { dlqTopic } from "./topics.ts"

export const DlqHeaders = {
  error: "dlq.error",
  group: "dlq.group",
  topic: "dlq.topic",
  partition: "dlq.partition",
  offset: "dlq.offset",
  attempts: "dlq.attempts"
} as const

/** Longest `dlq.error` header: a stack-sized message must not make the letter too large to publish. */
const MAX_ERROR_LENGTH = 2_000

/** The id that marks `message` as processed by a group: its event_id, or its topic/partition/offset. */
export const markerId = (message: DeliveredMessage, envelope: Envelope | undefined): string =>
  envelope?.event_id ?? offsetMarkerId(message.topic, message.partition, message.offset)

export const markerOf = (group: string, message: DeliveredMessage, envelope: Envelope | undefined): ProcessedMarker => ({
  group,
  eventId: markerId(message, envelope)
})

/** The marker a dead letter is written with: the message's place on the log, whatever it holds. */
export const deadLetterMarkerOf = (group: string, message: DeliveredMessage): ProcessedMarker => ({
  group,
  eventId: offsetMarkerId(message.topic, message.partition, message.offset)
})

/** Describes bytes that are no envelope, for the relay's span and metrics only (never published). */
const standIn = (group: string, message: DeliveredMessage): Envelope =>
  makeEnvelope({
    eventId: offsetMarkerId(message.topic, message.partition, message.offset),
    eventName: "kasa.undecodable",
    aggregateId: message.key === "" ? "unknown" : message.key,
    correlationId: message.headers[Headers.correlationId] ?? "unknown",
    producer: group,
    payload: {}
  })

/** The outbox entry that dead-letters `message`; `envelope` is what it decoded to, if anything. */
export const deadLetter = (
  group: string,
  message: DeliveredMessage,
  envelope: Envelope | undefined,
  error: string,
  attempts: number
): OutboxEvent => ({
  topic: dlqTopic(message.topic),
  key: message.key,
  envelope: envelope ?? standIn(group, message),
  raw: message.value,
  headers: {
    ...message.headers,
    [DlqHeaders.error]: error.slice(0, MAX_ERROR_LENGTH),
    [DlqHeaders.group]: group,
    [DlqHeaders.topic]: message.topic,
    [DlqHeaders.partition]: String(message.partition),
    [DlqHeaders.offset]: String(message.offset),
    [DlqHeaders.attempts]: String(attempts)
  }
})
