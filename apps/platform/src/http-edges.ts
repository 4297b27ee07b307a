/**
 * The edges of every app's HTTP surface (SPEC §4.2, §5), answered in problem+json like any other
 * error: one request body limit, checked before anything reads the body (the Content-Length up front,
 * a chunked body counted while it is read; on a session endpoint the 413 carries X-Session-Id too), and a route that does not exist (404) or does not take
 * the request's method (405 with `Allow`), found from the app's own route table.
 */
import type { Context, Hono, MiddlewareHandler, NotFoundHandler } from "hono"
import { bodyLimit } from "hono/body-limit"
import { problem } from "./problem.ts"
import { problemResponse } from "./http-problems.ts"
import { identify } from "./session.ts"

interface RouteRow {
  readonly method: string
  readonly path: string
  readonly handler?: unknown
}

/**
 * `response` as a session endpoint of `http` answers it: through `identify` when the app runs it at
 * this path, so an answer given before the routes (a 413) carries X-Session-Id like any other.
 */
const asSessionEndpoint = async (http: { readonly routes: ReadonlyArray<RouteRow> }, c: Context, response: Response): Promise<Response> => {
  const path = c.req.path
  if (!http.routes.some((route) => route.handler === identify && pathPattern(route.path).test(path))) return response
  const refused = await (identify as unknown as MiddlewareHandler)(c, async () => {
    c.res = response
  })
  return refused ?? c.res
}

/** 413 for any body over `maxBytes`, read by nothing before. */
export const limitBody = (http: Hono, maxBytes: number): MiddlewareHandler =>
  bodyLimit({
    maxSize: maxBytes,
    onError: (c) => asSessionEndpoint(http, c, problemResponse(problem(413, "body_too_large", "The request body is too large", { detail: `at most ${maxBytes} bytes` })))
  })

const patternCache = new Map<string, RegExp>()

/** A Hono route path (`/cart/items/:item_id`, `/docs/*`) as a regular expression over request paths. */
const pathPattern = (path: string): RegExp => {
  let pattern = patternCache.get(path)
  if (pattern === undefined) {
    const source = path
      .split("/")
      .map((part) => (part === "*" ? ".*" : part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/")
    pattern = new RegExp(`^${source}/?$`)
    patternCache.set(path, pattern)
  }
  return pattern
}

/** The methods the routes (not middleware, which Hono lists as ALL) take at `path`, HEAD wherever GET is. */
export const allowedMethods = (routes: ReadonlyArray<RouteRow>, path: string): ReadonlyArray<string> => {
  const methods = new Set<string>()
  for (const route of routes) if (route.method !== "ALL" && pathPattern(route.path).test(path)) methods.add(route.method)
  if (methods.has("GET")) methods.add("HEAD")
  return [...methods].sort()
}

/** The app's answer when no route matched: 405 with `Allow` if the path exists under another method, else 404. */
export const unmatched =
  (http: Hono): NotFoundHandler =>
  (c) => {
    const allowed = allowedMethods(http.routes, c.req.path)
    if (allowed.length === 0) {
      return problemResponse(problem(404, "not_found", "No such resource", { detail: `nothing is served at ${c.req.path}` }))
    }
    const response = problemResponse(
      problem(405, "method_not_allowed", "Method not allowed", { detail: `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(", ")}` })
    )
    response.headers.set("allow", allowed.join(", "))
    return response
  }
