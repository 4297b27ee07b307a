// Idempotency-Key at the edge (identify, then the key's claim, then the responder): one effect and the
// same answer byte for byte for a retried POST; a refusal stored after the fact; a running first
// attempt a 409; a reused key with another body a 422; a 5xx that wrote nothing frees the key.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { Hono } from "hono"
import { layerMemoryEventBus, layerMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"
import { type AppRuntime, idempotency, identify, problem, problemResponse, processSessionTokens, responder, SessionTokens } from "@kasa/app-platform"
import { answering, answeringStore, StateStore, StoreUnavailable } from "@kasa/shared"

const data = new MemoryStateData()
const tokens = processSessionTokens()
const newSession = () => tokens.issue().token
const runtime = ManagedRuntime.make(
  Layer.mergeAll(
    layerMemoryEventBus(),
    Layer.succeed(SessionTokens, tokens),
    Layer.effect(StateStore, Effect.map(StateStore, answeringStore)).pipe(Layer.provideMerge(layerMemoryStateStore(data)))
  )
) as unknown as AppRuntime
afterAll(() => runtime.dispose())

class Refused {
  readonly _tag = "Refused"
}

let effects = 0
let gate: Promise<void> = Promise.resolve()
const respond = responder(runtime, (_: unknown) => problem(422, "refused", "Refused"))
/** A command: counts, commits a value and answers with the count; the answer joins the commit. */
const thing = Effect.gen(function* () {
  yield* Effect.promise(() => gate)
  effects++
  const answer = { id: effects }
  const store = yield* StateStore
  yield* store.commit({ ops: [{ op: "set", key: `thing:${effects}`, value: "1" }] }).pipe(answering(answer))
  return answer
})

const once = idempotency(runtime)
const app = new Hono()
app.use("*", identify(runtime))
app.post("/things", once, (c) => respond(c, thing, 201))
app.post("/refused", once, (c) => {
  effects++
  return respond(c, Effect.fail(new Refused()))
})
/** Writes some state without the answer, then fails: the outcome is not clean, so the key must never run again. */
const respond503 = responder(runtime, (_: unknown) => problem(503, "unavailable", "Unavailable"))
app.post("/partial", once, (c) =>
  respond503(
    c,
    Effect.flatMap(StateStore, (store) =>
      Effect.andThen(
        store.commit({ ops: [{ op: "set", key: "partial", value: String(++effects) }] }),
        Effect.fail("then the process lost its store" as const)
      )
    )
  )
)
app.post("/fails", once, () => {
  effects++
  return problemResponse(problem(503, "unavailable", "Unavailable"))
})

const sessionA = newSession()
const post = (path: string, body: unknown, key?: string, session = sessionA) =>
  app.request(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", "x-session-id": session, ...(key === undefined ? {} : { "idempotency-key": key }) }
  })
const recordCount = () => [...data.values.keys()].filter((key) => key.startsWith("idempotency:")).length

describe("Idempotency-Key", () => {
  test("the same key returns the same answer, byte for byte, and does the work once", async () => {
    effects = 0
    const first = await post("/things", { a: 1 }, "k1")
    const second = await post("/things", { a: 1 }, "k1")
    expect(first.status).toBe(201)
    expect(second.status).toBe(201)
    expect(await second.text()).toBe(await first.text())
    expect(second.headers.get("content-type")).toBe(first.headers.get("content-type"))
    expect(second.headers.get("x-session-id")).toBe(sessionA)
    expect(second.headers.get("idempotent-replayed")).toBe("true")
    expect(first.headers.get("idempotent-replayed")).toBeNull()
    expect(effects).toBe(1)
  })

  test("without a key every request does the work", async () => {
    effects = 0
    await post("/things", { a: 1 })
    await post("/things", { a: 1 })
    expect(effects).toBe(2)
  })

  test("keys are scoped by session", async () => {
    effects = 0
    await post("/things", { a: 1 }, "shared-key", newSession())
    await post("/things", { a: 1 }, "shared-key", newSession())
    expect(effects).toBe(2)
  })

  test("the same key with a different body is a 422 and does nothing", async () => {
    effects = 0
    await post("/things", { a: 1 }, "k2")
    const reused = await post("/things", { a: 2 }, "k2")
    expect(reused.status).toBe(422)
    expect(reused.headers.get("content-type")).toBe("application/problem+json")
    expect(((await reused.json()) as { code: string }).code).toBe("idempotency_key_reused")
    expect(reused.headers.get("x-session-id")).toBe(sessionA)
    expect(effects).toBe(1)
  })

  test("a concurrent request with the same key gets 409 request_in_progress while the first runs", async () => {
    effects = 0
    let release!: () => void
    gate = new Promise((resolve) => (release = resolve))
    const first = post("/things", { a: 1 }, "k3")
    const second = await post("/things", { a: 1 }, "k3")
    expect(second.status).toBe(409)
    expect(((await second.json()) as { code: string }).code).toBe("request_in_progress")
    release()
    expect((await first).status).toBe(201)
    gate = Promise.resolve()
    expect(effects).toBe(1)
  })

  test("a refusal (nothing written) is stored after the fact and replayed", async () => {
    effects = 0
    const first = await post("/refused", {}, "k5")
    const second = await post("/refused", {}, "k5")
    expect(first.status).toBe(422)
    expect(second.status).toBe(422)
    expect(await second.text()).toBe(await first.text())
    expect(second.headers.get("idempotent-replayed")).toBe("true")
    expect(effects).toBe(1)
  })

  test("a 5xx that wrote nothing frees the key: the retry runs again", async () => {
    effects = 0
    await post("/fails", {}, "k4")
    await post("/fails", {}, "k4")
    expect(effects).toBe(2)
  })

  test("a 5xx after state was written without the answer keeps the claim: the retry is a 409, never a second run", async () => {
    effects = 0
    expect((await post("/partial", {}, "k6")).status).toBe(503)
    const retry = await post("/partial", {}, "k6")
    expect(retry.status).toBe(409)
    expect(((await retry.json()) as { code: string }).code).toBe("request_in_progress")
    expect(effects).toBe(1)
  })

  test("an empty or oversized key is a 400 that stores nothing", async () => {
    const before = recordCount()
    expect((await post("/things", {}, "x".repeat(256))).status).toBe(400)
    expect(recordCount()).toBe(before)
  })
})

describe("Idempotency-Key without a store", () => {
  test("a key that cannot be claimed is a 503 problem+json and the work is not done", async () => {
    const down = ManagedRuntime.make(
      Layer.succeed(StateStore, StateStore.of({ commit: () => Effect.fail(new StoreUnavailable({ operation: "commit", message: "down" })) } as unknown as StateStore["Service"]))
    ) as unknown as AppRuntime
    const offline = new Hono()
    offline.use("*", identify(runtime))
    offline.post("/things", idempotency(down), (c) => {
      effects++
      return c.json({})
    })
    effects = 0
    const response = await offline.request("/things", { method: "POST", body: "{}", headers: { "content-type": "application/json", "x-session-id": sessionA, "idempotency-key": "k" } })
    expect(response.status).toBe(503)
    expect(response.headers.get("content-type")).toBe("application/problem+json")
    expect(effects).toBe(0)
    await down.dispose()
  })
})
