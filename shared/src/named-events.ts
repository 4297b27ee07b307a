/**
 * Events as plain data, the way every context's pure domain returns what it decided and reads what it
 * consumed: `{name, payload}` for each name of a table of payload Schemas. And the two steps from there
 * to the outbox every publishing context takes: one envelope per event (`envelopeIn`, keyed by the
 * payload's aggregate), one outbox entry per envelope on the context's topic, keyed by its aggregate.
 */
import type { Schema } from "effect"
import { type Envelope, envelopeIn, type EventContext } from "./envelope.ts"
import type { OutboxEvent } from "./outbox.ts"

/** One event of `Payloads` as data: its name and its payload's type. */
export type NamedEvent<Payloads extends Readonly<Record<string, Schema.Top>>> = {
  readonly [N in keyof Payloads]: { readonly name: N; readonly payload: Payloads[N]["Type"] }
}[keyof Payloads]

/** A context's envelope maker: one envelope per event, in order, from `producer`, aggregate = `aggregateOf(payload)`. */
export const envelopesFrom =
  <E extends { readonly name: string; readonly payload: Readonly<Record<string, unknown>> }>(producer: string, aggregateOf: (payload: E["payload"]) => string) =>
  (events: ReadonlyArray<E>, context: EventContext): ReadonlyArray<Envelope> =>
    events.map((event) => envelopeIn(context, { eventName: event.name, aggregateId: aggregateOf(event.payload), producer, payload: event.payload }))

/** Envelopes as outbox entries on `topicOf`'s topic (one topic, or chosen per envelope), keyed by their aggregate. */
export const outboxEventsOn =
  (topicOf: string | ((envelope: Envelope) => string)) =>
  (envelopes: ReadonlyArray<Envelope>): ReadonlyArray<OutboxEvent> =>
    envelopes.map((envelope) => ({ topic: typeof topicOf === "string" ? topicOf : topicOf(envelope), key: envelope.aggregate_id, envelope }))
