// The session token is a bearer credential that never leaves the HTTP edge (SPEC §2). The whole shop,
// embedded, goes through a session's cart, services, promotions and shipping with every context reacting
// to its events; then nothing it holds carries the token, or its random part: no message on any topic
// (key, headers, envelope), no state key or value, stream or outbox entry, no log line, no span. The
// session_id derived from it is there, so each search looks where the session left its traces.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base"
import { Effect } from "effect"
import { waitUntil, waitUntilEffect } from "@kasa/shared/testing/eventually"
import { call, newSession, startTestApp, type TestApp } from "@kasa/test-support/app-harness"
import { shopModules } from "../src/modules.ts"

const exporter = new InMemorySpanExporter()
const logs: Array<string> = []
let t: TestApp

beforeAll(async () => {
  t = await startTestApp("shop", shopModules, { spanExporter: exporter, log: (line) => logs.push(line) })
})
afterAll(() => t.app.stop())

/** Everything on the bus: every topic's messages with key, headers and value. */
const busText = () =>
  JSON.stringify([...t.broker.topics].map(([topic, partitions]) => [topic, partitions.flatMap((partition) => partition.log.map((m) => [m.key, m.headers, m.value]))]))

/** Everything in the state, as text (the store packs long values): keys and values, streams, outbox entries, processed markers. */
const stateText = () =>
  JSON.stringify([
    [...t.state.values.keys()].map((key) => [key, t.state.read(key)]),
    [...t.state.streams.keys()].map((key) => [key, t.state.readStream(key)]),
    t.state.outbox,
    [...t.state.processed.keys()]
  ])

const spansText = () => JSON.stringify(exporter.getFinishedSpans().map((s) => [s.name, s.attributes, s.events, s.links]))

const bodyOf = async (path: string, session: ReturnType<typeof newSession>) => (await (await call(t, "GET", path, { session })).json()) as Record<string, unknown>

describe("the session token, through the embedded shop", () => {
  test("is in no message, state entry, log line or span; the derived session_id is", async () => {
    const session = newSession()
    const headers = { "X-User-Id": "user_leak_check" }
    const send = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
      const response = await call(t, method, path, { session, headers: { ...headers, ...extra }, ...(body === undefined ? {} : { body }) })
      expect({ path, status: response.status }).toEqual({ path, status: method === "POST" && path === "/cart/items" ? 201 : 200 })
      return response
    }
    const first = await send("POST", "/cart/items", { offer_id: "tv-samsung-qe55q80d", quantity: 1, type: "offer" }, { "Idempotency-Key": "leak-check-1" })
    const tv = ((await first.json()) as { items: ReadonlyArray<{ item_id: string }> }).items[0]!.item_id
    await send("POST", "/cart/items", { offer_id: "hdmi-cable-2m", quantity: 2, type: "offer" })
    // Every context has seen the cart: services offer carry-in, promotions qualify, shipping has methods.
    let seen: ReadonlyArray<Record<string, unknown>> = []
    const everyContextSawTheCart = Effect.promise(async () => {
      seen = await Promise.all([bodyOf("/services/available", session), bodyOf("/promotions/available", session), bodyOf("/shipping/available", session)])
      const [services, promotions, shipping] = seen
      return JSON.stringify(services!.services).includes("carry_in") && (promotions!.promotions as Array<unknown>).length > 0 && (shipping!.methods as Array<unknown>).length > 0
    })
    await Effect.runPromise(waitUntilEffect(everyContextSawTheCart, { describe: () => JSON.stringify(seen), timeoutMs: 10_000 }))
    await send("POST", "/cart/items", { offer_id: "carry_in", quantity: 1, type: "service", parent_item_id: tv })
    await send("POST", "/promotions/apply-code", { code: "WELCOME10" })
    await send("POST", "/shipping/select", { method_id: "courier" })
    await send("GET", `/promotions/available?cart_id=${session.id}`)
    // The relay has moved every event to the bus, the last command's too.
    await Effect.runPromise(
      waitUntil(() => t.state.outbox.length === 0 && busText().includes("shipping.method_selected"), { describe: () => `${t.state.outbox.length} in the outbox`, timeoutMs: 10_000 })
    )

    const randomPart = session.token.split(".")[0]!
    const places = { bus: busText(), state: stateText(), logs: logs.join("\n"), spans: spansText() }
    for (const [where, text] of Object.entries(places)) {
      expect({ where, token: text.includes(session.token), randomPart: text.includes(randomPart) }).toEqual({ where, token: false, randomPart: false })
    }
    expect(places.bus).toContain(session.id)
    expect(places.state).toContain(session.id)
  })
})
