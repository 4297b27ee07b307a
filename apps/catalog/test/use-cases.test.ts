// The catalog's use cases over the memory adapter: live stock in listings, unknown products and
// categories named as such, reservations refused for offers the catalog does not sell, seeding.
import { describe, expect, test } from "bun:test"
import { Effect, Layer, Result } from "effect"
import {
  getProduct,
  listProducts,
  parseCatalog,
  ProductCatalog,
  releaseExpiredReservations,
  reserveStock,
  seedStock,
  StockReservations
} from "@kasa/catalog"
import { layerMemoryStockReservations, MemoryStateData } from "@kasa/adapter-memory"

const catalog = Result.getOrThrow(
  parseCatalog({
    products: [
      { offer_id: "tv-1", name: "TV", category: "tv", price: 100000, currency: "PLN", weight_g: 9000, size_class: "large", stock: 4 },
      { offer_id: "cable-1", name: "Kabel", category: "accessory", price: 2999, currency: "PLN", weight_g: 100, size_class: "small", stock: 50 }
    ]
  })
)

const run = <A, E>(effect: Effect.Effect<A, E, ProductCatalog | StockReservations>, data = new MemoryStateData()) =>
  Effect.runPromise(Effect.provide(effect, Layer.mergeAll(Layer.succeed(ProductCatalog, catalog), layerMemoryStockReservations(data))))

describe("catalog use cases", () => {
  test("seedStock then listProducts shows each product with its stock, filtered by category", async () => {
    const data = new MemoryStateData()
    expect(await run(seedStock(), data)).toEqual(["tv-1", "cable-1"])
    expect((await run(listProducts(), data)).map((p) => [p.offer_id, p.stock])).toEqual([["tv-1", 4], ["cable-1", 50]])
    expect((await run(listProducts("accessory"), data)).map((p) => p.offer_id)).toEqual(["cable-1"])
    expect(await run(seedStock(), data)).toEqual([])
  })

  test("before seeding, stock reads 0", async () => {
    expect((await run(getProduct("tv-1"))).stock).toBe(0)
  })

  test.each<[string, Effect.Effect<unknown, { readonly _tag: string }, ProductCatalog | StockReservations>, string]>([
    ["an unknown category", listProducts("toys"), "UnknownCategory"],
    ["an unknown product", getProduct("radio-1"), "ProductNotFound"],
    [
      "a reservation of an offer the catalog does not sell",
      reserveStock({ orderId: "o1", sessionId: "s1", correlationId: "c1", lines: [{ offer_id: "tv-1", quantity: 1 }, { offer_id: "radio-1", quantity: 1 }], ttlSeconds: 60 }),
      "ProductNotFound"
    ],
    ["a reservation beyond stock", reserveStock({ orderId: "o2", sessionId: "s1", correlationId: "c1", lines: [{ offer_id: "tv-1", quantity: 5 }], ttlSeconds: 60 }), "InsufficientStock"]
  ])("%s fails with %s", async (_, effect, tag) => {
    const data = new MemoryStateData()
    await run(seedStock(), data)
    const error = await run(Effect.flip(effect), data)
    expect(error._tag).toBe(tag)
    expect((await run(listProducts(), data)).map((p) => p.stock)).toEqual([4, 50])
  })

  test("releaseExpiredReservations uses the clock: nothing is released before the deadline", async () => {
    const data = new MemoryStateData()
    await run(seedStock(), data)
    await run(reserveStock({ orderId: "o3", sessionId: "s1", correlationId: "c1", lines: [{ offer_id: "tv-1", quantity: 1 }], ttlSeconds: 3_600 }), data)
    expect(await run(releaseExpiredReservations(), data)).toEqual([])
    expect((await run(getProduct("tv-1"), data)).stock).toBe(3)
  })
})
