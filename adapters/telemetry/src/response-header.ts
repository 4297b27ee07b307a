/**
 * Sets a header on the response a handler already returned, in place. Hono's `c.header` after the
 * handler builds a whole new Response to copy the headers into (a `fetch` response's headers are
 * immutable); the edge middlewares (correlation id, session token) did that twice on every request,
 * a few percent of add-to-cart's CPU. Responses made in this process have mutable headers; one that
 * does not (a proxied `fetch` response) still gets Hono's copy.
 */
import type { Context } from "hono"

export const setResponseHeader = (c: Context, name: string, value: string): void => {
  if (!c.finalized) return c.header(name, value)
  try {
    c.res.headers.set(name, value)
  } catch {
    c.header(name, value)
  }
}
