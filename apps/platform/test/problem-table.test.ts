// problemTable: one row per tag gives the problem a failure answers with, and the OpenAPI error
// responses of an operation (one per status, naming each code once, merged with the route's own).
import { describe, expect, test } from "bun:test"
import { Data, Effect } from "effect"
import { errorsOf, fieldAt, problemTable, row } from "@kasa/app-platform"

class Missing extends Data.TaggedError("Missing")<{ readonly id: string }> {}
class Busy extends Data.TaggedError("Busy")<{ readonly attempts: number }> {}
class Down extends Data.TaggedError("Down")<{}> {}
class AlsoDown extends Data.TaggedError("AlsoDown")<{}> {}
type TestError = Missing | Busy | Down | AlsoDown

const table = problemTable<TestError>()({
  Missing: row(404, "missing", "No such thing", (e) => ({ detail: `no ${e.id}`, errors: fieldAt("id", "no such thing") })),
  Busy: row(409, "busy", "It kept changing", (e) => ({ detail: `${e.attempts} attempts` })),
  Down: row(503, "down", "Not answering"),
  AlsoDown: row(503, "down", "Also not answering")
})

const find = (id: string): Effect.Effect<string, Missing | Down> => (id === "" ? Effect.fail(new Missing({ id })) : Effect.succeed(id))

describe("problemTable", () => {
  test.each<[TestError, number, string, Record<string, unknown>]>([
    [new Missing({ id: "x" }), 404, "missing", { detail: "no x", errors: [{ field: "id", message: "no such thing" }] }],
    [new Busy({ attempts: 5 }), 409, "busy", { detail: "5 attempts" }],
    [new Down(), 503, "down", {}]
  ])("%s → its row's problem", (error, status, code, members) => {
    expect(table.toProblem(error)).toEqual({ type: `https://kasa.dev/problems/${code}`, title: table.rows[error._tag].title, status, code, ...members })
  })

  test("responses: one per status, each code named once with its title", () => {
    const responses = table.responses(["Missing", "Down", "AlsoDown"])
    expect(Object.keys(responses)).toEqual(["404", "503"])
    expect(responses["404"]!.description).toBe("No such thing (missing)")
    expect(responses["503"]!.description).toBe("Not answering (down)")
    expect(responses["404"]!.content).toEqual({ "application/problem+json": expect.anything() })
  })

  test("a status the route answers too keeps the route's wording and schema, with the table's codes added", () => {
    const own = { "404": { description: "Malformed", content: { "application/problem+json": { schema: { type: "object", title: "own" } } } }, "400": { description: "Bad body", content: {} } }
    const responses = table.responses(["Missing"], own)
    expect(Object.keys(responses)).toEqual(["400", "404"])
    expect(responses["404"]!.description).toBe("Malformed; or No such thing (missing)")
    expect(responses["404"]!.content).toEqual(own["404"].content)
  })

  test("errorsOf takes exactly the tags the use case fails with", () => {
    expect(Object.keys(table.responses(errorsOf(find, ["Missing", "Down"])))).toEqual(["404", "503"])
    // @ts-expect-error Down is missing: the document would not list the 503 find can answer
    errorsOf(find, ["Missing"])
    // @ts-expect-error Busy is not an error find can fail with
    errorsOf(find, ["Missing", "Down", "Busy"])
  })

  test("documented writes each declared operation's responses into the paths, and refuses an operation they do not have", () => {
    const paths = { "/things/{id}": { get: { summary: "one", responses: { "200": { description: "the thing" }, "404": { description: "Bad id" } } } } }
    const out = table.documented({ "GET /things/{id}": errorsOf(find, ["Missing", "Down"]) }, paths) as unknown as typeof paths & {
      "/things/{id}": { get: { responses: Record<string, { description: string }> } }
    }
    expect(out["/things/{id}"].get.summary).toBe("one")
    expect(Object.fromEntries(Object.entries(out["/things/{id}"].get.responses).map(([status, r]) => [status, r.description]))).toEqual({
      "200": "the thing",
      "404": "Bad id; or No such thing (missing)",
      "503": "Not answering (down)"
    })
    expect(paths["/things/{id}"].get.responses).not.toHaveProperty("503")
    expect(() => table.documented({ "POST /things/{id}": ["Busy"] }, paths)).toThrow("errors declared for POST /things/{id}, which the OpenAPI paths do not have")
  })
})
