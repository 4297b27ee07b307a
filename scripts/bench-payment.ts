/**
 * `bun run bench:payment`: payment's numbers from a second process, in one run. Starts payment alone,
 * distributed (this run's Kafka and Redis, its records in a PostgreSQL database of the bench's own,
 * dropped afterwards), and measures: (1) the time from publishing `checkout.order_created` to seeing
 * `payment.initialized` on payment-events, one order at a time; (2) a burst of BENCH_ORDERS orders
 * published at once until every one is initialized; (3) signed sandbox webhooks (one success per
 * transaction of the burst) posted from BENCH_CONCURRENCY clients at once: rate and latency. It
 * asserts nothing; it prints a table.
 */
import { Effect, Exit, ManagedRuntime, Scope } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import { signedWebhook } from "@kasa/adapter-gateway-sandbox"
import { decodeEnvelope, EventBus, makeEnvelope, toBusMessage, Topics } from "@kasa/shared"
import { startApp } from "@kasa/test-support/process"
import { percentile } from "./bench-proc.ts"
import { startOrFindKafka } from "../adapters/kafka/src/testing/broker.ts"
import { createTestDatabase, findPostgres } from "../adapters/postgres/src/testing/postgres-server.ts"
import { startOrFindRedis } from "../adapters/redis/src/testing/redis-server.ts"

const root = new URL("..", import.meta.url).pathname
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 200)
const ORDERS = Number(process.env.BENCH_ORDERS ?? 2_000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20)
const runId = `bench${Date.now().toString(36)}`
const secret = `bench-payment-secret-${runId}-0123456789`

const summary = (label: string, count: number, seconds: number, latencies: Array<number>) => {
  latencies.sort((a, b) => a - b)
  return { what: label, count, per_second: Math.round(count / seconds), p50_ms: Number(percentile(latencies, 50).toFixed(2)), p99_ms: Number(percentile(latencies, 99).toFixed(2)) }
}

const [kafka, redis, postgres] = await Promise.all([startOrFindKafka(), startOrFindRedis(), findPostgres()])
const database = await createTestDatabase(postgres, `kasa_${runId}`)
const keyPrefix = `kasa-bench:${runId}:`
const app = await startApp(
  `${root}apps/payment/src/main.ts`,
  { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix, DATABASE_URL: database.url, SANDBOX_WEBHOOK_SECRET: secret, KAFKA_SESSION_TIMEOUT_MS: "6000" },
  120_000
)
const probe = ManagedRuntime.make(layerKafka({ brokers: kafka.brokers.split(","), clientId: `payment-bench-${runId}` }))
const seen = new Map<string, { readonly at: number; readonly transaction_id: string }>()
const waiting = new Map<string, () => void>()
const scope = await probe.runPromise(Scope.make())

try {
  while ((await fetch(`${app.url}/health/ready`)).status !== 200) await Bun.sleep(200)
  await probe.runPromise(
    Effect.flatMap(EventBus, (bus) =>
      bus.subscribe({
        group: `payment-bench-${runId}`,
        topics: [Topics.payment],
        handle: (batch) =>
          Effect.sync(() => {
            const now = performance.now()
            for (const message of batch.messages) {
              const decoded = decodeEnvelope(message.value)
              if (!decoded.ok || decoded.envelope.event_name !== "payment.initialized") continue
              const { order_id, transaction_id } = decoded.envelope.payload as { order_id: string; transaction_id: string }
              seen.set(order_id, { at: now, transaction_id })
              waiting.get(order_id)?.()
            }
          })
      })
    ).pipe(
      Effect.flatMap((subscription) => subscription.ready),
      Scope.provide(scope)
    )
  )
  const order = (n: number) => ({ session_id: `sess_bench_${n % 500}`, order_id: `ord_${runId}_${n}`, grand_total: 10_000 + n, currency: "PLN", payment_method_id: "card" })
  const publish = (orders: ReadonlyArray<ReturnType<typeof order>>) =>
    probe.runPromise(
      Effect.flatMap(EventBus, (bus) =>
        bus.publish(
          orders.map((o) =>
            toBusMessage({ topic: Topics.checkout, key: o.session_id, envelope: makeEnvelope({ eventName: "checkout.order_created", aggregateId: o.session_id, correlationId: `corr_${o.order_id}`, producer: "bench", payload: o }) })
          )
        )
      )
    )
  const initialized = (orderId: string) => (seen.has(orderId) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(orderId, resolve)))

  // Warm-up (the group joins, the paths compile), not reported.
  for (let n = 0; n < 20; n++) {
    await publish([order(-1 - n)])
    await initialized(order(-1 - n).order_id)
  }

  const rows: Array<ReturnType<typeof summary>> = []
  const oneAtATime: Array<number> = []
  const sequentialStarted = performance.now()
  for (let n = 0; n < SEQUENTIAL; n++) {
    const o = order(n)
    const sent = performance.now()
    await publish([o])
    await initialized(o.order_id)
    oneAtATime.push(seen.get(o.order_id)!.at - sent)
  }
  rows.push(summary("order_created → initialized, one at a time", SEQUENTIAL, (performance.now() - sequentialStarted) / 1000, oneAtATime))

  const burst = Array.from({ length: ORDERS }, (_, i) => order(SEQUENTIAL + i))
  const burstSent = performance.now()
  await publish(burst)
  await Promise.all(burst.map((o) => initialized(o.order_id)))
  const burstSeconds = (performance.now() - burstSent) / 1000
  rows.push(summary(`order_created → initialized, ${ORDERS} at once`, ORDERS, burstSeconds, burst.map((o) => seen.get(o.order_id)!.at - burstSent)))

  let next = 0
  const webhookLatencies: Array<number> = []
  let failed = 0
  const client = async () => {
    for (let i = next++; i < burst.length; i = next++) {
      const o = burst[i]!
      const transaction_id = seen.get(o.order_id)!.transaction_id
      const event = { id: `evt_${runId}_${i}`, type: "payment.succeeded" as const, transaction_id, amount: o.grand_total, currency: "PLN", reference: `sbx_${transaction_id}`, created: Math.floor(Date.now() / 1000) }
      const webhook = signedWebhook(secret, event, Math.floor(Date.now() / 1000))
      const sent = performance.now()
      const response = await fetch(`${app.url}/payment/webhook/sandbox`, { method: "POST", headers: webhook.headers, body: webhook.body })
      await response.arrayBuffer()
      webhookLatencies.push(performance.now() - sent)
      if (response.status !== 200) failed++
    }
  }
  const webhooksStarted = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, client))
  rows.push(summary(`signed webhooks, ${CONCURRENCY} clients${failed > 0 ? ` (${failed} not 200)` : ""}`, burst.length, (performance.now() - webhooksStarted) / 1000, webhookLatencies))

  console.log(`\npayment alone, distributed (Kafka ${kafka.brokers}, Redis, PostgreSQL), from a second process`)
  console.table(rows)
} finally {
  app.process.kill("SIGTERM")
  await app.process.exited
  await probe.runPromise(Scope.close(scope, Exit.void))
  await probe.dispose()
  await database.drop().catch(() => {})
  await redis.cleanup(keyPrefix).catch(() => {})
  await kafka.stop()
  await redis.stop()
}
process.exit(0)
