/**
 * The answer to an `Idempotency-Key` request written in the same atomic step as the work (SPEC §2),
 * so a client that never heard the answer (a timeout after the commit reached the store) gets it
 * replayed instead of the work done twice. The HTTP edge, which knows the key and how a result
 * becomes a response, provides `IdempotentAnswer` to the use case; a context's command marks the
 * write that holds its state with `answering(result)`; the platform's StateStore (`answeringStore`)
 * then adds the stored answer to that commit, guarded by "the key still holds this request's claim".
 * Contexts import only this module: nothing about HTTP leaks into them.
 */
import { Context, Effect, Layer, Option } from "effect"
import { type AtomicWrite, StateStore } from "./state-store.ts"

/** What became of the commit that carried the answer: written with it, or failed (unclear: it may have applied). */
export type AnswerCommitOutcome = "written" | "unclear"

export class IdempotentAnswer extends Context.Service<
  IdempotentAnswer,
  {
    /** The store key of the request's idempotency record. */
    readonly key: string
    /** What that key holds while this request runs (its claim): the commit applies only if it still does. */
    readonly claim: string
    readonly ttlSeconds: number
    /** The record to store for the command's result (the response the client would have been sent). */
    readonly record: (result: unknown) => string
    /** Told whether the commit that carried the answer went through. */
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
  ops: [...(write.ops ?? []), { op: "set", key: answer.key, value: answer.record(result), ttlSeconds: answer.ttlSeconds }]
})

/** A StateStore whose commits inside `answering` carry the stored answer; every other call is the store's own. */
export const answeringStore = (store: StateStore["Service"]): StateStore["Service"] =>
  StateStore.of({
    ...store,
    commit: (write) =>
      Effect.flatMap(Effect.serviceOption(PendingAnswer), (pending) => {
        if (Option.isNone(pending)) return store.commit(write)
        const { answer, result } = pending.value
        return store.commit(withAnswer(write, answer, result)).pipe(
          Effect.tap(() => Effect.sync(() => answer.report("written"))),
          // A lost race (WriteConflict) wrote nothing and the command runs again: only an unavailable store is unclear.
          Effect.tapError((error) => (error._tag === "StoreUnavailable" ? Effect.sync(() => answer.report("unclear")) : Effect.void))
        )
      })
  })

/** The StateStore in context, answering (what the platform gives every module). */
export const layerAnsweringStore: Layer.Layer<StateStore, never, StateStore> = Layer.effect(StateStore, Effect.map(StateStore, answeringStore))
