// The catalog app started the way a user runs it: distributed (KAFKA_BROKERS and REDIS_URL from the
// test infrastructure) it seeds its stock in Redis and answers products with the live stock there,
// keeps live stock across a restart, stops cleanly on SIGTERM; a bad data file stops it at start
// naming the problem. Offer ids are unique to this run, so its Redis keys are too, and removed after.
import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer, ManagedRuntime } from "effect"
import { createClient } from "redis"
import { type Product, StockKeys, StockReservations } from "@kasa/catalog"
import { layerRedisConnection, layerRedisStockReservations, outboxStreamKey } from "@kasa/adapter-redis"
import { runId, testKafka, testRedis } from "@kasa/test-support/infra"
import { spawnApp, startApp } from "@kasa/test-support/process"

const entry = new URL("../src/main.ts", import.meta.url).pathname
const tmp = mkdtempSync(join(tmpdir(), "kasa-catalog-process-"))
const tv = `proc-${runId}-tv`
const cable = `proc-${runId}-cable`
const orderId = `proc-${runId}-order`
const testOutbox = `catalog-test-${runId}`
const dataFile = join(tmp, "products.json")
writeFileSync(
  dataFile,
  JSON.stringify({
    products: [
      { offer_id: tv, name: "Telewizor testowy 55\"", category: "tv", price: 199900, currency: "PLN", weight_g: 17000, size_class: "large", stock: 5 },
      { offer_id: cable, name: "Kabel HDMI", category: "accessory", price: 4999, currency: "PLN", weight_g: 150, size_class: "small", stock: 40 }
    ]
  })
)

afterAll(async () => {
  // The app runs without a key prefix (as in production), so remove exactly what this run created.
  const { url } = await testRedis()
  const client = createClient({ url })
  client.on("error", () => {})
  await client.connect()
  await client.del([StockKeys.stock(tv), StockKeys.stock(cable), StockKeys.reservation(orderId), outboxStreamKey(testOutbox)])
  await client.zRem(StockKeys.deadlines, orderId)
  client.destroy()
})

const products = async (url: string) => ((await (await fetch(`${url}/catalog/products`)).json()) as { products: Array<Product> }).products.map((p) => [p.offer_id, p.stock])

describe("catalog, as a process", () => {
  test("distributed: seeds Redis, answers live stock from it, keeps it across a restart, stops on SIGTERM", async () => {
    const kafka = await testKafka()
    const redis = await testRedis()
    const env = { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, CATALOG_DATA_FILE: dataFile }
    const first = await startApp(entry, env, 60_000)
    try {
      const ready = (await (await fetch(`${first.url}/health/ready`)).json()) as { checks: Array<{ name: string; ok: boolean }> }
      expect(ready.checks.map((c) => [c.name, c.ok])).toEqual([["kafka", true], ["redis", true], ["consumer catalog-consumer", true], ["outbox", true]])
      expect(first.output()).toContain('"mode":"distributed"')
      expect(await products(first.url)).toEqual([[tv, 5], [cable, 40]])

      // Another process (the checkout, later) reserves through Redis; the app answers the live figure.
      const runtime = ManagedRuntime.make(layerRedisStockReservations({ outboxName: testOutbox }).pipe(Layer.provide(layerRedisConnection({ url: redis.url }))))
      try {
        await runtime.runPromise(
          Effect.flatMap(StockReservations, (s) =>
            s.reserve({ orderId, sessionId: `sess_${runId}`, correlationId: `corr_${runId}`, lines: [{ offer_id: tv, quantity: 2 }, { offer_id: cable, quantity: 1 }], ttlSeconds: 900 })
          )
        )
      } finally {
        await runtime.dispose()
      }
      const one = (await (await fetch(`${first.url}/catalog/products/${tv}`)).json()) as Product
      expect(one.stock).toBe(3)
      expect(await products(first.url)).toEqual([[tv, 3], [cable, 39]])
      const missing = await fetch(`${first.url}/catalog/products/proc-${runId}-nothing`)
      expect([missing.status, missing.headers.get("content-type")]).toEqual([404, "application/problem+json"])
    } finally {
      first.process.kill("SIGTERM")
    }
    expect(await first.process.exited).toBe(0)

    const second = await startApp(entry, env, 60_000)
    try {
      expect(await products(second.url)).toEqual([[tv, 3], [cable, 39]])
    } finally {
      second.process.kill("SIGTERM")
    }
    expect(await second.process.exited).toBe(0)
  }, 120_000)

  test("a bad data file stops it at start, naming the file and the problem", async () => {
    const bad = join(tmp, "bad.json")
    writeFileSync(bad, JSON.stringify({ products: [{ offer_id: "x-1", name: "X", category: "toys", price: 100, currency: "PLN", weight_g: 1, size_class: "small", stock: 1 }] }))
    const child = spawnApp(entry, { CATALOG_DATA_FILE: bad, PORT: "0" })
    expect(await child.exited).toBe(1)
    const stderr = await new Response(child.stderr).text()
    expect(stderr).toContain(`catalog: cannot start: invalid catalog ${bad}: products[0] (x-1).category`)
  })
})
