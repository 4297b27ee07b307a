// The promotion's HTTP API in an embedded app (createApp over a broker and state this file can look
// into), with carts put in front of it through cart-events as the cart publishes them: every
// endpoint's exact body, events published with the request's correlation id on promotion-events,
// every invalid code a 422 with its reason and a promotion.code_invalid, and every other bad input a
// 400/404 naming the field that leaves the store and the bus exactly as they were.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { isSessionId } from "@kasa/shared"
import { accessories, type Row } from "@kasa/promotion/testing"
import { call, cartIs, eventsOnBus, footprint, newSession, publishedFor, type Session, sessionOf, startPromotionApp, type TestApp } from "./fixtures.ts"

let t: TestApp

beforeAll(async () => {
  t = await startPromotionApp()
})
afterAll(async () => {
  await t.app.stop()
})

const json = async (response: Response) => (await response.json()) as Record<string, unknown>

const tv: Row = ["tv-samsung-qe55q80d", "tv", 379_900, 1]
const cables = (n: number) => accessories(4_999, n, "hdmi-cable-2m")
const HALF = "Second accessory at half price (2 za 50%)"
const THREE_PLUS_ONE = "Buy 3 accessories, get the 4th free (3+1 gratis)"

/** A session whose cart (version 1) holds these rows, already projected. */
const sessionWith = async (...rows: ReadonlyArray<Row>) => {
  const session = newSession()
  await cartIs(t, session, 1, ...rows)
  return session
}

/** Expects `response` to be problem+json with this status and code, naming `field` when given. */
const expectProblem = async (response: Response, status: number, code: string, field?: string) => {
  expect(response.status).toBe(status)
  expect(response.headers.get("content-type")).toStartWith("application/problem+json")
  const body = await json(response)
  expect(body).toMatchObject({ status, code, type: `https://kasa.dev/problems/${code}` })
  if (field !== undefined) expect((body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field)
  return body
}

describe("GET /promotions/available[?cart_id=]", () => {
  const both = [
    { promotion_id: "second-item-half-price", name: HALF, discount_amount: 2 * 2_499, currency: "PLN" },
    { promotion_id: "buy-3-get-1", name: THREE_PLUS_ONE, discount_amount: 4_999, currency: "PLN" }
  ]

  test("lists the promotions the caller's cart qualifies for, by its session alone, with the discount each would give", async () => {
    const session = await sessionWith(tv, cables(4))
    const response = await call(t, "GET", "/promotions/available", { session })
    expect(response.status).toBe(200)
    expect(response.headers.get("X-Session-Id")).toBe(session.token)
    expect(await response.json()).toEqual({ promotions: both })
  })

  test("cart_id may name the caller's own cart (its session_id): the same answer", async () => {
    const session = await sessionWith(tv, cables(4))
    expect(await json(await call(t, "GET", `/promotions/available?cart_id=${session.id}`, { session }))).toEqual({ promotions: both })
  })

  test("follows the cart: one cable qualifies for nothing", async () => {
    const session = await sessionWith(cables(2))
    await cartIs(t, session, 2, cables(1))
    expect(await json(await call(t, "GET", "/promotions/available", { session }))).toEqual({ promotions: [] })
  })

  test("a cart never seen, or a new session, qualifies for nothing", async () => {
    expect(await json(await call(t, "GET", "/promotions/available", { session: newSession() }))).toEqual({ promotions: [] })
    const fresh = await call(t, "GET", "/promotions/available")
    expect(await json(fresh)).toEqual({ promotions: [] })
    sessionOf(fresh)
  })

  test.each<[string, (owner: Session) => Session | undefined]>([
    ["from another session", () => newSession()],
    ["without a session (a new one is issued)", () => undefined]
  ])("another session's cart_id, %s → 403 cart_forbidden, nothing of the owner's shown", async (_, caller) => {
    const owner = await sessionWith(tv, cables(4))
    const asking = caller(owner)
    const response = await call(t, "GET", `/promotions/available?cart_id=${owner.id}`, asking === undefined ? {} : { session: asking })
    const body = await expectProblem(response, 403, "cart_forbidden", "cart_id")
    expect(JSON.stringify(body)).not.toContain("promotion_id")
    expect(sessionOf(response).id).not.toBe(owner.id)
  })

  test.each([["/promotions/available?cart_id="], ["/promotions/available?cart_id=cart-42"]])("%s → 400 naming cart_id", async (path) => {
    await expectProblem(await call(t, "GET", path, { session: newSession() }), 400, "validation_failed", "cart_id")
  })
})

describe("POST /promotions/apply", () => {
  test("applies the promotion: its body, the applied list, and promotion.applied with the request's correlation id", async () => {
    const session = await sessionWith(tv, cables(2))
    const response = await call(t, "POST", "/promotions/apply", { session, body: { promotion_id: "second-item-half-price" }, headers: { "X-Correlation-Id": "corr_apply_1", "X-User-Id": "user_9" } })
    expect(response.status).toBe(200)
    expect(response.headers.get("X-Session-Id")).toBe(session.token)
    expect(await response.json()).toEqual({ promotion_id: "second-item-half-price", promotion_name: HALF, discount_amount: 2_499, discount_currency: "PLN" })
    const [applied] = await eventsOnBus(t, session, 1)
    expect(applied).toMatchObject({
      event_name: "promotion.applied",
      aggregate_id: session.id,
      correlation_id: "corr_apply_1",
      producer: "promotion",
      payload: { session_id: session.id, user_id: "user_9", promotion_id: "second-item-half-price", promotion_name: HALF, discount_amount: 2_499, discount_currency: "PLN", cart_version: 1 }
    })
  })

  test("the same promotion again answers the same and publishes nothing more", async () => {
    const session = await sessionWith(cables(2))
    const first = await json(await call(t, "POST", "/promotions/apply", { session, body: { promotion_id: "second-item-half-price" } }))
    await eventsOnBus(t, session, 1)
    const before = footprint(t, session)
    expect(await json(await call(t, "POST", "/promotions/apply", { session, body: { promotion_id: "second-item-half-price" } }))).toEqual(first)
    expect(footprint(t, session)).toEqual(before)
  })

  test.each<[string, unknown, number, string, string | undefined]>([
    ["malformed JSON", "{", 400, "malformed_json", "body"],
    ["no promotion_id", {}, 400, "validation_failed", "promotion_id"],
    ["a promotion_id that is not a string", { promotion_id: 7 }, 400, "validation_failed", "promotion_id"],
    ["an empty promotion_id", { promotion_id: "" }, 400, "validation_failed", "promotion_id"],
    ["an unknown promotion", { promotion_id: "half-off-everything" }, 404, "promotion_not_found", "promotion_id"],
    ["3+1 on two accessories", { promotion_id: "buy-3-get-1" }, 422, "promotion_not_applicable", "promotion_id"]
  ])("%s → %d %s, nothing changed or published", async (_, body, status, code, field) => {
    const session = await sessionWith(cables(2))
    const before = footprint(t, session)
    await expectProblem(await call(t, "POST", "/promotions/apply", { session, body }), status, code, field)
    expect(footprint(t, session)).toEqual(before)
  })

  test("the other exclusive promotion → 422 not_combinable naming the applied one; the first stays", async () => {
    const session = await sessionWith(cables(4))
    await call(t, "POST", "/promotions/apply", { session, body: { promotion_id: "buy-3-get-1" } })
    await eventsOnBus(t, session, 1)
    const before = footprint(t, session)
    const body = await expectProblem(await call(t, "POST", "/promotions/apply", { session, body: { promotion_id: "second-item-half-price" } }), 422, "promotion_not_applicable", "promotion_id")
    expect(body).toMatchObject({ reason: "not_combinable", conflicts_with: "buy-3-get-1" })
    expect(footprint(t, session)).toEqual(before)
  })

  test("a cart that does not qualify → 422 minimum_not_met", async () => {
    const session = await sessionWith(tv, cables(1))
    expect(await expectProblem(await call(t, "POST", "/promotions/apply", { session, body: { promotion_id: "second-item-half-price" } }), 422, "promotion_not_applicable")).toMatchObject({
      reason: "minimum_not_met"
    })
  })
})

describe("POST /promotions/apply-code", () => {
  test("applies the code (any case): its body and promotion.code_applied", async () => {
    const session = await sessionWith(tv)
    const response = await call(t, "POST", "/promotions/apply-code", { session, body: { code: " welcome10 " }, headers: { "X-Correlation-Id": "corr_code_1" } })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ code: "WELCOME10", discount_amount: 37_990, discount_currency: "PLN" })
    const [applied] = await eventsOnBus(t, session, 1)
    expect(applied).toMatchObject({
      event_name: "promotion.code_applied",
      correlation_id: "corr_code_1",
      payload: { session_id: session.id, code: "WELCOME10", discount_amount: 37_990, discount_currency: "PLN", cart_version: 1 }
    })
  })

  test.each<[string, ReadonlyArray<Row>, string, string]>([
    ["an unknown code", [tv], "FREESTUFF", "unknown"],
    ["an expired code", [tv], "EXPIRED2020", "expired"],
    ["WELCOME10 at 9999", [["goods", "equipment", 9_999, 1]], "WELCOME10", "minimum_not_met"],
    ["MINUS50 at 49999", [["goods", "equipment", 49_999, 1]], "MINUS50", "minimum_not_met"],
    ["a code on an empty cart", [], "WELCOME10", "minimum_not_met"]
  ])("%s → 422 with reason %s, promotion.code_invalid published, nothing else changed", async (_, rows, code, reason) => {
    const session = rows.length === 0 ? newSession() : await sessionWith(...rows)
    const before = footprint(t, session)
    const body = await expectProblem(await call(t, "POST", "/promotions/apply-code", { session, body: { code }, headers: { "X-Correlation-Id": "corr_bad_code" } }), 422, "promo_code_invalid", "code")
    expect(body).toMatchObject({ reason, promo_code: code })
    const [invalid] = await eventsOnBus(t, session, 1)
    expect(invalid).toMatchObject({ event_name: "promotion.code_invalid", correlation_id: "corr_bad_code", payload: { session_id: session.id, code, reason } })
    expect(footprint(t, session).values).toEqual(before.values)
    expect(footprint(t, session).events).toHaveLength(1)
  })

  test("at the boundaries the codes apply: WELCOME10 at 10000 → 1000, MINUS50 at 50000 → 5000", async () => {
    const welcome = await sessionWith(["goods", "equipment", 10_000, 1])
    expect(await json(await call(t, "POST", "/promotions/apply-code", { session: welcome, body: { code: "WELCOME10" } }))).toEqual({ code: "WELCOME10", discount_amount: 1_000, discount_currency: "PLN" })
    const minus = await sessionWith(["goods", "equipment", 50_000, 1])
    expect(await json(await call(t, "POST", "/promotions/apply-code", { session: minus, body: { code: "MINUS50" } }))).toEqual({ code: "MINUS50", discount_amount: 5_000, discount_currency: "PLN" })
  })

  test("a second code → 422 not_combinable; the first stays", async () => {
    const session = await sessionWith(tv)
    await call(t, "POST", "/promotions/apply-code", { session, body: { code: "WELCOME10" } })
    const body = await expectProblem(await call(t, "POST", "/promotions/apply-code", { session, body: { code: "MINUS50" } }), 422, "promo_code_invalid")
    expect(body.reason).toBe("not_combinable")
    expect((await json(await call(t, "GET", "/promotions/applied", { session }))).code).toEqual({ code: "WELCOME10", discount_amount: 37_990 })
    const events = await eventsOnBus(t, session, 2)
    expect(events.map((e) => [e.event_name, e.payload.reason])).toEqual([["promotion.code_applied", undefined], ["promotion.code_invalid", "not_combinable"]])
  })

  test.each<[string, unknown, number, string, string]>([
    ["malformed JSON", "{\"code\":", 400, "malformed_json", "body"],
    ["no code", {}, 400, "validation_failed", "code"],
    ["a code that is not a string", { code: 10 }, 400, "validation_failed", "code"],
    ["a blank code", { code: "   " }, 400, "validation_failed", "code"],
    ["a code past 64 characters", { code: "W".repeat(65) }, 400, "validation_failed", "code"],
    ["a code with a control character", { code: "WELCOME\n10" }, 400, "validation_failed", "code"]
  ])("%s → %d naming %s, nothing changed or published", async (_, body, status, code, field) => {
    const session = await sessionWith(tv)
    const before = footprint(t, session)
    await expectProblem(await call(t, "POST", "/promotions/apply-code", { session, body }), status, code, field)
    expect(footprint(t, session)).toEqual(before)
  })

  test("an Idempotency-Key replays the answer and applies once", async () => {
    const session = await sessionWith(tv)
    const send = () => call(t, "POST", "/promotions/apply-code", { session, body: { code: "WELCOME10" }, headers: { "Idempotency-Key": "code-once" } })
    const first = await send()
    const again = await send()
    expect(again.headers.get("idempotent-replayed")).toBe("true")
    expect(await again.json()).toEqual(await first.json())
    expect((await eventsOnBus(t, session, 1)).map((e) => e.event_name)).toEqual(["promotion.code_applied"])
  })

  test("a body past the limit → 413", async () => {
    const response = await call(t, "POST", "/promotions/apply-code", { session: newSession(), body: { code: "x".repeat(70_000) } })
    expect(response.status).toBe(413)
  })
})

describe("GET /promotions/applied", () => {
  test("a new session: nothing applied, and a session is issued", async () => {
    const response = await call(t, "GET", "/promotions/applied")
    expect(response.status).toBe(200)
    expect(isSessionId(sessionOf(response).id)).toBe(true)
    expect(await response.json()).toEqual({ promotions: [], code: null, total_discount: 0 })
  })

  test("a promotion and a code, with the amounts as of the current cart and their total", async () => {
    const session = await sessionWith(tv, cables(2))
    await call(t, "POST", "/promotions/apply", { session, body: { promotion_id: "second-item-half-price" } })
    await call(t, "POST", "/promotions/apply-code", { session, body: { code: "WELCOME10" } })
    await cartIs(t, session, 2, tv, cables(4))
    expect(await json(await call(t, "GET", "/promotions/applied", { session }))).toEqual({
      promotions: [{ promotion_id: "second-item-half-price", promotion_name: HALF, discount_amount: 4_998 }],
      code: { code: "WELCOME10", discount_amount: 39_989 },
      total_discount: 4_998 + 39_989
    })
  })

  test("another session sees nothing of it", async () => {
    const session = await sessionWith(tv)
    await call(t, "POST", "/promotions/apply-code", { session, body: { code: "WELCOME10" } })
    expect(await json(await call(t, "GET", "/promotions/applied", { session: newSession() }))).toEqual({ promotions: [], code: null, total_discount: 0 })
    expect((await call(t, "DELETE", "/promotions/WELCOME10", { session: newSession() })).status).toBe(404)
  })
})

describe("DELETE /promotions/{id}", () => {
  test("removes a promotion by id, or the code in any case: what stays, and promotion.removed removed_by_shopper", async () => {
    const session = await sessionWith(tv, cables(2))
    await call(t, "POST", "/promotions/apply", { session, body: { promotion_id: "second-item-half-price" } })
    await call(t, "POST", "/promotions/apply-code", { session, body: { code: "WELCOME10" } })
    const withoutCode = await call(t, "DELETE", "/promotions/welcome10", { session })
    expect(withoutCode.status).toBe(200)
    expect(await withoutCode.json()).toEqual({
      promotions: [{ promotion_id: "second-item-half-price", promotion_name: HALF, discount_amount: 2_499 }],
      code: null,
      total_discount: 2_499
    })
    expect(await json(await call(t, "DELETE", "/promotions/second-item-half-price", { session }))).toEqual({ promotions: [], code: null, total_discount: 0 })
    const events = await eventsOnBus(t, session, 4)
    expect(events.slice(2).map((e) => [e.event_name, e.payload.promotion_id, e.payload.reason])).toEqual([
      ["promotion.removed", "WELCOME10", "removed_by_shopper"],
      ["promotion.removed", "second-item-half-price", "removed_by_shopper"]
    ])
  })

  test.each([
    ["welcome10", "welcome10"],
    [" Welcome10 ", "wElCoMe10"],
    ["WELCOME10", "%20welcome10%20"]
  ])("a code applied as %j is removed as %j: codes match in any case, as apply-code's do", async (typed, id) => {
    const session = await sessionWith(tv, cables(2))
    expect((await call(t, "POST", "/promotions/apply-code", { session, body: { code: typed } })).status).toBe(200)
    const removed = await call(t, "DELETE", `/promotions/${id}`, { session })
    expect(removed.status).toBe(200)
    expect(await removed.json()).toMatchObject({ code: null })
  })

  test.each([["buy-3-get-1"], ["MINUS50"], ["anything"]])("%s, not applied → 404, nothing changed", async (id) => {
    const session = await sessionWith(tv, cables(2))
    await call(t, "POST", "/promotions/apply", { session, body: { promotion_id: "second-item-half-price" } })
    await eventsOnBus(t, session, 1)
    const before = footprint(t, session)
    await expectProblem(await call(t, "DELETE", `/promotions/${id}`, { session }), 404, "promotion_not_applied")
    expect(footprint(t, session)).toEqual(before)
    expect(publishedFor(t, session)).toHaveLength(1)
  })
})

describe("the cart changes under applied promotions", () => {
  test("the cart no longer qualifies: promotion.removed with reason minimum_not_met, caused by the cart event", async () => {
    const session = await sessionWith(tv, cables(2))
    await call(t, "POST", "/promotions/apply", { session, body: { promotion_id: "second-item-half-price" } })
    await cartIs(t, session, 2, tv, cables(1))
    const events = await eventsOnBus(t, session, 2)
    expect(events[1]).toMatchObject({ event_name: "promotion.removed", correlation_id: "corr_cart_2", payload: { promotion_id: "second-item-half-price", reason: "minimum_not_met", cart_version: 2 } })
    expect(await json(await call(t, "GET", "/promotions/applied", { session }))).toEqual({ promotions: [], code: null, total_discount: 0 })
  })
})

describe("API documentation", () => {
  test("/openapi.json: cart_id on /promotions/available is optional, its 400 and 403 documented", async () => {
    const doc = (await (await call(t, "GET", "/openapi.json")).json()) as {
      paths: Record<string, Record<string, { parameters: Array<{ name: string; required: boolean }>; responses: Record<string, unknown> }>>
    }
    const available = doc.paths["/promotions/available"]!.get!
    expect(available.parameters.find((p) => p.name === "cart_id")).toMatchObject({ required: false })
    expect(Object.keys(available.responses)).toEqual(expect.arrayContaining(["200", "400", "403"]))
  })
})
