// The shop started the way a user runs it distributed: KAFKA_BROKERS, REDIS_URL and DATABASE_URL set,
// it provisions its topics on the real broker, reports ready with every check (PostgreSQL for
// payment's records), and stops cleanly on SIGTERM; with its
// relay and consumers in a background thread (the default) or on the request thread, it looks and
// works the same from outside; in the thread, at a lower CPU priority than the requests.
import { readdirSync, readFileSync } from "node:fs"
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import { EventBusAdmin } from "@kasa/shared"
import { testKafka, testPostgres, testRedis } from "@kasa/test-support/infra"
import { sampleSum } from "@kasa/test-support/metrics-text"
import { startApp } from "@kasa/test-support/process"
import { readUntil } from "@kasa/test-support/wait-for"

const entry = new URL("../src/main.ts", import.meta.url).pathname

const consumedByShipping = async (url: string): Promise<number> =>
  sampleSum(await (await fetch(`${url}/metrics`)).text(), "kasa_events_consumed_total", { group: "shipping-consumer", outcome: "processed" })

/** Each thread's nice value (Linux: the 19th field of /proc/<pid>/task/<tid>/stat), by thread id. */
const niceOfThreads = (pid: number): ReadonlyMap<number, number> =>
  new Map(
    readdirSync(`/proc/${pid}/task`).map((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8")
      return [Number(tid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16])] as const
    })
  )

describe("shop, distributed", () => {
  test.each([
    ["in a background thread (the default)", {}, true],
    ["on the request thread (BACKGROUND_WORK=inline)", { BACKGROUND_WORK: "inline" }, false]
  ] as const)("relay and consumers %s: provisions topics, is ready over Kafka and Redis, handles an add, stops on SIGTERM", async (_, extra, threaded) => {
    const [kafka, redis, postgres] = await Promise.all([testKafka(), testRedis(), testPostgres()])
    const app = await startApp(entry, { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, DATABASE_URL: postgres.url, ...extra }, 60_000)
    try {
      // Other tests' cart processes (some SIGKILLed) share the consumer groups on this broker: the shop
      // may join while a group rebalances, so readiness is waited for, with a deadline.
      const ready = await readUntil(
        async () => {
          const response = await fetch(`${app.url}/health/ready`)
          return { status: response.status, body: (await response.json()) as { status: string; checks: Array<{ name: string; ok: boolean }> } }
        },
        (answer) => answer.status === 200,
        "the shop ready",
        60_000
      )
      const body = ready.body
      expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
        ["kafka", true],
        ["redis", true],
        ["postgresql", true],
        ["consumer catalog-consumer", true],
        ["consumer cart-consumer", true],
        ["consumer services-consumer", true],
        ["consumer promotion-consumer", true],
        ["consumer shipping-consumer", true],
        ["consumer payment-consumer", true],
        ["consumer payment-orders-consumer", true],
        ["consumer checkout-consumer", true],
        ["consumer order-consumer", true],
        ["outbox", true],
        ["outbox (records)", true]
      ])
      expect(ready.status).toBe(200)
      expect(app.output()).toContain('"mode":"distributed"')
      const topics = await Effect.runPromise(
        Effect.provide(Effect.flatMap(EventBusAdmin, (admin) => admin.listTopics), layerKafka({ brokers: kafka.brokers.split(","), clientId: "shop-test" }))
      )
      const names = topics.map((t) => t.name)
      for (const name of ["cart-events", "cart-events.dlq", "order-events", "checkout.requests"]) expect(names).toContain(name)

      expect(app.output().includes("relay and consumers run in a background thread")).toBe(threaded)
      // The background thread runs at BACKGROUND_NICE (10 by default): the request thread, never.
      const nice = niceOfThreads(app.process.pid)
      expect(nice.get(app.process.pid)).toBe(0)
      expect([...nice.values()].includes(10)).toBe(threaded)
      // An add reaches the shipping consumer, wherever it runs, and /metrics (the main thread's) counts it.
      const before = await consumedByShipping(app.url)
      const offer = "fridge-samsung-rb38"
      const added = await fetch(`${app.url}/cart/items`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ offer_id: offer, quantity: 1, type: "offer" }) })
      expect(added.status).toBe(201)
      await readUntil(() => consumedByShipping(app.url), (count) => count > before, "the shipping consumer counted the add", 30_000)
    } finally {
      app.process.kill("SIGTERM")
    }
    expect(await app.process.exited).toBe(0)
  })
})
