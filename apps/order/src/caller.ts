/**
 * Who asks the order endpoints (SPEC §4.8, §5): a request with `Authorization` is an admin's when it
 * carries ADMIN_TOKEN (compared by the platform in constant time) and is refused otherwise (401, or
 * 403 with no token configured), never quietly served as a shopper; any other request is a session's,
 * identified as every session app does (`identify`). An admin has no session: its Idempotency-Key
 * requests are scoped by ADMIN_SCOPE instead, which goes no further than the idempotency record's key.
 */
import type { MiddlewareHandler } from "hono"
import type { Caller } from "@kasa/order"
import { adminRefusal, identify, problemResponse, type SessionEnv, type SessionTokensSource } from "@kasa/app-platform"

declare module "hono" {
  interface ContextVariableMap {
    /** Who asks an order endpoint (set by `identifyCaller`). */
    caller: Caller
  }
}

export const ADMIN_SCOPE = "admin"

export const identifyCaller = (runtime: SessionTokensSource, adminToken: string | undefined): MiddlewareHandler<SessionEnv> => {
  const session = identify(runtime)
  const refusal = adminRefusal(adminToken)
  return async (c, next) => {
    const authorization = c.req.header("authorization")
    if (authorization === undefined) {
      return session(c, async () => {
        c.set("caller", { kind: "session", session_id: c.get("sessionId") })
        await next()
      })
    }
    const refused = refusal(authorization)
    if (refused !== undefined) return problemResponse(refused)
    c.set("caller", { kind: "admin" })
    c.set("sessionId", ADMIN_SCOPE)
    c.set("userId", undefined)
    return next()
  }
}
