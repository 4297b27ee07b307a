/**
 * The consumer runtime every context's consumers run on, over any EventBus (ARCHITECTURE §4):
 * decode → skip what this group already processed → handler → state, outgoing envelopes and the
 * processed marker written atomically → the bus commits the offset after the batch. Transient
 * failures retry with capped exponential backoff, then the message goes to `<topic>.dlq` with
 * headers saying why; undecodable messages go there at once. A poison message never blocks its
 * partition, and a replayed one changes nothing.
 */
import { Effect, Schema } from "effect"
import type { Scope } from "effect"
import { decodeEnvelope, type Envelope, Headers } from "./envelope.ts"
import { EventBus, type BusMessage, type DeliveredMessage, type MessageBatch, type Subscription } from "./event-bus.ts"
import { countConsumed, observeProcessing } from "./metrics.ts"
import { stampTrace } from "./outbox.ts"
import { type AtomicWrite, StateStore } from "./state-store.ts"
import { dlqTopic } from "./topics.ts"
import { externalParent } from "./traceparent.ts"

/** A handler fails with this when retrying cannot help (e.g. a payload that breaks its schema). */
export class PermanentFailure extends Schema.TaggedError<PermanentFailure>()("PermanentFailure", {
  reason: Schema.String
}) {}

export interface ConsumedEvent {
  readonly envelope: Envelope
  readonly group: string
  readonly topic: string
  readonly partition: number
  readonly offset: number
}

/** Pure in, state and events out: what the handler returns is written atomically with the marker. */
export type EventHandler<E, R> = (event: ConsumedEvent) => Effect.Effect<AtomicWrite | void, E, R>

export interface RetryPolicy {
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

/** Lost optimistic races retried per message before they count as a failed attempt. */
export const MAX_CONFLICT_RETRIES = 50

export const defaultRetry: RetryPolicy = { attempts: 5, baseDelayMs: 50, maxDelayMs: 2_000 }

export interface ConsumerOptions<E, R> {
  readonly group: string
  readonly topics: ReadonlyArray<string>
  readonly handler: EventHandler<E, R>
  readonly retry?: RetryPolicy
  readonly maxBatch?: number
}

export const DlqHeaders = {
  error: "dlq.error",
  group: "dlq.group",
  topic: "dlq.topic",
  partition: "dlq.partition",
  offset: "dlq.offset",
  attempts: "dlq.attempts"
} as const

const backoff = (policy: RetryPolicy, attempt: number): number => {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(exp / 2 + Math.random() * (exp / 2))
}

const describe = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const tag = "_tag" in error ? String(error._tag) : undefined
    const message = "message" in error && typeof error.message === "string" && error.message !== "" ? error.message : undefined
    const reason = "reason" in error && typeof error.reason === "string" ? error.reason : undefined
    return [tag, reason ?? message].filter((part) => part !== undefined).join(": ") || String(error)
  }
  return String(error)
}

/** Infrastructure the runtime itself needs (marker checks, DLQ publishes): retried until it works. */
const persistently = <A, E>(effect: Effect.Effect<A, E>, policy: RetryPolicy): Effect.Effect<A> => {
  const loop = (attempt: number): Effect.Effect<A> =>
    Effect.catch(effect, (error) =>
      Effect.logWarning("consumer infrastructure call failed; retrying", describe(error)).pipe(
        Effect.andThen(Effect.sleep(backoff(policy, Math.min(attempt, 8)))),
        Effect.andThen(loop(attempt + 1))
      )
    )
  return loop(1)
}

export const runConsumer = <E, R>(
  options: ConsumerOptions<E, R>
): Effect.Effect<Subscription, import("./event-bus.ts").EventBusUnavailable, Scope.Scope | EventBus | StateStore | R> =>
  Effect.gen(function* () {
    const bus = yield* EventBus
    const store = yield* StateStore
    const context = yield* Effect.context<R>()
    const policy = options.retry ?? defaultRetry
    const group = options.group

    const deadLetter = (message: DeliveredMessage, error: string, attempts: number): Effect.Effect<void> => {
      const letter: BusMessage = {
        topic: dlqTopic(message.topic),
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [DlqHeaders.error]: error.slice(0, 2_000),
          [DlqHeaders.group]: group,
          [DlqHeaders.topic]: message.topic,
          [DlqHeaders.partition]: String(message.partition),
          [DlqHeaders.offset]: String(message.offset),
          [DlqHeaders.attempts]: String(attempts)
        }
      }
      return persistently(bus.publish([letter]), policy).pipe(
        Effect.andThen(Effect.logWarning("message dead-lettered", { topic: message.topic, group, error }))
      )
    }

    const processOne = (message: DeliveredMessage, envelope: Envelope): Effect.Effect<void> => {
      const event: ConsumedEvent = {
        envelope,
        group,
        topic: message.topic,
        partition: message.partition,
        offset: message.offset
      }
      const marker = [{ group, eventId: envelope.event_id }] as const
      // Suspended so every retry calls the handler again and sees fresh state.
      const attempt = Effect.suspend(() => options.handler(event)).pipe(
        Effect.flatMap((write) => stampTrace(write ?? {})),
        Effect.flatMap((write) => store.commit({ ...write, processed: marker })),
        Effect.provideContext(context)
      )
      /** true when the handler's result was written, false when the message was dead-lettered. */
      const loop = (n: number, conflicts = 0): Effect.Effect<boolean> =>
        Effect.catch(Effect.as(attempt, true), (error: unknown) => {
          const tag = typeof error === "object" && error !== null && "_tag" in error ? error._tag : undefined
          // Someone else wrote the same state first: run the handler again on fresh state, at once and
          // without using up an attempt (a lost race is not a failure of this message).
          if (tag === "WriteConflict" && conflicts < MAX_CONFLICT_RETRIES) return Effect.yieldNow.pipe(Effect.andThen(loop(n, conflicts + 1)))
          const permanent = tag === "PermanentFailure"
          if (permanent || n >= policy.attempts) {
            const reason = describe(error)
            return deadLetter(message, reason, n).pipe(
              Effect.andThen(countConsumed(group, message.topic, envelope.event_name, "dead_lettered")),
              Effect.andThen(Effect.annotateCurrentSpan({ "error.type": "dead_lettered", "dlq.error": reason })),
              Effect.as(false)
            )
          }
          // A commit that failed in flight may still have been applied: if its marker is there, it was.
          return countConsumed(group, message.topic, envelope.event_name, "retried").pipe(
            Effect.andThen(Effect.sleep(backoff(policy, n))),
            Effect.andThen(persistently(store.processed(group, [envelope.event_id]), policy)),
            Effect.flatMap((done) => (done.size > 0 ? Effect.succeed(true) : loop(n + 1, conflicts)))
          )
        })
      const started = performance.now()
      return loop(1).pipe(
        Effect.flatMap((processed) =>
          processed
            ? countConsumed(group, message.topic, envelope.event_name, "processed").pipe(
                Effect.andThen(Effect.suspend(() => observeProcessing(group, message.topic, (performance.now() - started) / 1000)))
              )
            : Effect.void
        ),
        Effect.withSpan(`process ${message.topic}`, {
          kind: "consumer",
          parent: externalParent(message.headers[Headers.traceparent]),
          attributes: {
            correlation_id: envelope.correlation_id,
            "messaging.operation.type": "process",
            "messaging.destination.name": message.topic,
            "messaging.consumer.group.name": group,
            "messaging.destination.partition.id": String(message.partition),
            "messaging.kafka.offset": message.offset,
            "messaging.message.id": envelope.event_id,
            event_name: envelope.event_name
          }
        }),
        Effect.annotateLogs({ correlation_id: envelope.correlation_id, event_id: envelope.event_id }),
        Effect.annotateSpans("correlation_id", envelope.correlation_id)
      )
    }

    const handle = (batch: MessageBatch): Effect.Effect<void> =>
      Effect.gen(function* () {
        const decoded = batch.messages.map((message) => decodeEnvelope(message.value))
        const ids: Array<string> = []
        for (const result of decoded) if (result.ok) ids.push(result.envelope.event_id)
        const done = ids.length === 0 ? new Set<string>() : new Set(yield* persistently(store.processed(group, ids), policy))
        for (let i = 0; i < batch.messages.length; i++) {
          const message = batch.messages[i]!
          const result = decoded[i]!
          if (!result.ok) {
            yield* deadLetter(message, result.reason, 0)
            yield* countConsumed(group, message.topic, message.headers[Headers.eventName] ?? "unknown", "undecodable")
            continue
          }
          const id = result.envelope.event_id
          if (done.has(id)) {
            yield* countConsumed(group, message.topic, result.envelope.event_name, "duplicate")
            continue
          }
          done.add(id)
          yield* processOne(message, result.envelope)
        }
      })

    return yield* bus.subscribe({
      group,
      topics: options.topics,
      handle,
      ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch })
    })
  })
