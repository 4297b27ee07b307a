/**
 * The consumer runtime every context's consumers run on, over any EventBus (ARCHITECTURE §4):
 * decode (once per record for every group of the process, delivered-envelopes.ts) → skip what this
 * group already processed → handler → state, outgoing envelopes and the processed marker written
 * atomically (only if the marker is not there yet) → the bus commits the offset after the batch. A
 * fetched batch is handled at once where the store allows it (batch-overlay.ts): one marker read,
 * each handler seeing the ones before it, one commit for up to TOGETHER_MAX messages; whatever
 * cannot go that way goes one by one. Failures, typed or thrown, are retried (consumer-retry.ts),
 * then the message is dead-lettered through the outbox with its marker (consumer-dead-letter.ts);
 * undecodable messages are dead-lettered at once. A poison message never blocks its partition, and
 * a replayed one, or one that two members briefly both hold, changes nothing the second time.
 */
import { Effect } from "effect"
import type { Scope } from "effect"
import { deliveredEnvelope } from "./delivered-envelopes.ts"
import { type Envelope, Headers } from "./envelope.ts"
import { EventBus, type DeliveredMessage, type EventBusUnavailable, type MessageBatch, type Subscription } from "./event-bus.ts"
import { deadLetter, deadLetterMarkerOf, markerId, markerOf } from "./consumer-dead-letter.ts"
import {
  attemptSchedule,
  defaultRetry,
  defectsAsFailures,
  describeFailure,
  exceptInterruption,
  isPermanent,
  isWriteConflict,
  MAX_CONFLICT_RETRIES,
  persistently,
  type RetryPolicy
} from "./consumer-retry.ts"
import { BatchOverlay, CurrentBatchOverlay, storeBehind } from "./batch-overlay.ts"
import { countConsumed, observeProcessing } from "./metrics.ts"
import { stampTrace } from "./outbox.ts"
import { type AtomicWrite, type CommitResult, StateStore, type StoreUnavailable } from "./state-store.ts"
import { externalParent } from "./traceparent.ts"

export * from "./consumer-dead-letter.ts"
export * from "./consumer-retry.ts"

export interface ConsumedEvent {
  readonly envelope: Envelope
  readonly group: string
  readonly topic: string
  readonly partition: number
  readonly offset: number
}

/**
 * What a handler returns for an event it does not handle (an unknown name, SPEC §3.1): nothing is
 * written, not even a processed marker (handling it again ignores it again, so there is nothing to
 * guard; a consumer over SQL would otherwise pay a transaction for each event it does not read), and
 * it is counted as `ignored` rather than `processed`.
 */
export const IgnoredEvent: unique symbol = Symbol.for("@kasa/shared/IgnoredEvent")

/**
 * Pure in, state and events out: what the handler returns is written atomically with the marker.
 * `handles`, when a handler has it (every event router's does), names the events it reads: the
 * runtime ignores the others before reading a marker or opening a span, and where the message's
 * `event_name` header names one, before decoding its value (a group that reads a topic for two of its
 * events pays almost nothing for the rest of it; whether their values are sound is for the groups that
 * read them to find).
 */
export interface EventHandler<E, R> {
  (event: ConsumedEvent): Effect.Effect<AtomicWrite | void | typeof IgnoredEvent, E, R>
  readonly handles?: (eventName: string) => boolean
}

export interface ConsumerOptions<E, R> {
  readonly group: string
  readonly topics: ReadonlyArray<string>
  readonly handler: EventHandler<E, R>
  readonly retry?: RetryPolicy
  readonly maxBatch?: number
  /**
   * Told each handler's write once it has committed (with its marker): what a handler returns may be
   * committed once, retried after a failed commit, or never committed, so counting what it published
   * belongs here, not in the handler.
   */
  readonly onCommitted?: (write: AtomicWrite) => Effect.Effect<void>
}

interface Pending {
  readonly message: DeliveredMessage
  readonly envelope: Envelope
}

/** Most messages committed in one write: bounds the size of one atomic step (a Lua script in Redis). */
const TOGETHER_MAX = 100

export const runConsumer = <E, R>(
  options: ConsumerOptions<E, R>
): Effect.Effect<Subscription, EventBusUnavailable, Scope.Scope | EventBus | StateStore | R> =>
  Effect.gen(function* () {
    const bus = yield* EventBus
    const store = yield* StateStore
    const context = yield* Effect.context<R>()
    const policy = options.retry ?? defaultRetry
    const group = options.group

    /** Dead-letters `message` with its marker, in one write; "duplicate": another member settled it first. */
    const sendToDlq = (message: DeliveredMessage, envelope: Envelope | undefined, error: string, attempts: number): Effect.Effect<CommitResult> =>
      persistently(
        store.commit({ events: [deadLetter(group, message, envelope, error, attempts)], processed: [deadLetterMarkerOf(group, message)] }),
        policy
      ).pipe(
        Effect.tap((result) =>
          result === "committed" ? Effect.logWarning("message dead-lettered", { topic: message.topic, group, error }) : Effect.void
        )
      )

    const committed = (write: AtomicWrite): Effect.Effect<void> => (options.onCommitted === undefined ? Effect.void : options.onCommitted(write))

    /**
     * One message's span (a child of the producer's trace) and its log and span annotations; without a
     * captured stack trace, which would always point here (an Error per message, for nothing).
     */
    const traced =
      (message: DeliveredMessage, envelope: Envelope) =>
      <A, E2, R2>(effect: Effect.Effect<A, E2, R2>): Effect.Effect<A, E2, R2> =>
        Effect.withSpan(effect, `process ${message.topic}`, {
          captureStackTrace: false,
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
        }).pipe(
          Effect.annotateLogs({ correlation_id: envelope.correlation_id, event_id: envelope.event_id }),
          Effect.annotateSpans("correlation_id", envelope.correlation_id)
        )

    const processOne = (message: DeliveredMessage, envelope: Envelope): Effect.Effect<void> => {
      const event: ConsumedEvent = { envelope, group, topic: message.topic, partition: message.partition, offset: message.offset }
      const marker = [markerOf(group, message, envelope)]
      const name = envelope.event_name
      // Suspended so every attempt calls the handler again and sees fresh state; a thrown error is a
      // HandlerDefect from here on, retried and dead-lettered like any failure.
      const handleAndCommit = defectsAsFailures(
        Effect.suspend(() => options.handler(event)).pipe(
          Effect.flatMap((write) =>
            write === IgnoredEvent
              ? Effect.succeed("ignored" as const)
              : Effect.flatMap(stampTrace(write ?? {}), (stamped) =>
                  Effect.tap(store.commit({ ...stamped, processed: marker }), (result) => (result === "committed" ? committed(stamped) : Effect.void))
                )
          )
        )
      ).pipe(
        // Someone else wrote the same state first: run again on fresh state at once, without using up
        // an attempt (a lost race is not a failure of this message).
        Effect.retry({ while: isWriteConflict, times: MAX_CONFLICT_RETRIES }),
        Effect.provideContext(context)
      )
      let attempts = 0
      const attempt = Effect.suspend(() => {
        attempts++
        if (attempts === 1) return handleAndCommit
        // A commit that failed in flight may still have been applied: if its marker is there, it was.
        return countConsumed(group, message.topic, name, "retried").pipe(
          Effect.andThen(persistently(store.processed(group, [envelope.event_id]), policy)),
          Effect.flatMap((done) => (done.size > 0 ? Effect.succeed<CommitResult | "ignored">("committed") : handleAndCommit))
        )
      })
      const started = performance.now()
      return attempt.pipe(
        Effect.retry({ schedule: attemptSchedule(policy), while: (error) => !isPermanent(error) }),
        Effect.matchEffect({
          onSuccess: (result) =>
            result === "duplicate" || result === "ignored"
              ? countConsumed(group, message.topic, name, result)
              : countConsumed(group, message.topic, name, "processed").pipe(
                  Effect.andThen(Effect.suspend(() => observeProcessing(group, message.topic, (performance.now() - started) / 1000)))
                ),
          onFailure: (error) => {
            const reason = describeFailure(error)
            return sendToDlq(message, envelope, reason, attempts).pipe(
              Effect.andThen(countConsumed(group, message.topic, name, "dead_lettered")),
              Effect.andThen(Effect.annotateCurrentSpan({ "error.type": "dead_lettered", "dlq.error": reason }))
            )
          }
        }),
        traced(message, envelope)
      )
    }

    /** What one message of a batch came to: its write joined the batch, or it is ignored. */
    interface Outcome {
      readonly message: DeliveredMessage
      readonly name: string
      readonly result: "processed" | "ignored"
      readonly write?: AtomicWrite
      readonly ms: number
    }

    /**
     * Runs each message's handler in turn, reading through `overlay`, and adds its write to the batch,
     * until one fails or decides against what the batch decided (it and the rest are left for one by
     * one). The overlay and the handlers' services are provided once for the whole loop, not per message.
     */
    const addAll = (overlay: BatchOverlay, pending: ReadonlyArray<Pending>, outcomes: Array<Outcome>): Effect.Effect<void> =>
      Effect.gen(function* () {
        for (const { message, envelope } of pending) {
          const started = performance.now()
          const event: ConsumedEvent = { envelope, group, topic: message.topic, partition: message.partition, offset: message.offset }
          const processed = [markerOf(group, message, envelope)]
          const added = yield* Effect.suspend(() => options.handler(event)).pipe(
            Effect.flatMap((write): Effect.Effect<"ignored" | "conflict" | { readonly write: AtomicWrite }, StoreUnavailable> =>
              write === IgnoredEvent
                ? Effect.succeed("ignored" as const)
                : Effect.flatMap(stampTrace(write ?? {}), (stamped) =>
                    Effect.map(overlay.add({ ...stamped, processed }), (added) => {
                      if (added === "added") return { write: stamped }
                      // Records cannot go into a batch (batch-overlay.ts): this consumer's messages go one by one from now on.
                      if (added === "records") writesRecords = true
                      return "conflict" as const
                    })
                  )
            ),
            traced(message, envelope),
            // Whatever went wrong, a failure or a defect, is handled where retries and dead letters are: alone, after the batch.
            exceptInterruption(() => "conflict" as const)
          )
          if (added === "conflict") return
          const ms = performance.now() - started
          outcomes.push(added === "ignored" ? { message, name: envelope.event_name, result: added, ms } : { message, name: envelope.event_name, result: "processed", write: added.write, ms })
        }
      }).pipe(Effect.provideService(CurrentBatchOverlay, overlay), Effect.provideContext(context))

    /**
     * Handles `pending` at once (batch-overlay.ts): each handler in turn, reading through an overlay
     * over `behind`, then one commit of all their writes with all their markers. Answers how many of them,
     * from the first, that commit covered. The rest (from a handler that failed or decided against
     * what the batch decided, or all of them if the commit did not apply) are then handled one by
     * one, where fresh state, retries and dead letters are; their markers keep that exact.
     */
    const handleTogether = (behind: typeof StateStore.Service, pending: ReadonlyArray<Pending>): Effect.Effect<number> =>
      Effect.gen(function* () {
        const overlay = new BatchOverlay(behind)
        const outcomes: Array<Outcome> = []
        yield* addAll(overlay, pending, outcomes)
        if (outcomes.length === 0) return 0
        // Only ignored events: nothing to write (an ignored event needs no marker, see IgnoredEvent).
        if (outcomes.some((outcome) => outcome.result === "processed")) {
          const result = yield* Effect.orElseSucceed(store.commit(overlay.toWrite()), () => "not applied" as const)
          if (result !== "committed") return 0
        }
        // Counted once per topic, name and outcome (a batch is mostly one of each), timed one by one.
        const counts = new Map<string, { readonly topic: string; readonly name: string; readonly result: "processed" | "ignored"; count: number }>()
        for (const { message, name, result, write, ms } of outcomes) {
          if (write !== undefined) yield* committed(write)
          const key = `${message.topic}\u0000${name}\u0000${result}`
          const count = counts.get(key)
          if (count === undefined) counts.set(key, { topic: message.topic, name, result, count: 1 })
          else count.count++
          if (result === "processed") yield* observeProcessing(group, message.topic, ms / 1000)
        }
        for (const { topic, name, result, count } of counts.values()) yield* countConsumed(group, topic, name, result, count)
        return outcomes.length
      })

    const behind = storeBehind(store)
    /**
     * Whether a handler of this consumer has written records (SQL rows): such a write never joins a batch,
     * so a batch would only run its first handler twice (once in the batch, once alone, a gateway call
     * included); once seen, the consumer handles its messages one by one.
     */
    let writesRecords = false
    const handles = options.handler.handles
    const loggedIgnored = new Set<string>()

    /** An event the handler does not read: counted, its name logged once, nothing read or written. */
    const ignore = (message: DeliveredMessage, name: string): Effect.Effect<void> => {
      const counted = countConsumed(group, message.topic, name, "ignored")
      if (loggedIgnored.has(name)) return counted
      loggedIgnored.add(name)
      return Effect.andThen(Effect.logInfo(`${group} ignores this event name`, { event_name: name }), counted)
    }

    const handle = (batch: MessageBatch): Effect.Effect<void> =>
      Effect.gen(function* () {
        const messages: Array<DeliveredMessage> = []
        const decoded: Array<ReturnType<typeof deliveredEnvelope>> = []
        for (const message of batch.messages) {
          const named = message.headers[Headers.eventName]
          if (named !== undefined && handles !== undefined && !handles(named)) {
            yield* ignore(message, named)
            continue
          }
          const result = deliveredEnvelope(message)
          if (result.ok && handles !== undefined && !handles(result.envelope.event_name)) {
            yield* ignore(message, result.envelope.event_name)
            continue
          }
          messages.push(message)
          decoded.push(result)
        }
        // One read for the whole batch: event ids, and log positions for what has none.
        const ids = messages.map((message, i) => {
          const result = decoded[i]!
          return markerId(message, result.ok ? result.envelope : undefined)
        })
        const done = new Set(ids.length === 0 ? [] : yield* persistently(store.processed(group, ids), policy))
        const pending: Array<Pending> = []
        for (let i = 0; i < messages.length; i++) {
          const message = messages[i]!
          const result = decoded[i]!
          const id = ids[i]!
          const name = result.ok ? result.envelope.event_name : (message.headers[Headers.eventName] ?? "unknown")
          if (done.has(id)) {
            yield* countConsumed(group, message.topic, name, "duplicate")
            continue
          }
          done.add(id)
          if (result.ok) {
            pending.push({ message, envelope: result.envelope })
          } else {
            // Its own write, whatever the others do: it never reaches a handler.
            yield* sendToDlq(message, undefined, result.reason, 0)
            yield* countConsumed(group, message.topic, name, "undecodable")
          }
        }
        for (let from = 0; from < pending.length; from += TOGETHER_MAX) {
          const chunk = pending.slice(from, from + TOGETHER_MAX)
          const covered = behind !== undefined && !writesRecords && chunk.length > 1 ? yield* handleTogether(behind, chunk) : 0
          for (let i = covered; i < chunk.length; i++) yield* processOne(chunk[i]!.message, chunk[i]!.envelope)
        }
      })

    return yield* bus.subscribe({
      group,
      topics: options.topics,
      handle,
      ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch })
    })
  })
