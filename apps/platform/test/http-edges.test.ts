// Which methods a path takes, from a Hono route table: what the 405's Allow header lists.
import { describe, expect, test } from "bun:test"
import { allowedMethods } from "@kasa/app-platform"

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
