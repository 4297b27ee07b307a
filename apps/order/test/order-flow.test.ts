// Order embedded (in-memory bus, records in PGlite), over its HTTP API: checkout.order_created then
// payment events → CONFIRMED; the shopper cancels with an Idempotency-Key (replayed byte for byte) →
// CANCELLING → payment.refunded → REFUNDED, with the history; an admin walks an order through its
// fulfilment and delivery-events follow; a session sees only its own orders; the saga compensates an
// order whose reservation expired before its money came; a foreign order's payment event blocks
// nothing. Then every bad input on
// every endpoint: a 4xx problem+json naming what failed, nothing written, nothing published.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { MemoryBroker } from "@kasa/adapter-memory"
import { createApp, SessionTokens } from "@kasa/app-platform"
import { EventBus, EventBusAdmin, makeEnvelope, toBusMessage, Topics } from "@kasa/shared"
import { waitFor } from "@kasa/test-support/wait-for"
import { orderModule } from "../src/module.ts"
import { orderCreatedPayload } from "./fixtures.ts"

const adminToken = "order-flow-admin-token"
const env = { ADMIN_TOKEN: adminToken }
const app = await createApp({ broker: new MemoryBroker(), name: "order", modules: [orderModule({ env })], env, log: () => {} })
afterAll(() => app.stop())

const decoder = new TextDecoder()
const topic = async (name: string) =>
  (await app.runtime.runPromise(Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(name)))).map(
    (message) => JSON.parse(decoder.decode(message.value)) as { event_name: string; payload: Record<string, unknown> }
  )
const namesFor = async (name: string, orderId: string) => (await topic(name)).filter((e) => e.payload.order_id === orderId).map((e) => e.event_name)

const publish = (topicName: string, eventName: string, key: string, payload: Record<string, unknown>) =>
  app.runtime.runPromise(
    Effect.flatMap(EventBus, (bus) =>
      bus.publish([toBusMessage({ topic: topicName, key, envelope: makeEnvelope({ eventName, aggregateId: key, correlationId: "corr_order_flow", producer: "test", payload }) })])
    )
  )

type Headers = Record<string, string>
const request = (method: string, path: string, options: { readonly headers?: Headers; readonly body?: unknown } = {}) =>
  app.http.request(path, {
    method,
    headers: { ...(options.body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
    ...(options.body === undefined ? {} : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) })
  })
const asAdmin: Headers = { authorization: `Bearer ${adminToken}` }

/** A shopper: its session token (issued by the app) and the session_id its events carry. */
const shopper = async () => {
  const token = (await request("GET", "/orders")).headers.get("x-session-id")!
  const sessionId = app.runtime.runSync(Effect.map(SessionTokens, (tokens) => tokens.verify(token)))!
  return { token, sessionId, headers: { "x-session-id": token } as Headers }
}

type View = { status: string; version: number; payment: { status: string | null; refunded_amount: number } }
const orderAs = async (headers: Headers, orderId: string) => (await (await request("GET", `/orders/${orderId}`, { headers })).json()) as View
const untilStatus = (orderId: string, status: string) =>
  waitFor(async () => (await orderAs(asAdmin, orderId)).status === status, { timeoutMs: 20_000, intervalMs: 20, describe: () => `${orderId} never ${status}` })

/** An order created by the consumer and paid. */
const paidOrder = async (sessionId: string, orderId: string) => {
  await publish(Topics.checkout, "checkout.order_created", sessionId, orderCreatedPayload(sessionId, orderId))
  const transaction_id = `txn_${orderId}_1`
  await publish(Topics.payment, "payment.initialized", sessionId, { session_id: sessionId, order_id: orderId, transaction_id, method_id: "card", gateway: "sandbox", amount_total: 9_999, currency: "PLN" })
  await publish(Topics.payment, "payment.succeeded", sessionId, { session_id: sessionId, order_id: orderId, transaction_id, amount_total: 9_999, currency: "PLN", gateway_reference: "ref" })
  await untilStatus(orderId, "CONFIRMED")
  return transaction_id
}

describe("order, embedded over HTTP", () => {
  test("created → paid → CONFIRMED; cancelled by its session (Idempotency-Key) → CANCELLING → refunded → REFUNDED, with its history", async () => {
    const me = await shopper()
    const transactionId = await paidOrder(me.sessionId, "ord_flow_1")
    const mine = await request("GET", "/orders/ord_flow_1", { headers: me.headers })
    expect(mine.status).toBe(200)
    expect(await mine.json()).toMatchObject({ order_id: "ord_flow_1", session_id: me.sessionId, status: "CONFIRMED", grand_total: 9_999, currency: "PLN", payment: { transaction_id: transactionId, status: "succeeded", refunded_amount: 0 } })

    const cancel = () => request("POST", "/orders/ord_flow_1/cancel", { headers: { ...me.headers, "idempotency-key": "cancel-1" }, body: { reason: "changed_my_mind" } })
    const first = await cancel()
    expect(first.status).toBe(200)
    const firstBody = await first.text()
    expect(JSON.parse(firstBody)).toMatchObject({ status: "CANCELLING", cancel_reason: "changed_my_mind" })
    const again = await cancel()
    expect([again.status, again.headers.get("idempotent-replayed"), await again.text()]).toEqual([200, "true", firstBody])
    await waitFor(async () => (await namesFor(Topics.order, "ord_flow_1")).includes("order.cancellation_requested"), { timeoutMs: 10_000, describe: () => "order.cancellation_requested" })
    const requested = (await topic(Topics.order)).find((e) => e.event_name === "order.cancellation_requested" && e.payload.order_id === "ord_flow_1")!
    expect(requested.payload).toMatchObject({ transaction_id: transactionId, refund_amount: 9_999, currency: "PLN" })

    await publish(Topics.payment, "payment.refunded", me.sessionId, { session_id: me.sessionId, order_id: "ord_flow_1", transaction_id: transactionId, refund_id: "rf_1", refund_amount: 9_999, fully_refunded: true })
    await untilStatus("ord_flow_1", "REFUNDED")
    const history = (await (await request("GET", "/orders/ord_flow_1/history", { headers: me.headers })).json()) as { history: Array<{ from: string | null; to: string }> }
    expect(history.history.map((entry) => entry.to)).toEqual(["PAYMENT_PENDING", "PAYMENT_PENDING", "CONFIRMED", "CANCELLING", "REFUNDED"])
    await waitFor(async () => (await namesFor(Topics.order, "ord_flow_1")).includes("order.refunded"), { timeoutMs: 10_000, describe: () => "order.refunded" })
    expect(await namesFor(Topics.order, "ord_flow_1")).toEqual(["order.created", "order.confirmed", "order.cancellation_requested", "order.refunded"])
  })

  test("an admin walks an order through its fulfilment; delivery-events follow the parcel", async () => {
    const me = await shopper()
    await paidOrder(me.sessionId, "ord_flow_2")
    const step = (body: unknown) => request("POST", "/orders/ord_flow_2/status", { headers: asAdmin, body })
    expect((await step({ status: "PREPARING" })).status).toBe(200)
    expect((await step({ status: "READY_FOR_PICKUP", carrier: "dhl" })).status).toBe(200)
    expect((await step({ status: "OUT_FOR_DELIVERY", tracking_number: "DHL123" })).status).toBe(200)
    const delivered = await step({ status: "DELIVERED" })
    expect(await delivered.json()).toMatchObject({ status: "DELIVERED", delivery: { carrier: "dhl", tracking_number: "DHL123" } })
    await waitFor(async () => (await namesFor(Topics.delivery, "ord_flow_2")).length === 4, { timeoutMs: 10_000, describe: () => "four delivery events" })
    expect(await namesFor(Topics.delivery, "ord_flow_2")).toEqual(["delivery.assigned", "delivery.picked_up", "delivery.in_transit", "delivery.delivered"])
    expect((await topic(Topics.delivery)).find((e) => e.event_name === "delivery.in_transit" && e.payload.order_id === "ord_flow_2")!.payload).toEqual({ order_id: "ord_flow_2", carrier: "dhl", tracking_number: "DHL123" })
  })

  test("a session lists only its own orders; an admin lists any session's; cancel before payment → CANCELLED", async () => {
    const me = await shopper()
    const other = await shopper()
    await publish(Topics.checkout, "checkout.order_created", me.sessionId, orderCreatedPayload(me.sessionId, "ord_flow_3"))
    await untilStatus("ord_flow_3", "PAYMENT_PENDING")
    const list = (await (await request("GET", "/orders", { headers: me.headers })).json()) as { session_id: string; orders: Array<{ order_id: string }> }
    expect([list.session_id, list.orders.map((o) => o.order_id)]).toEqual([me.sessionId, ["ord_flow_3"]])
    expect(((await (await request("GET", "/orders", { headers: other.headers })).json()) as { orders: Array<unknown> }).orders).toEqual([])
    const byAdmin = (await (await request("GET", `/orders?session_id=${me.sessionId}`, { headers: asAdmin })).json()) as { orders: Array<{ order_id: string }> }
    expect(byAdmin.orders.map((o) => o.order_id)).toEqual(["ord_flow_3"])
    const cancelled = await request("POST", "/orders/ord_flow_3/cancel", { headers: me.headers, body: { reason: "found_it_cheaper" } })
    expect(((await cancelled.json()) as View).status).toBe("CANCELLED")
  })
})

test("an admin cancels any order, with an Idempotency-Key and no session (its keys have their own scope)", async () => {
  const me = await shopper()
  await paidOrder(me.sessionId, "ord_flow_admin")
  const cancel = () => request("POST", "/orders/ord_flow_admin/cancel", { headers: { ...asAdmin, "idempotency-key": "admin-cancel-1" }, body: { reason: "fraud_suspected" } })
  const first = await cancel()
  expect(first.status).toBe(200)
  expect(first.headers.get("x-session-id")).toBeNull()
  const body = await first.text()
  expect(JSON.parse(body)).toMatchObject({ status: "CANCELLING", cancel_reason: "fraud_suspected" })
  const again = await cancel()
  expect([again.status, again.headers.get("idempotent-replayed"), await again.text()]).toEqual([200, "true", body])
  expect(((await (await request("GET", "/orders/ord_flow_admin/history", { headers: me.headers })).json()) as { history: Array<{ reason?: string }> }).history.at(-1)?.reason).toBe("fraud_suspected")
})

describe("order-consumer over the bus", () => {
  test("saga: the reservation expires before the payment succeeds → cancelled, stock released; the late money → CANCELLING → refunded → REFUNDED", async () => {
    const me = await shopper()
    const orderId = "ord_saga_1"
    await publish(Topics.checkout, "checkout.order_created", me.sessionId, orderCreatedPayload(me.sessionId, orderId))
    await publish(Topics.inventory, "inventory.reserved", me.sessionId, { session_id: me.sessionId, order_id: orderId, reservation_id: "res_saga_1", lines: [], expires_at: "2026-12-01T12:00:00.000Z" })
    await publish(Topics.inventory, "inventory.released", me.sessionId, { session_id: me.sessionId, order_id: orderId, reservation_id: "res_saga_1", reason: "expired", lines: [] })
    await untilStatus(orderId, "CANCELLED")
    await waitFor(async () => (await namesFor(Topics.order, orderId)).includes("order.cancelled"), { timeoutMs: 10_000, describe: () => "order.cancelled" })
    expect((await topic(Topics.order)).find((e) => e.event_name === "order.cancelled" && e.payload.order_id === orderId)!.payload).toMatchObject({ reason: "reservation_expired", reservation_id: "res_saga_1" })

    const transaction_id = `txn_${orderId}_1`
    await publish(Topics.payment, "payment.succeeded", me.sessionId, { session_id: me.sessionId, order_id: orderId, transaction_id, amount_total: 9_999, currency: "PLN", gateway_reference: "ref" })
    await untilStatus(orderId, "CANCELLING")
    await waitFor(async () => (await namesFor(Topics.order, orderId)).includes("order.cancellation_requested"), { timeoutMs: 10_000, describe: () => "order.cancellation_requested" })
    expect((await topic(Topics.order)).find((e) => e.event_name === "order.cancellation_requested" && e.payload.order_id === orderId)!.payload).toMatchObject({
      reason: "paid_after_cancellation",
      transaction_id,
      refund_amount: 9_999
    })
    await publish(Topics.payment, "payment.refunded", me.sessionId, { session_id: me.sessionId, order_id: orderId, transaction_id, refund_id: "rf_saga_1", refund_amount: 9_999, fully_refunded: true })
    await untilStatus(orderId, "REFUNDED")
  })

  test("payment events for an order that is not ours neither crash nor block: the next order on the topic is applied", async () => {
    const me = await shopper()
    await publish(Topics.payment, "payment.succeeded", me.sessionId, { session_id: me.sessionId, order_id: "ord_elsewhere", transaction_id: "txn_elsewhere_1", amount_total: 1, currency: "PLN", gateway_reference: "ref" })
    await paidOrder(me.sessionId, "ord_after_foreign")
    expect((await request("GET", "/orders/ord_elsewhere", { headers: asAdmin })).status).toBe(404)
  })
})

describe("bad input on every endpoint: a 4xx problem+json, nothing written, nothing published", async () => {
  const owner = await shopper()
  const stranger = await shopper()
  await paidOrder(owner.sessionId, "ord_bad")
  const shipped = await shopper()
  await paidOrder(shipped.sessionId, "ord_bad_shipped")
  for (const status of ["PREPARING", "READY_FOR_PICKUP", "OUT_FOR_DELIVERY"]) await request("POST", "/orders/ord_bad_shipped/status", { headers: asAdmin, body: { status } })

  await publish(Topics.checkout, "checkout.order_created", owner.sessionId, orderCreatedPayload(owner.sessionId, "ord_bad_unpaid"))
  await untilStatus("ord_bad_unpaid", "PAYMENT_PENDING")

  const who = { owner, stranger, shipped, admin: { headers: asAdmin }, wrongAdmin: { headers: { authorization: "Bearer nope" } }, nobody: { headers: {} as Headers } }
  const bad = ["ord_bad", "ord_bad_shipped", "ord_bad_unpaid"]
  const badEvents = async (name: string) => (await topic(name)).filter((e) => bad.includes(e.payload.order_id as string)).length
  // What the set-up published is out (the relay runs behind the commits) before anything is compared.
  await waitFor(async () => (await badEvents(Topics.order)) === 8 && (await badEvents(Topics.delivery)) === 3, { timeoutMs: 10_000, describe: () => "the set-up's events" })
  const versions = () => Promise.all(["ord_bad", "ord_bad_shipped", "ord_bad_unpaid"].map(async (id) => (await orderAs(asAdmin, id)).version))
  test.each<[string, keyof typeof who, string, string, unknown, number, string | undefined]>([
    ["get: no such order", "owner", "GET", "/orders/ord_nope", undefined, 404, "order_not_found"],
    ["get: another session's order", "stranger", "GET", "/orders/ord_bad", undefined, 404, "order_not_found"],
    ["get: a wrong admin token", "wrongAdmin", "GET", "/orders/ord_bad", undefined, 401, "admin_required"],
    ["history: another session's order", "stranger", "GET", "/orders/ord_bad/history", undefined, 404, "order_not_found"],
    ["list: session_id that is not one", "owner", "GET", "/orders?session_id=bob", undefined, 400, "validation_failed"],
    ["list: another session's id", "stranger", "GET", `/orders?session_id=${owner.sessionId}`, undefined, 403, "orders_forbidden"],
    ["list: admin without session_id", "admin", "GET", "/orders", undefined, 400, "validation_failed"],
    ["cancel: no reason", "owner", "POST", "/orders/ord_bad/cancel", {}, 400, "validation_failed"],
    ["cancel: empty reason", "owner", "POST", "/orders/ord_bad/cancel", { reason: "" }, 400, "validation_failed"],
    ["cancel: malformed JSON", "owner", "POST", "/orders/ord_bad/cancel", "{reason", 400, "malformed_json"],
    ["cancel: another session's order", "stranger", "POST", "/orders/ord_bad/cancel", { reason: "mine" }, 404, "order_not_found"],
    ["cancel: no such order", "owner", "POST", "/orders/ord_nope/cancel", { reason: "x" }, 404, "order_not_found"],
    ["cancel: out for delivery", "shipped", "POST", "/orders/ord_bad_shipped/cancel", { reason: "too late" }, 409, "order_not_cancellable"],
    ["cancel: a wrong admin token", "wrongAdmin", "POST", "/orders/ord_bad/cancel", { reason: "x" }, 401, "admin_required"],
    ["status: no admin token", "owner", "POST", "/orders/ord_bad/status", { status: "PREPARING" }, 401, "admin_required"],
    ["status: not a fulfilment status", "admin", "POST", "/orders/ord_bad/status", { status: "CANCELLED" }, 400, "validation_failed"],
    ["status: no status", "admin", "POST", "/orders/ord_bad/status", { carrier: "dhl" }, 400, "validation_failed"],
    ["status: a skipped step", "admin", "POST", "/orders/ord_bad/status", { status: "DELIVERED" }, 409, "illegal_transition"],
    ["status: an unpaid order cannot be prepared", "admin", "POST", "/orders/ord_bad_unpaid/status", { status: "PREPARING" }, 409, "illegal_transition"],
    ["status: CONFIRMED is cash on delivery's, never a payment's", "admin", "POST", "/orders/ord_bad_unpaid/status", { status: "CONFIRMED" }, 409, "illegal_transition"],
    ["status: no such order", "admin", "POST", "/orders/ord_nope/status", { status: "PREPARING" }, 404, "order_not_found"]
  ])("%s", async (_, caller, method, path, body, expected, code) => {
    const before = { order: await badEvents(Topics.order), delivery: await badEvents(Topics.delivery), versions: await versions() }
    const response = await request(method, path, { headers: who[caller].headers, ...(body === undefined ? {} : { body }) })
    if (response.status !== expected) throw new Error(`${response.status}: ${await response.text()}`)
    expect(response.headers.get("content-type")).toContain("application/problem+json")
    if (code !== undefined) expect(((await response.json()) as { code: string }).code).toBe(code)
    const after = { order: await badEvents(Topics.order), delivery: await badEvents(Topics.delivery), versions: await versions() }
    expect(after).toEqual(before)
  })

  test("cancel: text/plain → 415; an Idempotency-Key without a session → 400 session_required", async () => {
    const plain = await app.http.request("/orders/ord_bad/cancel", { method: "POST", headers: { ...owner.headers, "content-type": "text/plain" }, body: "reason=x" })
    expect([plain.status, ((await plain.json()) as { code: string }).code]).toEqual([415, "unsupported_media_type"])
    const keyless = await request("POST", "/orders/ord_bad/cancel", { headers: { "idempotency-key": "k1" }, body: { reason: "x" } })
    expect([keyless.status, ((await keyless.json()) as { code: string }).code]).toEqual([400, "session_required"])
    expect((await orderAs(asAdmin, "ord_bad")).status).toBe("CONFIRMED")
  })
})

test("/openapi.json documents every order endpoint with its answers and problems", async () => {
  const document = (await (await app.http.request("/openapi.json")).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }
  const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, Object.keys(operation.responses).sort()] as const))
  expect(Object.fromEntries(operations.filter(([name]) => name.includes("/orders")))).toMatchObject({
    "GET /orders": expect.arrayContaining(["200", "401", "403", "503"]),
    "GET /orders/{order_id}": expect.arrayContaining(["200", "404"]),
    "GET /orders/{order_id}/history": expect.arrayContaining(["200", "404"]),
    "POST /orders/{order_id}/cancel": expect.arrayContaining(["200", "400", "404", "409", "415"]),
    "POST /orders/{order_id}/status": expect.arrayContaining(["200", "400", "401", "403", "404", "409"])
  })
})
