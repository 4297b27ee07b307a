/**
 * The pieces every context's OpenAPI document repeats: JSON Schema from an Effect Schema, the
 * problem+json body, the session header and parameters, response/request shapes, and what the
 * platform does to every request (Idempotency-Key on POST, the body limit's 413). One copy, so the
 * documents of all apps describe errors, sessions and those edges the same way.
 */
import { Schema } from "effect"
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

/** `?cart_id=` on endpoints that read the caller's cart (session.ts `callersCart`), and its refusals. */
export const cartIdParameter = {
  name: CART_ID_PARAM,
  in: "query",
  required: false,
  schema: { type: "string", pattern: "^sess_[0-9A-Za-z]{16,64}$" },
  description: "The cart: the caller's own session_id (GET /cart's session_id); by default the caller's cart, and must be it when given"
}

export const cartIdResponses = () => ({
  "400": problemResponseSpec("cart_id is not a session id"),
  "403": problemResponseSpec("cart_id names another session's cart")
})

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

/** What every request with a body may get: the platform's one body limit is checked before anything reads it. */
export const bodyTooLargeResponse = problemResponseSpec("The body is larger than the limit (MAX_BODY_BYTES, 64 KiB by default); nothing was read or applied")

type Operation = {
  readonly parameters?: ReadonlyArray<{ readonly name?: string }>
  readonly requestBody?: unknown
  readonly responses?: Readonly<Record<string, { readonly description?: string }>>
}

/** `status` answered as `description` too, after what the context already says about it. */
const alsoAnswers = (responses: Operation["responses"] & {}, status: string, description: string) => {
  const own = responses[status]
  return own === undefined ? problemResponseSpec(description) : { ...own, description: `${own.description ?? ""}; or ${description}` }
}

const withEdges = (method: string, operation: Operation): Operation => {
  const hasKey = (operation.parameters ?? []).some((parameter) => parameter.name?.toLowerCase() === "idempotency-key")
  let responses = { ...operation.responses }
  if (operation.requestBody !== undefined) {
    responses = { ...responses, "413": bodyTooLargeResponse, "415": alsoAnswers(responses, "415", "The body is not sent as application/json (unsupported_media_type)") }
  }
  if (method === "post") {
    responses = {
      ...responses,
      "409": alsoAnswers(responses, "409", "the first request with this Idempotency-Key is still running or ended without a clear outcome; it is never run twice (request_in_progress)"),
      "422": alsoAnswers(responses, "422", "this Idempotency-Key was used with another body (idempotency_key_reused)")
    }
  }
  return {
    ...operation,
    ...(method === "post" && !hasKey ? { parameters: [...(operation.parameters ?? []), idempotencyKeyParameter] } : {}),
    ...(operation.requestBody === undefined && method !== "post" ? {} : { responses })
  }
}

/**
 * A module's paths with what the platform does to every request written into each operation: the
 * Idempotency-Key header with its 409 and 422 on every POST, and the 413 and 415 on every operation
 * with a body. Each app's
 * openapi.ts passes its paths through here, so no operation can leave them out.
 */
export const withPlatformEdges = <P extends Readonly<Record<string, Readonly<Record<string, unknown>>>>>(paths: P): P =>
  Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(Object.entries(item).map(([method, operation]) => [method, typeof operation === "object" && operation !== null ? withEdges(method, operation as Operation) : operation]))
    ])
  ) as P
