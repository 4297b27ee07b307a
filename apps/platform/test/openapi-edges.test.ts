// The platform's own answers in every OpenAPI document, from its one table of edge answers: 400s of
// the body, the parameters and the headers, 403 for another session's cart_id, 413/415 where there is
// a body, the Idempotency-Key with its 400/409/422/503 on every POST, a context's own wording kept;
// 404 and 405 once for the whole document.
import { describe, expect, test } from "bun:test"
import { cartIdParameter, edges, edgesOf, openApiDocument, sessionParameters, withPlatformEdges } from "@kasa/app-platform"

type Op = { parameters?: Array<{ name: string; in?: string; required?: boolean }>; requestBody?: unknown; responses: Record<string, { description: string }> }
const ok = { "200": { description: "ok" } }
const required = { name: "method_id", in: "query", required: true }

describe("withPlatformEdges", () => {
  test.each<[string, string, Op, ReadonlyArray<string>, ReadonlyArray<string>]>([
    ["get, nothing taken", "get", { responses: ok }, ["200"], []],
    ["delete, nothing taken", "delete", { responses: ok }, ["200"], []],
    ["get with the session headers", "get", { parameters: [...sessionParameters], responses: ok }, ["200", "400"], ["X-Session-Id", "X-User-Id"]],
    ["get with cart_id", "get", { parameters: [cartIdParameter], responses: ok }, ["200", "400", "403"], ["cart_id"]],
    ["get with a required query parameter", "get", { parameters: [required], responses: ok }, ["200", "400"], ["method_id"]],
    ["patch with a body", "patch", { responses: ok, requestBody: {} }, ["200", "400", "413", "415"], []],
    ["post with a body", "post", { responses: ok, requestBody: {} }, ["200", "400", "409", "413", "415", "422", "503"], ["Idempotency-Key"]],
    ["post naming the key itself", "post", { parameters: [{ name: "Idempotency-Key" }], responses: ok, requestBody: {} }, ["200", "400", "409", "413", "415", "422", "503"], ["Idempotency-Key"]]
  ])("%s", (_, method, operation, statuses, parameters) => {
    const out = withPlatformEdges({ "/x": { [method]: operation } }) as Record<string, Record<string, Op>>
    const documented = out["/x"]![method]!
    expect(Object.keys(documented.responses).sort()).toEqual([...statuses])
    expect((documented.parameters ?? []).map((p) => p.name)).toEqual([...parameters])
    // Each edge answer is named by its code under its status.
    const unnamed = edgesOf(method, operation).filter((row) => !documented.responses[String(row.status)]!.description.includes(`(${row.code})`))
    expect(unnamed).toEqual([])
  })

  test.each([
    ["post", true],
    ["patch", true],
    ["delete", true],
    ["get", false]
  ])("a %s's successes document X-Event-Ids: %p", (method, named) => {
    const out = withPlatformEdges({ "/x": { [method]: { responses: { "200": { description: "ok" }, "201": { description: "made" } }, requestBody: {} } } }) as Record<
      string,
      Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>
    >
    const responses = out["/x"]![method]!.responses
    for (const status of ["200", "201"]) expect(responses[status]!.headers?.["X-Event-Ids"] !== undefined).toBe(named)
    // Refusals cause no events.
    expect(responses["400"]!.headers?.["X-Event-Ids"]).toBeUndefined()
  })

  test("a context's own answer at the same status keeps its wording, with the platform's added", () => {
    const out = withPlatformEdges({ "/x": { post: { responses: { "422": { description: "A rule forbids it" } } } } }) as Record<string, Record<string, Op>>
    expect(out["/x"]!["post"]!.responses["422"]!.description).toBe(
      "A rule forbids it; or Idempotency-Key reused (idempotency_key_reused): this Idempotency-Key was used with another body"
    )
  })

  test("a document names 404 and 405 once, for requests no operation takes", () => {
    const document = openApiDocument("t", {})
    expect(Object.keys(document.components.responses).sort()).toEqual(["method_not_allowed", "not_found"])
    expect(document.components.responses.not_found.description).toContain(`(${edges.notFound.code})`)
    expect(document.components.responses.method_not_allowed.description).toContain(`(${edges.methodNotAllowed.code})`)
  })
})
