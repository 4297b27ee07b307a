/**
 * One shopper's whole purchase over the shop's HTTP API, as the README's walkthrough tells it: two items
 * and a service, shipping method, address and date, a payment method, customer data and consents,
 * finalize, Pay on the sandbox page, then wait until the checkout says `completed`. It speaks only
 * HTTP (any base URL, or an embedded app's `request`), so the walkthrough test runs it embedded and
 * distributed, and `bench:checkout` runs many at once from a second process. Waits are on conditions
 * with deadlines: the summary's `?after=` for what this shopper's own commands caused, polling for
 * what other contexts do in reaction (the payment's initialization, the completion).
 */
import { waitFor } from "./wait-for.ts"

export type Send = (method: string, path: string, init?: { readonly body?: unknown; readonly headers?: Record<string, string> }) => Promise<Response>

/** `fetch` against a base URL. */
export const sendTo =
  (baseUrl: string): Send =>
  (method, path, init = {}) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
    })

export interface PurchaseOptions {
  readonly tv?: string
  readonly accessory?: string
  readonly service?: string
  readonly paymentMethod?: string
  /** The sandbox page's outcome: `succeed` (default) or `fail` (the purchase then ends `payment_failed`); cash on delivery has none. */
  readonly outcome?: "succeed" | "fail"
  /** Deadline of each wait, ms. */
  readonly timeoutMs?: number
  /** How soon a wait looks again, ms; the interval doubles up to `maxPollMs` (default 500). */
  readonly pollMs?: number
  readonly maxPollMs?: number
  /** Sent as `X-Correlation-Id` with finalize (the checkout's trace and events carry it); default: the shop mints one. */
  readonly finalizeCorrelationId?: string
}

export interface Purchase {
  readonly session: string
  readonly order_id: string
  readonly grand_total: number
  readonly status: string
  /** Requests this purchase sent. */
  readonly requests: number
  /** Milliseconds from the first request to finalize's answer, and to the summary's final status. */
  readonly finalizedMs: number
  readonly doneMs: number
}

export class PurchaseFailed extends Error {}

type Json = Record<string, unknown>

export const purchase = async (send: Send, options: PurchaseOptions = {}): Promise<Purchase> => {
  const timeoutMs = options.timeoutMs ?? 30_000
  const pollMs = options.pollMs ?? 20
  const started = performance.now()
  let session: string | undefined
  let requests = 0
  const caused: Array<string> = []

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, expected: ReadonlyArray<number> = [200, 201, 202]) => {
    requests++
    const response = await send(method, path, { ...(body === undefined ? {} : { body }), headers: { ...(session === undefined ? {} : { "x-session-id": session }), ...headers } })
    session ??= response.headers.get("x-session-id") ?? undefined
    const ids = response.headers.get("x-event-ids")
    if (ids !== null) caused.push(...ids.split(","))
    const text = await response.text()
    if (!expected.includes(response.status)) throw new PurchaseFailed(`${method} ${path} → ${response.status}: ${text}`)
    return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as Json }
  }

  /** Reads `path` until `ok` holds; fails at the deadline with the last answer. */
  const until = async (path: string, ok: (body: Json) => boolean, what: string): Promise<Json> => {
    let last: Json | undefined
    try {
      return await waitFor(async () => ((last = (await call("GET", path)).body), ok(last) ? last : undefined), { timeoutMs, intervalMs: pollMs, maxIntervalMs: options.maxPollMs ?? 500, describe: () => what })
    } catch {
      throw new PurchaseFailed(`${what} within ${timeoutMs} ms; last ${path}: ${JSON.stringify(last)}`)
    }
  }

  const tv = options.tv ?? "tv-samsung-qe55q80d"
  const added = await call("POST", "/cart/items", { offer_id: tv, quantity: 1, type: "offer" })
  const tvLine = (added.body.items as Array<{ item_id: string; offer_id: string }>).find((item) => item.offer_id === tv)!
  await call("POST", "/cart/items", { offer_id: options.accessory ?? "hdmi-cable-2m", quantity: 1, type: "offer" })
  await call("POST", "/cart/items", { offer_id: options.service ?? "carry_in", quantity: 1, type: "service", parent_item_id: tvLine.item_id })

  await until("/shipping/available", (b) => (b.methods as Array<{ method_id: string }> | undefined)?.some((m) => m.method_id === "courier") === true, "courier offered")
  await call("POST", "/shipping/select", { method_id: "courier" })
  await call("POST", "/shipping/address", { street: "ul. Marszałkowska 1", city: "Warszawa", postal_code: "00-001", country: "PL" })
  const calendar = await call("GET", "/shipping/calendar?method_id=courier")
  await call("POST", "/shipping/set-date", { delivery_date: (calendar.body.days as Array<string>)[0] })

  const method = options.paymentMethod ?? "card"
  await until("/payment/available", (b) => (b.methods as Array<{ method_id: string }> | undefined)?.some((m) => m.method_id === method) === true, `${method} offered`)
  await call("POST", "/payment/select", { method_id: method })
  await call("POST", "/checkout/customer-data", { email: "jan.kowalski@example.com", first_name: "Jan", last_name: "Kowalski", phone: "+48 600 100 200" })
  await call("POST", "/checkout/consents", { terms_accepted: true, privacy_accepted: true, marketing_opt_in: false })

  // The checkout has seen every event this shopper's commands caused: its summary is what finalize checks.
  const after = `/checkout/summary?after=${encodeURIComponent(caused.join(","))}&wait_ms=${Math.min(timeoutMs, 10_000)}`
  const applied = async () => {
    requests++
    const response = await send("GET", after, { headers: { "x-session-id": session! } })
    const body = (await response.json()) as Json
    return response.headers.get("x-applied") === "true" ? body : undefined
  }
  const summary = { body: await waitFor(applied, { timeoutMs, intervalMs: 0, describe: () => `checkout never applied ${caused.length} events` }) }
  const finalized = await call(
    "POST",
    "/checkout/finalize",
    { expected_total: summary.body.grand_total },
    {
      "idempotency-key": `finalize-${crypto.randomUUID()}`,
      ...(options.finalizeCorrelationId === undefined ? {} : { "x-correlation-id": options.finalizeCorrelationId })
    }
  )
  const finalizedMs = performance.now() - started
  const orderId = finalized.body.order_id as string

  // Cash on delivery has nothing to pay online: the order completes once payment has set it up.
  const online = method !== "cash_on_delivery"
  if (online) {
    const initialized = await until(
      "/checkout/summary",
      (b) => typeof (b.payment as { redirect_url?: unknown } | undefined)?.redirect_url === "string",
      "payment initialized"
    )
    await call("POST", (initialized.payment as { redirect_url: string }).redirect_url, { outcome: options.outcome ?? "succeed" })
  }
  const expected = !online || (options.outcome ?? "succeed") === "succeed" ? "completed" : "payment_failed"
  const done = await until("/checkout/summary", (b) => b.status === expected, `checkout ${expected}`)
  return {
    session: session!,
    order_id: orderId,
    // The order's total, as finalize answered it (the summary follows the cart, which the completion clears).
    grand_total: finalized.body.grand_total as number,
    status: done.status as string,
    requests,
    finalizedMs,
    doneMs: performance.now() - started
  }
}

/** `fetch` against several apps, each owning the paths that start with one of its prefixes (a distributed shop without a gateway). */
export const sendToApps =
  (routes: ReadonlyArray<readonly [prefix: string, baseUrl: string]>): Send =>
  (method, path, init) => {
    const owner = routes.find(([prefix]) => path.startsWith(prefix))
    if (owner === undefined) throw new Error(`no app serves ${path}`)
    return sendTo(owner[1])(method, path, init)
  }
