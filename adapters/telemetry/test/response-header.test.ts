// setResponseHeader: a middleware's header lands on the response the handler returned, in place when
// its headers can change, and on Hono's copy when they cannot (a response from fetch).
import { afterAll, describe, expect, test } from "bun:test"
import { Hono } from "hono"
import { setResponseHeader } from "@kasa/adapter-telemetry"

const upstream = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("upstream", { headers: { "x-upstream": "yes" } }) })
afterAll(() => upstream.stop(true))

const appSetting = (handler: () => Response | Promise<Response>) => {
  const seen: { before?: Response; after?: Response } = {}
  const app = new Hono()
  app.use("*", async (c, next) => {
    setResponseHeader(c, "x-before", "1")
    await next()
    seen.before = c.res
    setResponseHeader(c, "x-after", "2")
    seen.after = c.res
  })
  app.get("/", handler)
  return { app, seen }
}

describe("setResponseHeader", () => {
  test("on a response made here: set on that very response, not on a copy", async () => {
    const { app, seen } = appSetting(() => new Response("made here", { status: 201 }))
    const response = await app.request("/")
    expect(response.status).toBe(201)
    expect(response.headers.get("x-after")).toBe("2")
    expect(seen.after).toBe(seen.before!)
    expect(await response.text()).toBe("made here")
  })

  test("on a fetched response, whose headers are immutable: set on Hono's copy, body and headers kept", async () => {
    const { app } = appSetting(() => fetch(upstream.url))
    const response = await app.request("/")
    expect(response.headers.get("x-after")).toBe("2")
    expect(response.headers.get("x-upstream")).toBe("yes")
    expect(await response.text()).toBe("upstream")
  })

  test("before the handler: a header the handler's own response does not drop", async () => {
    const app = new Hono()
    app.use("*", async (c, next) => {
      setResponseHeader(c, "x-before", "1")
      await next()
    })
    app.get("/", (c) => c.json({ ok: true }))
    const response = await app.request("/")
    expect(response.headers.get("x-before")).toBe("1")
  })
})
