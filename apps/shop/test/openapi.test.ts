// /openapi.json of the whole shop, walked operation by operation: every POST documents the
// Idempotency-Key header the platform reads on it, and every operation with a body documents the
// 413 problem+json the platform's body limit answers with; every status (and code) an app's error
// table gives an operation's use case is in that operation's responses, and so is every answer the
// platform gives at the edge (bad body, parameter or header, another session's cart_id, the
// Idempotency-Key's refusals); 404 and 405 once for the document.
import { afterAll, describe, expect, test } from "bun:test"
import { cartOperationErrors, cartProblems } from "@kasa/app-cart"
import { catalogOperationErrors, catalogProblems } from "@kasa/app-catalog"
import { orderOperationErrors, orderProblems } from "@kasa/app-order"
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

  // The platform's edge answers, written into each operation from its one table (edge-problems.ts), never by an app.
  const documents = (o: (typeof operations)[number], status: string, code: string) =>
    o.operation.responses[status]?.content?.["application/problem+json"] !== undefined && o.operation.responses[status]!.description!.includes(`(${code})`)
  const takes = (o: (typeof operations)[number], name: string) => (o.operation.parameters ?? []).some((p) => p.name === name)

  test.each<[string, (o: (typeof operations)[number]) => boolean, string, string]>([
    ["with X-User-Id", (o) => takes(o, "X-User-Id"), "400", "validation_failed"],
    ["with cart_id", (o) => takes(o, "cart_id"), "400", "validation_failed"],
    ["with cart_id", (o) => takes(o, "cart_id"), "403", "cart_forbidden"],
    ["with a body", (o) => o.operation.requestBody !== undefined, "400", "malformed_json"],
    ["with a body", (o) => o.operation.requestBody !== undefined, "415", "unsupported_media_type"],
    ["POST", (o) => o.method === "post", "409", "request_in_progress"],
    ["POST", (o) => o.method === "post", "422", "idempotency_key_reused"]
  ])("every operation %s documents %s %s", (_, applies, status, code) => {
    const concerned = operations.filter(applies)
    expect(concerned.length).toBeGreaterThan(0)
    expect(concerned.filter((o) => !documents(o, status, code)).map((o) => o.name)).toEqual([])
  })

  test("404 and 405 are documented once, for requests no operation takes", () => {
    const responses = (document as unknown as { components: { responses: Record<string, { description: string }> } }).components.responses
    expect(responses["not_found"]?.description).toContain("(not_found)")
    expect(responses["method_not_allowed"]?.description).toContain("(method_not_allowed)")
  })

  // Each app's declared operations with the row of every tag its use case can fail with.
  const declared = (operations: Readonly<Record<string, ReadonlyArray<string>>>, rows: Readonly<Record<string, ProblemRow<never>>>) =>
    Object.entries(operations).map(([name, tags]) => ({ name, rows: tags.map((tag) => rows[tag]!) }))
  const tableOperations = [
    ...declared(cartOperationErrors, cartProblems.rows),
    ...declared(catalogOperationErrors, catalogProblems.rows),
    ...declared(promotionOperationErrors, promotionProblems.rows),
    ...declared(servicesOperationErrors, servicesProblems.rows),
    ...declared(shippingOperationErrors, shippingProblems.rows),
    ...declared(orderOperationErrors, orderProblems.rows)
  ]

  test("every status an app's error table gives an operation is documented for it, naming the code", () => {
    const contexts = operations.filter((o) => /^\/(cart|catalog|promotions|services|shipping|orders)\b/.test(o.name.split(" ")[1]!))
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
