// /openapi.json of the whole shop, walked operation by operation: every POST documents the
// Idempotency-Key header the platform reads on it, and every operation with a body documents the
// 413 problem+json the platform's body limit answers with.
import { afterAll, describe, expect, test } from "bun:test"
import { createApp } from "@kasa/app-platform"
import { shopModules } from "../src/modules.ts"

interface Operation {
  readonly parameters?: ReadonlyArray<{ readonly name: string; readonly in: string }>
  readonly requestBody?: unknown
  readonly responses: Readonly<Record<string, { readonly content?: Readonly<Record<string, unknown>> }>>
}

const METHODS = ["get", "put", "post", "patch", "delete"] as const

describe("the shop's OpenAPI document", async () => {
  const app = await createApp({ name: "shop", modules: shopModules, env: {}, log: () => {} })
  afterAll(() => app.stop())
  const document = (await (await app.http.request("/openapi.json")).json()) as { paths: Record<string, Partial<Record<string, Operation>>> }
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] === undefined ? [] : [{ name: `${method.toUpperCase()} ${path}`, method, operation: item[method]! }]))
  )

  test("every POST documents the Idempotency-Key header", () => {
    const posts = operations.filter((o) => o.method === "post")
    expect(posts.map((o) => o.name)).toContain("POST /cart/items")
    expect(posts.length).toBeGreaterThan(1)
    const missing = posts.filter((o) => !(o.operation.parameters ?? []).some((p) => p.name === "Idempotency-Key" && p.in === "header")).map((o) => o.name)
    expect(missing).toEqual([])
  })

  test("every operation with a body documents a 413 problem response", () => {
    const withBody = operations.filter((o) => o.operation.requestBody !== undefined)
    expect(withBody.map((o) => o.name)).toContain("PATCH /cart/items/{item_id}")
    const missing = withBody.filter((o) => o.operation.responses["413"]?.content?.["application/problem+json"] === undefined).map((o) => o.name)
    expect(missing).toEqual([])
  })
})
