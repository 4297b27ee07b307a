// Idempotency-Key when the first attempt's outcome is unclear (SPEC §2), embedded and over Kafka +
// Redis: a commit that reached the store but whose answer was lost (the client sees a 5xx) is never
// applied again, and the retry gets the answer the work produced, byte for byte; a retry while the
// first attempt still runs, or after one that ended unclear, is a 409 request_in_progress.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import type { CartView } from "@kasa/cart"
import { type App, createApp } from "@kasa/app-platform"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { runPrefix, testKafka, testRedis } from "@kasa/test-support/infra"
import { newSession, TEST_SESSION_SECRET } from "@kasa/test-support/app-harness"
import { faultyStore } from "@kasa/test-support/faulty-store"
import { cartModule } from "../src/module.ts"
import { writeCatalogFile } from "./fixtures.ts"

const modes = [
  ["embedded", async () => ({})],
  [
    "distributed (Kafka + Redis)",
    async () => {
      const [kafka, redis] = await Promise.all([testKafka(), testRedis()])
      return { env: { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, SESSION_SECRET: TEST_SESSION_SECRET }, keyPrefix: `${runPrefix}unclear:` }
    }
  ]
] as const

describe.each(modes)("Idempotency-Key with an unclear outcome, %s", (_mode, infra) => {
  let app: App
  let catalog: Awaited<ReturnType<typeof writeCatalogFile>>
  const store = faultyStore()

  beforeAll(async () => {
    catalog = await writeCatalogFile()
    const extra = await infra()
    app = await createApp({
      name: "cart",
      modules: [cartModule({ catalogFile: catalog.file })],
      env: { SESSION_SECRET: TEST_SESSION_SECRET },
      log: () => {},
      wrapStateStore: store.wrap,
      ...extra
    })
  }, 120_000)
  afterAll(async () => {
    await app?.stop()
    await catalog?.remove()
  })

  const add = (session: string, key: string) =>
    app.http.request("/cart/items", {
      method: "POST",
      headers: { "content-type": "application/json", "X-Session-Id": session, "Idempotency-Key": key },
      body: JSON.stringify({ offer_id: "tv-55-oled", quantity: 1, type: "offer" })
    })
  const cartOf = (session: string) => app.http.request("/cart", { headers: { "X-Session-Id": session } })

  test("the commit applies but the client sees a 5xx: the retry replays the first answer and the line is added once", async () => {
    const session = newSession().token
    store.arm("apply-then-fail")
    const first = await add(session, "add-tv")
    expect(first.status).toBe(503)
    const retry = await add(session, "add-tv")
    expect(retry.status).toBe(201)
    expect(retry.headers.get("idempotent-replayed")).toBe("true")
    expect(retry.headers.get("content-type")).toBe("application/json")
    expect(retry.headers.get("X-Session-Id")).toBe(session)
    const cart = await cartOf(session)
    // The answer the work produced, byte for byte: the cart as it was committed.
    const body = await cart.text()
    expect(await retry.text()).toBe(body)
    const view = JSON.parse(body) as CartView
    expect(view.items.map((item) => [item.offer_id, item.quantity])).toEqual([["tv-55-oled", 1]])
    expect(view.item_count).toBe(1)
  })

  test("a first attempt that ended unclear is never run again: the retry is a 409 request_in_progress", async () => {
    const session = newSession().token
    store.arm("fail-unapplied")
    expect((await add(session, "add-tv")).status).toBe(503)
    const retry = await add(session, "add-tv")
    expect(retry.status).toBe(409)
    expect(retry.headers.get("content-type")).toBe("application/problem+json")
    expect(((await retry.json()) as { code: string }).code).toBe("request_in_progress")
    expect(retry.headers.get("X-Session-Id")).toBe(session)
    expect(((await (await cartOf(session)).json()) as CartView).items).toEqual([])
  })

  test("a retry while the first attempt still runs is a 409 request_in_progress; afterwards the answer is replayed", async () => {
    const session = newSession().token
    store.arm("hold")
    const first = add(session, "add-tv")
    await Effect.runPromise(waitUntil(store.holding, { describe: () => "the first attempt has not reached its commit" }))
    const during = await add(session, "add-tv")
    expect(during.status).toBe(409)
    expect(((await during.json()) as { code: string }).code).toBe("request_in_progress")
    store.release()
    const answered = await first
    expect(answered.status).toBe(201)
    const firstBody = await answered.text()
    const after = await add(session, "add-tv")
    expect(after.status).toBe(201)
    expect(after.headers.get("idempotent-replayed")).toBe("true")
    expect(await after.text()).toBe(firstBody)
    expect(((await (await cartOf(session)).json()) as CartView).items.map((item) => item.quantity)).toEqual([1])
  })
})
