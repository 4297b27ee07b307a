// Starting shipping: with the catalog's shipped data file by default (its oversize fridge rules out
// courier and parcel locker), refusing to start on a missing or invalid data file (naming it and the
// problem), and as a process started the way a user starts it.
import { describe, expect, test } from "bun:test"
import { startFailure, startFailureOnFile } from "@kasa/test-support/app-harness"
import { startApp } from "@kasa/test-support/process"
import { shippingModule } from "../src/module.ts"
import { call, cartLine, cartOf, newSession, sessionOf, startShippingApp, writeCatalogFile } from "./fixtures.ts"

const entry = new URL("../src/main.ts", import.meta.url).pathname

const methodsOf = async (response: Response) => ((await response.json()) as { methods: Array<{ method_id: string }> }).methods.map((m) => m.method_id)

describe("shipping module start", () => {
  test("by default it knows the parcels of the catalog's shipped data file", async () => {
    const t = await startShippingApp({ env: {} })
    try {
      const small = newSession()
      await cartOf(t, small, [cartLine("hdmi-cable-2m", { unit_price: 4_999 })])
      expect(await methodsOf(await call(t, "GET", "/shipping/available", { session: small }))).toEqual(["courier", "parcel_locker", "store_pickup"])
      const oversize = newSession()
      await cartOf(t, oversize, [cartLine("fridge-samsung-rb38", { unit_price: 329_900 })])
      expect(await methodsOf(await call(t, "GET", "/shipping/available", { session: oversize }))).toEqual(["store_pickup", "pallet"])
    } finally {
      await t.app.stop()
    }
  })

  test("it runs the shipping-consumer and publishes its OpenAPI paths", async () => {
    const catalog = await writeCatalogFile()
    const t = await startShippingApp({ catalogFile: catalog.file })
    try {
      expect(t.broker.groups.has("shipping-consumer")).toBe(true)
      const document = (await (await t.app.http.request("/openapi.json")).json()) as { paths: Record<string, unknown> }
      expect(Object.keys(document.paths).sort()).toEqual(["/shipping/addons", "/shipping/address", "/shipping/available", "/shipping/calendar", "/shipping/select", "/shipping/set-date"])
    } finally {
      await t.app.stop()
      await catalog.remove()
    }
  })

  test.each<[string, unknown, string]>([
    ["not JSON", "{ products: ", "not JSON"],
    ["not a product list", { items: [] }, 'expected {"products": [...]}']
  ])("a data file that is %s stops the start, naming the file and the problem", async (_, content, problem) => {
    const { file, message } = await startFailureOnFile("shipping", "products.json", content, (file) => [shippingModule({ env: { CATALOG_DATA_FILE: file } })])
    expect(message).toContain(file)
    expect(message).toContain(problem)
  })

  test("a data file that does not exist stops the start, naming it", async () => {
    const missing = "/nonexistent/kasa/products.json"
    expect(await startFailure("shipping", [shippingModule({ catalogFile: missing, env: {} })])).toContain(`invalid catalog ${missing}: cannot read the file`)
  })
})

describe("shipping, as a process", () => {
  test("its entry point serves shipping embedded, reports ready, and stops on SIGTERM", async () => {
    const app = await startApp(entry, {})
    try {
      const response = await fetch(`${app.url}/shipping/available`)
      expect(response.status).toBe(200)
      expect(sessionOf(response).id).toStartWith("sess_")
      expect(await response.json()).toEqual({ methods: [], selected_method_id: null })
      expect((await fetch(`${app.url}/health/ready`)).status).toBe(200)
      expect(app.output()).toContain('"mode":"embedded"')
    } finally {
      app.process.kill("SIGTERM")
    }
    expect(await app.process.exited).toBe(0)
  })
})
