/**
 * Who is asking, at the HTTP edge of every session-scoped app (SPEC §2): the session from
 * `X-Session-Id`, or a new unguessable one when the header is absent or malformed, returned in
 * `X-Session-Id` on every response; and the optional `X-User-Id`, which only rides along in events.
 * A session id is a bearer token: a client reaches a cart only by holding its id (142 random bits).
 *
 * One exception to "issue when absent": a POST carrying an `Idempotency-Key` but no valid session is
 * refused (400) without issuing one. Keys are scoped by session (idempotency.ts), and a retry of a
 * session-less request would be issued another session, so the key could never dedupe anything.
 */
import type { Context, MiddlewareHandler } from "hono"
import { isSessionId, newCorrelationId, newSessionId } from "@kasa/shared"
import { type FieldProblem, problem } from "./problem.ts"
import { problemResponse, validationProblem } from "./http-problems.ts"
import { IDEMPOTENCY_HEADER } from "./idempotency.ts"
// For its ContextVariableMap, which declares the `correlationId` the telemetry middleware sets.
import type {} from "@kasa/adapter-telemetry"

export const SESSION_HEADER = "X-Session-Id"
export const USER_HEADER = "X-User-Id"

const userIdPattern = /^[0-9A-Za-z_.:@-]{1,128}$/

export interface SessionEnv {
  readonly Variables: {
    readonly sessionId: string
    readonly userId: string | undefined
  }
}

const invalidUser: ReadonlyArray<FieldProblem> = [{ field: USER_HEADER, message: "must be 1 to 128 letters, digits or _ . : @ -" }]

export const identify: MiddlewareHandler<SessionEnv> = async (c, next) => {
  const incoming = c.req.header(SESSION_HEADER)
  const known = incoming !== undefined && isSessionId(incoming)
  if (!known && c.req.method === "POST" && c.req.header(IDEMPOTENCY_HEADER) !== undefined) {
    return problemResponse(
      problem(400, "session_required", "An Idempotency-Key needs a session", {
        detail: `send the ${SESSION_HEADER} you were given (any response issues one) with an Idempotency-Key`,
        errors: [{ field: SESSION_HEADER, message: incoming === undefined ? "missing" : "not a session id" }]
      })
    )
  }
  const sessionId = known ? incoming : newSessionId()
  c.set("sessionId", sessionId)
  const user = c.req.header(USER_HEADER)
  if (user !== undefined && !userIdPattern.test(user)) {
    const response = problemResponse(validationProblem(invalidUser))
    response.headers.set(SESSION_HEADER, sessionId)
    return response
  }
  c.set("userId", user)
  await next()
  c.header(SESSION_HEADER, sessionId)
}

/** The session, user and correlation id of the request, as the use cases take them. */
export const requester = (c: Context<SessionEnv>) => ({
  session_id: c.get("sessionId"),
  user_id: c.get("userId"),
  // Set by the platform's telemetry middleware; minted here only if the routes run without it.
  correlation_id: (c.get("correlationId") as string | undefined) ?? newCorrelationId()
})
