// Consumer runtime details the bus contract does not cover: permanent failures skip the retries,
// events a handler emits go to the outbox with the consumer span's trace context and the cause.
// Dead letters are outbox entries (the relay publishes them), so they are read from the outbox here.
import { describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime, Metric, Schema } from "effect"
import { type AtomicWrite, batchAware, type ConsumedEvent, DlqHeaders, EventBus, eventRouter, makeEnvelope, OutboxReader, PermanentFailure, route, runConsumer, StateStore, StoreUnavailable, toBusMessage } from "@kasa/shared"
import { waitUntil, waitUntilEffect } from "@kasa/shared/testing/eventually"
import { MemoryBroker, MemoryStateData, layerMemoryEventBus, layerMemoryStateStore, makeMemoryStateStore } from "@kasa/adapter-memory"

/** A memory bus with topic `in` and its DLQ, over a memory store; `storeOf` may interpose on the store. */
const setup = (storeOf?: (state: MemoryStateData) => typeof StateStore.Service) => {
  const broker = new MemoryBroker()
  broker.createTopic("in", 1)
  broker.createTopic("in.dlq", 1)
  const state = new MemoryStateData()
  const deadLetters = () => state.pendingMessages("in.dlq")
  // The adapter's layer (store, outbox, sweeper), its store replaced by `storeOf`'s when given.
  const store = storeOf === undefined ? layerMemoryStateStore(state) : Layer.mergeAll(layerMemoryStateStore(state), Layer.succeed(StateStore, storeOf(state)))
  return { state, deadLetters, runtime: ManagedRuntime.make(Layer.mergeAll(layerMemoryEventBus(broker), store)) }
}

/** Runs `handler` on one message with `attempts` attempts; resolves with the dead letter and the number of calls. */
const deadLetterOf = async (attempts: number, handler: () => Effect.Effect<void, unknown>) => {
  const { deadLetters, runtime } = setup()
  let calls = 0
  await runtime.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        yield* runConsumer({
          group: "g",
          topics: ["in"],
          retry: { attempts, baseDelayMs: 1, maxDelayMs: 1 },
          handler: () => {
            calls++
            return handler()
          }
        })
        const bus = yield* EventBus
        const e = makeEnvelope({ eventName: "x.y", aggregateId: "a", correlationId: "c", producer: "t", payload: {} })
        yield* bus.publish([toBusMessage({ topic: "in", key: "a", envelope: e })])
        yield* waitUntil(() => deadLetters().length === 1, { describe: () => `no dead letter after ${calls} calls`, timeoutMs: 5_000 })
      })
    )
  )
  return { letter: deadLetters()[0]!, calls }
}

describe("consumer runtime", () => {
  test("a PermanentFailure goes to the DLQ on the first attempt", async () => {
    const { letter, calls } = await deadLetterOf(5, () => Effect.fail(new PermanentFailure({ reason: "payload breaks its schema" })))
    expect(calls).toBe(1)
    expect(letter.headers[DlqHeaders.attempts]).toBe("1")
    expect(letter.headers[DlqHeaders.error]).toBe("PermanentFailure: payload breaks its schema")
  })

  test("events a handler emits are written to the outbox, caused by the consumed event, with a traceparent", async () => {
    const { runtime } = setup()
    const pending = await runtime.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const reader = yield* OutboxReader
          yield* runConsumer({
            group: "g",
            topics: ["in"],
            handler: (event) =>
              Effect.succeed({
                events: [
                  {
                    topic: "out",
                    key: "a",
                    envelope: makeEnvelope({ eventName: "x.done", aggregateId: "a", correlationId: "other", producer: "t", payload: {}, causedBy: event.envelope })
                  }
                ]
              })
          })
          const bus = yield* EventBus
          const e = makeEnvelope({ eventName: "x.y", aggregateId: "a", correlationId: "corr_in", producer: "t", payload: {} })
          yield* bus.publish([toBusMessage({ topic: "in", key: "a", envelope: e })])
          let found: ReadonlyArray<unknown> = []
          yield* Effect.gen(function* () {
            const deadline = Date.now() + 5_000
            while ((found = yield* reader.pending(10)).length === 0 && Date.now() < deadline) yield* Effect.sleep(5)
          })
          return { found: yield* reader.pending(10), cause: e.event_id }
        })
      )
    )
    expect(pending.found).toHaveLength(1)
    const event = pending.found[0]!.event
    expect(event.envelope.correlation_id).toBe("corr_in")
    expect(event.envelope.causation_id).toBe(pending.cause)
    expect(event.headers?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
  })
})

describe("consumer runtime and replayed dead letters", () => {
  test("a dead letter put back on its topic (ops dlq replay: the same envelope at a new offset) is handled afresh", async () => {
    const { deadLetters, runtime } = setup()
    const handled: Array<string> = []
    let failing = true
    await runtime.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* runConsumer({
            group: "g",
            topics: ["in"],
            retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
            handler: (event) =>
              failing ? Effect.fail(new PermanentFailure({ reason: "a bug, fixed before the replay" })) : Effect.sync(() => void handled.push(event.envelope.event_id))
          })
          const bus = yield* EventBus
          const e = makeEnvelope({ eventName: "x.y", aggregateId: "a", correlationId: "c", producer: "t", payload: {} })
          yield* bus.publish([toBusMessage({ topic: "in", key: "a", envelope: e })])
          yield* waitUntil(() => deadLetters().length === 1, { describe: () => "no dead letter", timeoutMs: 5_000 })
          failing = false
          const letter = deadLetters()[0]!
          yield* bus.publish([{ topic: "in", key: letter.key, value: letter.value, headers: { event_name: "x.y" } }])
          yield* waitUntil(() => handled.length === 1, { describe: () => `handled ${handled.length} after the replay`, timeoutMs: 5_000 })
          expect(handled).toEqual([e.event_id])
        })
      )
    )
  })
})

describe("consumer runtime and optimistic writes", () => {
  test("a handler that loses write races is run again on fresh state without using up its attempts", async () => {
    const { deadLetters, runtime } = setup()
    let calls = 0
    const outcome = await runtime.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const store = yield* StateStore
          yield* runConsumer({
            group: "g",
            topics: ["in"],
            retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
            handler: () => {
              calls++
              // Expects the key to hold "ready" only from the 8th run on: 7 lost races first.
              return Effect.succeed({
                expect: [{ key: "race", value: calls >= 8 ? undefined : "someone-else" }],
                ops: [{ op: "set" as const, key: "race", value: "mine" }]
              })
            }
          })
          const bus = yield* EventBus
          const e = makeEnvelope({ eventName: "x.y", aggregateId: "a", correlationId: "c", producer: "t", payload: {} })
          yield* bus.publish([toBusMessage({ topic: "in", key: "a", envelope: e })])
          yield* waitUntil(() => calls >= 8, { describe: () => `handler ran ${calls} times`, timeoutMs: 5_000 })
          let value: string | undefined
          const deadline = Date.now() + 5_000
          while ((value = yield* store.get("race")) === undefined && Date.now() < deadline) yield* Effect.sleep(5)
          return value
        })
      )
    )
    expect(outcome).toBe("mine")
    expect(calls).toBe(8)
    expect(deadLetters()).toHaveLength(0)
  })
})

describe("consumer runtime and defects", () => {
  test.each<[string, () => Effect.Effect<void>]>([
    ["a handler that throws", () => { throw new RangeError("index out of range") }],
    ["an Effect that throws inside", () => Effect.sync(() => { throw new RangeError("index out of range") })],
    ["an Effect that dies with a value that is no Error", () => Effect.die("RangeError: index out of range")]
  ])("%s is retried, then dead-lettered as a HandlerDefect", async (_, handler) => {
    const { letter, calls } = await deadLetterOf(3, handler)
    expect(calls).toBe(3)
    expect(letter.headers[DlqHeaders.error]).toBe("HandlerDefect: RangeError: index out of range")
    expect(letter.headers[DlqHeaders.attempts]).toBe("3")
  })

  test("an event name the router does not know: nothing is written, not even a marker; counted ignored and not processed", async () => {
    const { state, runtime } = setup()
    const handled: Array<string> = []
    const event = (eventName: string) => makeEnvelope({ eventName, aggregateId: "a", correlationId: "c", producer: "t", payload: { n: 1 } })
    const unknown = event("router.unknown_name")
    const known = event("router.known_name")
    const consumed = (name: string, outcome: string) =>
      Effect.map(Metric.snapshot, (all) =>
        all
          .filter((m) => m.id === "kasa_events_consumed_total" && m.attributes?.group === "router-g" && m.attributes?.event_name === name && m.attributes?.outcome === outcome)
          .reduce((sum, m) => sum + (m.type === "Counter" ? Number(m.state.count) : 0), 0)
      )
    const counts = await runtime.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* runConsumer({
            group: "router-g",
            topics: ["in"],
            handler: eventRouter("router-g", { "router.known_name": route(Schema.Struct({ n: Schema.Int }), (e) => Effect.sync(() => void handled.push(e.envelope.event_id))) })
          })
          const bus = yield* EventBus
          yield* bus.publish([unknown, known].map((envelope) => toBusMessage({ topic: "in", key: "a", envelope })))
          yield* waitUntil(() => handled.length === 1 && state.processed.size === 1, { describe: () => `${handled.length} handled, ${state.processed.size} markers`, timeoutMs: 5_000 })
          return {
            ignored: yield* consumed(unknown.event_name, "ignored"),
            processedUnknown: yield* consumed(unknown.event_name, "processed"),
            processedKnown: yield* consumed(known.event_name, "processed")
          }
        })
      )
    )
    await runtime.dispose()
    expect(handled).toEqual([known.event_id])
    expect(state.processed.has(`router-g\u0000${unknown.event_id}`)).toBe(false)
    expect(state.processed.has(`router-g\u0000${known.event_id}`)).toBe(true)
    expect(counts).toEqual({ ignored: 1, processedUnknown: 0, processedKnown: 1 })
    expect(state.outbox).toEqual([])
  })
})

describe("consumer runtime and a fetched batch at once", () => {
  /** A bus and a batch-aware memory store that counts the commits reaching it. */
  const countingSetup = () => {
    const counted = { commits: 0 }
    let inner!: typeof StateStore.Service
    const { runtime, deadLetters } = setup((state) => {
      inner = makeMemoryStateStore(state)
      return batchAware(StateStore.of({ ...inner, commit: (write) => Effect.suspend(() => (counted.commits++, inner.commit(write))) }))
    })
    return { runtime, counted, inner, deadLetters }
  }

  /** Reads the counter, writes it plus one, on the condition that nobody moved it meanwhile: a read-modify-write handler. */
  const bump = (failOn?: string, onCall?: (n: number) => Effect.Effect<void>) => {
    let calls = 0
    return (event: ConsumedEvent) =>
      Effect.gen(function* () {
        calls++
        if (onCall !== undefined) yield* onCall(calls)
        const store = yield* StateStore
        const current = yield* store.get("counter")
        const next = Number(current ?? "0") + 1
        if (event.envelope.correlation_id === failOn) return yield* new PermanentFailure({ reason: `refuses ${failOn}` })
        return { expect: [{ key: "counter", value: current }], ops: [{ op: "set" as const, key: "counter", value: String(next) }] }
      })
  }

  const publishMany = (count: number) =>
    Effect.flatMap(EventBus, (bus) =>
      bus.publish(
        Array.from({ length: count }, (_, i) =>
          toBusMessage({ topic: "in", key: "a", envelope: makeEnvelope({ eventName: "x.y", aggregateId: "a", correlationId: `c${i}`, producer: "t", payload: {} }) })
        )
      )
    )

  const counterOf = (store: typeof StateStore.Service, expected: number) =>
    Effect.gen(function* () {
      let value: string | undefined
      yield* waitUntilEffect(
        Effect.map(store.get("counter"), (v) => (value = v) === String(expected)),
        { describe: () => `counter at ${value}`, timeoutMs: 5_000 }
      )
      return value
    })

  test("onCommitted hears each write once, after its commit: a batch's twenty, and a write whose first commit failed", async () => {
    const heard: Array<string> = []
    const emitting = (event: ConsumedEvent) =>
      Effect.succeed({ events: [{ topic: "out", key: "a", envelope: makeEnvelope({ eventName: "out.made", aggregateId: "a", correlationId: event.envelope.correlation_id, producer: "t", payload: {} }) }] })
    const onCommitted = (write: AtomicWrite) => Effect.sync(() => void heard.push(...(write.events ?? []).map((e) => e.envelope.correlation_id)))
    const { runtime, counted } = countingSetup()
    await runtime.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* publishMany(20)
          yield* runConsumer({ group: "g", topics: ["in"], handler: emitting, onCommitted })
          yield* waitUntil(() => heard.length >= 20, { describe: () => `${heard.length} heard`, timeoutMs: 5_000 })
        })
      )
    )
    expect(counted.commits).toBe(1)
    expect(heard.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`).sort())

    // Alone: the first commit fails without applying, the retry commits; heard once.
    heard.length = 0
    let failures = 1
    const { runtime: alone, state } = setup((data) => {
      const inner = makeMemoryStateStore(data)
      return StateStore.of({ ...inner, commit: (write) => (failures-- > 0 ? Effect.fail(new StoreUnavailable({ operation: "commit", message: "lost" })) : inner.commit(write)) })
    })
    await alone.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* publishMany(1)
          yield* runConsumer({ group: "g", topics: ["in"], handler: emitting, onCommitted, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } })
          yield* waitUntil(() => heard.length >= 1 && state.outbox.length >= 1, { describe: () => `${heard.length} heard`, timeoutMs: 5_000 })
        })
      )
    )
    expect(heard).toEqual(["c0"])
    expect(state.outbox.map((entry) => entry.event.envelope.correlation_id)).toEqual(["c0"])
  })

  test("a consumer whose writes carry records handles its messages one by one: a batch runs its first handler twice once, never again", async () => {
    const calls = new Map<string, number>()
    const recording = (event: ConsumedEvent) =>
      Effect.sync(() => {
        calls.set(event.envelope.event_id, (calls.get(event.envelope.event_id) ?? 0) + 1)
        return { records: [{ op: "insert" as const, table: "t", row: { id: event.envelope.event_id }, conflictKey: event.envelope.event_id }] }
      })
    let committed = 0
    // A store that takes records (as a SQL store does), here by leaving them out.
    const { runtime } = setup((state) => {
      const inner = makeMemoryStateStore(state)
      return batchAware(StateStore.of({ ...inner, commit: (write) => Effect.suspend(() => (committed++, inner.commit({ ...write, records: [] }))) }))
    })
    const total = () => [...calls.values()].reduce((sum, n) => sum + n, 0)
    await runtime.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* publishMany(5)
          yield* runConsumer({ group: "g", topics: ["in"], handler: recording })
          yield* waitUntil(() => committed === 5, { describe: () => `${committed} committed`, timeoutMs: 5_000 })
          yield* publishMany(5)
          yield* waitUntil(() => committed === 10, { describe: () => `${committed} committed`, timeoutMs: 5_000 })
        })
      )
    )
    expect(calls.size).toBe(10)
    // The first batch found out (its first handler ran in the batch, then alone); the second went one by one.
    expect(total()).toBe(11)
  })

  test("twenty messages fetched together are committed in one write, each handler seeing the ones before it", async () => {
    const { runtime, counted, inner } = countingSetup()
    await runtime.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* publishMany(20)
          yield* runConsumer({ group: "g", topics: ["in"], handler: bump() })
          expect(yield* counterOf(inner, 20)).toBe("20")
        })
      )
    )
    expect(counted.commits).toBe(1)
  })

  test("a handler that fails mid-batch: the ones before it are committed together, it is dead-lettered, the ones after it are handled", async () => {
    const { runtime, inner, deadLetters } = countingSetup()
    await runtime.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* publishMany(10)
          yield* runConsumer({ group: "g", topics: ["in"], retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, handler: bump("c4") })
          yield* waitUntil(() => deadLetters().length === 1, { describe: () => "no dead letter", timeoutMs: 5_000 })
          // 4 applied, the 5th refused (dead-lettered), then the other 5 each take the next number from 5.
          expect(yield* counterOf(inner, 9)).toBe("9")
        })
      )
    )
    expect(deadLetters()[0]!.headers[DlqHeaders.error]).toBe("PermanentFailure: refuses c4")
  })

  test("a batch whose store moved under it (a request wrote the same key) is handled again one by one on fresh state", async () => {
    const { runtime, counted, inner } = countingSetup()
    await runtime.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* publishMany(10)
          // During the batch's 3rd handler a "request" moves the counter to 100: the batch's commit must not apply.
          const request = (n: number) => (n === 3 ? Effect.asVoid(Effect.orDie(inner.commit({ ops: [{ op: "set", key: "counter", value: "100" }] }))) : Effect.void)
          yield* runConsumer({ group: "g", topics: ["in"], handler: bump(undefined, request) })
          expect(yield* counterOf(inner, 110)).toBe("110")
        })
      )
    )
    // One batch commit that did not apply, then one per message.
    expect(counted.commits).toBe(11)
  })
  test("events a handler says it does not handle never reach it, and no marker is read for them", async () => {
    const askedFor: Array<string> = []
    const { runtime } = setup((state) => {
      const store = makeMemoryStateStore(state)
      return { ...store, processed: (group, ids) => Effect.suspend(() => (askedFor.push(...ids), store.processed(group, ids))) }
    })
    const called: Array<string> = []
    const handler = Object.assign(
      (event: ConsumedEvent) => Effect.sync(() => void called.push(event.envelope.event_name)),
      { handles: (name: string) => name === "x.read" }
    )
    const event = (eventName: string) => makeEnvelope({ eventName, aggregateId: "a", correlationId: "c", producer: "t", payload: {} })
    const skipped = [event("x.skipped"), event("x.skipped"), event("x.other")]
    const read = event("x.read")
    await runtime.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* runConsumer({ group: "skip-g", topics: ["in"], handler })
          const bus = yield* EventBus
          yield* bus.publish([...skipped, read].map((envelope) => toBusMessage({ topic: "in", key: "a", envelope })))
          yield* waitUntil(() => called.length === 1, { describe: () => `${called.length} handled`, timeoutMs: 5_000 })
        })
      )
    )
    await runtime.dispose()
    expect(called).toEqual(["x.read"])
    expect(askedFor).toContain(read.event_id)
    expect(askedFor.filter((id) => skipped.some((e) => e.event_id === id))).toEqual([])
  })

  test("an event its event_name header says the handler does not read is ignored without decoding its value; one it reads is still dead-lettered when undecodable", async () => {
    const { runtime, deadLetters } = setup()
    const called: Array<string> = []
    const handler = Object.assign((event: ConsumedEvent) => Effect.sync(() => void called.push(event.envelope.event_name)), {
      handles: (name: string) => name === "x.read"
    })
    const notJson = new TextEncoder().encode("{ not json")
    const good = makeEnvelope({ eventName: "x.read", aggregateId: "a", correlationId: "c", producer: "t", payload: {} })
    await runtime.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* runConsumer({ group: "header-g", topics: ["in"], handler })
          const bus = yield* EventBus
          yield* bus.publish([
            { topic: "in", key: "a", value: notJson, headers: { event_name: "x.skipped" } },
            { topic: "in", key: "a", value: notJson, headers: { event_name: "x.read" } },
            toBusMessage({ topic: "in", key: "a", envelope: good })
          ])
          yield* waitUntil(() => called.length === 1 && deadLetters().length === 1, {
            describe: () => `${called.length} handled, ${deadLetters().length} dead-lettered`,
            timeoutMs: 5_000
          })
        })
      )
    )
    await runtime.dispose()
    // The skipped one never reached a decoder: only the undecodable message it reads is a dead letter.
    expect(deadLetters().map((letter) => letter.headers.event_name)).toEqual(["x.read"])
    expect(called).toEqual(["x.read"])
  })
})
