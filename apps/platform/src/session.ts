/**
 * Who is asking, at the HTTP edge of every session-scoped app (SPEC §2): the session token in
 * `X-Session-Id` when this app's secret signed it, else a new session (a token that was invented,
 * altered or signed elsewhere is refused by being replaced), with the token returned in
 * `X-Session-Id` on every response; and the optional `X-User-Id`, a label that only rides along in
 * events and never grants access. Handlers see `c.get("sessionId")`, the session_id derived from the
 * token (session-token.ts): the token itself is a bearer credential and goes no further than this file
 * and the response header, so it never reaches an event, a key, a log line or a span.
 *
 * One exception to "issue when absent": a POST carrying an `Idempotency-Key` but no valid session is
 * refused (400) without issuing one. Keys are scoped by session (idempotency.ts), and a retry of a
 * session-less request would be issued another session, so the key could never dedupe anything.
 */
import type { Effect } from "effect"
import type { Context, MiddlewareHandler } from "hono"
import { isSessionId, newCorrelationId } from "@kasa/shared"
import { edgeProblem, edges } from "./edge-problems.ts"
import type { FieldProblem } from "./problem.ts"
import { problemResponse, validationProblem } from "./http-problems.ts"
import { IDEMPOTENCY_HEADER } from "./idempotency.ts"
import { SessionTokens } from "./session-token.ts"
// Also for its ContextVariableMap, which declares the `correlationId` the telemetry middleware sets.
import { setResponseHeader } from "@kasa/adapter-telemetry"

export const SESSION_HEADER = "X-Session-Id"
export const USER_HEADER = "X-User-Id"

const userIdPattern = /^[0-9A-Za-z_.:@-]{1,128}$/

export interface SessionEnv {
  readonly Variables: {
    /** The session_id derived from the token: what use cases, events and keys see. */
    readonly sessionId: string
    /** The token itself, for the response header only. */
    readonly sessionToken: string
    readonly userId: string | undefined
  }
}

const invalidUser: ReadonlyArray<FieldProblem> = [{ field: USER_HEADER, message: "must be 1 to 128 letters, digits or _ . : @ -" }]

/** What runs the platform's effects: the app's runtime (its SessionTokens is the app's secret). */
export interface SessionTokensSource {
  readonly runSync: <A, E>(effect: Effect.Effect<A, E, SessionTokens>) => A
}

export const identify = (runtime: SessionTokensSource): MiddlewareHandler<SessionEnv> => {
  // Looked up on the first request, when the runtime is surely built; one value, no cache.
  let tokens: typeof SessionTokens.Service | undefined
  return async (c, next) => {
    tokens ??= runtime.runSync(SessionTokens)
    const incoming = c.req.header(SESSION_HEADER)
    const verified = incoming === undefined ? undefined : tokens.verify(incoming)
    if (verified === undefined && c.req.method === "POST" && c.req.header(IDEMPOTENCY_HEADER) !== undefined) {
      return problemResponse(
        edgeProblem(edges.sessionRequired, {
          detail: `send the ${SESSION_HEADER} you were given (any response issues one) with an Idempotency-Key`,
          errors: [{ field: SESSION_HEADER, message: incoming === undefined ? "missing" : "not a session token this shop issued" }]
        })
      )
    }
    const session = verified === undefined ? tokens.issue() : { token: incoming!, id: verified }
    c.set("sessionId", session.id)
    c.set("sessionToken", session.token)
    const user = c.req.header(USER_HEADER)
    if (user !== undefined && !userIdPattern.test(user)) {
      const response = problemResponse(validationProblem(invalidUser))
      response.headers.set(SESSION_HEADER, session.token)
      return response
    }
    c.set("userId", user)
    await next()
    setResponseHeader(c, SESSION_HEADER, session.token)
  }
}

/** The session, user and correlation id of the request, as the use cases take them. */
export const requester = (c: Context<SessionEnv>) => ({
  session_id: c.get("sessionId"),
  user_id: c.get("userId"),
  // Set by the platform's telemetry middleware; minted here only if the routes run without it.
  correlation_id: (c.get("correlationId") as string | undefined) ?? newCorrelationId()
})

export const CART_ID_PARAM = "cart_id"

/**
 * The cart an endpoint that takes `?cart_id=` reads (SPEC §4.5, §4.6): the caller's own, named by its
 * session, and `cart_id` when given must be the caller's `session_id` (GET /cart's `session_id`).
 * Another session's id is a 403: the check compares with the caller's own id and looks nothing up,
 * so it says nothing about whether that cart exists (a 404 would claim it does not) and tells the
 * client what to send instead. An id that is not a session id at all is a 400 naming the field.
 */
export const callersCart = (
  c: Context<SessionEnv>
): { readonly ok: true; readonly cartId: string } | { readonly ok: false; readonly response: Response } => {
  const named = c.req.query(CART_ID_PARAM)
  const own = c.get("sessionId")
  if (named === undefined || named === own) return { ok: true, cartId: own }
  if (!isSessionId(named)) return { ok: false, response: problemResponse(validationProblem([{ field: CART_ID_PARAM, message: "must be a session id (sess_...)" }])) }
  return {
    ok: false,
    response: problemResponse(
      edgeProblem(edges.cartForbidden, {
        detail: `${CART_ID_PARAM} must be your session's id (the session_id of GET /cart), or left out`,
        errors: [{ field: CART_ID_PARAM, message: "names another session's cart" }]
      })
    )
  }
}
