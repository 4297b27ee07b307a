// Checkout's HTTP API in an embedded app with the catalog (its stock) beside it, fed the other
// contexts' events over the in-memory bus and read back with `?after=` (no polling): the summary's
// shape, read-your-writes (X-Applied), every bad input on every endpoint (400 malformed, 415 not JSON,
// 422 rules and the missing list, 409 total changed, out of stock, order under way) answered as
// problem+json naming the fields and leaving the store, the stock and the bus as they were; finalize
// 202 with checkout.order_created, and the same Idempotency-Key twice making one order.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { catalogModule } from "@kasa/app-catalog"
import { call, newSession, publishedOn, publishTo, type Session, type TestApp, startTestApp } from "@kasa/test-support/app-harness"
import { Topics } from "@kasa/shared"
import { APPLIED_HEADER, checkoutModule } from "../src/index.ts"
import { CONSENTS, CUSTOMER, FRIDGE, grandTotalOf, type Published, readyEvents } from "./fixtures.ts"

let t: TestApp
beforeAll(async () => {
  t = await startTestApp("checkout", [catalogModule(), checkoutModule({ env: {} })])
})
afterAll(() => t.app.stop())

const json = async (response: Response) => (await response.json()) as Record<string, unknown>

/** Publishes the events and waits (one `?after=` naming them all: topics are consumed independently) until checkout has applied every one. */
const feed = async (session: Session, events: ReadonlyArray<Published>) => {
  for (const e of events) await publishTo(t, e.topic, e.envelope)
  const response = await call(t, "GET", `/checkout/summary?after=${events.map((e) => e.envelope.event_id).join(",")}&wait_ms=5000`, { session })
  expect(response.headers.get(APPLIED_HEADER)).toBe("true")
  return await json(response)
}

/** A session ready to finalize `quantity` fridges. */
const readySession = async (quantity = 1) => {
  const session = newSession()
  await feed(session, readyEvents(session.id, quantity))
  expect((await call(t, "POST", "/checkout/customer-data", { session, body: CUSTOMER })).status).toBe(200)
  expect((await call(t, "POST", "/checkout/consents", { session, body: CONSENTS })).status).toBe(200)
  return session
}

/** What a refused request must leave as it was: the session's values and events, and every stock key. */
const footprint = (session: Session) => ({
  values: t.state.valueEntries().filter(([key]) => key.includes(session.id) || key.startsWith("inventory:")),
  events: [
    ...t.state.outbox.filter((entry) => entry.event.key === session.id).map((entry) => entry.event.envelope.event_id),
    ...publishedOn(t, Topics.checkout, session).map((e) => e.event_id),
    ...publishedOn(t, Topics.inventory, session).map((e) => e.event_id)
  ].sort()
})

const expectProblem = async (response: Response, status: number, code: string) => {
  expect(response.status).toBe(status)
  expect(response.headers.get("content-type")).toContain("application/problem+json")
  const body = await json(response)
  expect(body).toMatchObject({ status, code })
  return body
}

/** Sends the request and checks it is refused with `status`/`code`, the session's state, stock and events untouched. */
const refused = async (session: Session, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> }, status: number, code: string) => {
  const before = footprint(session)
  const body = await expectProblem(await call(t, method, path, { session, ...options }), status, code)
  expect(footprint(session)).toEqual(before)
  return body
}

describe("GET /checkout/summary", () => {
  test("a new session's summary has exactly SPEC's fields, empty", async () => {
    const response = await call(t, "GET", "/checkout/summary")
    expect(response.status).toBe(200)
    const body = await json(response)
    expect(Object.keys(body).sort()).toEqual(
      ["session_id", "status", "items", "cart_total", "promotion_discount", "shipping_total", "services_total", "grand_total", "currency", "shipping", "payment", "customer", "consents", "order_id"].sort()
    )
    expect(body).toMatchObject({ status: "open", items: [], grand_total: 0, currency: "PLN", customer: null, consents: null, order_id: null })
    expect(Object.keys(body.shipping as object).sort()).toEqual(["addons", "address", "delivery_date", "is_express", "method_id", "method_name", "price_amount"])
    expect(Object.keys(body.payment as object).sort()).toEqual(["method_id", "redirect_url", "status", "transaction_id"])
  })

  test("?after= answers once the event is applied (X-Applied: true), with the totals SPEC computes", async () => {
    const session = newSession()
    const body = await feed(session, readyEvents(session.id, 2))
    expect(body).toMatchObject({ cart_total: 2 * FRIDGE.unit_price, shipping_total: 9_900, grand_total: grandTotalOf(2), shipping: { method_id: "pallet", delivery_date: "2026-12-07" }, payment: { method_id: "blik" } })
  })

  test("?after= naming an applied event and one never seen ends with the wait: X-Applied: false", async () => {
    const session = newSession()
    const [first] = readyEvents(session.id, 1)
    await feed(session, [first!])
    const response = await call(t, "GET", `/checkout/summary?after=${first!.envelope.event_id},0190aaaa-0000-7000-8000-000000000000&wait_ms=30`, { session })
    expect(response.headers.get(APPLIED_HEADER)).toBe("false")
  })

  test("?after= of an event never seen ends with the wait: X-Applied: false and the summary as it stands", async () => {
    const session = newSession()
    const response = await call(t, "GET", "/checkout/summary?after=0190aaaa-0000-7000-8000-000000000000&wait_ms=30", { session })
    expect(response.status).toBe(200)
    expect(response.headers.get(APPLIED_HEADER)).toBe("false")
    expect((await json(response)).status).toBe("open")
  })

  test.each([
    ["wait_ms=abc&after=x", "wait_ms"],
    ["wait_ms=-1&after=x", "wait_ms"],
    ["wait_ms=1.5&after=x", "wait_ms"],
    ["wait_ms=&after=x", "wait_ms"],
    ["wait_ms=10001&after=x", "wait_ms"],
    ["wait_ms=100", "wait_ms"],
    ["after=", "after"],
    [`after=${"x".repeat(129)}`, "after"],
    ["after=a,,b", "after"],
    ["after=a,", "after"],
    [`after=${Array.from({ length: 33 }, (_, i) => `e${i}`).join(",")}`, "after"]
  ])("?%s is a 400 naming %s, and writes nothing", async (query, field) => {
    const session = newSession()
    const body = await refused(session, "GET", `/checkout/summary?${query}`, {}, 400, "validation_failed")
    expect((body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field)
  })
})

describe("POST /checkout/customer-data and /checkout/consents", () => {
  test("valid data and consents are stored and shown in the summary", async () => {
    const session = newSession()
    const response = await call(t, "POST", "/checkout/customer-data", {
      session,
      body: { ...CUSTOMER, invoice: { company_name: "Kasa sp. z o.o.", tax_id: "526-000-12-46", address: { street: "Prosta 1", city: "Warszawa", postal_code: "00-001", country: "PL" } } }
    })
    expect(response.status).toBe(200)
    expect((await json(response)).customer).toMatchObject({ email: CUSTOMER.email, invoice: { tax_id: "5260001246" } })
    const consents = await call(t, "POST", "/checkout/consents", { session, body: { ...CONSENTS, marketing_opt_in: true } })
    expect((await json(consents)).consents).toEqual({ ...CONSENTS, marketing_opt_in: true })
    expect((await json(await call(t, "GET", "/checkout/summary", { session }))).customer).toMatchObject({ first_name: "Anna" })
  })

  const invoice = (tax_id: string) => ({ ...CUSTOMER, invoice: { company_name: "Firma", tax_id, address: { street: "Prosta 1", city: "Warszawa", postal_code: "00-001", country: "PL" } } })

  test.each([
    ["a NIP whose checksum is wrong", invoice("5260001247"), "invoice.tax_id"],
    ["a NIP of nine digits", invoice("526000124"), "invoice.tax_id"],
    ["a NIP starting with 0", invoice("0260001246"), "invoice.tax_id"],
    ["an email without a domain", { ...CUSTOMER, email: "anna@" }, "email"],
    ["a blank first name", { ...CUSTOMER, first_name: "   " }, "first_name"],
    ["a phone of letters", { ...CUSTOMER, phone: "call me" }, "phone"],
    ["an invoice country that is not a code", { ...CUSTOMER, invoice: { ...invoice("5260001246").invoice, address: { street: "a", city: "b", postal_code: "c", country: "Poland" } } }, "invoice.address.country"]
  ])("%s is a 422 naming %s; nothing written", async (_, body, field) => {
    const problem = await refused(newSession(), "POST", "/checkout/customer-data", { body }, 422, "invalid_customer_data")
    expect((problem.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field)
  })

  test.each([
    ["/checkout/customer-data", { first_name: "Anna", last_name: "Nowak" }, "email"],
    ["/checkout/customer-data", { ...CUSTOMER, email: 42 }, "email"],
    ["/checkout/customer-data", { ...CUSTOMER, invoice: { company_name: "Firma" } }, "invoice.tax_id"],
    ["/checkout/consents", { terms_accepted: "yes", privacy_accepted: true }, "terms_accepted"],
    ["/checkout/consents", { terms_accepted: true }, "privacy_accepted"],
    ["/checkout/finalize", { expected_total: "a lot" }, "expected_total"],
    ["/checkout/finalize", { expected_total: -1 }, "expected_total"],
    ["/checkout/finalize", { expected_total: 1.5 }, "expected_total"]
  ])("POST %s with %j is a 400 naming %s; nothing written", async (path, body, field) => {
    const problem = await refused(newSession(), "POST", path, { body }, 400, "validation_failed")
    expect((problem.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field)
  })

  test.each([["/checkout/customer-data"], ["/checkout/consents"], ["/checkout/finalize"]])("POST %s: malformed JSON is 400, a body not sent as JSON 415; nothing written", async (path) => {
    const session = newSession()
    await refused(session, "POST", path, { body: "{not json", headers: { "content-type": "application/json" } }, 400, "malformed_json")
    await refused(session, "POST", path, { body: "a=b", headers: { "content-type": "application/x-www-form-urlencoded" } }, 415, "unsupported_media_type")
  })
})

describe("POST /checkout/finalize", () => {
  test("an empty checkout is a 422 listing everything missing; nothing written or published", async () => {
    const problem = await refused(newSession(), "POST", "/checkout/finalize", { body: {} }, 422, "checkout_incomplete")
    expect(problem.missing).toEqual(["cart", "shipping_method", "address", "payment_method", "customer_data", "consents"])
  })

  test("a checkout without data and consents lists just those", async () => {
    const session = newSession()
    await feed(session, readyEvents(session.id))
    const problem = await refused(session, "POST", "/checkout/finalize", {}, 422, "checkout_incomplete")
    expect(problem.missing).toEqual(["customer_data", "consents"])
  })

  test("a different expected_total is a 409 with the new totals; nothing reserved or published", async () => {
    const session = await readySession()
    const problem = await refused(session, "POST", "/checkout/finalize", { body: { expected_total: 1 } }, 409, "total_changed")
    expect(problem.totals).toMatchObject({ grand_total: grandTotalOf(1), cart_total: FRIDGE.unit_price, shipping_total: 9_900, currency: "PLN" })
    expect((problem.errors as Array<{ field: string }>)[0]!.field).toBe("expected_total")
  })

  test("more units than in stock is a 409 naming the line; nothing reserved or published", async () => {
    const session = await readySession(500)
    const problem = await refused(session, "POST", "/checkout/finalize", { body: { expected_total: grandTotalOf(500) } }, 409, "out_of_stock")
    expect(problem.lines).toEqual([{ offer_id: FRIDGE.offer_id, requested: 500, available: expect.any(Number) }])
  })

  test("202 with the order; checkout.order_created and inventory.reserved published; the same Idempotency-Key again replays one order; another finalize is 409", async () => {
    const session = await readySession()
    const headers = { "Idempotency-Key": `finalize-${session.id}` }
    const first = await call(t, "POST", "/checkout/finalize", { session, body: { expected_total: grandTotalOf(1) }, headers })
    expect(first.status).toBe(202)
    const answer = await json(first)
    expect(answer).toEqual({ order_id: expect.stringMatching(/^ord_/), status: "finalized", grand_total: grandTotalOf(1), currency: "PLN" })
    const again = await call(t, "POST", "/checkout/finalize", { session, body: { expected_total: grandTotalOf(1) }, headers })
    expect(again.status).toBe(202)
    expect(again.headers.get("idempotent-replayed")).toBe("true")
    expect(await json(again)).toEqual(answer)
    const created = t.state.outbox.filter((e) => e.event.key === session.id && e.event.envelope.event_name === "checkout.order_created")
    const relayed = publishedOn(t, Topics.checkout, session).filter((e) => e.event_name === "checkout.order_created")
    const ids = new Set([...created.map((e) => e.event.envelope.event_id), ...relayed.map((e) => e.event_id)])
    expect(ids.size).toBe(1)
    // Checkout's own event counts as applied the moment it is written: `?after=` of it answers at once.
    const after = await call(t, "GET", `/checkout/summary?after=${[...ids][0]}&wait_ms=0`, { session })
    expect(after.headers.get(APPLIED_HEADER)).toBe("true")
    expect((await json(after)).status).toBe("finalized")
    const other = await refused(session, "POST", "/checkout/finalize", { body: {} }, 409, "checkout_not_open")
    expect(other.order_id).toBe(answer.order_id)
    await refused(session, "POST", "/checkout/customer-data", { body: CUSTOMER }, 409, "checkout_not_open")
  })
})
