// /openapi.json of the whole shop, walked operation by operation: every POST documents the
// Idempotency-Key header the platform reads on it, and every operation with a body documents the
// 413 problem+json the platform's body limit answers with; every status (and code) an app's error
// table gives an operation's use case is in that operation's responses.
import { afterAll, describe, expect, test } from "bun:test"
import { cartOperationErrors, cartProblems } from "@kasa/app-cart"
import { catalogOperationErrors, catalogProblems } from "@kasa/app-catalog"
import { createApp, type ProblemRow } from "@kasa/app-platform"
import { promotionOperationErrors, promotionProblems } from "@kasa/app-promotion"
import { servicesOperationErrors, servicesProblems } from "@kasa/app-services"
import { shippingOperationErrors, shippingProblems } from "@kasa/app-shipping"
import { shopModules } from "../src/modules.ts"

interface Operation {
  readonly parameters?: ReadonlyArray<{ readonly name: string; readonly in: string }>
  readonly requestBody?: unknown
  readonly responses: Readonly<Record<string, { readonly description?: string; readonly content?: Readonly<Record<string, unknown>> }>>
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

  // Each app's declared operations with the row of every tag its use case can fail with.
  const declared = (operations: Readonly<Record<string, ReadonlyArray<string>>>, rows: Readonly<Record<string, ProblemRow<never>>>) =>
    Object.entries(operations).map(([name, tags]) => ({ name, rows: tags.map((tag) => rows[tag]!) }))
  const tableOperations = [
    ...declared(cartOperationErrors, cartProblems.rows),
    ...declared(catalogOperationErrors, catalogProblems.rows),
    ...declared(promotionOperationErrors, promotionProblems.rows),
    ...declared(servicesOperationErrors, servicesProblems.rows),
    ...declared(shippingOperationErrors, shippingProblems.rows)
  ]

  test("every status an app's error table gives an operation is documented for it, naming the code", () => {
    const contexts = operations.filter((o) => /^\/(cart|catalog|promotions|services|shipping)\b/.test(o.name.split(" ")[1]!))
    expect(tableOperations.map((o) => o.name).sort()).toEqual(contexts.map((o) => o.name).sort())
    const missing = tableOperations.flatMap(({ name, rows }) => {
      const documented = operations.find((o) => o.name === name)?.operation.responses ?? {}
      return rows
        .filter((r) => documented[String(r.status)]?.content?.["application/problem+json"] === undefined || !documented[String(r.status)]!.description!.includes(`(${r.code})`))
        .map((r) => `${name} ${r.status} ${r.code}`)
    })
    expect(tableOperations.length).toBeGreaterThan(15)
    expect(missing).toEqual([])
  })
})
