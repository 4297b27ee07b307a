// A purchase through the embedded shop's real contexts, served over HTTP (the sandbox posts its webhook
// back to it): a fridge in the cart, store pickup with an address, card, the shopper's data and
// consents, finalize (202, stock reserved), the sandbox page's Pay → payment.succeeded →
// checkout.completed, the summary `completed`. Each step's effect on checkout is awaited with
// `?after=<event id>` (the ids read from the bus), never a sleep; what the test cannot name an event
// for (the payment the order starts) is awaited on the summary with a deadline.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { cartModule } from "@kasa/app-cart"
import { catalogModule } from "@kasa/app-catalog"
import { checkoutModule } from "@kasa/app-checkout"
import { paymentModule } from "@kasa/app-payment"
import { promotionModule } from "@kasa/app-promotion"
import { servicesModule } from "@kasa/app-services"
import { shippingModule } from "@kasa/app-shipping"
import { StockReservations } from "@kasa/catalog"
import { type Envelope, Topics } from "@kasa/shared"
import { newSession, publishedOn, type Session, startServedTestApp, type ServedTestApp } from "@kasa/test-support/app-harness"
import { readUntil } from "@kasa/test-support/wait-for"

let t: ServedTestApp

beforeAll(async () => {
  t = await startServedTestApp("shop", (origin) => [
    catalogModule(),
    cartModule(),
    servicesModule(),
    promotionModule(),
    shippingModule(),
    paymentModule({ env: { PUBLIC_URL: origin, PORT: "0" } }),
    checkoutModule({ env: {} })
  ])
}, 60_000)

afterAll(() => t?.stop())

const call = async (method: string, path: string, session: Session, body?: unknown) => {
  const response = await fetch(`${t.origin}${path}`, {
    method,
    headers: { "x-session-id": session.token, "x-correlation-id": "corr_checkout_purchase", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> }
}

/** The newest event of the session on `topic`, once there is one named `name`. */
const lastOn = (topic: string, session: Session, name: string): Promise<Envelope> =>
  readUntil(
    async () => publishedOn(t, topic, session).filter((e) => e.event_name === name).at(-1),
    (found) => found !== undefined,
    `${name} on ${topic}`
  ) as Promise<Envelope>

/** The summary once checkout has applied `event`. */
const summaryAfter = async (session: Session, event: Envelope) => {
  const answer = await call("GET", `/checkout/summary?after=${event.event_id}&wait_ms=10000`, session)
  expect(answer.headers.get("x-applied")).toBe("true")
  return answer.body
}

describe("a purchase through the embedded shop", () => {
  test("cart, shipping, payment method, data, consents → finalize → Pay → checkout completed", async () => {
    const session = newSession()
    const stockBefore = await t.app.runtime.runPromise(Effect.flatMap(StockReservations, (s) => s.stock(["fridge-samsung-rb38"])))
    expect((await call("POST", "/cart/items", session, { offer_id: "fridge-samsung-rb38", quantity: 1, type: "offer" })).status).toBe(201)
    const added = await summaryAfter(session, await lastOn(Topics.cart, session, "cart.item_added"))
    expect(added).toMatchObject({ cart_total: 329_900, status: "open" })

    await readUntil(async () => (await call("GET", "/shipping/available", session)).body, (b) => Array.isArray(b.methods) && (b.methods as Array<{ method_id: string }>).some((m) => m.method_id === "store_pickup"), "store pickup offered")
    expect((await call("POST", "/shipping/select", session, { method_id: "store_pickup" })).status).toBe(200)
    expect((await call("POST", "/shipping/address", session, { street: "Marszałkowska 1", city: "Warszawa", postal_code: "00-950", country: "PL" })).status).toBe(200)
    await summaryAfter(session, await lastOn(Topics.shipping, session, "shipping.method_selected"))
    await summaryAfter(session, await lastOn(Topics.shipping, session, "shipping.address_provided"))

    await readUntil(async () => (await call("GET", "/payment/available", session)).body, (b) => JSON.stringify(b).includes('"card"'), "card offered")
    expect((await call("POST", "/payment/select", session, { method_id: "card" })).status).toBe(200)
    const ready = await summaryAfter(session, await lastOn(Topics.payment, session, "payment.method_selected"))
    expect(ready).toMatchObject({ shipping: { method_id: "store_pickup", address: { city: "Warszawa" } }, payment: { method_id: "card" } })

    expect((await call("POST", "/checkout/customer-data", session, { email: "anna@example.com", first_name: "Anna", last_name: "Nowak" })).status).toBe(200)
    expect((await call("POST", "/checkout/consents", session, { terms_accepted: true, privacy_accepted: true })).status).toBe(200)
    const finalized = await call("POST", "/checkout/finalize", session, { expected_total: ready.grand_total })
    expect(finalized.status).toBe(202)
    const orderId = finalized.body.order_id as string
    expect(finalized.body).toMatchObject({ status: "finalized", grand_total: ready.grand_total, currency: "PLN" })
    const stockAfter = await t.app.runtime.runPromise(Effect.flatMap(StockReservations, (s) => s.stock(["fridge-samsung-rb38"])))
    expect(stockAfter[0]!.stock).toBe(stockBefore[0]!.stock - 1)

    // Payment starts the order's payment from checkout.order_created; checkout shows its page.
    const initialized = await lastOn(Topics.payment, session, "payment.initialized")
    const started = await summaryAfter(session, initialized)
    expect(started).toMatchObject({ status: "finalized", order_id: orderId, payment: { status: "initialized" } })
    const redirect = (started.payment as { redirect_url: string }).redirect_url
    const paid = await fetch(`${t.origin}${redirect}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ outcome: "succeed" }) })
    expect(paid.status).toBe(200)

    const completed = await summaryAfter(session, await lastOn(Topics.payment, session, "payment.succeeded"))
    expect(completed).toMatchObject({ status: "completed", order_id: orderId, payment: { status: "succeeded" } })
    const done = await lastOn(Topics.checkout, session, "checkout.completed")
    expect(done.payload).toMatchObject({ order_id: orderId, cart_version: (await lastOn(Topics.checkout, session, "checkout.order_created")).payload.cart_version })
  }, 120_000)
})
