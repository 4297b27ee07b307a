// The catalog's HTTP API in process (embedded): products with live stock, the category filter, one
// product, problem+json for bad input and unknown ids (changing nothing), the OpenAPI paths, stock
// seeded once (a second start keeps live stock), expired holds swept back, events on the bus, and a
// bad data file stopping the start with the problem named.
import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Result } from "effect"
import { categories, defaultCatalogFile, parseCatalog, type Product, StockReservations } from "@kasa/catalog"
import { MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"
import { createApp } from "@kasa/app-platform"
import { decodeEnvelope, Topics } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { catalogModule } from "@kasa/app-catalog"
import { startFailure } from "@kasa/test-support/app-harness"

const shipped = Result.getOrThrow(parseCatalog(await Bun.file(defaultCatalogFile).json()))
const tmp = mkdtempSync(join(tmpdir(), "kasa-catalog-"))
const writeCatalog = (name: string, content: unknown): string => {
  const path = join(tmp, name)
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content))
  return path
}

const wait = (condition: () => boolean, describe: () => string) => Effect.runPromise(waitUntil(condition, { timeoutMs: 10_000, describe }))

describe("catalog HTTP, embedded", async () => {
  const state = new MemoryStateData()
  const broker = new MemoryBroker()
  const app = await createApp({ name: "catalog", modules: [catalogModule({ env: {} })], env: {}, log: () => {}, state, broker })
  afterAll(() => app.stop())

  const get = (path: string, headers: Record<string, string> = {}) => app.http.request(path, { headers })
  const json = async <A>(path: string): Promise<A> => {
    const response = await get(path)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toContain("application/json")
    return (await response.json()) as A
  }
  const stockOf = async (offerId: string) => (await json<Product>(`/catalog/products/${offerId}`)).stock
  const run = <A, E>(effect: Effect.Effect<A, E, StockReservations>) => app.runtime.runPromise(effect)
  const reserve = (orderId: string, lines: ReadonlyArray<{ offer_id: string; quantity: number }>, ttlSeconds = 900) =>
    run(Effect.flatMap(StockReservations, (s) => s.reserve({ orderId, sessionId: `sess_${orderId}`, correlationId: `corr_${orderId}`, lines, ttlSeconds })))

  test("GET /catalog/products lists every product of the data file with its stock", async () => {
    const body = await json<{ products: Array<Product> }>("/catalog/products")
    expect(body.products).toEqual([...shipped.products])
  })

  test.each(categories.map((c) => [c]))("GET /catalog/products?category=%s lists that category only, in file order", async (category) => {
    const body = await json<{ products: Array<Product> }>(`/catalog/products?category=${category}`)
    expect(body.products.map((p) => p.offer_id)).toEqual(shipped.products.filter((p) => p.category === category).map((p) => p.offer_id))
    expect(body.products.length).toBeGreaterThan(0)
  })

  test.each(["spaceships", "", "TV", "tv,appliance", "warranty%00"])("GET /catalog/products?category=%s is a 400 problem naming category", async (category) => {
    const before = await json<{ products: Array<Product> }>("/catalog/products")
    const response = await get(`/catalog/products?category=${category}`, { "X-Correlation-Id": "corr_bad_category" })
    expect(response.status).toBe(400)
    expect(response.headers.get("content-type")).toBe("application/problem+json")
    expect(response.headers.get("x-correlation-id")).toBe("corr_bad_category")
    const problem = (await response.json()) as { code: string; status: number; errors: Array<{ field: string; message: string }> }
    expect(problem.code).toBe("validation_failed")
    expect(problem.status).toBe(400)
    expect(problem.errors).toEqual([{ field: "category", message: `must be one of ${categories.join(", ")}` }])
    expect(await json<{ products: Array<Product> }>("/catalog/products")).toEqual(before)
  })

  test("GET /catalog/products/{offer_id} answers the product", async () => {
    const fridge = shipped.byId.get("fridge-bosch-kgn39")!
    expect(await json<Product>("/catalog/products/fridge-bosch-kgn39")).toEqual(fridge)
    const warranty = await json<Product>("/catalog/products/warranty-2y-tv")
    expect(warranty.warranty_for).toEqual(["tv"])
  })

  test.each(["nope", "FRIDGE-BOSCH-KGN39", "fridge-bosch-kgn39%20", "x".repeat(300)])("GET /catalog/products/%s is a 404 problem", async (id) => {
    const response = await get(`/catalog/products/${id}`)
    expect(response.status).toBe(404)
    expect(response.headers.get("content-type")).toBe("application/problem+json")
    const problem = (await response.json()) as { code: string; offer_id: string }
    expect(problem.code).toBe("product_not_found")
    expect(problem.offer_id).toBe(decodeURIComponent(id))
  })

  test("stock is live: a reservation lowers it, a release restores it, a commit keeps it out", async () => {
    const offer = "tv-lg-oled65c44"
    const start = shipped.byId.get(offer)!.stock
    await reserve("ord_http_1", [{ offer_id: offer, quantity: 2 }])
    expect(await stockOf(offer)).toBe(start - 2)
    const listed = await json<{ products: Array<Product> }>("/catalog/products?category=tv")
    expect(listed.products.find((p) => p.offer_id === offer)?.stock).toBe(start - 2)
    await run(Effect.flatMap(StockReservations, (s) => s.release("ord_http_1", "checkout_cancelled")))
    expect(await stockOf(offer)).toBe(start)
    await reserve("ord_http_2", [{ offer_id: offer, quantity: 1 }])
    await run(Effect.flatMap(StockReservations, (s) => s.commit("ord_http_2")))
    expect(await stockOf(offer)).toBe(start - 1)
  })

  test("a reservation's event reaches inventory-events on the bus, keyed by session", async () => {
    await reserve("ord_http_bus", [{ offer_id: "hdmi-cable-2m", quantity: 3 }])
    const seen = () =>
      (broker.topics.get(Topics.inventory) ?? [])
        .flatMap((partition) => partition.log)
        .flatMap((message) => {
          const decoded = decodeEnvelope(message.value)
          return decoded.ok && decoded.envelope.payload.order_id === "ord_http_bus" ? [{ key: message.key, envelope: decoded.envelope }] : []
        })
    await wait(() => seen().length > 0, () => `inventory-events holds ${JSON.stringify(seen())}`)
    const [event] = seen()
    expect(event!.key).toBe("sess_ord_http_bus")
    expect(event!.envelope.event_name).toBe("inventory.reserved")
    expect(event!.envelope.correlation_id).toBe("corr_ord_http_bus")
  })

  test("/openapi.json documents both endpoints", async () => {
    const doc = (await (await get("/openapi.json")).json()) as { paths: Record<string, { get: { parameters: Array<{ name: string }>; responses: Record<string, unknown> } }> }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/catalog/products", "/catalog/products/{offer_id}"]))
    expect(doc.paths["/catalog/products"]!.get.parameters.map((p) => p.name)).toEqual(["category"])
    expect(Object.keys(doc.paths["/catalog/products/{offer_id}"]!.get.responses)).toEqual(["200", "404", "503"])
  })

  test("a second start over the same store keeps live stock (seeding sets only what is not set)", async () => {
    const offer = "sofa-oslo-3"
    const start = shipped.byId.get(offer)!.stock
    await reserve("ord_http_seed", [{ offer_id: offer, quantity: 1 }])
    const again = await createApp({ name: "catalog", modules: [catalogModule({ env: {} })], env: {}, log: () => {}, state, broker })
    try {
      const response = await again.http.request(`/catalog/products/${offer}`)
      expect(((await response.json()) as Product).stock).toBe(start - 1)
    } finally {
      await again.stop()
    }
  })
})

describe("catalog module", () => {
  test("expired holds are released by the module's sweeper, their units back in stock", async () => {
    const app = await createApp({ name: "catalog", modules: [catalogModule({ env: {}, sweepIntervalMs: 20 })], env: {}, log: () => {} })
    try {
      const offer = "fridge-water-filter"
      const start = shipped.byId.get(offer)!.stock
      await app.runtime.runPromise(
        Effect.flatMap(StockReservations, (s) => s.reserve({ orderId: "ord_sweep", sessionId: "sess_sweep", correlationId: "corr_sweep", lines: [{ offer_id: offer, quantity: start }], ttlSeconds: 0.05 }))
      )
      let last: unknown
      const reservation = () => app.runtime.runPromise(Effect.flatMap(StockReservations, (s) => s.reservation("ord_sweep")))
      const deadline = Date.now() + 10_000
      while ((last = (await reservation())?.status) !== "released") {
        if (Date.now() > deadline) throw new Error(`not released in 10 s; status ${String(last)}`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      expect((await reservation())?.release_reason).toBe("expired")
      const response = await app.http.request(`/catalog/products/${offer}`)
      expect(((await response.json()) as Product).stock).toBe(start)
    } finally {
      await app.stop()
    }
  })

  test.each<[string, (dir: string) => Record<string, string>, string]>([
    ["a missing file", () => ({ CATALOG_DATA_FILE: join(tmp, "missing.json") }), "cannot read the file"],
    ["a file that is not JSON", () => ({ CATALOG_DATA_FILE: writeCatalog("broken.json", "{ products: [") }), "not JSON"],
    ["an empty catalog", () => ({ CATALOG_DATA_FILE: writeCatalog("empty.json", { products: [] }) }), "products: the catalog has no products"],
    [
      "a float price and a duplicate",
      () => ({
        CATALOG_DATA_FILE: writeCatalog("bad.json", {
          products: [
            { ...shipped.products[0], price: 1999.99 },
            { ...shipped.products[1] },
            { ...shipped.products[1], name: "copy" }
          ]
        })
      }),
      `products[0] (${shipped.products[0]!.offer_id}).price: Expected an integer; products[2].offer_id: duplicate of products[1]`
    ]
  ])("%s stops the start, naming the problem", async (_, env, message) => {
    const failed = await startFailure("catalog", [catalogModule({ env: env(tmp) })])
    expect(failed).toContain("invalid catalog")
    expect(failed).toContain(message)
  })

  test("CATALOG_DATA_FILE names another product file", async () => {
    const file = writeCatalog("small.json", { products: [{ ...shipped.products[0], offer_id: "only-fridge", stock: 1 }] })
    const app = await createApp({ name: "catalog", modules: [catalogModule({ env: { CATALOG_DATA_FILE: file } })], env: {}, log: () => {} })
    try {
      const body = (await (await app.http.request("/catalog/products")).json()) as { products: Array<Product> }
      expect(body.products.map((p) => [p.offer_id, p.stock])).toEqual([["only-fridge", 1]])
    } finally {
      await app.stop()
    }
  })
})
