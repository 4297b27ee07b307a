/**
 * The pieces every context's OpenAPI document repeats: JSON Schema from an Effect Schema, the
 * problem+json body, the session header and parameters, response/request shapes, and the platform's
 * own answers at the edge (edge-problems.ts) written into every operation they apply to. One copy,
 * so the documents of all apps describe errors, sessions and those edges the same way.
 */
import { Schema } from "effect"
import { describeEdges, type EdgeRow, edges } from "./edge-problems.ts"
import { CART_ID_PARAM, SESSION_HEADER, USER_HEADER } from "./session.ts"

export const jsonSchema = (schema: Schema.Top): unknown => Schema.toJsonSchemaDocument(schema).schema

export const problemSchema = {
  type: "object",
  description: "RFC 9457 problem details with a stable code; validation problems list the failing fields",
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    code: { type: "string" },
    detail: { type: "string" },
    errors: {
      type: "array",
      items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } }, required: ["field", "message"] }
    }
  },
  required: ["type", "title", "status", "code"]
}

export const sessionHeader = {
  schema: { type: "string", pattern: "^st_[0-9A-Za-z]{24}\\.[0-9A-Za-z_-]{43}$" },
  description:
    "The session token, a bearer credential (keep it private); issued when the request has none, and a new session replaces any token this shop did not issue"
}

export const sessionParameters = [
  { name: SESSION_HEADER, in: "header", required: false, ...sessionHeader },
  { name: USER_HEADER, in: "header", required: false, schema: { type: "string", maxLength: 128 }, description: "The signed-in user, carried in events" }
]

/** `?cart_id=` on endpoints that read the caller's cart (session.ts `callersCart`); its refusals are edge answers (`edgesOf`). */
export const cartIdParameter = {
  name: CART_ID_PARAM,
  in: "query",
  required: false,
  schema: { type: "string", pattern: "^sess_[0-9A-Za-z]{16,64}$" },
  description: "The cart: the caller's own session_id (GET /cart's session_id); by default the caller's cart, and must be it when given"
}

/** A JSON answer that also carries the session header. */
export const okResponse = (description: string, schema: Schema.Top) => ({
  description,
  headers: { [SESSION_HEADER]: sessionHeader },
  content: { "application/json": { schema: jsonSchema(schema) } }
})

export const problemResponseSpec = (description: string, extra: Record<string, unknown> = {}) => ({
  description,
  content: { "application/problem+json": { schema: { ...problemSchema, ...extra } } }
})

export const jsonBody = (schema: Schema.Top) => ({ required: true, content: { "application/json": { schema: jsonSchema(schema) } } })

/** The header SPEC §2 gives every POST: the platform's idempotency middleware reads it on each one. */
export const idempotencyKeyParameter = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  schema: { type: "string", minLength: 1, maxLength: 255 },
  description: "A retry with the same key (and the same X-Session-Id and body) gets the first answer again and applies nothing twice; the same key with another body is a 422; a key without a session is a 400"
}

/** What every command's success carries (respond.ts): the events it caused, for `?after=` waits. */
export const eventIdsHeader = {
  schema: { type: "string" },
  description: "The ids of the events this command caused, comma-separated in commit order; absent when it changed nothing"
}

type Responses = Readonly<Record<string, { readonly description?: string; readonly headers?: Readonly<Record<string, unknown>> }>>

const withEventIdsHeader = (responses: Responses): Responses =>
  Object.fromEntries(
    Object.entries(responses).map(([status, response]) =>
      status.startsWith("2") ? [status, { ...response, headers: { ...(response.headers ?? {}), "X-Event-Ids": eventIdsHeader } }] : [status, response]
    )
  )

type Operation = {
  readonly parameters?: ReadonlyArray<{ readonly name?: string; readonly in?: string; readonly required?: boolean }>
  readonly requestBody?: unknown
  readonly responses?: Readonly<Record<string, { readonly description?: string }>>
}

/**
 * The platform's edge answers an operation can get, from what it takes: a body (read by `readJson`
 * behind the body limit), the session's X-User-Id, `cart_id`, a required query parameter (checked
 * by the route with `validate`), and the Idempotency-Key every POST reads.
 */
export const edgesOf = (method: string, operation: Operation): ReadonlyArray<EdgeRow> => {
  const parameters = operation.parameters ?? []
  const takes = (name: string) => parameters.some((parameter) => parameter.name?.toLowerCase() === name.toLowerCase())
  const body = operation.requestBody !== undefined
  const validated = body || takes(USER_HEADER) || takes(CART_ID_PARAM) || parameters.some((parameter) => parameter.in === "query" && parameter.required === true)
  return [
    ...(body ? [edges.malformedJson] : []),
    ...(validated ? [edges.validationFailed] : []),
    ...(takes(CART_ID_PARAM) ? [edges.cartForbidden] : []),
    ...(method === "post" ? [edges.sessionRequired, edges.invalidIdempotencyKey, edges.requestInProgress, edges.idempotencyKeyReused, edges.storeUnavailable] : []),
    ...(body ? [edges.bodyTooLarge, edges.unsupportedMediaType] : [])
  ]
}

const withEdges = (method: string, operation: Operation): Operation => {
  const own = operation.responses ?? {}
  const byStatus = new Map<string, Array<EdgeRow>>()
  for (const row of edgesOf(method, operation)) {
    const status = String(row.status)
    // A code the context already documents at this status (its table maps an error to it) is named once.
    if (!(own[status]?.description ?? "").includes(`(${row.code})`)) byStatus.set(status, [...(byStatus.get(status) ?? []), row])
  }
  const responses = {
    ...own,
    ...Object.fromEntries(
      [...byStatus].map(([status, rows]) => {
        const mine = own[status]
        const description = describeEdges(rows)
        return [status, mine === undefined ? problemResponseSpec(description) : { ...mine, description: `${mine.description ?? ""}; or ${description}` }]
      })
    )
  }
  const hasKey = (operation.parameters ?? []).some((parameter) => parameter.name?.toLowerCase() === "idempotency-key")
  const named = method === "get" ? responses : withEventIdsHeader(responses)
  return { ...operation, ...(method === "post" && !hasKey ? { parameters: [...(operation.parameters ?? []), idempotencyKeyParameter] } : {}), responses: named }
}

/**
 * Paths with the platform's edge answers (`edgesOf`) written into each operation, after what the
 * context already says at the same status, and the Idempotency-Key header on every POST. The
 * platform passes every module's paths through here when it serves /openapi.json, so no operation
 * can leave them out and no app writes them.
 */
export const withPlatformEdges = <P extends Readonly<Record<string, Readonly<Record<string, unknown>>>>>(paths: P): P =>
  Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(Object.entries(item).map(([method, operation]) => [method, typeof operation === "object" && operation !== null ? withEdges(method, operation as Operation) : operation]))
    ])
  ) as P

/** 404 and 405 answer requests that no operation takes, so a document names them once, beside its schemas. */
export const unmatchedResponses = {
  not_found: problemResponseSpec(describeEdges([edges.notFound])),
  method_not_allowed: {
    ...problemResponseSpec(describeEdges([edges.methodNotAllowed])),
    headers: { Allow: { schema: { type: "string" }, description: "The methods the path takes" } }
  }
}
