// The edges of the HTTP surface (SPEC §4.2, §5), over the one-process shop and the stand-alone cart
// app: an unknown route is a 404 and a wrong method a 405 with Allow, both problem+json; a body not
// sent as JSON is a 415; one body limit (MAX_BODY_BYTES) answers 413 before anything reads the body,
// a chunked body included, and stores no idempotency record; every response of a session endpoint
// carries X-Session-Id, errors included; a key on a path that does not exist stores nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { type AnyAppModule, type App, createApp } from "@kasa/app-platform"
import { MemoryStateData } from "@kasa/adapter-memory"
import { cartModule } from "@kasa/app-cart"
import { newSession, TEST_SESSION_SECRET } from "@kasa/test-support/app-harness"
import { shopModules } from "../src/modules.ts"

const LIMIT = 4_096

const apps: ReadonlyArray<readonly [string, ReadonlyArray<AnyAppModule>]> = [
  ["shop (embedded)", shopModules],
  ["cart (stand-alone)", [cartModule()]]
]

describe.each(apps)("HTTP edges, %s", (name, modules) => {
  let app: App
  const state = new MemoryStateData()
  beforeAll(async () => {
    app = await createApp({ name, modules, env: { MAX_BODY_BYTES: String(LIMIT), SESSION_SECRET: TEST_SESSION_SECRET }, state, log: () => {} })
  })
  afterAll(() => app?.stop())

  const request = (method: string, path: string, init: { session?: string; body?: BodyInit; headers?: Record<string, string> } = {}) =>
    app.http.request(path, {
      method,
      headers: { ...(init.session === undefined ? {} : { "X-Session-Id": init.session }), ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body })
    })
  const addTv = JSON.stringify({ offer_id: "hdmi-cable-2m", quantity: 1, type: "offer" })
  const problemOf = async (response: Response) => {
    expect(response.headers.get("content-type")).toBe("application/problem+json")
    return (await response.json()) as { code: string; status: number }
  }
  const records = () => [...state.values.keys()].filter((key) => key.startsWith("idempotency:"))
  const cartLines = async (session: string) => ((await (await request("GET", "/cart", { session })).json()) as { items: ReadonlyArray<unknown> }).items.length

  test("an unknown path is a 404 problem+json", async () => {
    const response = await request("GET", "/no-such-thing")
    expect(response.status).toBe(404)
    expect((await problemOf(response)).code).toBe("not_found")
  })

  test("an unknown path under a session endpoint is a 404 problem+json that carries X-Session-Id", async () => {
    const session = newSession().token
    const response = await request("GET", "/cart/no-such-thing", { session })
    expect(response.status).toBe(404)
    expect((await problemOf(response)).code).toBe("not_found")
    expect(response.headers.get("X-Session-Id")).toBe(session)
  })

  test.each([
    ["PUT", "/cart/items", "POST"],
    ["GET", "/cart/items", "POST"],
    ["POST", "/cart", "DELETE, GET, HEAD"],
    ["POST", "/cart/items/item_1", "DELETE, PATCH"]
  ])("%s %s is a 405 with Allow: %s", async (method, path, allow) => {
    const session = newSession().token
    const response = await request(method, path, { session, ...(method === "GET" ? {} : { body: "{}", headers: { "content-type": "application/json" } }) })
    expect(response.status).toBe(405)
    expect(response.headers.get("allow")).toBe(allow)
    expect((await problemOf(response)).code).toBe("method_not_allowed")
    expect(response.headers.get("X-Session-Id")).toBe(session)
  })

  test.each([["text/plain"], ["no content type"], ["application/x-www-form-urlencoded"]])("a body sent as %s is a 415 that changes nothing", async (type) => {
    const session = newSession().token
    const response = await request("POST", "/cart/items", { session, body: addTv, headers: type === "no content type" ? {} : { "content-type": type } })
    expect(response.status).toBe(415)
    expect((await problemOf(response)).code).toBe("unsupported_media_type")
    expect(response.headers.get("X-Session-Id")).toBe(session)
    expect(await cartLines(session)).toBe(0)
  })

  test("application/json with a charset is JSON", async () => {
    const response = await request("POST", "/cart/items", { session: newSession().token, body: addTv, headers: { "content-type": "application/json; charset=utf-8" } })
    expect(response.status).toBe(201)
  })

  test("errors of a session endpoint carry X-Session-Id: an unknown offer, a reused Idempotency-Key", async () => {
    const session = newSession().token
    const json = { "content-type": "application/json" }
    const unknown = await request("POST", "/cart/items", { session, body: JSON.stringify({ offer_id: "no-such-offer", quantity: 1, type: "offer" }), headers: json })
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get("X-Session-Id")).toBe(session)
    await request("POST", "/cart/items", { session, body: addTv, headers: { ...json, "Idempotency-Key": "reused" } })
    const reused = await request("POST", "/cart/items", { session, body: addTv.replace('"quantity":1', '"quantity":2'), headers: { ...json, "Idempotency-Key": "reused" } })
    expect(reused.status).toBe(422)
    expect((await problemOf(reused)).code).toBe("idempotency_key_reused")
    expect(reused.headers.get("X-Session-Id")).toBe(session)
  })

  test("a body over MAX_BODY_BYTES (by Content-Length) is a 413 problem+json; nothing written, no idempotency record", async () => {
    const session = newSession().token
    const before = records()
    const body = JSON.stringify({ offer_id: "hdmi-cable-2m", quantity: 1, type: "offer", padding: "x".repeat(LIMIT) })
    const response = await request("POST", "/cart/items", { session, body, headers: { "content-type": "application/json", "content-length": String(body.length), "Idempotency-Key": "big" } })
    expect(response.status).toBe(413)
    expect((await problemOf(response)).code).toBe("body_too_large")
    expect(response.headers.get("X-Session-Id")).toBe(session)
    expect(records()).toEqual(before)
    expect(await cartLines(session)).toBe(0)
  })

  test("a 413 outside the session endpoints issues no session", async () => {
    const body = "x".repeat(LIMIT + 1)
    const response = await request("POST", "/health/live", { body, headers: { "content-type": "application/json", "content-length": String(body.length) } })
    expect(response.status).toBe(413)
    expect(response.headers.get("X-Session-Id")).toBeNull()
  })

  test("a chunked body (no Content-Length) is counted while read: past MAX_BODY_BYTES it is a 413", async () => {
    const session = newSession().token
    const before = records()
    const chunk = new TextEncoder().encode("x".repeat(1_024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk)
        else controller.close()
      }
    })
    const response = await app.http.request("/cart/items", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json", "transfer-encoding": "chunked", "X-Session-Id": session, "Idempotency-Key": "chunked" },
      duplex: "half"
    } as RequestInit)
    expect(response.status).toBe(413)
    expect((await problemOf(response)).code).toBe("body_too_large")
    expect(response.headers.get("X-Session-Id")).toBe(session)
    expect(records()).toEqual(before)
  })

  test("a body under the limit is read as usual", async () => {
    const body = JSON.stringify({ offer_id: "hdmi-cable-2m", quantity: 1, type: "offer", padding: "x".repeat(LIMIT / 2) })
    expect((await request("POST", "/cart/items", { session: newSession().token, body, headers: { "content-type": "application/json" } })).status).toBe(201)
  })

  test("a POST with an Idempotency-Key to a path that does not exist stores nothing", async () => {
    const before = records()
    const response = await request("POST", "/cart/nowhere", { session: newSession().token, body: "{}", headers: { "content-type": "application/json", "Idempotency-Key": "lost" } })
    expect(response.status).toBe(404)
    const elsewhere = await request("POST", "/nowhere", { session: newSession().token, body: "{}", headers: { "content-type": "application/json", "Idempotency-Key": "lost" } })
    expect(elsewhere.status).toBe(404)
    expect(records()).toEqual(before)
  })
})

describe("the shop's OpenAPI document", () => {
  test("every shopper command POST documents the Idempotency-Key, 409, 413 and 415", async () => {
    const app = await createApp({ name: "shop", modules: shopModules, env: {}, log: () => {} })
    try {
      const doc = (await (await app.http.request("/openapi.json")).json()) as { paths: Record<string, Record<string, { parameters?: Array<{ name: string }>; responses: Record<string, unknown> }>> }
      const posts = Object.entries(doc.paths).flatMap(([path, item]) => (item["post"] === undefined ? [] : [[path, item["post"]] as const]))
      expect(posts.map(([path]) => path).sort()).toEqual([
        "/cart/items",
        "/checkout/consents",
        "/checkout/customer-data",
        "/checkout/finalize",
        "/orders/{order_id}/cancel",
        "/orders/{order_id}/status",
        "/payment/initialize",
        "/payment/refunds",
        "/payment/select",
        "/payment/webhook/{gateway}",
        "/promotions/apply",
        "/promotions/apply-code",
        "/shipping/addons",
        "/shipping/address",
        "/shipping/select",
        "/shipping/set-date"
      ])
      // A gateway's webhook is deduplicated by its event id, an admin's refund by the transaction's state: no Idempotency-Key.
      const keyless = new Set(["/payment/webhook/{gateway}", "/payment/refunds"])
      for (const [, post] of posts.filter(([path]) => !keyless.has(path))) {
        expect((post.parameters ?? []).filter((p) => p.name === "Idempotency-Key")).toHaveLength(1)
        expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["409", "413", "415", "422"]))
      }
    } finally {
      await app.stop()
    }
  })
})
