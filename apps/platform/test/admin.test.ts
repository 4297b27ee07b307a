// Admin endpoints take the configured bearer token only: none configured → 403 for everyone; a
// missing, malformed or wrong token → 401; the right one → through. Each refusal is problem+json.
import { expect, test } from "bun:test"
import { Hono } from "hono"
import { requireAdmin } from "../src/admin.ts"

const appWith = (token: string | undefined) => new Hono().post("/admin", requireAdmin(token), (c) => c.json({ ok: true }))

test.each<[string, string | undefined, string | undefined, number, string | undefined]>([
  ["no ADMIN_TOKEN configured", undefined, "Bearer anything", 403, "admin_disabled"],
  ["an empty ADMIN_TOKEN counts as none", "", "Bearer ", 403, "admin_disabled"],
  ["no Authorization header", "s3cret-token", undefined, 401, "admin_required"],
  ["not a bearer token", "s3cret-token", "Basic czNjcmV0LXRva2Vu", 401, "admin_required"],
  ["a wrong token", "s3cret-token", "Bearer s3cret-tokem", 401, "admin_required"],
  ["a longer token that starts with the right one", "s3cret-token", "Bearer s3cret-token-and-more", 401, "admin_required"],
  ["the right token", "s3cret-token", "Bearer s3cret-token", 200, undefined]
])("%s → %d", async (_, configured, authorization, status, code) => {
  const response = await appWith(configured).request("/admin", { method: "POST", headers: authorization === undefined ? {} : { authorization } })
  expect(response.status).toBe(status)
  if (code !== undefined) {
    expect(response.headers.get("content-type")).toContain("application/problem+json")
    expect(((await response.json()) as { code: string }).code).toBe(code)
  }
})
