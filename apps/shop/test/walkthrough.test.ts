// The README's walkthrough as a test: one shopper buys two items and a service with courier delivery
// and a card, over the HTTP API only (test/shopper.ts), and the purchase ends the way the rest of the
// shop says it should: the order CONFIRMED with the amount paid, the ordered lines gone from the cart,
// the stock down by what was bought. Embedded (the one-process shop), and distributed with every
// context as its own process over this run's Kafka, Redis and PostgreSQL.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { testKafka, testPostgres, testRedis, runId } from "@kasa/test-support/infra"
import { type RunningProcess, startApp, stopProcess } from "@kasa/test-support/process"
import { purchase, type Send, sendTo, sendToApps } from "@kasa/test-support/shopper"
import { readUntil, waitFor } from "@kasa/test-support/wait-for"
const entry = new URL("../src/main.ts", import.meta.url).pathname
const TV = "tv-samsung-qe55q80d"
/** Cheap enough for cash on delivery (a grand total up to 5,000 PLN). */
const CHEAP_TV = "tv-tcl-32s5400a"
const RETRY_WINDOW_SECONDS = 4

type Json = Record<string, unknown>

/** What the shop says about a finished purchase, read through the same API. */
const aftermath = async (send: Send, session: string, orderId: string) => {
  const get = async (path: string) => (await (await send("GET", path, { headers: { "x-session-id": session } })).json()) as Json
  const order = await readUntil(() => get(`/orders/${orderId}`), (o) => o.status === "CONFIRMED", `order ${orderId} confirmed`, 30_000)
  const cart = await readUntil(() => get("/cart"), (c) => (c.items as Array<unknown>).length === 0, "the cart emptied of what was ordered", 30_000)
  const product = await get(`/catalog/products/${TV}`)
  return { order, cart, stock: product.stock as number }
}

describe("the README's walkthrough", () => {
  describe("embedded, the shop started as `npm run dev` starts it", () => {
    let app: RunningProcess | undefined
    let send: Send = () => Promise.reject(new Error("the shop has not started"))
    const get = async (path: string, session?: string) =>
      (await (await send("GET", path, session === undefined ? {} : { headers: { "x-session-id": session } })).json()) as Json
    const stockOf = async (offerId: string) => (await get(`/catalog/products/${offerId}`)).stock as number

    beforeAll(async () => {
      // No broker, no Redis, no PostgreSQL (an empty DATABASE_URL is none: CI may set one for the other
      // tests); a payment retry window short enough to see it end.
      app = await startApp(entry, { DATABASE_URL: "", BUN_JSC_forceRAMSize: "536870912", PAYMENT_RETRY_WINDOW_SECONDS: String(RETRY_WINDOW_SECONDS) }, 120_000)
      await waitFor(async () => (await fetch(`${app!.url}/health/ready`)).status === 200, { timeoutMs: 60_000, intervalMs: 100, describe: () => `the shop never ready:\n${app!.output()}` })
      expect(app.output()).toContain('"mode":"embedded"')
      send = sendTo(app.url)
    }, 180_000)
    afterAll(async () => {
      if (app !== undefined) await stopProcess(app.process)
    })

    test("the whole purchase ends in a confirmed order, an empty cart and one TV fewer in stock", async () => {
      const stockBefore = await stockOf(TV)
      const done = await purchase(send)
      expect(done.status).toBe("completed")
      const { order, stock } = await aftermath(send, done.session, done.order_id)
      expect(order).toMatchObject({ order_id: done.order_id, status: "CONFIRMED", grand_total: done.grand_total, currency: "PLN" })
      expect((order.lines as Array<{ offer_id: string }>).map((l) => l.offer_id).sort()).toEqual(["carry_in", "hdmi-cable-2m", TV].sort())
      expect(stock).toBe(stockBefore - 1)
    }, 60_000)

    test("cash on delivery: completed at once (the cart clears), the order PENDING until the courier collects, one TV fewer in stock", async () => {
      const stockBefore = await stockOf(CHEAP_TV)
      const done = await purchase(send, { tv: CHEAP_TV, paymentMethod: "cash_on_delivery" })
      expect(done.status).toBe("completed")
      const order = await readUntil(() => get(`/orders/${done.order_id}`, done.session), (o) => o.status === "PENDING", "a PENDING order", 30_000)
      expect(order).toMatchObject({ grand_total: done.grand_total, payment: { method_id: "cash_on_delivery" } })
      await readUntil(() => get("/cart", done.session), (c) => (c.items as Array<unknown>).length === 0, "the cart emptied", 30_000)
      expect(await stockOf(CHEAP_TV)).toBe(stockBefore - 1)
    }, 60_000)

    test("a failed payment, then a retry within the window that succeeds: completed, CONFIRMED", async () => {
      const failed = await purchase(send, { outcome: "fail" })
      expect(failed.status).toBe("payment_failed")
      await readUntil(() => get(`/orders/${failed.order_id}`, failed.session), (o) => o.status === "PAYMENT_FAILED", "PAYMENT_FAILED", 30_000)
      const retry = await send("POST", "/payment/initialize", { body: { order_id: failed.order_id }, headers: { "x-session-id": failed.session } })
      expect(retry.status).toBeLessThan(300)
      const page = ((await retry.json()) as { redirect_url: string }).redirect_url
      const paid = await send("POST", page, { body: { outcome: "succeed" } })
      expect(paid.status).toBe(200)
      await readUntil(() => get("/checkout/summary", failed.session), (b) => b.status === "completed", "completed after the retry", 30_000)
      const order = await readUntil(() => get(`/orders/${failed.order_id}`, failed.session), (o) => o.status === "CONFIRMED", "CONFIRMED", 30_000)
      expect((order.payment as { status: string }).status).toBe("succeeded")
    }, 60_000)

    test("a failed payment and no retry: when the window ends the order is cancelled and the stock comes back", async () => {
      const stockBefore = await stockOf(TV)
      const failed = await purchase(send, { outcome: "fail" })
      expect(await stockOf(TV)).toBe(stockBefore - 1)
      await readUntil(() => get("/checkout/summary", failed.session), (b) => b.status === "cancelled", "the checkout cancelled", (RETRY_WINDOW_SECONDS + 20) * 1000)
      const order = await readUntil(() => get(`/orders/${failed.order_id}`, failed.session), (o) => o.status === "CANCELLED", "CANCELLED", 30_000)
      expect(order.cancel_reason).toBe("payment_retry_expired")
      await readUntil(() => stockOf(TV), (stock) => stock === stockBefore, "the held TV back in stock", 30_000)
    }, 90_000)
  })

  describe("distributed, every context its own process", () => {
    const running: Array<RunningProcess> = []
    afterAll(async () => {
      await Promise.all(running.map((app) => stopProcess(app.process)))
    })

    test("the whole purchase over Kafka, Redis and PostgreSQL ends the same way", async () => {
      const [kafka, redis, postgres] = await Promise.all([testKafka(), testRedis(), testPostgres()])
      const env = {
        KAFKA_BROKERS: kafka.brokers,
        REDIS_URL: redis.url,
        // One prefix for the whole shop: catalog's stock and checkout's reservations are the same keys.
        REDIS_KEY_PREFIX: `kasa-test:${runId}:walkthrough:`,
        DATABASE_URL: postgres.url,
        SANDBOX_WEBHOOK_SECRET: "walkthrough-test-secret-0123456789abcdef",
        KAFKA_SESSION_TIMEOUT_MS: "6000"
      }
      const apps = ["catalog", "cart", "shipping", "promotion", "services", "payment", "checkout", "order"] as const
      const started = await Promise.all(apps.map((name) => startApp(new URL(`../../${name}/src/main.ts`, import.meta.url).pathname, env, 120_000)))
      running.push(...started)
      const url = Object.fromEntries(apps.map((name, i) => [name, started[i]!.url])) as Record<(typeof apps)[number], string>
      await Promise.all(
        started.map((app, i) =>
          waitFor(async () => (await fetch(`${app.url}/health/ready`)).status === 200, { timeoutMs: 90_000, intervalMs: 100, describe: () => `${apps[i]} never ready:\n${app.output()}` })
        )
      )
      const send = sendToApps([
        ["/catalog", url.catalog],
        ["/cart", url.cart],
        ["/shipping", url.shipping],
        ["/promotions", url.promotion],
        ["/services", url.services],
        ["/payment", url.payment],
        ["/sandbox", url.payment],
        ["/checkout", url.checkout],
        ["/orders", url.order]
      ])
      const stockBefore = ((await (await send("GET", `/catalog/products/${TV}`)).json()) as { stock: number }).stock
      const done = await purchase(send, { timeoutMs: 60_000 })
      expect(done.status).toBe("completed")
      const { order, stock } = await aftermath(send, done.session, done.order_id)
      expect(order).toMatchObject({ order_id: done.order_id, status: "CONFIRMED", grand_total: done.grand_total, currency: "PLN" })
      expect(stock).toBe(stockBefore - 1)
    }, 300_000)
  })
})
