// The one-process shop, embedded: answers health, readiness, metrics and docs, in process and as a
// process started the way a user starts it; a bad configuration stops it with a clear message.
import { afterAll, describe, expect, test } from "bun:test"
import { createApp } from "@kasa/app-platform"
import { shopModules } from "../src/modules.ts"
import { spawnApp, startApp } from "@kasa/test-support/process"
import { waitFor } from "@kasa/test-support/wait-for"

const entry = new URL("../src/main.ts", import.meta.url).pathname

describe("shop, embedded, in process", async () => {
  const app = await createApp({ name: "shop", modules: shopModules, env: {}, log: () => {} })
  afterAll(() => app.stop())

  test("runs embedded without any server around", () => {
    expect(app.config.mode).toBe("embedded")
  })

  test("/health/live and /health/ready answer 200 with their checks", async () => {
    expect((await app.http.request("/health/live")).status).toBe(200)
    const ready = await app.http.request("/health/ready")
    expect(ready.status).toBe(200)
    const body = (await ready.json()) as { status: string; checks: Array<{ name: string; ok: boolean }> }
    expect(body.status).toBe("ready")
    expect(body.checks.map((c) => c.name)).toEqual([
      "bus (memory)",
      "store (memory)",
      "records (pglite)",
      "consumer catalog-consumer",
      "consumer cart-consumer",
      "consumer services-consumer",
      "consumer promotion-consumer",
      "consumer shipping-consumer",
      "consumer payment-consumer",
      "consumer payment-orders-consumer",
      "consumer checkout-consumer",
      "consumer order-consumer",
      "outbox",
      "outbox (records)"
    ])
  })

  test("/metrics is Prometheus text with HTTP latency", async () => {
    await app.http.request("/health/live")
    const response = await app.http.request("/metrics")
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toContain("text/plain")
    const text = await response.text()
    expect(text).toContain("# TYPE kasa_http_request_duration_seconds histogram")
    expect(text).toMatch(/kasa_http_request_duration_seconds_count\{[^}]*route="\/health\/live"[^}]*\} [1-9]/)
  })

  test("/docs serves the API reference and /openapi.json the document", async () => {
    const docs = await app.http.request("/docs")
    expect(docs.status).toBe(200)
    expect(docs.headers.get("content-type")).toContain("text/html")
    const spec = (await (await app.http.request("/openapi.json")).json()) as { openapi: string }
    expect(spec.openapi).toBe("3.1.0")
  })

  test("mounts the catalog: products and their OpenAPI paths", async () => {
    const response = await app.http.request("/catalog/products?category=tv")
    expect(response.status).toBe(200)
    const body = (await response.json()) as { products: Array<{ category: string }> }
    expect(body.products.length).toBeGreaterThan(0)
    expect(body.products.every((p) => p.category === "tv")).toBe(true)
    const spec = (await (await app.http.request("/openapi.json")).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(spec.paths)).toContain("/catalog/products")
  })

  test("mounts the cart: an item added is priced from the catalog", async () => {
    const products = (await (await app.http.request("/catalog/products?category=tv")).json()) as { products: Array<{ offer_id: string; price: number }> }
    const tv = products.products[0]!
    const added = await app.http.request("/cart/items", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ offer_id: tv.offer_id, quantity: 2, type: "offer", price: 1 })
    })
    expect(added.status).toBe(201)
    const session = added.headers.get("x-session-id")!
    const cart = (await (await app.http.request("/cart", { headers: { "x-session-id": session } })).json()) as { cart_total: number; item_count: number }
    expect(cart).toMatchObject({ cart_total: tv.price * 2, item_count: 2 })
  })

  test("every response carries X-Correlation-Id", async () => {
    const response = await app.http.request("/health/live", { headers: { "X-Correlation-Id": "corr_shop_1" } })
    expect(response.headers.get("x-correlation-id")).toBe("corr_shop_1")
  })
})

describe("shop, as a process", () => {
  test("`bun run dev`'s entry point serves /health/ready embedded and stops on SIGTERM", async () => {
    const app = await startApp(entry, {})
    try {
      const ready = await fetch(`${app.url}/health/ready`)
      expect(ready.status).toBe(200)
      expect(app.output()).toContain('"mode":"embedded"')
    } finally {
      app.process.kill("SIGTERM")
    }
    expect(await app.process.exited).toBe(0)
  })

  test("a served shop collects when its memory grows (MEMORY_COLLECT_GROWTH_MB), and says so in /metrics", async () => {
    const app = await startApp(entry, { MEMORY_COLLECT_GROWTH_MB: "1" })
    try {
      const products = (await (await fetch(`${app.url}/catalog/products?category=tv`)).json()) as { products: Array<{ offer_id: string }> }
      const collections = async () => Number(/^kasa_memory_collections_total\S* (\d+)/m.exec(await (await fetch(`${app.url}/metrics`)).text())?.[1] ?? 0)
      let seen = 0
      // Each add leaves garbage behind; a megabyte of growth calls for a collection within a few of them.
      await waitFor(
        async () => {
          const added = await fetch(`${app.url}/cart/items`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ offer_id: products.products[0]!.offer_id, quantity: 1, type: "offer" })
          })
          expect(added.status).toBe(201)
          seen = await collections()
          return seen > 0
        },
        { timeoutMs: 30_000, describe: () => `kasa_memory_collections_total ${seen}` }
      )
    } finally {
      app.process.kill("SIGTERM")
    }
    expect(await app.process.exited).toBe(0)
  })

  test.each([
    [{ KAFKA_BROKERS: "127.0.0.1:9092" }, "REDIS_URL is required when KAFKA_BROKERS is set"],
    [{ PORT: "http" }, "PORT must be an integer from 0 to 65535"],
    [{ KAFKA_BROKERS: "127.0.0.1:9092", REDIS_URL: "redis://127.0.0.1:6379", SESSION_SECRET: "" }, "SESSION_SECRET is required in distributed mode"],
    [{ SESSION_SECRET: "too-short" }, "SESSION_SECRET must be at least 32 characters"]
  ])("a bad configuration %o stops it at start naming the variable", async (env, message) => {
    const child = spawnApp(entry, env)
    expect(await child.exited).toBe(1)
    expect(await new Response(child.stderr).text()).toContain(message)
  })
})
