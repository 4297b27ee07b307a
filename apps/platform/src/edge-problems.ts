/**
 * The answers the platform itself gives at the HTTP edge of every app, before or around a context's
 * use case: a body that is too large, not JSON, malformed or of the wrong shape; a bad parameter or
 * header; another session's cart; the Idempotency-Key's refusals; a path or method no route serves.
 * One row each: the code that answers builds its problem from the row (`edgeProblem`), and the
 * OpenAPI document writes every row that applies into each operation (openapi-parts.ts
 * `withPlatformEdges`), so what is answered and what is documented come from one place and no app
 * writes these responses by hand. A context's own errors have their app's table (problem-table.ts).
 */
import { type Problem, problem } from "./problem.ts"

export interface EdgeRow {
  readonly status: number
  readonly code: string
  readonly title: string
  /** When it is answered, for the documents. */
  readonly when: string
}

const edge = (status: number, code: string, title: string, when: string): EdgeRow => ({ status, code, title, when })

export const edges = {
  validationFailed: edge(400, "validation_failed", "The request is not valid", "a body field, parameter or header does not fit its schema (errors names each failing field)"),
  malformedJson: edge(400, "malformed_json", "The request body is not valid JSON", "the body does not parse as JSON"),
  sessionRequired: edge(400, "session_required", "An Idempotency-Key needs a session", "an Idempotency-Key came without a session token this shop issued"),
  invalidIdempotencyKey: edge(400, "invalid_idempotency_key", "Invalid Idempotency-Key", "the Idempotency-Key is not 1 to 255 characters"),
  adminRequired: edge(401, "admin_required", "An admin token is needed", "an admin endpoint got no bearer token, or not the configured ADMIN_TOKEN"),
  adminDisabled: edge(403, "admin_disabled", "Admin endpoints are off", "the shop has no ADMIN_TOKEN configured, so no request is an admin's"),
  cartForbidden: edge(403, "cart_forbidden", "Not this session's cart", "cart_id names another session's cart"),
  notFound: edge(404, "not_found", "No such resource", "no route serves the path"),
  methodNotAllowed: edge(405, "method_not_allowed", "Method not allowed", "the path takes other methods, listed in Allow"),
  requestInProgress: edge(
    409,
    "request_in_progress",
    "Request in progress",
    "the first request with this Idempotency-Key is still running or ended without a clear outcome, and it is never run twice"
  ),
  bodyTooLarge: edge(413, "body_too_large", "The request body is too large", "the body is larger than MAX_BODY_BYTES (64 KiB by default), and nothing was read or applied"),
  unsupportedMediaType: edge(415, "unsupported_media_type", "The request body must be JSON", "the body is not sent as application/json"),
  idempotencyKeyReused: edge(422, "idempotency_key_reused", "Idempotency-Key reused", "this Idempotency-Key was used with another body"),
  storeUnavailable: edge(
    503,
    "store_unavailable",
    "The store is not answering; try again shortly",
    "the Idempotency-Key could not be claimed, nothing was done and a retry with the same key is safe"
  )
} satisfies Readonly<Record<string, EdgeRow>>

/** The problem an edge row answers with; `extra` adds what this request needs (a detail, the failing fields). */
export const edgeProblem = (row: EdgeRow, extra: Omit<Partial<Problem>, "status" | "code" | "title" | "type"> = {}): Problem =>
  problem(row.status, row.code, row.title, extra)

/** How the documents name a set of rows of one status: each with its code and when it is answered. */
export const describeEdges = (rows: ReadonlyArray<EdgeRow>): string => rows.map((r) => `${r.title} (${r.code}): ${r.when}`).join("; ")
