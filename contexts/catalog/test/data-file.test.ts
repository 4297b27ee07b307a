// The shipped product data (SPEC §4.1, §9): it loads, and it holds what the demo rules and the other
// contexts rely on: several products of each category, oversize and large goods, accessories of
// every size, low stock somewhere, and warranties priced per parent category.
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { categories, defaultCatalogFile, parseCatalog, productsIn } from "@kasa/catalog"

const catalog = Result.getOrThrow(parseCatalog(await Bun.file(defaultCatalogFile).json(), defaultCatalogFile.pathname))

describe("the shipped catalog", () => {
  test("has at least 36 products, all in PLN grosze", () => {
    expect(catalog.products.length).toBeGreaterThanOrEqual(36)
    expect(catalog.currency).toBe("PLN")
    for (const p of catalog.products) expect(Number.isSafeInteger(p.price) && p.price > 0).toBe(true)
  })

  test.each(categories.map((c) => [c]))("has several %s products", (category) => {
    expect(productsIn(catalog, category).length).toBeGreaterThanOrEqual(3)
  })

  test.each([
    ["appliance", "oversize"],
    ["furniture", "oversize"],
    ["tv", "large"],
    ["accessory", "small"],
    ["accessory", "medium"],
    ["accessory", "large"]
  ] as const)("has %s products of size %s", (category, size) => {
    expect(productsIn(catalog, category).some((p) => p.size_class === size)).toBe(true)
  })

  test("has low stock somewhere (3 or fewer) and nothing sold out at start", () => {
    expect(catalog.products.some((p) => p.stock <= 3)).toBe(true)
    expect(catalog.products.every((p) => p.stock > 0)).toBe(true)
  })

  test("physical goods weigh something; warranties weigh nothing", () => {
    for (const p of catalog.products) expect(p.category === "warranty" ? p.weight_g === 0 : p.weight_g > 0).toBe(true)
  })

  test.each(["appliance", "tv", "furniture", "equipment"] as const)("offers a 2-year warranty for %s, named warranty-2y-%s", (category) => {
    const offer = catalog.byId.get(`warranty-2y-${category}`)
    expect(offer?.category).toBe("warranty")
    expect(offer?.warranty_for).toEqual([category])
  })
})
