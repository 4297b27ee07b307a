// Idempotency-Key: one effect and the same answer for a retried POST; conflicts and reuse refused.
import { afterAll, describe, expect, test } from "bun:test"
import { Layer, ManagedRuntime } from "effect"
import { Hono } from "hono"
import { layerEventBus, layerStateStore } from "@kasa/adapter-memory"
import { idempotency, type AppRuntime, processSessionTokens, SessionTokens } from "@kasa/app-platform"

const tokens = processSessionTokens()
const sessionA = tokens.issue().token
const sessionX = tokens.issue().token
const sessionY = tokens.issue().token

const runtime = ManagedRuntime.make(Layer.mergeAll(layerEventBus(), layerStateStore(), Layer.succeed(SessionTokens, tokens))) as unknown as AppRuntime
afterAll(() => runtime.dispose())

let effects = 0
let gate: Promise<void> = Promise.resolve()
const app = new Hono()
app.use(idempotency(runtime))
app.post("/things", async (c) => {
  await gate
  effects++
  return c.json({ id: effects }, 201, { "x-session-id": "sess_issued" })
})
app.post("/fails", (c) => {
  effects++
  return c.json({ oops: true }, 500)
})

const post = (path: string, body: unknown, key?: string, session: string | undefined = sessionA) =>
  app.request(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...(session === undefined ? {} : { "x-session-id": session }), ...(key === undefined ? {} : { "idempotency-key": key }) }
  })

describe("Idempotency-Key", () => {
  test("the same key returns the same answer and does the work once", async () => {
    effects = 0
    const first = await post("/things", { a: 1 }, "k1")
    const second = await post("/things", { a: 1 }, "k1")
    expect(first.status).toBe(201)
    expect(second.status).toBe(201)
    expect(await second.json()).toEqual(await first.json())
    // The session token is not kept in the stored answer: the replay carries the request's own.
    expect(second.headers.get("x-session-id")).toBe(sessionA)
    expect(second.headers.get("idempotent-replayed")).toBe("true")
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
    await post("/things", { a: 1 }, "shared-key", sessionX)
    await post("/things", { a: 1 }, "shared-key", sessionY)
    expect(effects).toBe(2)
  })

  test("without a valid session there is no scope to keep a key in: every request runs, nothing is replayed", async () => {
    effects = 0
    const first = await post("/things", { a: 1 }, "k-anon", undefined)
    const second = await post("/things", { a: 1 }, "k-anon", "sess_short")
    expect(first.headers.get("idempotent-replayed")).toBeNull()
    expect(second.headers.get("idempotent-replayed")).toBeNull()
    expect(effects).toBe(2)
  })

  test("the same key with a different body is a 422 and does nothing", async () => {
    effects = 0
    await post("/things", { a: 1 }, "k2")
    const reused = await post("/things", { a: 2 }, "k2")
    expect(reused.status).toBe(422)
    expect(reused.headers.get("content-type")).toContain("application/problem+json")
    expect(((await reused.json()) as { code: string }).code).toBe("idempotency_key_reused")
    expect(effects).toBe(1)
  })

  test("a concurrent request with the same key gets 409 while the first runs", async () => {
    effects = 0
    let release!: () => void
    gate = new Promise((resolve) => (release = resolve))
    const first = post("/things", { a: 1 }, "k3")
    const deadline = Date.now() + 5_000
    let second = await post("/things", { a: 1 }, "k3")
    while (second.status !== 409 && Date.now() < deadline) second = await post("/things", { a: 1 }, "k3")
    expect(second.status).toBe(409)
    release()
    expect((await first).status).toBe(201)
    gate = Promise.resolve()
    expect(effects).toBe(1)
  })

  test("a 5xx is not kept: the retry runs again", async () => {
    effects = 0
    await post("/fails", {}, "k4")
    await post("/fails", {}, "k4")
    expect(effects).toBe(2)
  })

  test("an empty or oversized key is a 400", async () => {
    expect((await post("/things", {}, "x".repeat(256))).status).toBe(400)
  })
})
