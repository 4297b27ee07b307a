// The page at `/` of the one-process shop: links to the docs, the OpenAPI document, readiness,
// metrics and the catalog (each of which answers), and the demo data of the rules the shop loaded
// (promotion ids, codes, service ids, shipping methods), taken from the files it started with.
import { afterAll, describe, expect, test } from "bun:test"
import { createApp } from "@kasa/app-platform"
import { promotionModule } from "@kasa/app-promotion"
import { servicesModule } from "@kasa/app-services"
import { shippingModule } from "@kasa/app-shipping"
import { fixtureShippingRulesFile } from "@kasa/shipping/testing"
import { writeTempFile } from "@kasa/test-support/app-harness"
import { indexPageModule } from "../src/index-page.ts"
import { shopModules } from "../src/modules.ts"

const hrefs = (page: string) => [...page.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!)

describe("the shop's index page", async () => {
  const app = await createApp({ name: "shop", modules: shopModules, env: {}, log: () => {} })
  afterAll(() => app.stop())

  test("is an HTML page at / linking to the docs, the API document, readiness, metrics and the catalog, each of which answers", async () => {
    const response = await app.http.request("/")
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toContain("text/html")
    const links = hrefs(await response.text())
    expect(links).toEqual(["/docs", "/openapi.json", "/health/ready", "/metrics", "/catalog/products"])
    for (const link of links) expect({ link, status: (await app.http.request(link)).status }).toEqual({ link, status: 200 })
  })

  test("lists the demo data of the shipped rules: promotion ids, codes, service ids, shipping methods", async () => {
    const page = await (await app.http.request("/")).text()
    // SPEC §9's demo data, which the shipped files hold.
    for (const id of ["second-item-half-price", "buy-3-get-1", "WELCOME10", "MINUS50", "EXPIRED2020", "carry_in", "assembly", "installation", "sms_notification", "gift_wrap", "extended_support", "courier", "parcel_locker", "store_pickup", "pallet"]) {
      expect(page).toContain(`<code>${id}</code>`)
    }
  })
})

describe("the index page on a shop's own rules files", () => {
  test("shows what the files the shop started with say, escaped", async () => {
    const promotions = await writeTempFile(
      "promotions.yaml",
      'currency: PLN\npromotions: []\ncodes:\n  - { code: SPRING5, name: "Spring <5%>", kind: percentage, percent: 5, combines_with: { promotions: true } }\n'
    )
    const shipping = await writeTempFile("shipping.json", { ...fixtureShippingRulesFile, methods: [{ method_id: "store_pickup", name: "Odbiór w sklepie", price_amount: 500, supports_express: false }], addons: [] })
    const app = await createApp({
      name: "shop",
      modules: [promotionModule({ rulesFile: promotions.file }), servicesModule({ env: {} }), shippingModule({ rulesFile: shipping.file, env: {} }), indexPageModule()],
      env: {},
      log: () => {}
    })
    try {
      const page = await (await app.http.request("/")).text()
      expect(page).toContain("<code>SPRING5</code>")
      expect(page).toContain("Spring &lt;5%&gt;")
      expect(page).not.toContain("WELCOME10")
      expect(page).toContain("<code>store_pickup</code></td><td>Odbiór w sklepie: 5.00 PLN")
      expect(page).not.toContain("<code>courier</code>")
    } finally {
      await app.stop()
      await promotions.remove()
      await shipping.remove()
    }
  })
})
