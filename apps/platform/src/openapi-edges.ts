/**
 * What the platform answers on every app's behalf, added to each context's OpenAPI paths so the
 * document says it once and everywhere: an operation with a body may be refused with 413 (over
 * MAX_BODY_BYTES) or 415 (not JSON); a POST takes an Idempotency-Key, and may answer 409 (the key's
 * first attempt still running or unclear) or 422 (the key used with another body).
 */
import type { OpenApiPaths } from "./docs.ts"
import { IDEMPOTENCY_HEADER } from "./idempotency.ts"
import { problemResponseSpec } from "./openapi-parts.ts"

interface Operation {
  readonly parameters?: ReadonlyArray<{ readonly name: string }>
  readonly requestBody?: unknown
  readonly responses?: Readonly<Record<string, { readonly description?: string }>>
}

const idempotencyParameter = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  schema: { type: "string", minLength: 1, maxLength: 255 },
  description: "Retries with the same key (and session) do the work once and replay its answer, marked Idempotent-Replayed: true"
}

/** `status` answered as `description`, after what the context already says about it. */
const alsoAnswers = (responses: Readonly<Record<string, { readonly description?: string }>>, status: string, description: string) => {
  const own = responses[status]
  return own === undefined ? problemResponseSpec(description) : { ...own, description: `${own.description ?? ""}; or ${description}` }
}

const withEdges = (method: string, operation: Operation): Operation => {
  let responses = { ...operation.responses }
  let parameters = operation.parameters ?? []
  if (operation.requestBody !== undefined) {
    responses = {
      ...responses,
      "413": alsoAnswers(responses, "413", "The body is larger than the server takes (MAX_BODY_BYTES): body_too_large"),
      "415": alsoAnswers(responses, "415", "The body is not application/json: unsupported_media_type")
    }
  }
  if (method === "post") {
    if (!parameters.some((p) => p.name.toLowerCase() === IDEMPOTENCY_HEADER)) parameters = [...parameters, idempotencyParameter]
    responses = {
      ...responses,
      "409": alsoAnswers(responses, "409", "the first request with this Idempotency-Key is still running or ended without a clear outcome: request_in_progress"),
      "422": alsoAnswers(responses, "422", "this Idempotency-Key was used with another body: idempotency_key_reused")
    }
  }
  return { ...operation, ...(parameters.length === 0 ? {} : { parameters }), responses }
}

const METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options"])

export const withEdgeResponses = (paths: OpenApiPaths): OpenApiPaths =>
  Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(Object.entries(item as Record<string, unknown>).map(([key, value]) => [key, METHODS.has(key) ? withEdges(key, value as Operation) : value]))
    ])
  )
