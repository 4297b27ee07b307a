// Payment embedded, served over real HTTP (the sandbox posts its webhooks to it) with its records in
// PGlite: `checkout.order_created` → `payment.initialized` with the sandbox page → Pay on that page →
// the signed webhook → `payment.succeeded`; the same webhook three times while the shopper polls the
// status → one `payment.succeeded`; a tampered or unsigned webhook → 400 and nothing written; refunds
// (admin only; partial, too much, the rest on `order.cancellation_requested`); `order.cancelled` of an
// unpaid order cancels its waiting transaction.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { MemoryBroker } from "@kasa/adapter-memory"
import { signedWebhook } from "@kasa/adapter-gateway-sandbox"
import { createApp, overRecords, SessionTokens } from "@kasa/app-platform"
import { paymentSessionKey } from "@kasa/payment"
import { EventBus, EventBusAdmin, makeEnvelope, StateStore, toBusMessage, Topics } from "@kasa/shared"
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

    await publish(Topics.order, "order.cancellation_requested", "ord_flow_3", {
      order_id: "ord_flow_3",
      session_id: sessionId,
      status: "CANCELLING",
      previous_status: "CONFIRMED",
      reason: "changed_my_mind",
      transaction_id: started.transaction_id,
      refund_amount: 9_000,
      currency: "PLN",
      reservation_id: null
    })
    await waitFor(async () => (await eventsNamed("payment.refunded", started.transaction_id)).length === 2, { timeoutMs: 10_000, intervalMs: 50, describe: () => "two payment.refunded" })
    const refunded = (await eventsNamed("payment.refunded", started.transaction_id)).map((e) => [e.payload.refund_amount, e.payload.fully_refunded])
    expect(refunded).toEqual([
      [1_000, false],
      [9_000, true]
    ])
  })
})

test("order.cancelled of an unpaid order cancels its waiting transaction, which never succeeds later", async () => {
  const { token, sessionId } = await shopper()
  const started = await orderCreated(sessionId, "ord_flow_unpaid", 3_000)
  await publish(Topics.order, "order.cancelled", "ord_flow_unpaid", { order_id: "ord_flow_unpaid", session_id: sessionId, status: "CANCELLED", previous_status: "PAYMENT_PENDING", reason: "changed_my_mind", reservation_id: null })
  await waitFor(async () => (await eventsNamed("payment.cancelled", started.transaction_id)).length === 1, { timeoutMs: 10_000, intervalMs: 50, describe: () => "payment.cancelled" })
  expect(((await (await status(token, started.transaction_id)).json()) as { state: string }).state).toBe("cancelled")
  expect(await eventsNamed("payment.refund_initiated", started.transaction_id)).toHaveLength(0)
})

describe("BLIK and the methods a session may use", () => {
  const initialize = (token: string, body: unknown) =>
    fetch(`${origin}/payment/initialize`, { method: "POST", headers: { "content-type": "application/json", "x-session-id": token }, body: JSON.stringify(body) })
  const blikOrder = async (sessionId: string, orderId: string) => {
    await publish(Topics.checkout, "checkout.order_created", sessionId, { session_id: sessionId, order_id: orderId, grand_total: 4_200, currency: "PLN", payment_method_id: "blik" })
    await waitFor(async () => (await paymentEvents()).some((e) => e.event_name === "payment.initialized" && e.payload.order_id === orderId), {
      timeoutMs: 20_000,
      intervalMs: 50,
      describe: () => `payment.initialized for ${orderId}`
    })
  }

  test("BLIK: the order waits for the code; a good code is pending, then the sandbox bank confirms → payment.succeeded", async () => {
    const { token, sessionId } = await shopper()
    await blikOrder(sessionId, "ord_blik_ok")
    expect((await initialize(token, { order_id: "ord_blik_ok" })).status).toBe(422)
    expect((await initialize(token, { order_id: "ord_blik_ok", blik_code: "12345" })).status).toBe(422)
    const started = await initialize(token, { order_id: "ord_blik_ok", blik_code: "123456" })
    expect(started.status).toBe(200)
    const view = (await started.json()) as { transaction_id: string; state: string }
    expect(view.state).toBe("pending")
    await waitFor(async () => (await eventsNamed("payment.succeeded", view.transaction_id)).length === 1, { timeoutMs: 20_000, intervalMs: 50, describe: () => "the bank's confirmation" })
    expect(((await (await status(token, view.transaction_id)).json()) as { state: string }).state).toBe("succeeded")
  })

  test("BLIK 777777 is declined → payment.failed; the shopper may start again with another code", async () => {
    const { token, sessionId } = await shopper()
    await blikOrder(sessionId, "ord_blik_no")
    const declined = (await (await initialize(token, { order_id: "ord_blik_no", blik_code: "777777" })).json()) as { transaction_id: string; state: string; failure_reason: string }
    expect(declined).toMatchObject({ state: "failed", failure_reason: "blik_code_declined" })
    await waitFor(async () => (await eventsNamed("payment.failed", declined.transaction_id)).length === 1, { timeoutMs: 10_000, intervalMs: 50, describe: () => "payment.failed" })
    const again = (await (await initialize(token, { order_id: "ord_blik_no", blik_code: "654321" })).json()) as { transaction_id: string; state: string }
    expect(again.state).toBe("pending")
    expect(again.transaction_id).not.toBe(declined.transaction_id)
  })

  test("cash on delivery needs a courier and a grand total within 5,000 zł; a cart change that breaks it invalidates the choice", async () => {
    const { token, sessionId } = await shopper()
    const available = async () => ((await (await fetch(`${origin}/payment/available`, { headers: { "x-session-id": token } })).json()) as { methods: Array<{ method_id: string }>; selected_method_id: string | null })
    const cart = (cartVersion: number, unitPrice: number) =>
      publish(Topics.cart, "cart.item_added", sessionId, {
        session_id: sessionId,
        item_id: "item_1",
        offer_id: "tv-1",
        quantity: 1,
        price: unitPrice,
        cart_total: unitPrice,
        cart_version: cartVersion,
        currency: "PLN",
        lines: [{ item_id: "item_1", offer_id: "tv-1", type: "offer", name: "TV", category: "tv", quantity: 1, unit_price: unitPrice, parent_item_id: null }]
      })
    await cart(1, 100_000)
    await publish(Topics.shipping, "shipping.method_selected", sessionId, { session_id: sessionId, method_id: "courier", method_name: "Courier", price_amount: 0, price_currency: "PLN" })
    await waitFor(async () => (await available()).methods.some((m) => m.method_id === "cash_on_delivery"), { timeoutMs: 20_000, intervalMs: 50, describe: () => "cash on delivery offered" })
    const chosen = await fetch(`${origin}/payment/select`, { method: "POST", headers: { "content-type": "application/json", "x-session-id": token }, body: JSON.stringify({ method_id: "cash_on_delivery" }) })
    expect(chosen.status).toBe(200)
    expect((await available()).selected_method_id).toBe("cash_on_delivery")
    await cart(2, 600_000)
    await waitFor(async () => (await available()).selected_method_id === null, { timeoutMs: 20_000, intervalMs: 50, describe: () => "the choice cleared" })
    const invalidatedFor = async () => (await paymentEvents()).filter((e) => e.event_name === "payment.method_invalidated" && e.payload.session_id === sessionId)
    await waitFor(async () => (await invalidatedFor()).length > 0, { timeoutMs: 10_000, intervalMs: 50, describe: () => "payment.method_invalidated" })
    const invalidated = await invalidatedFor()
    expect(invalidated.map((e) => [e.payload.method_id, e.payload.reason])).toEqual([["cash_on_delivery", "grand_total_over_limit"]])
    expect((await available()).methods.map((m) => m.method_id)).not.toContain("cash_on_delivery")
    // A session's projection and choice are working state: in the key-value store, never in SQL.
    const stored = (over: (effect: Effect.Effect<string | undefined, unknown, StateStore>) => Promise<string | undefined>) =>
      over(Effect.flatMap(StateStore, (store) => store.get(paymentSessionKey(sessionId))))
    expect(await stored((effect) => app.runtime.runPromise(effect))).toContain(`"cart_version":2`)
    expect(await stored((effect) => app.runtime.runPromise(overRecords(effect)))).toBeUndefined()
  })
})

test("/metrics has seed 004's payment metrics, counted from what happened above", async () => {
  const metrics = await (await fetch(`${origin}/metrics`)).text()
  const value = (line: string) => Number(metrics.split("\n").find((l) => l.startsWith(line))?.slice(line.length).trim() ?? NaN)
  expect(value('payment_events_published_total{event_type="payment.succeeded"}')).toBeGreaterThanOrEqual(3)
  expect(value('payment_events_published_total{event_type="payment.refunded"}')).toBeGreaterThanOrEqual(2)
  expect(value("payment_events_consumed_total")).toBeGreaterThanOrEqual(4)
  // Every success above, and the one BLIK code the sandbox declined.
  expect(value("payment_success_rate")).toBeGreaterThan(0.5)
  expect(value("payment_success_rate")).toBeLessThan(1)
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
    ["webhook: a gateway the shop does not use", "POST", "/payment/webhook/stripe", { id: "evt_1" }, 404, "gateway_not_found"],
    ["refunds: no admin token", "POST", "/payment/refunds", { transaction_id: "txn_nope_1", reason: "x" }, 401, "admin_required"],
    ["sandbox page: unknown payment", "GET", "/sandbox/checkout/txn_nope_1", undefined, 404, undefined],
    ["sandbox outcome: unknown payment", "POST", "/sandbox/checkout/txn_nope_1", { outcome: "succeed" }, 404, undefined],
    ["sandbox outcome: not an outcome", "POST", "/sandbox/checkout/txn_nope_1", { outcome: "steal" }, 400, undefined]
  ])("%s", async (_, method, path, body, expected, code) => {
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

test("/openapi.json documents every payment endpoint with its answers and problems", async () => {
  const document = (await (await fetch(`${origin}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }
  const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, Object.keys(operation.responses).sort()] as const))
  expect(Object.fromEntries(operations.filter(([name]) => name.includes("/payment/")))).toMatchObject({
    "GET /payment/available": expect.arrayContaining(["200", "503"]),
    "POST /payment/select": expect.arrayContaining(["200", "404", "409", "422"]),
    "POST /payment/initialize": expect.arrayContaining(["200", "404", "409", "422"]),
    "GET /payment/status/{transaction_id}": expect.arrayContaining(["200", "404"]),
    "POST /payment/webhook/{gateway}": expect.arrayContaining(["200", "400", "404"]),
    "POST /payment/refunds": expect.arrayContaining(["200", "401", "403", "404", "422"])
  })
})
