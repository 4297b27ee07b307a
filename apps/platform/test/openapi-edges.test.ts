// The platform's own answers in every OpenAPI document: 413/415 where there is a body, the
// Idempotency-Key with its 409/422 on every POST, a context's own wording kept.
import { describe, expect, test } from "bun:test"
import { withPlatformEdges } from "@kasa/app-platform"

type Op = { parameters?: Array<{ name: string }>; requestBody?: unknown; responses: Record<string, { description: string }> }
const ok = { "200": { description: "ok" } }

describe("withPlatformEdges", () => {
  test.each<[string, Op, ReadonlyArray<string>, ReadonlyArray<string>]>([
    ["get", { responses: ok }, ["200"], []],
    ["delete", { responses: ok }, ["200"], []],
    ["patch", { responses: ok, requestBody: {} }, ["200", "413", "415"], []],
    ["post", { responses: ok, requestBody: {} }, ["200", "409", "413", "415", "422"], ["Idempotency-Key"]],
    ["post", { parameters: [{ name: "Idempotency-Key" }], responses: ok, requestBody: {} }, ["200", "409", "413", "415", "422"], ["Idempotency-Key"]]
  ])("%s %j → responses %j, parameters %j", (method, operation, statuses, parameters) => {
    const out = withPlatformEdges({ "/x": { [method]: operation } }) as Record<string, Record<string, Op>>
    expect(Object.keys(out["/x"]![method]!.responses).sort()).toEqual([...statuses])
    expect((out["/x"]![method]!.parameters ?? []).map((p) => p.name)).toEqual([...parameters])
  })

  test("a context's own 409 or 422 keeps its wording, with the platform's added", () => {
    const out = withPlatformEdges({ "/x": { post: { responses: { "422": { description: "A rule forbids it" } } } } }) as Record<string, Record<string, Op>>
    expect(out["/x"]!["post"]!.responses["422"]!.description).toBe("A rule forbids it; or this Idempotency-Key was used with another body (idempotency_key_reused)")
  })
})
