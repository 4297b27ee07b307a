/**
 * The pieces every context's OpenAPI document repeats: JSON Schema from an Effect Schema, the
 * problem+json body, the session header and parameters, and response/request shapes. One copy, so
 * the documents of all apps describe errors and sessions the same way.
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
