/**
 * The transactional outbox and the state store it lives in (SPEC §5). A use case or a consumer
 * returns state operations plus the envelopes they cause; the store writes both, and the consumer's
 * processed marker, in one atomic step. A relay later publishes what the outbox holds and trims it,
 * so a crash anywhere repeats a publication and never loses one.
 */
import { Context, Effect, Schema } from "effect"
import { encodeEnvelope, type Envelope, Headers } from "./envelope.ts"
import type { BusMessage } from "./event-bus.ts"
import { currentTraceparent } from "./traceparent.ts"

/** State changes expressed as data, so every store (memory, Redis) applies them the same way. */
export type StateOp =
  | { readonly op: "set"; readonly key: string; readonly value: string; readonly ttlSeconds?: number }
  | { readonly op: "delete"; readonly key: string }
  | { readonly op: "append"; readonly key: string; readonly fields: Readonly<Record<string, string>>; readonly maxLength?: number }
  | { readonly op: "incrementBy"; readonly key: string; readonly by: number }

export interface OutboxEvent {
  readonly topic: string
  readonly key: string
  readonly envelope: Envelope
  /** Extra headers, e.g. `traceparent` of the span that caused the write. */
  readonly headers?: Readonly<Record<string, string>>
}

export interface ProcessedMarker {
  readonly group: string
  readonly eventId: string
}

/** Optimistic concurrency: the write applies only if `key` still holds `value` (undefined = absent). */
export interface Precondition {
  readonly key: string
  readonly value: string | undefined
}

export interface AtomicWrite {
  /** Checked in the same atomic step as the write; any mismatch fails it with WriteConflict. */
  readonly expect?: ReadonlyArray<Precondition>
  readonly ops?: ReadonlyArray<StateOp>
  readonly events?: ReadonlyArray<OutboxEvent>
  readonly processed?: ReadonlyArray<ProcessedMarker>
}

export interface PendingEvent {
  /** Store-specific id of the outbox entry, used to acknowledge it. */
  readonly id: string
  readonly event: OutboxEvent
}

export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()("StoreUnavailable", {
  operation: Schema.String,
  message: Schema.String
}) {}

/** A precondition did not hold: someone else wrote first. Nothing of the write was applied. */
export class WriteConflict extends Schema.TaggedError<WriteConflict>()("WriteConflict", {
  key: Schema.String
}) {}

export class StateStore extends Context.Service<
  StateStore,
  {
    readonly get: (key: string) => Effect.Effect<string | undefined, StoreUnavailable>
    readonly getMany: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<string | undefined>, StoreUnavailable>
    readonly readStream: (key: string) => Effect.Effect<ReadonlyArray<Readonly<Record<string, string>>>, StoreUnavailable>
    /** All of it or none of it. */
    readonly commit: (write: AtomicWrite) => Effect.Effect<void, StoreUnavailable | WriteConflict>
    /** The subset of `eventIds` this group has already processed. */
    readonly processed: (group: string, eventIds: ReadonlyArray<string>) => Effect.Effect<ReadonlySet<string>, StoreUnavailable>
  }
>()("@kasa/shared/StateStore") {}

/** The relay's view of the outbox written by `StateStore.commit`. */
export class OutboxReader extends Context.Service<
  OutboxReader,
  {
    /** Oldest first; at most `max` entries that are not yet acknowledged. */
    readonly pending: (max: number) => Effect.Effect<ReadonlyArray<PendingEvent>, StoreUnavailable>
    readonly acknowledge: (ids: ReadonlyArray<string>) => Effect.Effect<void, StoreUnavailable>
    /** Resolves when something may be pending, or after `timeoutMs` at the latest. */
    readonly waitForPending: (timeoutMs: number) => Effect.Effect<void, StoreUnavailable>
  }
>()("@kasa/shared/OutboxReader") {}

/** Stamps each outgoing event with the current span's `traceparent`, so the trace crosses the bus. */
export const stampTrace = (write: AtomicWrite): Effect.Effect<AtomicWrite> => {
  const events = write.events
  return events === undefined || events.length === 0
    ? Effect.succeed(write)
    : Effect.map(currentTraceparent, (traceparent) =>
        traceparent === undefined
          ? write
          : {
              ...write,
              events: events.map((event) =>
                event.headers?.[Headers.traceparent] !== undefined
                  ? event
                  : { ...event, headers: { ...event.headers, [Headers.traceparent]: traceparent } }
              )
            }
      )
}

/** The bus message an outbox event becomes: key, value and the SPEC §3.1 headers. */
export const toBusMessage = (event: OutboxEvent): BusMessage => ({
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
