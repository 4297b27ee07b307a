// Payment as its own process over this run's Kafka, Redis and PostgreSQL (its records in a database of
// the run's own): `checkout.order_created` published by the test → `payment.initialized` with the
// sandbox page → Pay → `payment.succeeded` on payment-events; `order.cancellation_requested` →
// `payment.refunded`.
// And a crash between a webhook's commit and the relay's publish: the first process commits with its
// relay off and is killed; a restarted one publishes `payment.succeeded` exactly once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, ManagedRuntime } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import { decodeEnvelope, type Envelope, EventBus, EventBusAdmin, makeEnvelope, toBusMessage, Topics } from "@kasa/shared"
import { newSession } from "@kasa/test-support/app-harness"
import { runId, testKafka, testPostgres, testRedis } from "@kasa/test-support/infra"
import { type RunningProcess, startApp, stopProcess } from "@kasa/test-support/process"
import { waitFor } from "@kasa/test-support/wait-for"

const paymentMain = new URL("../src/main.ts", import.meta.url).pathname
let env: Record<string, string> = {}
let probe: ManagedRuntime.ManagedRuntime<EventBus | EventBusAdmin, unknown> | undefined
const running: Array<RunningProcess> = []

beforeAll(async () => {
  const [kafka, redis, postgres] = await Promise.all([testKafka(), testRedis(), testPostgres()])
  env = {
    KAFKA_BROKERS: kafka.brokers,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `kasa-test:${runId}:payment:`,
    DATABASE_URL: postgres.url,
    SANDBOX_WEBHOOK_SECRET: "distributed-payment-test-secret-0123456789",
    ADMIN_TOKEN: "distributed-admin-token",
    // A killed instance's partitions come back within seconds, not after the default 30.
    KAFKA_SESSION_TIMEOUT_MS: "6000"
  }
  probe = ManagedRuntime.make(layerKafka({ brokers: kafka.brokers.split(","), clientId: `payment-probe-${runId}` }))
}, 180_000)

afterAll(async () => {
  await Promise.all(running.map((app) => stopProcess(app.process)))
  await probe?.dispose()
})

const start = async (extra: Record<string, string> = {}) => {
  const app = await startApp(paymentMain, { ...env, ...extra }, 120_000)
  running.push(app)
  await waitFor(async () => (await fetch(`${app.url}/health/ready`)).status === 200, { timeoutMs: 60_000, intervalMs: 100, describe: () => `payment never ready:\n${app.output()}` })
  return app
}

const publish = (topic: string, eventName: string, key: string, payload: Record<string, unknown>) =>
  probe!.runPromise(
    Effect.flatMap(EventBus, (bus) =>
      bus.publish([toBusMessage({ topic, key, envelope: makeEnvelope({ eventName, aggregateId: key, correlationId: `corr_${runId}`, producer: "test", payload }) })])
    )
  )

/** The order's events on payment-events (the audit record of a webhook names only its transaction, `txn_<order>_<attempt>`). */
const onPaymentEvents = async (orderId: string): Promise<ReadonlyArray<Envelope>> =>
  (await probe!.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(Topics.payment)))).flatMap((message) => {
    const decoded = decodeEnvelope(message.value)
    if (!decoded.ok) return []
    const { order_id, transaction_id } = decoded.envelope.payload as { order_id?: string; transaction_id?: string }
    return order_id === orderId || transaction_id?.startsWith(`txn_${orderId}_`) === true ? [decoded.envelope] : []
  })

const waitForEvent = async (orderId: string, name: string, count = 1) => {
  let found: ReadonlyArray<Envelope> = []
  await waitFor(async () => (found = (await onPaymentEvents(orderId)).filter((e) => e.event_name === name)).length >= count, {
    timeoutMs: 60_000,
    intervalMs: 200,
    describe: () => `${count} ${name} for ${orderId}, saw ${found.length}`
  })
  return found
}

const orderCreated = (sessionId: string, orderId: string, amount: number) =>
  publish(Topics.checkout, "checkout.order_created", sessionId, { session_id: sessionId, order_id: orderId, grand_total: amount, currency: "PLN", payment_method_id: "card" })

describe("payment as its own process over Kafka, Redis and PostgreSQL", () => {
  test("order created → initialized → Pay on the sandbox page → payment.succeeded; order cancellation requested → payment.refunded", async () => {
    const app = await start()
    const session = newSession()
    const orderId = `ord_${runId}_dist`
    await orderCreated(session.id, orderId, 25_000)
    const [initialized] = await waitForEvent(orderId, "payment.initialized")
    const redirect = initialized!.payload.redirect_url as string
    expect(redirect).toStartWith("/sandbox/checkout/")
    expect((await fetch(`${app.url}${redirect}`)).status).toBe(200)
    const paid = await fetch(`${app.url}${redirect}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ outcome: "succeed" }) })
    expect(paid.status).toBe(200)
    const [succeeded] = await waitForEvent(orderId, "payment.succeeded")
    expect(succeeded!.payload).toMatchObject({ amount_total: 25_000, currency: "PLN" })
    const status = await fetch(`${app.url}/payment/status/${initialized!.payload.transaction_id}`, { headers: { "x-session-id": session.token } })
    expect(((await status.json()) as { state: string }).state).toBe("succeeded")

    await publish(Topics.order, "order.cancellation_requested", orderId, {
      order_id: orderId,
      session_id: session.id,
      status: "CANCELLING",
      previous_status: "CONFIRMED",
      reason: "changed_my_mind",
      transaction_id: initialized!.payload.transaction_id,
      refund_amount: 25_000,
      currency: "PLN",
      reservation_id: null
    })
    const [refunded] = await waitForEvent(orderId, "payment.refunded")
    expect(refunded!.payload).toMatchObject({ refund_amount: 25_000, fully_refunded: true })
    // Every instance relays the one records outbox (by its lease): the next test needs this one gone.
    await stopProcess(app.process)
  }, 240_000)

  test("killed between a webhook's commit and the relay's publish: after a restart payment.succeeded is published exactly once", async () => {
    const first = await start()
    const session = newSession()
    const orderId = `ord_${runId}_crash`
    await orderCreated(session.id, orderId, 7_700)
    const [initialized] = await waitForEvent(orderId, "payment.initialized")
    await stopProcess(first.process)

    // The same app with its relay off: the webhook commits the success to the records' outbox, and nothing publishes it.
    const silent = await start({ OUTBOX_RELAY: "off" })
    const paid = await fetch(`${silent.url}${initialized!.payload.redirect_url as string}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ outcome: "succeed" }) })
    expect(paid.status).toBe(200)
    const status = await fetch(`${silent.url}/payment/status/${initialized!.payload.transaction_id}`, { headers: { "x-session-id": session.token } })
    expect(((await status.json()) as { state: string }).state).toBe("succeeded")
    expect((await onPaymentEvents(orderId)).filter((e) => e.event_name === "payment.succeeded").map((e) => e.event_id)).toEqual([])
    silent.process.kill("SIGKILL")
    await silent.process.exited

    await start()
    await waitForEvent(orderId, "payment.succeeded")
    // Whatever the restarted relay had to publish is out once the outbox's entries for the order are: the audit record comes with it.
    await waitForEvent(orderId, "payment.webhook_received")
    expect((await onPaymentEvents(orderId)).filter((e) => e.event_name === "payment.succeeded").map((e) => e.event_id)).toHaveLength(1)
  }, 240_000)
})
