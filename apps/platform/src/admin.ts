/**
 * Admin endpoints (SPEC §5: refunds, order status changes, DLQ replay) take `Authorization: Bearer
 * <ADMIN_TOKEN>`, compared in constant time (digests of equal length, so neither the token nor its
 * length leaks through timing). No ADMIN_TOKEN configured: every admin request is refused (403).
 */
import { createHash, timingSafeEqual } from "node:crypto"
import type { MiddlewareHandler } from "hono"
import { edgeProblem, edges } from "./edge-problems.ts"
import { problemResponse } from "./http-problems.ts"

const digest = (text: string): Buffer => createHash("sha256").update(text).digest()

export const requireAdmin = (adminToken: string | undefined): MiddlewareHandler => {
  const expected = adminToken === undefined || adminToken === "" ? undefined : digest(adminToken)
  return async (c, next) => {
    if (expected === undefined) return problemResponse(edgeProblem(edges.adminDisabled, { detail: "set ADMIN_TOKEN to use admin endpoints" }))
    const header = c.req.header("authorization") ?? ""
    const given = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined
    if (given === undefined || !timingSafeEqual(digest(given), expected))
      return problemResponse(edgeProblem(edges.adminRequired, { detail: "send Authorization: Bearer <ADMIN_TOKEN>" }))
    return next()
  }
}
