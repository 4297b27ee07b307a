// Payment embedded, served over real HTTP (the sandbox posts its webhooks to it) with its records in
// PGlite: `checkout.order_created` → `payment.initialized` with the sandbox page → Pay on that page →
// the signed webhook → `payment.succeeded`; the same webhook three times while the shopper polls the
// status → one `payment.succeeded`; a tampered or unsigned webhook → 400 and nothing written; refunds
// (admin only; partial, too much, the rest on `order.cancelled`).
import { afterAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { MemoryBroker } from "@kasa/adapter-memory"
import { signedWebhook } from "@kasa/adapter-gateway-sandbox"
import { createApp, SessionTokens } from "@kasa/app-platform"
import { EventBus, EventBusAdmin, makeEnvelope, toBusMessage, Topics } from "@kasa/shared"
import { waitFor } from "@kasa/test-support/wait-for"
import { paymentModule } from "../src/module.ts"

const secret = "payment-flow-test-secret-0123456789"
const adminToken = "payment-flow-admin-token"
let fetchApp: (request: Request) => Response | Promise<Response> = () => new Response("starting", { status: 503 })
const server = Bun.serve({ port: 0, fetch: (request) => fetchApp(request) })
const origin = `http://127.0.0.1:${server.port}`
const env = { SANDBOX_WEBHOOK_SECRET: secret, ADMIN_TOKEN: adminToken, PUBLIC_URL: origin, PORT: "0" }
const app = await createApp({ broker: new MemoryBroker(), name: "payment", modules: [paymentModule({ env })], env, log: () => {} })
fetchApp = app.http.fetch
afterAll(async () => {
  await app.stop()
  server.stop(true)
})

const decoder = new TextDecoder()
const paymentEvents = async () =>
  (await app.runtime.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(Topics.payment)))).map(
    (message) => JSON.parse(decoder.decode(message.value)) as { event_name: string; payload: Record<string, unknown> }
  )
const eventsNamed = async (name: string, transactionId: string) => (await paymentEvents()).filter((e) => e.event_name === name && e.payload.transaction_id === transactionId)

/** A shopper: its session token (issued by the app) and the session_id events carry. */
const shopper = async () => {
  const response = await fetch(`${origin}/payment/available`)
  const token = response.headers.get("x-session-id")!
  const sessionId = app.runtime.runSync(Effect.map(SessionTokens, (tokens) => tokens.verify(token)))!
  return { token, sessionId }
}

const publish = (topic: string, eventName: string, key: string, payload: Record<string, unknown>) =>
  app.runtime.runPromise(
    Effect.flatMap(EventBus, (bus) =>
      bus.publish([toBusMessage({ topic, key, envelope: makeEnvelope({ eventName, aggregateId: key, correlationId: "corr_flow", producer: "test", payload }) })])
    )
  )

const orderCreated = async (sessionId: string, orderId: string, grandTotal: number) => {
  await publish(Topics.checkout, "checkout.order_created", sessionId, { session_id: sessionId, order_id: orderId, grand_total: grandTotal, currency: "PLN", payment_method_id: "card" })
  let initialized: Array<{ payload: Record<string, unknown> }> = []
  await waitFor(async () => (initialized = (await paymentEvents()).filter((e) => e.event_name === "payment.initialized" && e.payload.order_id === orderId)).length === 1, {
    timeoutMs: 20_000,
    intervalMs: 50,
    describe: () => `payment.initialized for ${orderId}`
  })
  return initialized[0]!.payload as { transaction_id: string; redirect_url: string; amount_total: number }
}

const pay = async (redirectUrl: string) => {
  const page = await fetch(`${origin}${redirectUrl}`)
  expect(page.status).toBe(200)
  expect(page.headers.get("content-type")).toContain("text/html")
  const html = await page.text()
  for (const button of ["Pay", "Fail", "Cancel"]) expect(html).toContain(button)
  return fetch(`${origin}${redirectUrl}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ outcome: "succeed" }) })
}

const status = (token: string, transactionId: string) => fetch(`${origin}/payment/status/${transactionId}`, { headers: { "x-session-id": token } })

describe("payment, embedded over HTTP", () => {
  test("order created → initialized with the sandbox page → Pay → payment.succeeded; the status is the session's own", async () => {
    const { token, sessionId } = await shopper()
    const started = await orderCreated(sessionId, "ord_flow_1", 12_345)
    expect(started.amount_total).toBe(12_345)
    expect(started.redirect_url).toBe(`/sandbox/checkout/${started.transaction_id}`)
    const paid = await pay(started.redirect_url)
    expect(paid.status).toBe(200)
    await waitFor(async () => (await eventsNamed("payment.succeeded", started.transaction_id)).length === 1, { timeoutMs: 10_000, intervalMs: 50, describe: () => "payment.succeeded" })
    const mine = await status(token, started.transaction_id)
    expect(mine.status).toBe(200)
    expect(((await mine.json()) as { state: string }).state).toBe("succeeded")
    const other = await shopper()
    expect((await status(other.token, started.transaction_id)).status).toBe(404)
  })

  test("the same success delivered three times while the shopper polls → one payment.succeeded; a tampered or unsigned one → 400, nothing written", async () => {
    const { token, sessionId } = await shopper()
    const started = await orderCreated(sessionId, "ord_flow_2", 5_000)
    const event = { id: `evt_flow2_${Date.now()}`, type: "payment.succeeded" as const, transaction_id: started.transaction_id, amount: 5_000, currency: "PLN", reference: `sbx_${started.transaction_id}`, created: Math.floor(Date.now() / 1000) }
    const webhook = signedWebhook(secret, event, Math.floor(Date.now() / 1000))
    const send = (body: string, headers: Record<string, string>) => fetch(`${origin}/payment/webhook/sandbox`, { method: "POST", headers, body })

    const tampered = await send(webhook.body.replace("5000", "1"), webhook.headers)
    expect(tampered.status).toBe(400)
    const unsigned = await send(webhook.body, { "content-type": "application/json" })
    expect(unsigned.status).toBe(400)
    const stale = signedWebhook(secret, event, Math.floor(Date.now() / 1000) - 600)
    expect((await send(stale.body, stale.headers)).status).toBe(400)
    expect(((await (await status(token, started.transaction_id)).json()) as { state: string }).state).toBe("initialized")
    expect(await eventsNamed("payment.webhook_received", started.transaction_id)).toHaveLength(0)

    const answers = await Promise.all([...Array.from({ length: 3 }, () => send(webhook.body, webhook.headers)), status(token, started.transaction_id), status(token, started.transaction_id)])
    for (const answer of answers) expect(answer.status).toBe(200)
    await waitFor(async () => (await eventsNamed("payment.succeeded", started.transaction_id)).length >= 1, { timeoutMs: 10_000, intervalMs: 50, describe: () => "payment.succeeded" })
    // Whatever is still to come is published by now: the records' outbox is drained.
    await waitFor(async () => (await paymentEvents()).filter((e) => e.payload.transaction_id === started.transaction_id).length >= 3, { timeoutMs: 10_000, intervalMs: 50, describe: () => "events" })
    expect(await eventsNamed("payment.succeeded", started.transaction_id)).toHaveLength(1)
    expect(await eventsNamed("payment.webhook_received", started.transaction_id)).toHaveLength(1)
  })

  test("refunds: admin only, partial, not more than is left, and the rest when the order is cancelled", async () => {
    const { sessionId } = await shopper()
    const started = await orderCreated(sessionId, "ord_flow_3", 10_000)
    expect((await pay(started.redirect_url)).status).toBe(200)
    await waitFor(async () => (await eventsNamed("payment.succeeded", started.transaction_id)).length === 1, { timeoutMs: 10_000, intervalMs: 50, describe: () => "payment.succeeded" })
    const refund = (body: unknown, token: string | null = adminToken) =>
      fetch(`${origin}/payment/refunds`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body)
      })
    expect((await refund({ transaction_id: started.transaction_id, amount: 1_000, reason: "damaged" }, null)).status).toBe(401)
    expect((await refund({ transaction_id: started.transaction_id, amount: 1_000, reason: "damaged" }, "wrong-token")).status).toBe(401)
    const partial = await refund({ transaction_id: started.transaction_id, amount: 1_000, reason: "damaged" })
    if (partial.status !== 200) throw new Error(`refund answered ${partial.status}: ${await partial.text()}`)
    expect(((await partial.json()) as { state: string; refunded_amount: number })).toMatchObject({ state: "partially_refunded", refunded_amount: 1_000 })
    const tooMuch = await refund({ transaction_id: started.transaction_id, amount: 9_001, reason: "everything" })
    expect(tooMuch.status).toBe(422)
    expect(((await tooMuch.json()) as { code: string }).code).toBe("refund_exceeds_captured")

    await publish(Topics.order, "order.cancelled", "ord_flow_3", { order_id: "ord_flow_3", session_id: sessionId, status: "CANCELLED", previous_status: "CONFIRMED" })
    await waitFor(async () => (await eventsNamed("payment.refunded", started.transaction_id)).length === 2, { timeoutMs: 10_000, intervalMs: 50, describe: () => "two payment.refunded" })
    const refunded = (await eventsNamed("payment.refunded", started.transaction_id)).map((e) => [e.payload.refund_amount, e.payload.fully_refunded])
    expect(refunded).toEqual([
      [1_000, false],
      [9_000, true]
    ])
  })
})

test("/metrics has seed 004's payment metrics, counted from what happened above", async () => {
  const metrics = await (await fetch(`${origin}/metrics`)).text()
  const value = (line: string) => Number(metrics.split("\n").find((l) => l.startsWith(line))?.slice(line.length).trim() ?? NaN)
  expect(value('payment_events_published_total{event_type="payment.succeeded"}')).toBeGreaterThanOrEqual(3)
  expect(value('payment_events_published_total{event_type="payment.refunded"}')).toBeGreaterThanOrEqual(2)
  expect(value("payment_events_consumed_total")).toBeGreaterThanOrEqual(4)
  expect(value("payment_success_rate")).toBe(1)
  expect(value("payment_refund_rate")).toBeGreaterThan(0)
  expect(metrics).toContain("payment_event_processing_duration_seconds_bucket")
})

describe("bad input on every endpoint: a 4xx problem+json, nothing written, nothing published", () => {
  test.each<[string, string, string, unknown, number, string | undefined]>([
    ["select: no body field", "POST", "/payment/select", {}, 400, "validation_failed"],
    ["select: unknown method", "POST", "/payment/select", { method_id: "bitcoin" }, 404, "method_not_found"],
    ["select: cash on delivery without a courier", "POST", "/payment/select", { method_id: "cash_on_delivery" }, 422, "method_not_available"],
    ["initialize: no order", "POST", "/payment/initialize", {}, 400, "validation_failed"],
    ["initialize: an order without a payment", "POST", "/payment/initialize", { order_id: "ord_nope" }, 404, "order_payment_not_found"],
    ["initialize: text/plain", "POST", "/payment/initialize", "order_id=x", 415, undefined],
    ["status: unknown transaction", "GET", "/payment/status/txn_nope_1", undefined, 404, "transaction_not_found"],
    ["webhook: not signed, not JSON", "POST", "/payment/webhook/sandbox", "garbage", 400, "invalid_webhook"],
    ["refunds: no admin token", "POST", "/payment/refunds", { transaction_id: "txn_nope_1", reason: "x" }, 401, "admin_required"],
    ["sandbox page: unknown payment", "GET", "/sandbox/checkout/txn_nope_1", undefined, 404, undefined],
    ["sandbox outcome: unknown payment", "POST", "/sandbox/checkout/txn_nope_1", { outcome: "succeed" }, 404, undefined],
    ["sandbox outcome: not an outcome", "POST", "/sandbox/checkout/txn_nope_1", { outcome: "steal" }, 400, undefined]
  ])("%s → %d", async (_, method, path, body, expected, code) => {
    const { token } = await shopper()
    const before = (await paymentEvents()).length
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { "x-session-id": token, "content-type": typeof body === "string" ? "text/plain" : "application/json" },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
    })
    expect(response.status).toBe(expected)
    expect(response.headers.get("content-type")).toContain("application/problem+json")
    if (code !== undefined) expect(((await response.json()) as { code: string }).code).toBe(code)
    expect((await paymentEvents()).length).toBe(before)
  })

  test("refunds with the admin token: a body that does not fit → 400, an unknown transaction → 404", async () => {
    const post = (body: unknown) =>
      fetch(`${origin}/payment/refunds`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` }, body: JSON.stringify(body) })
    expect((await post({ transaction_id: "txn_nope_1", amount: -5, reason: "x" })).status).toBe(400)
    expect((await post({ transaction_id: "txn_nope_1", reason: "x" })).status).toBe(404)
  })
})
