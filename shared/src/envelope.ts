/**
 * The event envelope every message on every topic carries (SPEC §3.1), and its mapping to a bus
 * message: key = the aggregate that must stay ordered, headers = correlation, name, trace context.
 */
import { Schema } from "effect"
import { uuidv7 } from "./ids.ts"
import { jsonOf } from "./rendered-json.ts"

export const Envelope = Schema.Struct({
  event_id: Schema.String.check(Schema.isNonEmpty()),
  event_name: Schema.String.check(Schema.isPattern(/^[a-z_]+(\.[a-z_]+)+$/)),
  event_version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  aggregate_id: Schema.String.check(Schema.isNonEmpty()),
  correlation_id: Schema.String.check(Schema.isNonEmpty()),
  causation_id: Schema.NullOr(Schema.String),
  occurred_at: Schema.String.check(Schema.isPattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/)),
  producer: Schema.String.check(Schema.isNonEmpty()),
  payload: Schema.Record(Schema.String, Schema.Unknown)
})
export type Envelope = typeof Envelope.Type

export interface EnvelopeInput {
  readonly eventName: string
  readonly aggregateId: string
  readonly correlationId: string
  readonly producer: string
  readonly payload: Readonly<Record<string, unknown>>
  readonly eventVersion?: number
  /** The envelope that caused this one: its correlation id is kept and its event id becomes the cause. */
  readonly causedBy?: Envelope
  readonly eventId?: string
  readonly occurredAt?: Date
}

export const makeEnvelope = (input: EnvelopeInput): Envelope => ({
  event_id: input.eventId ?? uuidv7(),
  event_name: input.eventName,
  event_version: input.eventVersion ?? 1,
  aggregate_id: input.aggregateId,
  correlation_id: input.causedBy?.correlation_id ?? input.correlationId,
  causation_id: input.causedBy?.event_id ?? null,
  occurred_at: (input.occurredAt ?? new Date()).toISOString(),
  producer: input.producer,
  payload: input.payload
})

/**
 * Who and what caused a context's events: the request (its correlation id, the time it decided), or
 * the consumed event, whose correlation id is kept and whose id becomes the cause.
 */
export interface EventContext {
  readonly correlation_id: string
  readonly occurred_at: Date
  readonly caused_by?: Envelope | undefined
}

/** The envelope of one event a context decided in `context`. */
export const envelopeIn = (
  context: EventContext,
  event: { readonly eventName: string; readonly aggregateId: string; readonly producer: string; readonly payload: Readonly<Record<string, unknown>> }
): Envelope =>
  makeEnvelope({
    ...event,
    correlationId: context.correlation_id,
    occurredAt: context.occurred_at,
    ...(context.caused_by === undefined ? {} : { causedBy: context.caused_by })
  })

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true })

/** The envelope's bytes on the bus: its JSON, or the text it was read from when that is remembered (rendered-json.ts: a relay's outbox entry). */
export const encodeEnvelope = (envelope: Envelope): Uint8Array => encoder.encode(jsonOf(envelope))

const decodeEnvelopeUnknown = Schema.decodeUnknownResult(Envelope)

/**
 * Bytes → envelope, or a reason the bytes are not one (the consumer sends those to the DLQ).
 * JSON.parse then the Schema, not `Schema.fromJsonString` as the stores read JSON (stored-json.ts):
 * every consumed message comes through here, and fromJsonString is the slower of the two (100,000
 * envelopes: about 3.1 µs each this way, 4.1 to 4.7 µs each that way; `bun run bench:envelope`).
 */
export const decodeEnvelope = (
  bytes: Uint8Array
): { readonly ok: true; readonly envelope: Envelope } | { readonly ok: false; readonly reason: string } => {
  let json: unknown
  try {
    json = JSON.parse(decoder.decode(bytes))
  } catch (error) {
    return { ok: false, reason: `not JSON: ${String(error)}` }
  }
  const result = decodeEnvelopeUnknown(json)
  if (result._tag === "Failure") return { ok: false, reason: `not an envelope: ${String(result.failure)}` }
  return { ok: true, envelope: result.success }
}

/** Header names every produced message carries (SPEC §3.1). */
export const Headers = {
  correlationId: "correlation_id",
  eventName: "event_name",
  traceparent: "traceparent",
  tracestate: "tracestate",
  contentType: "content-type"
} as const
