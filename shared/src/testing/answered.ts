/**
 * Runs a context's command as an `Idempotency-Key` request would (the key claimed, `IdempotentAnswer`
 * in context), so a test can check that the command commits its answer with its state and that the
 * answer is what the command returned. The StateStore in context must be answering (layerAnsweringStore).
 */
import { Effect } from "effect"
import { type AnswerCommitOutcome, IdempotentAnswer } from "../idempotent-answer.ts"
import { StateStore } from "../state-store.ts"

export const runAnswered = <A, E, R>(command: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const key = `idempotency:test:${crypto.randomUUID()}`
    const claim = `claim:test:${key}`
    yield* store.commit({ ops: [{ op: "set", key, value: claim }] })
    const outcomes: Array<AnswerCommitOutcome> = []
    const answer = IdempotentAnswer.of({ key, claim, ttlSeconds: 60, record: (result) => JSON.stringify(result), report: (reported) => outcomes.push(reported) })
    const result = yield* Effect.provideService(command, IdempotentAnswer, answer)
    const record = yield* store.get(key)
    return { result, outcomes: outcomes as ReadonlyArray<AnswerCommitOutcome>, record: record === claim ? undefined : record }
  })
