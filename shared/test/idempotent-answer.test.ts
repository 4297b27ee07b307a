// The stored answer joins the command's commit: only inside `answering`, only with an IdempotentAnswer
// in context, guarded by the claim; the outcome reported (written, or unclear when the store failed).
import { describe, expect, test } from "bun:test"
import { Effect, Layer } from "effect"
import { layerMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"
import { answering, IdempotentAnswer, layerAnsweringStore, makeEnvelope, StateStore, StoreUnavailable, withAnswer } from "@kasa/shared"
import { runAnswered } from "@kasa/shared/testing/answered"

const setup = () => {
  const data = new MemoryStateData()
  const run = <A, E>(effect: Effect.Effect<A, E, StateStore>) => Effect.runPromise(Effect.provide(effect, Layer.provide(layerAnsweringStore, layerMemoryStateStore(data))))
  return { data, run }
}
const command = (value: string) =>
  Effect.flatMap(StateStore, (store) => store.commit({ ops: [{ op: "set", key: "thing", value }] }).pipe(answering({ value }), Effect.as({ value })))

describe("answering", () => {
  test("the answer is committed with the state, and reported written", async () => {
    const { data, run } = setup()
    const { result, outcomes, record } = await run(runAnswered(command("a")))
    expect(record).toBe(JSON.stringify(result))
    expect(outcomes).toEqual(["answer-written"])
    expect(data.read("thing")).toBe("a")
  })

  test("without an IdempotentAnswer in context a commit is the store's own", async () => {
    const { data, run } = setup()
    await run(command("b"))
    expect([...data.values.keys()]).toEqual(["thing"])
  })

  test("a commit outside `answering` carries no answer, and is reported as state written without it", async () => {
    const { run } = setup()
    const plain = Effect.flatMap(StateStore, (store) => store.commit({ ops: [{ op: "set", key: "other", value: "1" }] }))
    const { record, outcomes } = await run(runAnswered(plain))
    expect(record).toBeUndefined()
    expect(outcomes).toEqual(["state-written"])
  })

  test("a key that no longer holds the request's claim fails the whole commit: no state, no answer", async () => {
    const { data, run } = setup()
    const stolen = Effect.flatMap(IdempotentAnswer, (answer) => Effect.flatMap(StateStore, (store) => store.commit({ ops: [{ op: "set", key: answer.key, value: "claim:someone-else" }] })))
    const error = await run(Effect.flip(runAnswered(Effect.andThen(stolen, command("c")))))
    expect(error._tag).toBe("WriteConflict")
    expect(data.read("thing")).toBeUndefined()
  })

  test.each([["inside", command("d")], ["outside", Effect.flatMap(StateStore, (store) => store.commit({ ops: [] }))]])(
    "a store that fails a commit %s `answering` reports the outcome unclear",
    async (_where, effect) => {
      const outcomes: Array<string> = []
      const failing = Layer.succeed(StateStore, StateStore.of({ commit: () => Effect.fail(new StoreUnavailable({ operation: "commit", message: "timeout" })) } as unknown as StateStore["Service"]))
      const answer = IdempotentAnswer.of({ key: "k", claim: "claim:x", ttlSeconds: 1, record: String, report: (o) => outcomes.push(o) })
      await Effect.runPromise(Effect.provide(Effect.provideService(Effect.ignore(effect), IdempotentAnswer, answer), Layer.provide(layerAnsweringStore, failing)))
      expect(outcomes).toEqual(["unclear"])
    }
  )

  test("withAnswer adds the claim as a precondition and the record as a set with its retention", () => {
    const answer = IdempotentAnswer.of({ key: "k", claim: "claim:x", ttlSeconds: 9, record: () => "rec", report: () => {} })
    expect(withAnswer({ expect: [{ key: "a", value: "1" }], ops: [{ op: "delete", key: "b" }] }, answer, 1)).toEqual({
      expect: [{ key: "a", value: "1" }, { key: "k", value: "claim:x" }],
      ops: [{ op: "delete", key: "b" }, { op: "set", key: "k", value: "rec", ttlSeconds: 9 }]
    })
  })
})

describe("answeringStore stamps the trace", () => {
  test("every event of a commit carries the traceparent of the span that wrote it, unless it has one", async () => {
    const { data, run } = setup()
    const event = (name: string, headers?: Record<string, string>) => ({
      topic: "t",
      key: "k",
      envelope: makeEnvelope({ eventName: name, aggregateId: "k", correlationId: "c", producer: "test", payload: {} }),
      ...(headers === undefined ? {} : { headers })
    })
    const traceId = await run(
      Effect.withSpan(
        Effect.flatMap(StateStore, (store) =>
          Effect.andThen(store.commit({ events: [event("fresh"), event("stamped", { traceparent: "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01" })] }), Effect.map(Effect.currentSpan, (span) => span.traceId))
        ),
        "writer"
      )
    )
    const headers = Object.fromEntries(data.outbox.map((entry) => [entry.event.envelope.event_name, entry.event.headers?.traceparent]))
    expect(headers.fresh).toContain(traceId)
    expect(headers.stamped).toBe("00-0123456789abcdef0123456789abcdef-0123456789abcdef-01")
  })
})
