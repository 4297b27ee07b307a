// Order and payment, each as its own process over this run's Kafka, Redis and PostgreSQL: the test
// publishes `checkout.order_created` as checkout would; payment starts the payment, the shopper pays
// on the sandbox page, and the order reaches CONFIRMED; the shopper cancels → CANCELLING → payment
// refunds on `order.cancellation_requested` → REFUNDED. Then the order app is down for a whole
// checkout (one order paid, one whose payment failed and whose retry window expired): started
// again, it catches up from its committed offsets to the states and histories a live run gives.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, ManagedRuntime } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import { decodeEnvelope, type Envelope, EventBus, EventBusAdmin, makeEnvelope, toBusMessage, Topics } from "@kasa/shared"
import { newSession } from "@kasa/test-support/app-harness"
import { runId, testKafka, testPostgres, testRedis } from "@kasa/test-support/infra"
import { type RunningProcess, startApp, stopProcess } from "@kasa/test-support/process"
import { waitFor } from "@kasa/test-support/wait-for"
import { orderCreatedPayload } from "./fixtures.ts"

const orderMain = new URL("../src/main.ts", import.meta.url).pathname
const paymentMain = new URL("../../payment/src/main.ts", import.meta.url).pathname
const adminToken = "distributed-order-admin-token"
let env: Record<string, string> = {}
let probe: ManagedRuntime.ManagedRuntime<EventBus | EventBusAdmin, unknown> | undefined
const running: Array<RunningProcess> = []
let payment: RunningProcess | undefined

beforeAll(async () => {
  const [kafka, redis, postgres] = await Promise.all([testKafka(), testRedis(), testPostgres()])
  env = {
    KAFKA_BROKERS: kafka.brokers,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `kasa-test:${runId}:order:`,
    DATABASE_URL: postgres.url,
    SANDBOX_WEBHOOK_SECRET: "distributed-order-test-secret-0123456789",
    ADMIN_TOKEN: adminToken,
    KAFKA_SESSION_TIMEOUT_MS: "6000"
  }
  probe = ManagedRuntime.make(layerKafka({ brokers: kafka.brokers.split(","), clientId: `order-probe-${runId}` }))
  payment = await start(paymentMain, "payment")
}, 180_000)

afterAll(async () => {
  await Promise.all(running.map((app) => stopProcess(app.process)))
  await probe?.dispose()
})

async function start(main: string, name: string): Promise<RunningProcess> {
  const app = await startApp(main, env, 120_000)
  running.push(app)
  await waitFor(async () => (await fetch(`${app.url}/health/ready`)).status === 200, { timeoutMs: 60_000, intervalMs: 100, describe: () => `${name} never ready:\n${app.output()}` })
  return app
}

const publish = (topic: string, eventName: string, key: string, payload: Record<string, unknown>) =>
  probe!.runPromise(
    Effect.flatMap(EventBus, (bus) =>
      bus.publish([toBusMessage({ topic, key, envelope: makeEnvelope({ eventName, aggregateId: key, correlationId: `corr_${runId}`, producer: "test", payload }) })])
    )
  )

const paymentEvent = async (orderId: string, name: string): Promise<Envelope> => {
  let found: Envelope | undefined
  await waitFor(
    async () => {
      const messages = await probe!.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(Topics.payment)))
      found = messages.flatMap((message) => {
        const decoded = decodeEnvelope(message.value)
        return decoded.ok && decoded.envelope.event_name === name && decoded.envelope.payload.order_id === orderId ? [decoded.envelope] : []
      })[0]
      return found !== undefined
    },
    { timeoutMs: 60_000, intervalMs: 200, describe: () => `${name} for ${orderId}` }
  )
  return found!
}

/** The order's checkout: created as checkout would, then the shopper's outcome on the sandbox page. */
const checkout = async (sessionId: string, orderId: string, outcome: "succeed" | "fail") => {
  await publish(Topics.checkout, "checkout.order_created", sessionId, orderCreatedPayload(sessionId, orderId, { grandTotal: 25_000 }))
  const initialized = await paymentEvent(orderId, "payment.initialized")
  const paid = await fetch(`${payment!.url}${initialized.payload.redirect_url as string}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ outcome }) })
  expect(paid.status).toBe(200)
  await paymentEvent(orderId, outcome === "succeed" ? "payment.succeeded" : "payment.failed")
  return initialized.payload.transaction_id as string
}

type Seen = { status: string; cancel_reason: string | null; payment: { status: string | null; refunded_amount: number } }
const orderAt = async (app: RunningProcess, orderId: string, token: string) => {
  const response = await fetch(`${app.url}/orders/${orderId}`, { headers: { "x-session-id": token } })
  return response.status === 200 ? ((await response.json()) as Seen) : undefined
}
const untilStatus = async (app: RunningProcess, orderId: string, token: string, status: string) => {
  let seen: Seen | undefined
  await waitFor(async () => (seen = await orderAt(app, orderId, token))?.status === status, { timeoutMs: 60_000, intervalMs: 200, describe: () => `${orderId}: ${JSON.stringify(seen)}, not ${status}` })
  return seen!
}
const historyAt = async (app: RunningProcess, orderId: string, token: string) =>
  ((await (await fetch(`${app.url}/orders/${orderId}/history`, { headers: { "x-session-id": token } })).json()) as { history: Array<{ to: string; event: string }> }).history.map(
    (entry) => `${entry.event}→${entry.to}`
  )

describe("order and payment as their own processes over Kafka, Redis and PostgreSQL", () => {
  test("created → paid on the sandbox page → CONFIRMED; cancelled by its session → CANCELLING → payment refunds → REFUNDED", async () => {
    const order = await start(orderMain, "order")
    const session = newSession()
    const orderId = `ord_${runId}_live`
    await checkout(session.id, orderId, "succeed")
    await untilStatus(order, orderId, session.token, "CONFIRMED")
    const cancelled = await fetch(`${order.url}/orders/${orderId}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-session-id": session.token, "idempotency-key": `cancel-${runId}` },
      body: JSON.stringify({ reason: "changed_my_mind" })
    })
    expect(cancelled.status).toBe(200)
    expect(((await cancelled.json()) as Seen).status).toBe("CANCELLING")
    const refunded = await paymentEvent(orderId, "payment.refunded")
    expect(refunded.payload).toMatchObject({ refund_amount: 25_000, fully_refunded: true })
    const done = await untilStatus(order, orderId, session.token, "REFUNDED")
    expect(done.payment).toMatchObject({ status: "refunded", refunded_amount: 25_000 })
    expect(await historyAt(order, orderId, session.token)).toEqual(["created→PAYMENT_PENDING", "payment_initialized→PAYMENT_PENDING", "payment_succeeded→CONFIRMED", "cancel_requested→CANCELLING", "refunded→REFUNDED"])
    await stopProcess(order.process)
  }, 240_000)

  test("the order app down for a whole checkout, then started → it catches up to the same states", async () => {
    const session = newSession()
    const paidId = `ord_${runId}_down_paid`
    const expiredId = `ord_${runId}_down_expired`
    await checkout(session.id, paidId, "succeed")
    await checkout(session.id, expiredId, "fail")
    await publish(Topics.checkout, "checkout.payment_retry_expired", session.id, { session_id: session.id, order_id: expiredId })

    const order = await start(orderMain, "order")
    const paid = await untilStatus(order, paidId, session.token, "CONFIRMED")
    expect(paid.payment.status).toBe("succeeded")
    const expired = await untilStatus(order, expiredId, session.token, "CANCELLED")
    expect(expired.cancel_reason).toBe("payment_retry_expired")
    expect(await historyAt(order, paidId, session.token)).toEqual(["created→PAYMENT_PENDING", "payment_initialized→PAYMENT_PENDING", "payment_succeeded→CONFIRMED"])
    // Its payment's events are on another topic than its expiry, so a catch-up may read the expiry
    // first: then they come to a cancelled order and are stale (the state is the same, the history
    // may skip them). What it must show: created, cancelled by the expiry, nothing after.
    const history = await historyAt(order, expiredId, session.token)
    expect([history[0], history.at(-1)]).toEqual(["created→PAYMENT_PENDING", "payment_retry_expired→CANCELLED"])
    expect(history.filter((entry) => !["payment_initialized→PAYMENT_PENDING", "payment_failed→PAYMENT_FAILED"].includes(entry))).toEqual(["created→PAYMENT_PENDING", "payment_retry_expired→CANCELLED"])
    const list = (await (await fetch(`${order.url}/orders`, { headers: { "x-session-id": session.token } })).json()) as { orders: Array<{ order_id: string; status: string }> }
    expect(Object.fromEntries(list.orders.map((o) => [o.order_id, o.status]))).toEqual({ [paidId]: "CONFIRMED", [expiredId]: "CANCELLED" })
  }, 240_000)
})
