/**
 * The edges of every app's HTTP surface (SPEC §4.2, §5), answered in problem+json like any other
 * error: one request body limit, checked before anything reads the body (the Content-Length up
 * front, a chunked body counted while it is read), and a route that does not exist (404) or does not
 * take the request's method (405 with `Allow`), found from the app's own route table.
 */
import type { Context, Hono, MiddlewareHandler, NotFoundHandler } from "hono"
import { bodyLimit } from "hono/body-limit"
import { edgeProblem, edges } from "./edge-problems.ts"
import { problemResponse } from "./http-problems.ts"

interface RouteRow {
  readonly method: string
  readonly path: string
  readonly handler?: unknown
}

/**
 * `response` answered through the middleware the app runs at this path (a context's `identify`,
 * registered for its prefix), not its handlers: an answer given before the routes (a 413) then
 * carries X-Session-Id on a session endpoint like any other response there. The app-wide middleware
 * (registered for every path, this limit among them) is left out.
 */
const throughPathMiddleware = async (http: { readonly routes: ReadonlyArray<RouteRow> }, c: Context, response: Response): Promise<Response> => {
  const path = c.req.path
  const middleware = http.routes
    .filter((route) => route.method === "ALL" && route.path !== "*" && route.path !== "/*" && pathPattern(route.path).test(path))
    .map((route) => route.handler as MiddlewareHandler)
  const dispatch = async (i: number): Promise<void> => {
    if (i === middleware.length) {
      c.res = response
      return
    }
    const answered = await middleware[i]!(c, () => dispatch(i + 1))
    if (answered !== undefined) c.res = answered
  }
  await dispatch(0)
  return c.res
}

/** 413 for any body over `maxBytes`, read by nothing before. */
export const limitBody = (http: Hono, maxBytes: number): MiddlewareHandler =>
  bodyLimit({
    maxSize: maxBytes,
    onError: (c) => throughPathMiddleware(http, c, problemResponse(edgeProblem(edges.bodyTooLarge, { detail: `at most ${maxBytes} bytes` })))
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
      return problemResponse(edgeProblem(edges.notFound, { detail: `nothing is served at ${c.req.path}` }))
    }
    const response = problemResponse(
      edgeProblem(edges.methodNotAllowed, { detail: `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(", ")}` })
    )
    response.headers.set("allow", allowed.join(", "))
    return response
  }
