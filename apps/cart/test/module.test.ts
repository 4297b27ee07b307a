// Starting the cart: with the catalog's shipped data file by default, with the file CATALOG_DATA_FILE
// names, refusing to start on a missing or invalid file (naming it and the problem), and as a
// process started the way a user starts it.
import { describe, expect, test } from "bun:test"
import { readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { defaultCatalogFile } from "@kasa/catalog"
import { startFailure, startFailureOnFile } from "@kasa/test-support/app-harness"
import { startApp } from "@kasa/test-support/process"
import { cartModule } from "../src/module.ts"
import { call, fixtureProducts, newSession, sessionOf, startCartApp, writeCatalogFile } from "./fixtures.ts"

const entry = new URL("../src/main.ts", import.meta.url).pathname

/** The first product of the shipped file that can be added on its own. */
const shippedProduct = async () => {
  const file = JSON.parse(await readFile(fileURLToPath(defaultCatalogFile), "utf8")) as { products: Array<{ offer_id: string; category: string; price: number }> }
  return file.products.find((p) => p.category !== "warranty")!
}

describe("cart module start", () => {
  test("by default it serves the offers of the catalog's shipped data file, at their prices", async () => {
    const product = await shippedProduct()
    const t = await startCartApp({ env: {} })
    try {
      const response = await call(t, "POST", "/cart/items", { session: newSession(), body: { offer_id: product.offer_id, quantity: 1, type: "offer" } })
      expect(response.status).toBe(201)
      expect(await response.json()).toMatchObject({ items: [{ offer_id: product.offer_id, unit_price: product.price }] })
    } finally {
      await t.app.stop()
    }
  })

  test.each<[string, unknown, string]>([
    ["not JSON", "{ products: ", "not JSON"],
    ["not a product list", { items: [] }, 'expected {"products": [...]}'],
    ["a product with a price that is not an integer", { products: [{ ...fixtureProducts[0]!, price: "12.99" }] }, "price"]
  ])("a data file that is %s stops the start, naming the file and the problem", async (_, content, problem) => {
    const { file, message } = await startFailureOnFile("cart", "products.json", content, (file) => [cartModule({ env: { CATALOG_DATA_FILE: file } })])
    expect(message).toContain(file)
    expect(message).toContain(problem)
  })

  test("a data file that does not exist stops the start, naming it", async () => {
    const missing = "/nonexistent/kasa/products.json"
    expect(await startFailure("cart", [cartModule({ catalogFile: missing })])).toContain(`invalid catalog ${missing}: cannot read the file`)
  })
})

describe("cart, as a process", () => {
  test("its entry point serves the cart embedded and stops on SIGTERM", async () => {
    const catalog = await writeCatalogFile()
    const app = await startApp(entry, { CATALOG_DATA_FILE: catalog.file })
    try {
      const response = await fetch(`${app.url}/cart/items`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ offer_id: "sofa-3", quantity: 1, type: "offer" })
      })
      expect(response.status).toBe(201)
      expect(sessionOf(response).id).toStartWith("sess_")
      expect(app.output()).toContain('"mode":"embedded"')
    } finally {
      app.process.kill("SIGTERM")
      await catalog.remove()
    }
    expect(await app.process.exited).toBe(0)
  })
})
