// /docs works offline: the page loads only what the app itself serves (Scalar's standalone bundle at
// /assets/scalar.js, no CDN, no web fonts), and that bundle is served as JavaScript.
import { describe, expect, test } from "bun:test"
import { docsRoutes } from "@kasa/app-platform"

const SCALAR_ASSET_PATH = "/assets/scalar.js"

const app = docsRoutes("Kasa test", () => ({}))

describe("/docs", () => {
  test("the page references only local assets", async () => {
    const response = await app.request("/docs")
    expect(response.status).toBe(200)
    const html = await response.text()
    const references = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/g)].map((match) => match[1]!)
    expect(references).toContain(SCALAR_ASSET_PATH)
    for (const reference of references) expect(reference).toStartWith("/")
    // Nothing else that a browser would fetch from elsewhere (a CDN, fonts, an @import).
    expect(html).not.toMatch(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i)
    expect(html).toContain('"url": "/openapi.json"')
  })

  test("the Scalar bundle is served with a JavaScript content type", async () => {
    const response = await app.request(SCALAR_ASSET_PATH)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toStartWith("text/javascript")
    expect(await response.text()).toContain("createApiReference")
  })
})
