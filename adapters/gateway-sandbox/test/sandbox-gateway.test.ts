// What the contract does not pin down about the sandbox itself: a signed body that is not a sandbox
// event, refund events, header names in any case, status after a refund, and the ledger under
// concurrent writers (many instances settling one payment at once: one wins, one webhook).
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, ManagedRuntime } from "effect"
import { layerMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"
import type { StartPayment, WebhookDelivery } from "@kasa/payment"
import { StateStore } from "@kasa/shared"
import {
  type DeliverWebhook,
  makeSandboxGateway,
  makeSandboxLedger,
  randomSandboxSecret,
  sandboxBank,
  type SandboxEvent,
  settleAndReport,
  signatureHeader,
  signedWebhook
} from "../src/index.ts"

const runtime = ManagedRuntime.make(layerMemoryStateStore(new MemoryStateData()))
const secret = randomSandboxSecret()
const store = await runtime.runPromise(StateStore)
const delivered: Array<WebhookDelivery> = []
const deliver: DeliverWebhook = (webhook) => Effect.sync(() => void delivered.push(webhook))
const options = { secret, store, deliver }
const gateway = makeSandboxGateway(options)
afterAll(() => runtime.dispose())
const now = () => Math.floor(Date.now() / 1000)

let n = 0
const request = (): StartPayment => {
  const transaction_id = `txn_gw_${Date.now().toString(36)}_${++n}`
  return { transaction_id, order_id: "ord", amount_total: 5_000, currency: "PLN", method_id: "p24", return_url: "/back", idempotency_key: `start:${transaction_id}` }
}

const event = (overrides: Partial<SandboxEvent>): SandboxEvent => ({
  id: "evt_test1",
  type: "payment.succeeded",
  transaction_id: "txn_x",
  amount: 5_000,
  currency: "PLN",
  reference: "sbx_txn_x",
  created: now(),
  ...overrides
})

const verify = (delivery: WebhookDelivery) => Effect.runPromise(Effect.result(gateway.verifyWebhook(delivery)))

describe("verifyWebhook", () => {
  test.each([
    ["not JSON", "{nope"],
    ["not a sandbox event", JSON.stringify({ hello: "world" })],
    ["an event type the sandbox never sends", JSON.stringify({ ...event({}), type: "payment.disputed" })],
    ["a refund event without its refund id", JSON.stringify(event({ type: "refund.succeeded" }))]
  ])("a correctly signed body that is %s is refused with a reason", async (_name, body) => {
    const result = await verify({ body, headers: { "x-sandbox-signature": signatureHeader(secret, now(), body) } })
    expect(result._tag).toBe("Failure")
    if (result._tag === "Failure") expect(result.failure).toMatchObject({ _tag: "InvalidWebhook", gateway: "sandbox" })
  })

  test.each([
    [event({ type: "refund.succeeded", refund_id: "rf_1" }), { kind: "refund_succeeded", refund_id: "rf_1" }],
    [event({ type: "refund.failed", refund_id: "rf_1", reason: "bank_said_no" }), { kind: "refund_failed", refund_id: "rf_1", reason: "bank_said_no" }],
    [event({ type: "payment.pending" }), { kind: "pending" }],
    [event({ type: "payment.failed", reason: "card_declined", error_code: "do_not_honor" }), { kind: "failed", reason: "card_declined", error_code: "do_not_honor" }]
  ])("a signed %p verifies to the state machine's event", async (e, expected) => {
    const result = await verify(signedWebhook(secret, e, now()))
    expect(result._tag === "Success" && result.success.event).toEqual(expected as never)
  })

  test("the signature header is found whatever the case of its name", async () => {
    const webhook = signedWebhook(secret, event({}), now())
    const result = await verify({ body: webhook.body, headers: { "X-Sandbox-Signature": webhook.headers["x-sandbox-signature"]! } })
    expect(result._tag).toBe("Success")
  })
})

test("status after a refund is the refund's outcome", async () => {
  const r = request()
  await Effect.runPromise(gateway.start(r))
  await Effect.runPromise(settleAndReport(sandboxBank(options), r.transaction_id, "succeed"))
  const refund = { transaction_id: r.transaction_id, refund_id: "rf_a", amount: 1_000, currency: "PLN", gateway_reference: null, idempotency_key: "refund:rf_a" }
  expect(await Effect.runPromise(gateway.refund(refund))).toEqual({ kind: "refunded" })
  expect(await Effect.runPromise(gateway.status(r.transaction_id))).toEqual({ kind: "refund_succeeded", refund_id: "rf_a" })
})

test("many instances settling one payment at once: exactly one wins, one webhook is sent", async () => {
  const r = request()
  await Effect.runPromise(gateway.start(r))
  const before = delivered.length
  // Each attempt has its own ledger over the one store, as separate instances of the app do.
  const attempts = (["succeed", "fail", "cancel", "succeed", "fail", "cancel"] as const).map((outcome) =>
    Effect.result(settleAndReport({ ...sandboxBank(options), ledger: makeSandboxLedger(store) }, r.transaction_id, outcome))
  )
  const results = await Effect.runPromise(Effect.all(attempts, { concurrency: "unbounded" }))
  expect(results.filter((x) => x._tag === "Success")).toHaveLength(1)
  expect(results.filter((x) => x._tag === "Failure").map((x) => x._tag === "Failure" && x.failure._tag)).toEqual(Array(5).fill("SandboxPaymentSettled"))
  expect(delivered.length - before).toBe(1)
})

test("a start repeated concurrently records one payment", async () => {
  const r = { ...request(), method_id: "card" }
  const answers = await Effect.runPromise(Effect.all(Array.from({ length: 8 }, () => makeSandboxGateway(options).start(r)), { concurrency: "unbounded" }))
  expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1)
  const stored = await Effect.runPromise(makeSandboxLedger(store).read(r.transaction_id))
  expect(stored?.status).toBe("open")
})
