// The sandbox's hosted page through its Hono routes (`app.request`), with webhooks posted over real
// HTTP to a receiving shop endpoint (`Bun.serve` on port 0): the page shows the amount and three
// buttons and escapes hostile values; a press settles the payment and delivers a webhook the gateway
// verifies; bad outcomes, unknown and settled payments, a shop that refuses the webhook, the page
// without JavaScript, the request's own origin as the shop's, and BLIK's bank posting by itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, ManagedRuntime } from "effect"
import { Hono } from "hono"
import { layerMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"
import { type BlikCode, type StartPayment, type WebhookDelivery } from "@kasa/payment"
import { StateStore } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { makeSandboxGateway, randomSandboxSecret, SANDBOX_WEBHOOK_PATH, type SandboxGatewayOptions, sandboxRoutes } from "../src/index.ts"

const runtime = ManagedRuntime.make(layerMemoryStateStore(new MemoryStateData()))
const secret = randomSandboxSecret()

/** The shop's webhook endpoint: what it received, and transactions whose webhook it refuses. */
const received: Array<WebhookDelivery & { readonly transaction_id: string }> = []
const refuseFor = new Set<string>()
const receive = async (request: Request): Promise<Response> => {
  const body = await request.text()
  const transaction_id = String((JSON.parse(body) as { transaction_id: unknown }).transaction_id)
  received.push({ body, headers: Object.fromEntries(request.headers), transaction_id })
  return refuseFor.has(transaction_id) ? new Response("no", { status: 500 }) : new Response(null, { status: 204 })
}
const receivedFor = (transaction_id: string) => received.filter((r) => r.transaction_id === transaction_id)

let shop: ReturnType<typeof Bun.serve>
let options: SandboxGatewayOptions

beforeAll(async () => {
  shop = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (request) => (new URL(request.url).pathname === SANDBOX_WEBHOOK_PATH ? receive(request) : new Response(null, { status: 404 })) })
  const store = await runtime.runPromise(StateStore)
  options = { secret, store, shopOrigin: shop.url.origin, deliver: undefined, blikConfirmAfter: "5 millis" }
})
afterAll(async () => {
  await shop.stop(true)
  await runtime.dispose()
})

let n = 0
const request = (overrides: Partial<StartPayment> = {}): StartPayment => {
  const transaction_id = overrides.transaction_id ?? `txn_routes_${Date.now().toString(36)}_${++n}`
  return {
    transaction_id,
    order_id: `ord_${n}`,
    amount_total: 123_456,
    currency: "PLN",
    method_id: "card",
    return_url: `/checkout/return/${transaction_id}`,
    idempotency_key: `start:${transaction_id}`,
    ...overrides
  }
}

const started = async (overrides: Partial<StartPayment> = {}) => {
  const gateway = makeSandboxGateway(options)
  const r = request(overrides)
  const answer = await Effect.runPromise(gateway.start(r))
  if (answer.kind !== "redirect") throw new Error(`expected a redirect, got ${JSON.stringify(answer)}`)
  return { gateway, request: r, url: answer.redirect_url }
}

const post = (app: Hono, url: string, body: unknown, contentType = "application/json") =>
  app.request(url, { method: "POST", headers: { "content-type": contentType }, body: typeof body === "string" ? body : JSON.stringify(body) })

describe("GET /sandbox/checkout/{transaction_id}", () => {
  test("the page shows the amount in złoty and three buttons, under a strict Content-Security-Policy", async () => {
    const { url } = await started()
    const response = await sandboxRoutes(options).request(url)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toStartWith("text/html")
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'")
    const html = await response.text()
    expect(html).toContain("1 234,56 zł")
    expect(html.match(/<button\b/g)?.length).toBe(3)
    for (const [value, label] of [["succeed", "Pay"], ["fail", "Fail"], ["cancel", "Cancel"]]) expect(html).toContain(`value="${value}">${label}</button>`)
    expect(html).toContain(`<form id="checkout" method="post" action="${url}">`)
  })

  test("hostile values are escaped: none of them becomes markup", async () => {
    const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)>`
    const { url } = await started({ order_id: hostile, currency: `<b>`, method_id: "payu" })
    const html = await (await sandboxRoutes(options).request(url)).text()
    expect(html).not.toContain("<img")
    expect(html).not.toContain(`<script>alert`)
    expect(html).not.toContain("<b>")
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;")
    expect(html).toContain("&lt;b&gt;")
  })

  test("an unknown payment is a 404 problem", async () => {
    const response = await sandboxRoutes(options).request("/sandbox/checkout/txn_never_started")
    expect(response.status).toBe(404)
    expect(response.headers.get("content-type")).toBe("application/problem+json")
    expect(((await response.json()) as { code: string }).code).toBe("payment_not_found")
  })

  test("a settled payment's page shows its state and a way back, no buttons", async () => {
    const { url, request: r } = await started()
    const app = sandboxRoutes(options)
    expect((await post(app, url, { outcome: "cancel" })).status).toBe(200)
    const html = await (await app.request(url)).text()
    expect(html).not.toContain("<button")
    expect(html).toContain("cancelled")
    expect(html).toContain(`href="${r.return_url}"`)
  })
})

describe("POST /sandbox/checkout/{transaction_id}", () => {
  test("Pay settles the payment, posts a webhook the gateway verifies to the shop, and answers the return URL", async () => {
    const { url, request: r, gateway } = await started()
    const response = await post(sandboxRoutes(options), url, { outcome: "succeed" })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ return_url: r.return_url })
    const [webhook] = receivedFor(r.transaction_id)
    expect(receivedFor(r.transaction_id)).toHaveLength(1)
    const notification = await Effect.runPromise(gateway.verifyWebhook(webhook!))
    expect(notification.event).toEqual({ kind: "succeeded", amount: 123_456, currency: "PLN", gateway_reference: `sbx_${r.transaction_id}` })
    expect(await Effect.runPromise(gateway.status(r.transaction_id))).toEqual(notification.event)
  })

  test("an outcome that is not succeed, fail or cancel is a 400 naming the field; nothing settles", async () => {
    const { url, request: r, gateway } = await started()
    const app = sandboxRoutes(options)
    for (const body of [{ outcome: "explode" }, {}, { outcome: 1 }]) {
      const response = await post(app, url, body)
      expect(response.status).toBe(400)
      const problem = (await response.json()) as { errors: Array<{ field: string }> }
      expect(problem.errors.map((e) => e.field)).toContain("outcome")
    }
    expect((await post(app, url, "{not json")).status).toBe(400)
    expect((await post(app, url, "outcome=succeed", "text/plain")).status).toBe(415)
    expect(receivedFor(r.transaction_id)).toHaveLength(0)
    expect(await Effect.runPromise(gateway.status(r.transaction_id))).toBeUndefined()
  })

  test("an unknown payment is a 404", async () => {
    const response = await post(sandboxRoutes(options), "/sandbox/checkout/txn_never_started", { outcome: "succeed" })
    expect(response.status).toBe(404)
    expect(response.headers.get("content-type")).toBe("application/problem+json")
  })

  test("a payment already settled is a 409 that still offers the way back; no second webhook", async () => {
    const { url, request: r } = await started()
    const app = sandboxRoutes(options)
    expect((await post(app, url, { outcome: "fail" })).status).toBe(200)
    const again = await post(app, url, { outcome: "succeed" })
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ code: "payment_settled", status_now: "failed", return_url: r.return_url })
    expect(receivedFor(r.transaction_id)).toHaveLength(1)
  })

  test("a shop that refuses the webhook makes it a 502; the outcome stands and status tells it", async () => {
    const { url, request: r, gateway } = await started()
    refuseFor.add(r.transaction_id)
    const response = await post(sandboxRoutes({ ...options, deliver: undefined }), url, { outcome: "succeed" })
    expect(response.status).toBe(502)
    expect(await response.json()).toMatchObject({ code: "webhook_not_delivered", return_url: r.return_url })
    expect(receivedFor(r.transaction_id).length).toBeGreaterThanOrEqual(1)
    expect((await Effect.runPromise(gateway.status(r.transaction_id)))?.kind).toBe("succeeded")
  })

  test("without JavaScript the form post settles the payment and redirects to the return URL", async () => {
    const { url, request: r } = await started()
    const response = await post(sandboxRoutes(options), url, "outcome=cancel", "application/x-www-form-urlencoded")
    expect(response.status).toBe(303)
    expect(response.headers.get("location")).toBe(r.return_url)
    expect(receivedFor(r.transaction_id)).toHaveLength(1)
  })

  test("a return URL that is not a path or http(s) is never sent back", async () => {
    const { url } = await started({ return_url: "javascript:alert(1)" })
    expect(await (await post(sandboxRoutes(options), url, { outcome: "succeed" })).json()).toEqual({ return_url: "/" })
  })

  test("without a configured origin the webhook goes to the request's own origin", async () => {
    const own = { ...options, shopOrigin: undefined }
    const app = new Hono().route("/", sandboxRoutes(own)).post(SANDBOX_WEBHOOK_PATH, (c) => receive(c.req.raw))
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch })
    try {
      const { url, request: r } = await started()
      const response = await fetch(new URL(url, server.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ outcome: "succeed" }) })
      expect(response.status).toBe(200)
      expect(receivedFor(r.transaction_id)).toHaveLength(1)
    } finally {
      await server.stop(true)
    }
  })
})

describe("BLIK's bank", () => {
  test("confirms a pending payment by itself: its webhook reaches the shop at the return URL's origin and verifies", async () => {
    const gateway = makeSandboxGateway({ ...options, shopOrigin: undefined })
    const r = request({ method_id: "blik", blik_code: "123456" as BlikCode })
    const withAbsoluteReturn = { ...r, return_url: `${shop.url.origin}/checkout/return/${r.transaction_id}` }
    expect(await Effect.runPromise(gateway.start(withAbsoluteReturn))).toEqual({ kind: "pending", gateway_reference: `sbx_${r.transaction_id}` })
    await Effect.runPromise(waitUntil(() => receivedFor(r.transaction_id).length > 0, { timeoutMs: 10_000, describe: () => `${received.length} webhooks, none for ${r.transaction_id}` }))
    const notification = await Effect.runPromise(gateway.verifyWebhook(receivedFor(r.transaction_id)[0]!))
    expect(notification.event.kind).toBe("succeeded")
  })
})
