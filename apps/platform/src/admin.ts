/**
 * Admin endpoints (SPEC §5: refunds, order status changes, DLQ replay) take `Authorization: Bearer
 * <ADMIN_TOKEN>`, compared in constant time (digests of equal length, so neither the token nor its
 * length leaks through timing). No ADMIN_TOKEN configured: every admin request is refused (403).
 * `adminRefusal` is the check alone, for an endpoint that serves a session or an admin (orders).
 */
import { createHash, timingSafeEqual } from "node:crypto"
import type { MiddlewareHandler } from "hono"
import { edgeProblem, edges } from "./edge-problems.ts"
import { problemResponse } from "./http-problems.ts"
import type { Problem } from "./problem.ts"

const digest = (text: string): Buffer => createHash("sha256").update(text).digest()

/** What an `Authorization` header is refused with (undefined: it carries the admin token). */
export const adminRefusal = (adminToken: string | undefined): ((authorization: string | undefined) => Problem | undefined) => {
  const expected = adminToken === undefined || adminToken === "" ? undefined : digest(adminToken)
  return (authorization) => {
    if (expected === undefined) return edgeProblem(edges.adminDisabled, { detail: "set ADMIN_TOKEN to use admin endpoints" })
    const header = authorization ?? ""
    const given = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined
    if (given === undefined || !timingSafeEqual(digest(given), expected)) return edgeProblem(edges.adminRequired, { detail: "send Authorization: Bearer <ADMIN_TOKEN>" })
    return undefined
  }
}

export const requireAdmin = (adminToken: string | undefined): MiddlewareHandler => {
  const refusal = adminRefusal(adminToken)
  return async (c, next) => {
    const refused = refusal(c.req.header("authorization"))
    return refused === undefined ? next() : problemResponse(refused)
  }
}
