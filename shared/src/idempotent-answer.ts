/**
 * The answer to an `Idempotency-Key` request written in the same atomic step as the work (SPEC §2),
 * so a client that never heard the answer (a timeout after the commit reached the store) gets it
 * replayed instead of the work done twice. The HTTP edge, which knows the key and how a result
 * becomes a response, provides `IdempotentAnswer` to the use case; a context's command marks the
 * write that holds its state with `answering(result)`; the platform's StateStore (`answeringStore`)
 * then adds the stored answer to that commit, guarded by "the key still holds this request's claim",
 * and tells the edge what every commit of the request did, so it knows whether the outcome is clear.
 * Contexts import only this module: nothing about HTTP leaks into them.
 */
import { Context, Effect, Layer, Option } from "effect"
import { CausedEvents, eventIdsOf } from "./caused-events.ts"
import { stampTrace } from "./outbox.ts"
import { type AtomicWrite, type CommitResult, StateStore, type StoreUnavailable, type WriteConflict } from "./state-store.ts"

/**
 * What a keyed request's commits did: the answer written with the state, some state written without
 * it (the answer is stored after the fact), or a commit failed with the store unavailable (unclear:
 * it may have applied, so the request must never run again).
 */
export type AnswerCommitOutcome = "answer-written" | "state-written" | "unclear"

export class IdempotentAnswer extends Context.Service<
  IdempotentAnswer,
  {
    /** The store key of the request's idempotency record. */
    readonly key: string
    /** What that key holds while this request runs (its claim): the commit applies only if it still does. */
    readonly claim: string
    readonly ttlSeconds: number
    /** The record to store for the command's result and the events its write causes (the response the client would have been sent). */
    readonly record: (result: unknown, eventIds: ReadonlyArray<string>) => string
    /** Told what each commit made while the request runs did. */
    readonly report: (outcome: AnswerCommitOutcome) => void
  }
>()("@kasa/shared/IdempotentAnswer") {}

/** The answer a commit made inside `answering` carries: set by `answering`, read by `answeringStore`. */
class PendingAnswer extends Context.Service<PendingAnswer, { readonly answer: IdempotentAnswer["Service"]; readonly result: unknown }>()(
  "@kasa/shared/PendingAnswer"
) {}

/**
 * Marks `self` as the command's state write, whose result is `result`: when the request carries an
 * Idempotency-Key, the stored answer joins that commit. Without one it changes nothing.
 */
export const answering =
  (result: unknown) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(Effect.serviceOption(IdempotentAnswer), (answer) =>
      Option.isNone(answer) ? self : Effect.provideService(self, PendingAnswer, { answer: answer.value, result })
    )

/** `write` plus the stored answer, applied only while the key still holds the request's claim. */
export const withAnswer = (write: AtomicWrite, answer: IdempotentAnswer["Service"], result: unknown): AtomicWrite => ({
  ...write,
  expect: [...(write.expect ?? []), { key: answer.key, value: answer.claim }],
  ops: [...(write.ops ?? []), { op: "set", key: answer.key, value: answer.record(result, eventIdsOf(write)), ttlSeconds: answer.ttlSeconds }]
})

/** `commit`, telling `answer` what it did. A lost race (WriteConflict) wrote nothing: only an unavailable store is unclear. */
const reporting = (commit: Effect.Effect<CommitResult, StoreUnavailable | WriteConflict>, answer: IdempotentAnswer["Service"], written: AnswerCommitOutcome) =>
  commit.pipe(
    // A "duplicate" (a processed marker already set) applied nothing.
    Effect.tap((result) => (result === "committed" ? Effect.sync(() => answer.report(written)) : Effect.void)),
    Effect.tapError((error) => (error._tag === "StoreUnavailable" ? Effect.sync(() => answer.report("unclear")) : Effect.void))
  )

/** `commit`, adding the write's events to the request's CausedEvents (caused-events.ts) once it applied. */
const telling = (write: AtomicWrite, commit: Effect.Effect<CommitResult, StoreUnavailable | WriteConflict>) =>
  write.events === undefined || write.events.length === 0
    ? commit
    : Effect.flatMap(Effect.serviceOption(CausedEvents), (caused) =>
        Option.isNone(caused) ? commit : Effect.tap(commit, (result) => (result === "committed" ? Effect.sync(() => caused.value.add(eventIdsOf(write))) : Effect.void))
      )

/** The write committed with the keyed request's answer, or reported to it, or plainly without a key. */
const answeringCommit = (store: StateStore["Service"], write: AtomicWrite) =>
  Effect.flatMap(Effect.serviceOption(PendingAnswer), (pending) => {
    if (Option.isSome(pending)) return reporting(store.commit(withAnswer(write, pending.value.answer, pending.value.result)), pending.value.answer, "answer-written")
    return Effect.flatMap(Effect.serviceOption(IdempotentAnswer), (answer) =>
      Option.isNone(answer) ? store.commit(write) : reporting(store.commit(write), answer.value, "state-written")
    )
  })

/**
 * A StateStore whose commits inside `answering` carry the stored answer, whose every commit during
 * a keyed request is reported to it, whose applied events are told to the request's CausedEvents, and
 * whose events are stamped with the writing span's traceparent; otherwise every call is the store's own.
 */
export const answeringStore = (store: StateStore["Service"]): StateStore["Service"] =>
  StateStore.of({
    ...store,
    // Every event carries the traceparent of the span that wrote it (outbox.ts), whichever context wrote it.
    commit: (write) => Effect.flatMap(stampTrace(write), (stamped) => telling(stamped, answeringCommit(store, stamped)))
  })

/** The StateStore in context, answering (what the platform gives every module). */
export const layerAnsweringStore: Layer.Layer<StateStore, never, StateStore> = Layer.effect(StateStore, Effect.map(StateStore, answeringStore))
