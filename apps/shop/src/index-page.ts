/**
 * The page at `/` of the one-process shop, until the storefront exists: what someone who just ran
 * `npm run dev` can open (the API docs, the OpenAPI document, readiness, metrics, the catalog) and the
 * demo data to try the API with (promotion ids, codes, service ids, shipping methods). The data comes
 * from the rules the modules loaded at start, so the page shows what this shop runs with, whichever
 * files the environment named. Plain HTML with every value escaped (the files are a shop owner's).
 */
import { Effect } from "effect"
import { Hono } from "hono"
import { html } from "hono/html"
import type { AppModule } from "@kasa/app-platform"
import { PromotionRules } from "@kasa/promotion"
import { ServiceRulebook } from "@kasa/services"
import { CurrentShippingRules } from "@kasa/shipping"

type IndexServices = PromotionRules | ServiceRulebook | CurrentShippingRules

const LINKS: ReadonlyArray<readonly [string, string]> = [
  ["/docs", "API reference (Scalar)"],
  ["/openapi.json", "OpenAPI 3.1 document"],
  ["/health/ready", "Readiness, with each check"],
  ["/metrics", "Prometheus metrics"],
  ["/catalog/products", "The catalog's products"]
]

const price = (amount: number, currency: string): string => `${(amount / 100).toFixed(2)} ${currency}`

const demoData = Effect.gen(function* () {
  const { rules: promotion } = yield* PromotionRules
  const { rules: services } = yield* ServiceRulebook
  const shipping = yield* CurrentShippingRules
  return {
    promotions: promotion.promotions.map((p) => [p.promotion_id, p.name] as const),
    codes: promotion.codes.map((c) => [c.code, c.name] as const),
    services: services.services.map((s) => [s.service_id, `${s.name}: ${price(s.price, services.currency)}${s.kind === "service_item" ? " per unit" : " per cart"}`] as const),
    methods: shipping.methods.map((m) => [m.method_id, `${m.name}: ${price(m.price_amount, shipping.currency)}`] as const)
  }
})

const table = (title: string, how: string, rows: ReadonlyArray<readonly [string, string]>) => html`
  <h2>${title}</h2>
  <p>${how}</p>
  <table>
    ${rows.map(([id, what]) => html`<tr><td><code>${id}</code></td><td>${what}</td></tr>`)}
  </table>`

/** The index page as a module (routes only) for the shop, which mounts every context it reads from. */
export const indexPageModule = (): AppModule<IndexServices> => ({
  name: "index-page",
  routes: (runtime) =>
    new Hono().get("/", async (c) => {
      const data = await runtime.runPromise(demoData)
      return c.html(html`<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Kasa shop</title></head>
  <body>
    <h1>Kasa shop</h1>
    <p>The API of an event-driven checkout; the storefront is not built yet. Every request carries a session in <code>X-Session-Id</code> (a response issues one).</p>
    <ul>
      ${LINKS.map(([href, what]) => html`<li><a href="${href}">${href}</a>: ${what}</li>`)}
    </ul>
    ${table("Promotions", "POST /promotions/apply with {\"promotion_id\": ...}", data.promotions)}
    ${table("Codes", "POST /promotions/apply-code with {\"code\": ...}", data.codes)}
    ${table("Services", "POST /cart/items with {\"type\": \"service\", \"offer_id\": <service id>, \"quantity\": 1} (and \"parent_item_id\" for a service bound to a line)", data.services)}
    ${table("Shipping methods", "GET /shipping/available lists those the cart allows; POST /shipping/select with {\"method_id\": ...}", data.methods)}
  </body>
</html>`)
    })
})
