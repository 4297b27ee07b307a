// Which methods a path takes, from a Hono route table (what the 405's Allow header lists), and a 413
// answered through the path's own middleware (a session's header) but not the app-wide ones.
import { describe, expect, test } from "bun:test"
import { Hono, type MiddlewareHandler } from "hono"
import { allowedMethods, limitBody } from "@kasa/app-platform"

const routes = [
  { method: "ALL", path: "/cart/*" },
  { method: "GET", path: "/cart" },
  { method: "DELETE", path: "/cart" },
  { method: "POST", path: "/cart/items" },
  { method: "PATCH", path: "/cart/items/:item_id" },
  { method: "DELETE", path: "/cart/items/:item_id" },
  { method: "GET", path: "/docs/*" },
  { method: "GET", path: "/openapi.json" }
]

describe("allowedMethods", () => {
  test.each<[string, ReadonlyArray<string>]>([
    ["/cart", ["DELETE", "GET", "HEAD"]],
    ["/cart/", ["DELETE", "GET", "HEAD"]],
    ["/cart/items", ["POST"]],
    ["/cart/items/item_7", ["DELETE", "PATCH"]],
    ["/cart/items/item_7/more", []],
    ["/cart/nothing", []],
    ["/docs/anything/below", ["GET", "HEAD"]],
    ["/openapi.json", ["GET", "HEAD"]],
    ["/openapiXjson", []],
    ["/", []]
  ])("%s → %j", (path, methods) => {
    expect(allowedMethods(routes, path)).toEqual(methods)
  })
})

describe("limitBody", () => {
  test("a 413 passes through the middleware the app runs at that path, and only that", async () => {
    const http = new Hono()
    let appWide = 0
    http.use(async (_c, next) => {
      appWide++
      await next()
    })
    http.use(limitBody(http, 10))
    // Built by a factory, as a context's session middleware may be: recognised by where it runs, not by identity.
    const session = (): MiddlewareHandler => async (c, next) => {
      await next()
      c.header("x-session-id", "s1")
    }
    http.use("/cart/*", session())
    http.post("/cart/items", (c) => c.json({}))
    http.post("/other", (c) => c.json({}))
    const send = (path: string) => http.request(path, { method: "POST", body: "x".repeat(11), headers: { "content-type": "application/json", "content-length": "11" } })
    const cart = await send("/cart/items")
    expect(cart.status).toBe(413)
    expect(cart.headers.get("content-type")).toBe("application/problem+json")
    expect(cart.headers.get("x-session-id")).toBe("s1")
    const other = await send("/other")
    expect(other.status).toBe(413)
    expect(other.headers.get("x-session-id")).toBeNull()
    expect(appWide).toBe(2)
  })
})
