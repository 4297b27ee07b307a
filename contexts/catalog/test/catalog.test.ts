// The pure catalog: parsing and validating a product list, finding, filtering, live stock.
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { categories, findProduct, parseCatalog, parseCategory, productsIn, withStock, type Product } from "@kasa/catalog"

/** A raw product; a field given as undefined is left out. */
const product = (over: Record<string, unknown> = {}): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries({ offer_id: "fridge-1", name: "Lodówka", category: "appliance", price: 199900, currency: "PLN", weight_g: 70000, size_class: "oversize", stock: 4, ...over }).filter(
      ([, value]) => value !== undefined
    )
  )

const warranty = (over: Record<string, unknown> = {}) =>
  product({ offer_id: "warranty-2y-appliance", name: "+2 lata", category: "warranty", price: 19900, weight_g: 0, size_class: "small", stock: 1000, warranty_for: ["appliance"], ...over })

const problemsOf = (input: unknown): ReadonlyArray<string> => {
  const result = parseCatalog(input, "test.json")
  return Result.isFailure(result) ? result.failure.problems : []
}

describe("parseCatalog", () => {
  test("a valid list becomes a catalog indexed by offer id, in the file's order", () => {
    const result = parseCatalog({ products: [product(), warranty(), product({ offer_id: "tv-1", category: "tv", size_class: "large" })] })
    expect(Result.isSuccess(result)).toBe(true)
    const catalog = Result.getOrThrow(result)
    expect(catalog.products.map((p) => p.offer_id)).toEqual(["fridge-1", "warranty-2y-appliance", "tv-1"])
    expect(catalog.byId.get("tv-1")?.category).toBe("tv")
    expect(catalog.currency).toBe("PLN")
  })

  test.each<[string, unknown, string]>([
    ["not an object", [product()], `expected {"products": [...]}`],
    ["no products key", { items: [] }, `expected {"products": [...]}`],
    ["an empty catalog", { products: [] }, "products: the catalog has no products"],
    ["a float price", { products: [product({ price: 19.99 })] }, "products[0] (fridge-1).price: Expected an integer"],
    ["a negative price", { products: [product({ price: -1 })] }, "products[0] (fridge-1).price"],
    ["a negative stock", { products: [product({ stock: -3 })] }, "products[0] (fridge-1).stock"],
    ["an unknown category", { products: [product({ category: "toys" })] }, "products[0] (fridge-1).category"],
    ["an unknown size class", { products: [product({ size_class: "huge" })] }, "products[0] (fridge-1).size_class"],
    ["a lowercase currency", { products: [product({ currency: "pln" })] }, "products[0] (fridge-1).currency"],
    ["an offer id with spaces", { products: [product({ offer_id: "Big Fridge" })] }, "products[0] (Big Fridge).offer_id"],
    ["a missing name", { products: [product({ name: undefined })] }, "products[0] (fridge-1).name: Missing key"],
    ["a product that is not an object", { products: [42] }, "products[0]"],
    ["a duplicate offer id", { products: [product(), product({ name: "Inna" })] }, "products[1].offer_id: duplicate of products[0] (fridge-1)"],
    ["two currencies", { products: [product(), product({ offer_id: "tv-1", currency: "EUR" })] }, "products[1] (tv-1).currency: EUR, but the catalog is priced in PLN"],
    ["a warranty covering nothing", { products: [warranty({ warranty_for: [] })] }, "warranty_for: a warranty must list the categories it covers"],
    ["a warranty without warranty_for", { products: [warranty({ warranty_for: undefined })] }, "warranty_for: a warranty must list the categories it covers"],
    ["a warranty covering warranties", { products: [warranty({ warranty_for: ["warranty"] })] }, "warranty_for: a warranty cannot cover a warranty"],
    ["warranty_for on a fridge", { products: [product({ warranty_for: ["tv"] })] }, "products[0] (fridge-1).warranty_for: only warranties cover other categories"]
  ])("refuses %s, naming the problem", (_, input, expected) => {
    const problems = problemsOf(input)
    expect(problems.some((p) => p.includes(expected))).toBe(true)
  })

  test("reports every problem at once, and the error message names the source", () => {
    const result = parseCatalog({ products: [product({ price: 1.5 }), product({ offer_id: "b-1", stock: -1 }), product()] }, "products.json")
    expect(Result.isFailure(result)).toBe(true)
    const error = Result.isFailure(result) ? result.failure : undefined
    expect(error?.problems).toHaveLength(3)
    expect(error?.message).toStartWith("invalid catalog products.json: products[0] (fridge-1).price")
  })
})

describe("lookups", () => {
  const catalog = Result.getOrThrow(
    parseCatalog({ products: [product(), product({ offer_id: "tv-1", category: "tv" }), product({ offer_id: "tv-2", category: "tv" }), warranty()] })
  )

  test.each<[string, string | undefined]>([
    ["fridge-1", "fridge-1"],
    ["tv-2", "tv-2"],
    ["nope", undefined],
    ["", undefined],
    ["FRIDGE-1", undefined]
  ])("findProduct(%s)", (id, found) => {
    const result = findProduct(catalog, id)
    if (found === undefined) expect(Result.isFailure(result) && result.failure._tag === "ProductNotFound" && result.failure.offer_id === id).toBe(true)
    else expect(Result.getOrThrow(result).offer_id).toBe(found)
  })

  test.each<[string, ReadonlyArray<string> | "unknown"]>([
    ["tv", ["tv-1", "tv-2"]],
    ["appliance", ["fridge-1"]],
    ["warranty", ["warranty-2y-appliance"]],
    ["furniture", []],
    ["TV", "unknown"],
    ["", "unknown"],
    ["toys", "unknown"]
  ])("category %s", (raw, expected) => {
    const parsed = parseCategory(raw)
    if (expected === "unknown") {
      expect(Result.isFailure(parsed) && parsed.failure._tag === "UnknownCategory" && parsed.failure.known.join()).toBe(categories.join())
      return
    }
    expect(productsIn(catalog, Result.getOrThrow(parsed)).map((p) => p.offer_id)).toEqual([...expected])
  })

  test("productsIn without a category is everything", () => {
    expect(productsIn(catalog)).toHaveLength(4)
  })

  test.each([
    [4, 4],
    [0, 0],
    [-2, 0]
  ])("withStock(%i) shows %i", (live, shown) => {
    const p = catalog.byId.get("fridge-1") as Product
    expect(withStock(p, live)).toEqual({ ...p, stock: shown })
  })
})
