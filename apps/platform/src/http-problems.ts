/**
 * problem+json at the HTTP edge: one way to answer an error, and one way to read a JSON body against
 * a Schema so that a body not sent as JSON is a 415, malformed JSON is a 400 and a body of the wrong
 * shape is a 400 listing the failing fields. Contexts' tagged errors are mapped to statuses by each app's own table.
 */
import { Schema } from "effect"
import type { Context } from "hono"
import { edgeProblem, edges } from "./edge-problems.ts"
import { type FieldProblem, PROBLEM_CONTENT_TYPE, type Problem } from "./problem.ts"

export const problemResponse = (p: Problem): Response =>
  new Response(JSON.stringify(p), { status: p.status, headers: { "content-type": PROBLEM_CONTENT_TYPE } })

export const validationProblem = (errors: ReadonlyArray<FieldProblem>): Problem =>
  edgeProblem(edges.validationFailed, { detail: errors.map((e) => `${e.field}: ${e.message}`).join("; "), errors })

/** Issues of a Standard Schema validation as field problems (`lines.0.quantity`, or `body` for the root). */
export const fieldProblems = (issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }>): ReadonlyArray<FieldProblem> =>
  issues.map((issue) => ({
    field: issue.path === undefined || issue.path.length === 0 ? "body" : issue.path.map((part) => String(typeof part === "object" ? part.key : part)).join("."),
    message: issue.message
  }))

/** Built once per Schema: converting on every request costs more than the validation itself. */
const standardSchemas = new WeakMap<object, ReturnType<typeof Schema.toStandardSchemaV1>>()

/** A value checked against a Schema: the decoded value, or the field problems. */
export const validate = <S extends Schema.ConstraintDecoder<unknown>>(
  schema: S,
  input: unknown
): { readonly ok: true; readonly value: S["Type"] } | { readonly ok: false; readonly errors: ReadonlyArray<FieldProblem> } => {
  let standard = standardSchemas.get(schema)
  if (standard === undefined) {
    standard = Schema.toStandardSchemaV1(schema)
    standardSchemas.set(schema, standard)
  }
  const result = standard["~standard"].validate(input)
  if (result instanceof Promise) throw new Error("validate: asynchronous schemas are not supported at the edge")
  return result.issues === undefined
    ? { ok: true, value: (result as { value: S["Type"] }).value }
    : { ok: false, errors: fieldProblems(result.issues) }
}

/** `application/json` or a `+json` type, any parameters (charset) aside. */
const isJson = (contentType: string | undefined): boolean => {
  const media = contentType?.split(";")[0]?.trim().toLowerCase()
  return media !== undefined && (media === "application/json" || (media.startsWith("application/") && media.endsWith("+json")))
}

/** The request's JSON body (415 unless sent as JSON) decoded by `schema`, or the problem response to send instead. */
export const readJson = async <S extends Schema.ConstraintDecoder<unknown>>(
  c: Context,
  schema: S
): Promise<{ readonly ok: true; readonly value: S["Type"] } | { readonly ok: false; readonly response: Response }> => {
  if (!isJson(c.req.header("content-type"))) {
    return {
      ok: false,
      response: problemResponse(
        edgeProblem(edges.unsupportedMediaType, { detail: "send the body as application/json", errors: [{ field: "Content-Type", message: "must be application/json" }] })
      )
    }
  }
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    return { ok: false, response: problemResponse(edgeProblem(edges.malformedJson, { errors: [{ field: "body", message: "not valid JSON" }] })) }
  }
  const checked = validate(schema, body)
  return checked.ok ? checked : { ok: false, response: problemResponse(validationProblem(checked.errors)) }
}
