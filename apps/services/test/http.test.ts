// The services HTTP API in an embedded app, fed by cart events on the in-memory bus: every endpoint's
// exact body, which cart a request reads (its session; cart_id only when it is the caller's own), the availability following cart
// changes (and published on services-events), and every bad input refused with problem+json.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, Result } from "effect"
import { isSessionId } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { defaultServicesRulesFile, parseServicesRules, ServicesKeys } from "@kasa/services"
import { productLine, serviceLine, snapshot } from "@kasa/services/testing"
import { get, newSession, projected, publishCart, type Session, servicesEventsFor, sessionOf, startServicesApp, type TestApp } from "./fixtures.ts"

let t: TestApp
beforeAll(async () => {
  t = await startServicesApp()
})
afterAll(async () => {
  await t.app.stop()
})

const rules = Result.getOrThrow(parseServicesRules(Bun.YAML.parse(await Bun.file(defaultServicesRulesFile).text())))
const name = (serviceId: string) => rules.byId.get(serviceId)!.name
const standalone = [
  { service_id: "sms_notification", name: name("sms_notification"), kind: "service_standalone", parent_item_id: null, price: 199 },
  { service_id: "gift_wrap", name: name("gift_wrap"), kind: "service_standalone", parent_item_id: null, price: 1_500 },
  { service_id: "extended_support", name: name("extended_support"), kind: "service_standalone", parent_item_id: null, price: 4_900 }
]
const carryIn = (parent: string, units = 1) => ({ service_id: "carry_in", name: name("carry_in"), kind: "service_item", parent_item_id: parent, price: units * 4_900 })
const assembly = (parent: string) => ({ service_id: "assembly", name: name("assembly"), kind: "service_item", parent_item_id: parent, price: 9_900 })

/** A session whose cart (as projected) holds two TVs (item_1) with their carry-in (item_2) and a sofa (item_3). */
const projectedCart = async () => {
  const session = newSession()
  await publishCart(t, snapshot(session.id, 1, [productLine("item_1", "tv", { quantity: 2 })]))
  await publishCart(t, snapshot(session.id, 2, [productLine("item_1", "tv", { quantity: 2 }), serviceLine("item_2", "carry_in", 4_900, "item_1", 2)]))
  await publishCart(t, snapshot(session.id, 3, [productLine("item_1", "tv", { quantity: 2 }), serviceLine("item_2", "carry_in", 4_900, "item_1", 2), productLine("item_3", "furniture")]))
  await projected(t, session, 3)
  return session
}

const json = async (response: Response) => (await response.json()) as Record<string, unknown>

describe("GET /services/standalone", () => {
  test("→ 200 with the standalone services of the rules, per cart; a session is issued as everywhere", async () => {
    const response = await get(t, "/services/standalone")
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toContain("application/json")
    expect(isSessionId(sessionOf(response).id)).toBe(true)
    expect(await response.json()).toEqual({ services: standalone })
  })
})

describe("GET /services/available", () => {
  test("every service the caller's cart may have, line by line then standalone, and what its services cost now", async () => {
    const session = await projectedCart()
    const response = await get(t, "/services/available", { session })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ services: [carryIn("item_1", 2), assembly("item_3"), ...standalone], total_services_price: 2 * 4_900 })
  })

  test("cart_id naming the caller's own cart (its session_id) — the same body as without it", async () => {
    const session = await projectedCart()
    const bySession = await get(t, "/services/available", { session })
    const byCartId = await get(t, `/services/available?cart_id=${session.id}`, { session })
    expect(bySession.headers.get("X-Session-Id")).toBe(session.token)
    expect(byCartId.headers.get("X-Session-Id")).toBe(session.token)
    expect(await bySession.json()).toEqual(await byCartId.json())
  })

  test.each<[string, string]>([
    ["available", "/services/available"],
    ["for-item", "/services/for-item/item_1"]
  ])("%s: a session_id is not a credential: another session's cart_id, sent without a session, is refused 403 under a new session", async (_, path) => {
    const owner = await projectedCart()
    const response = await get(t, `${path}?cart_id=${owner.id}`)
    expect(response.status).toBe(403)
    expect(await json(response)).toMatchObject({ code: "cart_forbidden", errors: [{ field: "cart_id" }] })
    expect(sessionOf(response).id).not.toBe(owner.id)
  })

  test("a new session (or a cart no cart event was seen for) is an empty cart: standalone services, nothing to pay", async () => {
    const response = await get(t, "/services/available")
    expect(isSessionId(sessionOf(response).id)).toBe(true)
    expect(await response.json()).toEqual({ services: standalone, total_services_price: 0 })
    expect(await (await get(t, "/services/available", { session: newSession() })).json()).toEqual({ services: standalone, total_services_price: 0 })
  })

  test("follows the cart: a removed TV takes its carry-in offer and its carry-in line with it; a cleared cart has no item services", async () => {
    const session = await projectedCart()
    await publishCart(t, snapshot(session.id, 4, [productLine("item_3", "furniture")]), "cart.item_removed")
    await projected(t, session, 4)
    expect(await (await get(t, "/services/available", { session })).json()).toEqual({ services: [assembly("item_3"), ...standalone], total_services_price: 0 })
    await publishCart(t, snapshot(session.id, 5, []), "cart.cleared")
    await projected(t, session, 5)
    expect(await (await get(t, "/services/available", { session })).json()).toEqual({ services: standalone, total_services_price: 0 })
  })

  test("an older cart_version arriving late does not roll the answer back", async () => {
    const session = await projectedCart()
    const before = await (await get(t, "/services/available", { session })).json()
    await publishCart(t, snapshot(session.id, 2, [productLine("item_1", "appliance")]))
    await publishCart(t, snapshot(session.id, 4, [productLine("item_1", "equipment")]))
    await projected(t, session, 4)
    const after = (await (await get(t, "/services/available", { session })).json()) as { services: Array<{ service_id: string }> }
    expect(after.services[0]!.service_id).toBe("installation")
    expect(before).not.toEqual(after)
  })

  test("each cart change is published as services.availability_calculated on services-events, keyed by session, caused by it", async () => {
    const session = newSession()
    const causes = [
      await publishCart(t, snapshot(session.id, 1, [productLine("item_1", "tv", { quantity: 2 })])),
      await publishCart(t, snapshot(session.id, 2, [productLine("item_1", "tv", { quantity: 2 }), serviceLine("item_2", "carry_in", 4_900, "item_1", 2)]))
    ]
    await Effect.runPromise(waitUntil(() => servicesEventsFor(t, session).length === 2, { describe: () => `${servicesEventsFor(t, session).length} events`, timeoutMs: 10_000 }))
    const events = servicesEventsFor(t, session)
    expect(events.map((e) => [e.event_name, e.causation_id, e.payload.cart_version, e.payload.total_services_price])).toEqual([
      ["services.availability_calculated", causes[0]!.event_id, 1, 0],
      ["services.availability_calculated", causes[1]!.event_id, 2, 9_800]
    ])
    const body = (await (await get(t, "/services/available", { session })).json()) as { services: unknown }
    expect(events[1]).toMatchObject({ aggregate_id: session.id, producer: "services", correlation_id: "corr_services_test", payload: { session_id: session.id, available_services: body.services } })
    expect(t.state.read(ServicesKeys.available(events[1]!.payload.cart_hash as string))).toBeDefined()
  })
})

describe("GET /services/for-item/{item_id}", () => {
  test.each<[string, string, ReadonlyArray<Record<string, unknown>>]>([
    ["the TVs: carry-in for both units", "item_1", [carryIn("item_1", 2)]],
    ["the sofa: assembly", "item_3", [assembly("item_3")]],
    ["a service line: none", "item_2", []]
  ])("%s", async (_, itemId, services) => {
    const session = await projectedCart()
    const response = await get(t, `/services/for-item/${itemId}`, { session })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ services })
  })

  test("by cart_id as well as by session", async () => {
    const session = await projectedCart()
    expect(await (await get(t, `/services/for-item/item_1?cart_id=${session.id}`, { session })).json()).toEqual({ services: [carryIn("item_1", 2)] })
  })

  test.each<[string, boolean, string]>([
    ["a line the cart does not have", false, "item_9"],
    ["a line only another session's cart has", true, "item_1"]
  ])("%s → 404 problem+json", async (_, asOtherSession, itemId) => {
    const owner = await projectedCart()
    const session = asOtherSession ? newSession() : owner
    const response = await get(t, `/services/for-item/${itemId}`, { session })
    expect(response.status).toBe(404)
    expect(response.headers.get("content-type")).toContain("application/problem+json")
    expect(response.headers.get("X-Session-Id")).toBe(session.token)
    expect(await json(response)).toMatchObject({ status: 404, code: "line_not_found", type: "https://kasa.dev/problems/line_not_found", item_id: itemId })
  })
})

describe("bad input is refused with problem+json", () => {
  const rows: ReadonlyArray<readonly [string, (session: Session) => string, Record<string, string>, number, string, string]> = [
    ["a cart_id that is not a session id", () => "/services/available?cart_id=cart-42", {}, 400, "validation_failed", "cart_id"],
    ["an empty cart_id", () => "/services/available?cart_id=", {}, 400, "validation_failed", "cart_id"],
    ["a cart_id too short to be a session", () => "/services/available?cart_id=sess_short", {}, 400, "validation_failed", "cart_id"],
    ["a cart_id naming another session than X-Session-Id", () => `/services/available?cart_id=${newSession().id}`, {}, 403, "cart_forbidden", "cart_id"],
    ["for-item with a cart_id that is not a session id", () => "/services/for-item/item_1?cart_id=x", {}, 400, "validation_failed", "cart_id"],
    ["for-item with a cart_id naming another session", () => `/services/for-item/item_1?cart_id=${newSession().id}`, {}, 403, "cart_forbidden", "cart_id"],
    ["an X-User-Id with odd characters", (session) => `/services/available?cart_id=${session.id}`, { "X-User-Id": "robert'); DROP TABLE" }, 400, "validation_failed", "X-User-Id"]
  ]
  for (const [label, path, headers, status, code, field] of rows) {
    test(`${label} → ${status} ${code}`, async () => {
      const session = newSession()
      const response = await get(t, path(session), { session, headers })
      expect(response.status).toBe(status)
      expect(response.headers.get("content-type")).toContain("application/problem+json")
      expect(response.headers.get("X-Session-Id")).toBe(session.token)
      const problem = await json(response)
      expect(problem).toMatchObject({ status, code, type: `https://kasa.dev/problems/${code}` })
      expect((problem.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field)
    })
  }

  test("a projection the store cannot read → 503 services_unavailable, not a 500", async () => {
    const session = newSession()
    t.state.commit({ ops: [{ op: "set", key: ServicesKeys.cart(session.id), value: "{not json" }] })
    for (const path of ["/services/available", "/services/for-item/item_1"]) {
      const response = await get(t, path, { session })
      expect(response.status).toBe(503)
      expect(await json(response)).toMatchObject({ code: "services_unavailable" })
    }
  })
})

describe("the app around the routes", () => {
  test("/openapi.json describes the three endpoints with their response bodies", async () => {
    const doc = (await (await get(t, "/openapi.json")).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }
    expect(Object.keys(doc.paths).sort()).toEqual(["/services/available", "/services/for-item/{item_id}", "/services/standalone"])
    expect(JSON.stringify(doc.paths["/services/available"]!.get!.responses["200"])).toContain("total_services_price")
    expect(Object.keys(doc.paths["/services/for-item/{item_id}"]!.get!.responses)).toEqual(expect.arrayContaining(["200", "400", "403", "404"]))
    expect(Object.keys(doc.paths["/services/available"]!.get!.responses)).toEqual(expect.arrayContaining(["200", "400", "403"]))
    expect(JSON.stringify(doc.paths["/services/standalone"]!.get!.responses["200"])).toContain("parent_item_id")
  })

  test("/health/ready counts the services-consumer", async () => {
    const ready = (await (await get(t, "/health/ready")).json()) as { checks: Array<{ name: string; ok: boolean }> }
    expect(ready.checks.map((c) => [c.name, c.ok])).toContainEqual(["consumer services-consumer", true])
  })
})
