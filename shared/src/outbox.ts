/**
 * The transactional outbox (SPEC §5). A use case or a consumer returns state operations plus the
 * envelopes they cause; the StateStore (state-store.ts) writes both in one atomic step. The relay later
 * publishes what the outbox holds (`OutboxReader`) and trims it, so a crash anywhere repeats a
 * publication and never loses one.
 */
import { Context, Effect } from "effect"
import { encodeEnvelope, type Envelope, Headers } from "./envelope.ts"
import type { BusMessage } from "./event-bus.ts"
import type { UnreadableOutboxEntry } from "./outbox-backlog.ts"
import type { AtomicWrite, StoreUnavailable } from "./state-store.ts"
import { currentTraceparent } from "./traceparent.ts"

export interface OutboxEvent {
  readonly topic: string
  readonly key: string
  readonly envelope: Envelope
  /** Extra headers, e.g. `traceparent` of the span that caused the write. */
  readonly headers?: Readonly<Record<string, string>>
  /**
   * The raw form: these bytes are published as they are, with exactly `headers`, instead of the
   * envelope's encoding. A dead letter keeps the original message this way (its value may not be an
   * envelope at all); `envelope` then only describes it for the relay's spans and metrics.
   */
  readonly raw?: Uint8Array
}

export interface PendingEvent {
  /** Store-specific id of the outbox entry, used to acknowledge it. */
  readonly id: string
  readonly event: OutboxEvent
}

/** The relay's view of the outbox written by `StateStore.commit`. */
export class OutboxReader extends Context.Service<
  OutboxReader,
  {
    /** Oldest first; at most `max` entries that are not yet acknowledged. Stops before an unreadable entry; fails on one that is oldest. */
    readonly pending: (max: number) => Effect.Effect<ReadonlyArray<PendingEvent>, StoreUnavailable | UnreadableOutboxEntry>
    readonly acknowledge: (ids: ReadonlyArray<string>) => Effect.Effect<void, StoreUnavailable>
    /** Resolves when something may be pending, or after `timeoutMs` at the latest. */
    readonly waitForPending: (timeoutMs: number) => Effect.Effect<void, StoreUnavailable>
  }
>()("@kasa/shared/OutboxReader") {}

/** Whether an outgoing event already carries its trace context (raw events carry their own headers). */
const stamped = (event: OutboxEvent): boolean => event.raw !== undefined || event.headers?.[Headers.traceparent] !== undefined

/**
 * Stamps each outgoing event with the current span's `traceparent`, so the trace crosses the bus. A
 * write whose events are all stamped already (a consumer's write, stamped in its message's span, then
 * committed through the platform's store, which stamps every commit) is returned as it is.
 */
export const stampTrace = (write: AtomicWrite): Effect.Effect<AtomicWrite> => {
  const events = write.events
  return events === undefined || events.every(stamped)
    ? Effect.succeed(write)
    : Effect.map(currentTraceparent, (traceparent) =>
        traceparent === undefined
          ? write
          : { ...write, events: events.map((event) => (stamped(event) ? event : { ...event, headers: { ...event.headers, [Headers.traceparent]: traceparent } })) }
      )
}

/** The bus message an outbox event becomes: key, value and the SPEC §3.1 headers; the raw form as it is. */
export const toBusMessage = (event: OutboxEvent): BusMessage =>
  event.raw === undefined ? envelopeMessage(event) : { topic: event.topic, key: event.key, value: event.raw, headers: event.headers ?? {} }

const envelopeMessage = (event: OutboxEvent): BusMessage => ({
  topic: event.topic,
  key: event.key,
  value: encodeEnvelope(event.envelope),
  headers: {
    ...event.headers,
    [Headers.correlationId]: event.envelope.correlation_id,
    [Headers.eventName]: event.envelope.event_name,
    [Headers.contentType]: "application/json"
  }
})
