// Finalize under contention over a real Redis (checkout distributed in process, with the catalog
// seeding its stock, every key under this run's prefix): 1,000 shoppers finalize at once against an
// offer with 10 units: exactly 10 orders (202), the other 990 a 409 naming the short line, the stock
// never below 0 while they run and 0 after, exactly 10 `checkout.order_created` on Kafka. And one
// shopper sending the same Idempotency-Key twice at once, then again: one order, one reservation.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { StockReservations } from "@kasa/catalog"
import { applyEvents, checkoutSessionKey, emptyProjection, emptySession, type ProjectedEvent } from "@kasa/checkout"
import { catalogModule } from "@kasa/app-catalog"
import { type App, createApp } from "@kasa/app-platform"
import { decodeEnvelope, EventBusAdmin, StateStore, Topics } from "@kasa/shared"
import { newSession, type Session, TEST_SESSION_SECRET, writeTempFile } from "@kasa/test-support/app-harness"
import { runPrefix, testKafka, testRedis } from "@kasa/test-support/infra"
import { waitFor } from "@kasa/test-support/wait-for"
import { checkoutModule } from "../src/index.ts"
import { CONSENTS, CUSTOMER } from "./fixtures.ts"

const SCARCE = "tv-scarce-10"
const SPARE = "tv-spare-5"
const PRICE = 199_900
const SHOPPERS = 1_000

let app: App
let catalog: Awaited<ReturnType<typeof writeTempFile>>

beforeAll(async () => {
  const [kafka, redis] = await Promise.all([testKafka(), testRedis()])
  const product = (offer_id: string, stock: number) => ({ offer_id, name: offer_id, category: "tv", price: PRICE, currency: "PLN", weight_g: 15_000, size_class: "large", stock })
  catalog = await writeTempFile("products.json", { products: [product(SCARCE, 10), product(SPARE, 5)] })
  app = await createApp({
    name: "checkout",
    modules: [catalogModule({ dataFile: catalog.file }), checkoutModule({ env: {} })],
    env: { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, SESSION_SECRET: TEST_SESSION_SECRET },
    keyPrefix: `${runPrefix}finalize:`,
    log: () => {}
  })
}, 180_000)

afterAll(async () => {
  await app?.stop()
  await catalog?.remove()
})

/** Writes a session ready to finalize one unit of `offerId` straight into the store (the consumer's part is tested elsewhere). */
const readySession = (offerId: string): Promise<Session> => {
  const session = newSession()
  const s = { session_id: session.id }
  const events: ReadonlyArray<ProjectedEvent> = [
    { name: "cart.item_added", payload: { ...s, cart_version: 1, currency: "PLN", lines: [{ item_id: "item_1", offer_id: offerId, type: "offer", name: offerId, category: "tv", quantity: 1, unit_price: PRICE, parent_item_id: null }] } },
    { name: "shipping.method_selected", payload: { ...s, method_id: "parcel_locker", method_name: "Parcel locker", price_amount: 1_299 } },
    { name: "shipping.address_provided", payload: { ...s, street: "Prosta 1", city: "Warszawa", postal_code: "00-001", country: "PL" } },
    { name: "payment.method_selected", payload: { ...s, method_id: "blik" } }
  ]
  const value = { ...emptySession(session.id), projection: applyEvents(emptyProjection(session.id), events), customer: CUSTOMER, consents: { ...CONSENTS, marketing_opt_in: false } }
  return app.runtime.runPromise(
    Effect.flatMap(StateStore, (store) => store.commit({ ops: [{ op: "set", key: checkoutSessionKey(session.id), value: JSON.stringify(value), ttlSeconds: 3_600 }] }))
  ).then(() => session)
}

const finalize = (session: Session, key: string) =>
  app.http.request("/checkout/finalize", {
    method: "POST",
    headers: { "X-Session-Id": session.token, "Idempotency-Key": key, "content-type": "application/json" },
    body: JSON.stringify({ expected_total: PRICE + 1_299 })
  })

const stockOf = (offerId: string) => app.runtime.runPromise(Effect.flatMap(StockReservations, (stock) => Effect.map(stock.stock([offerId]), ([level]) => level!.stock)))

/** `checkout.order_created` on Kafka for these sessions. */
const ordersOnKafka = async (sessions: ReadonlySet<string>) =>
  (await app.runtime.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(Topics.checkout)))).flatMap((message) => {
    const decoded = decodeEnvelope(message.value)
    return decoded.ok && decoded.envelope.event_name === "checkout.order_created" && sessions.has(message.key ?? "") ? [decoded.envelope] : []
  })

describe("finalize under contention, over Redis", () => {
  test("1,000 concurrent finalizes against a stock of 10: exactly 10 orders, 990 out_of_stock 409s, stock never negative", async () => {
    expect(app.config.mode).toBe("distributed")
    expect(await stockOf(SCARCE)).toBe(10)
    const sessions = await Promise.all(Array.from({ length: SHOPPERS }, () => readySession(SCARCE)))
    // Watches the stock while the finalizes run: it must never go below 0.
    const seen: Array<number> = []
    let running = true
    const watching = (async () => {
      while (running) seen.push(await stockOf(SCARCE))
    })()
    const responses = await Promise.all(sessions.map((session, i) => finalize(session, `contention-${i}`)))
    running = false
    await watching
    const bodies = await Promise.all(responses.map(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> })))
    const orders = bodies.filter((b) => b.status === 202)
    const refused = bodies.filter((b) => b.status === 409)
    expect(orders).toHaveLength(10)
    expect(refused).toHaveLength(SHOPPERS - 10)
    expect(new Set(refused.map((b) => b.body.code))).toEqual(new Set(["out_of_stock"]))
    expect(refused[0]!.body.lines).toEqual([{ offer_id: SCARCE, requested: 1, available: 0 }])
    expect(new Set(orders.map((b) => b.body.order_id)).size).toBe(10)
    expect(seen.length).toBeGreaterThan(0)
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0)
    expect(await stockOf(SCARCE)).toBe(0)
    const ids = new Set(sessions.map((s) => s.id))
    const created = await waitFor(async () => {
      const found = await ordersOnKafka(ids)
      return found.length >= 10 ? found : undefined
    }, { timeoutMs: 60_000, intervalMs: 200, describe: () => "10 checkout.order_created on Kafka" })
    expect(new Set(created.map((e) => (e.payload as { order_id: string }).order_id))).toEqual(new Set(orders.map((b) => b.body.order_id as string)))
  }, 180_000)

  test("the same Idempotency-Key twice at once, then again: one order, one unit reserved", async () => {
    const session = await readySession(SPARE)
    const [a, b] = await Promise.all([finalize(session, "same-key"), finalize(session, "same-key")])
    const statuses = [a.status, b.status].sort()
    // The second either waits its turn and replays the first answer, or finds it still running.
    expect(statuses[0]).toBe(202)
    expect([202, 409]).toContain(statuses[1]!)
    const replay = await finalize(session, "same-key")
    expect(replay.status).toBe(202)
    expect(replay.headers.get("idempotent-replayed")).toBe("true")
    const first = (await (a.status === 202 ? a : b).json()) as { order_id: string }
    expect(((await replay.json()) as { order_id: string }).order_id).toBe(first.order_id)
    expect(await stockOf(SPARE)).toBe(4)
    const created = await waitFor(async () => {
      const found = await ordersOnKafka(new Set([session.id]))
      return found.length >= 1 ? found : undefined
    }, { timeoutMs: 60_000, intervalMs: 200, describe: () => "checkout.order_created on Kafka" })
    expect(created).toHaveLength(1)
  }, 120_000)
})
