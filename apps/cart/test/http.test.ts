// The cart's HTTP API in an embedded app (createApp over a broker and state this file can look
// into): every endpoint's body, sessions issued and kept apart (forged and altered tokens replaced),
// events published with the request's
// correlation id, every bad input refused with the right status and field, and every refusal leaving
// the store and the bus exactly as they were.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { isSessionId, randomToken } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { type CartView } from "@kasa/cart"
import { call, cartFootprint, footprint, newSession, publishedFor, type Session, sessionOf, startCartApp, type TestApp, writeCatalogFile } from "./fixtures.ts"

let t: TestApp
let catalog: Awaited<ReturnType<typeof writeCatalogFile>>

beforeAll(async () => {
  catalog = await writeCatalogFile()
  // Through the environment variable, as an operator would point the app at its data file.
  t = await startCartApp({ env: { CATALOG_DATA_FILE: catalog.file } })
})
afterAll(async () => {
  await t.app.stop()
  await catalog.remove()
})

const json = async (response: Response) => (await response.json()) as Record<string, unknown>

/** A session whose cart holds one TV (item_1). */
const sessionWithTv = async () => {
  const session = newSession()
  const response = await call(t, "POST", "/cart/items", { session, body: { offer_id: "tv-55-oled", quantity: 1, type: "offer" } })
  expect(response.status).toBe(201)
  return session
}

describe("sessions", () => {
  test("a request without X-Session-Id gets a new unguessable session in the response header, and an empty cart", async () => {
    const response = await call(t, "GET", "/cart")
    expect(response.status).toBe(200)
    const issued = sessionOf(response)
    expect(isSessionId(issued.id)).toBe(true)
    expect(await response.json()).toEqual({ session_id: issued.id, items: [], cart_total: 0, services_total: 0, currency: "PLN", item_count: 0, cart_version: 0 })
    expect(footprint(t, issued)).toEqual({ values: [], streams: [], events: [] })
  })

  test("each session-less request gets its own session", async () => {
    const [a, b] = await Promise.all([call(t, "GET", "/cart"), call(t, "GET", "/cart")])
    expect(a.headers.get("X-Session-Id")).not.toBe(b.headers.get("X-Session-Id"))
  })

  test.each([["not-a-session"], ["sess_short"], ["sess_" + "A".repeat(65)], ["sess_abc$%^&*()abcdefghijkl"]])(
    "a malformed X-Session-Id (%s) is replaced by a new one",
    async (malformed) => {
      const response = await call(t, "GET", "/cart", { session: malformed })
      expect(sessionOf(response).token).not.toBe(malformed)
    }
  )

  test("a session keeps its cart across requests, and the header comes back on every response, errors included", async () => {
    const session = await sessionWithTv()
    const read = await call(t, "GET", "/cart", { session })
    expect(read.headers.get("X-Session-Id")).toBe(session.token)
    expect((await json(read)).item_count).toBe(1)
    const refused = await call(t, "PATCH", "/cart/items/item_9", { session, body: { quantity: 2 } })
    expect(refused.status).toBe(404)
    expect(refused.headers.get("X-Session-Id")).toBe(session.token)
    const malformed = await call(t, "POST", "/cart/items", { session, body: "{" })
    expect(malformed.headers.get("X-Session-Id")).toBe(session.token)
  })

  /** The token with one character of its signature changed. */
  const altered = (token: string) => token.slice(0, -2) + (token.at(-2) === "A" ? "B" : "A") + token.slice(-1)

  test.each<[string, (owner: Session) => string]>([
    ["a well-formed token the shop did not sign", () => `st_${randomToken(24)}.${randomToken(43)}`],
    ["the owner's token with its signature altered", (owner) => altered(owner.token)],
    ["the owner's token with its body altered", (owner) => `st_${randomToken(24)}.${owner.token.split(".")[1]}`],
    ["the owner's session_id (what events, keys and GET /cart show)", (owner) => owner.id],
    ["an id the client invented in the old format", () => `sess_${randomToken(24)}`]
  ])("%s is refused: a new session, which cannot read or change the owner's cart", async (_, forge) => {
    const owner = await sessionWithTv()
    const before = footprint(t, owner)
    const forged = forge(owner)
    const read = await call(t, "GET", "/cart", { session: forged })
    const issued = sessionOf(read)
    expect(issued.token).not.toBe(forged)
    expect(issued.id).not.toBe(owner.id)
    expect(await read.json()).toMatchObject({ session_id: issued.id, items: [], item_count: 0 })
    expect((await call(t, "PATCH", "/cart/items/item_1", { session: forged, body: { quantity: 5 } })).status).toBe(404)
    expect((await call(t, "DELETE", "/cart", { session: forged })).status).toBe(200)
    expect(footprint(t, owner)).toEqual(before)
    expect(((await json(await call(t, "GET", "/cart", { session: owner }))).items as Array<unknown>).length).toBe(1)
  })

  test("X-User-Id is a label, never access: the same user id in another session reaches nothing of the first", async () => {
    const owner = newSession()
    const user = { "X-User-Id": "user_shared_label" }
    await call(t, "POST", "/cart/items", { session: owner, headers: user, body: { offer_id: "tv-55-oled", quantity: 1, type: "offer" } })
    const other = await call(t, "GET", "/cart", { headers: user })
    expect(await other.json()).toMatchObject({ items: [], item_count: 0 })
    expect(sessionOf(other).id).not.toBe(owner.id)
    expect((await call(t, "DELETE", "/cart/items/item_1", { session: newSession(), headers: user })).status).toBe(404)
  })

  test("another session cannot read or change this cart, even knowing its line ids", async () => {
    const owner = await sessionWithTv()
    const other = newSession()
    expect(((await json(await call(t, "GET", "/cart", { session: other }))).items as Array<unknown>).length).toBe(0)
    const before = footprint(t, owner)
    expect((await call(t, "PATCH", "/cart/items/item_1", { session: other, body: { quantity: 5 } })).status).toBe(404)
    expect((await call(t, "DELETE", "/cart/items/item_1", { session: other })).status).toBe(404)
    expect(footprint(t, owner)).toEqual(before)
  })
})

describe("endpoints", () => {
  test("POST /cart/items → 201 with the cart; the price is the catalog's, whatever the body says", async () => {
    const session = newSession()
    const response = await call(t, "POST", "/cart/items", { session, body: { offer_id: "tv-55-oled", quantity: 2, type: "offer", price: 1, unit_price: 1 } })
    expect(response.status).toBe(201)
    expect(response.headers.get("content-type")).toContain("application/json")
    expect(await response.json()).toEqual({
      session_id: session.id,
      items: [
        { item_id: "item_1", offer_id: "tv-55-oled", type: "offer", name: 'OLED TV 55"', category: "tv", quantity: 2, unit_price: 499_900, line_total: 999_800, parent_item_id: null }
      ],
      cart_total: 999_800,
      services_total: 0,
      currency: "PLN",
      item_count: 2,
      cart_version: 1
    })
  })

  test("warranty and accessory lines hang from their parent; parent_item_id null is the same as absent", async () => {
    const session = await sessionWithTv()
    const warranty = await call(t, "POST", "/cart/items", { session, body: { offer_id: "warranty-2y-tv", quantity: 1, type: "warranty", parent_item_id: "item_1" } })
    expect(warranty.status).toBe(201)
    const cable = await call(t, "POST", "/cart/items", { session, body: { offer_id: "hdmi-cable", quantity: 2, type: "accessory", parent_item_id: null } })
    const body = (await cable.json()) as CartView
    expect(body.items.map((item) => [item.item_id, item.type, item.parent_item_id, item.line_total])).toEqual([
      ["item_1", "offer", null, 499_900],
      ["item_2", "warranty", "item_1", 29_900],
      ["item_3", "accessory", null, 9_800]
    ])
    expect(body).toMatchObject({ cart_total: 499_900 + 29_900 + 9_800, services_total: 0, item_count: 4, cart_version: 3 })
  })

  test("PATCH /cart/items/{item_id} → 200 with the new quantity", async () => {
    const session = await sessionWithTv()
    const response = await call(t, "PATCH", "/cart/items/item_1", { session, body: { quantity: 3 } })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ items: [{ item_id: "item_1", quantity: 3, line_total: 3 * 499_900 }], cart_total: 3 * 499_900, item_count: 3, cart_version: 2 })
  })

  test("DELETE /cart/items/{item_id} → 200 without the line and the warranty attached to it", async () => {
    const session = await sessionWithTv()
    await call(t, "POST", "/cart/items", { session, body: { offer_id: "warranty-2y-tv", quantity: 1, type: "warranty", parent_item_id: "item_1" } })
    await call(t, "POST", "/cart/items", { session, body: { offer_id: "sofa-3", quantity: 1, type: "offer" } })
    const response = await call(t, "DELETE", "/cart/items/item_1", { session })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ items: [{ item_id: "item_3", offer_id: "sofa-3" }], cart_total: 189_900, item_count: 1, cart_version: 5 })
  })

  test("DELETE /cart → 200 with the cleared cart; GET /cart agrees", async () => {
    const session = await sessionWithTv()
    const response = await call(t, "DELETE", "/cart", { session })
    expect(response.status).toBe(200)
    const cleared = await response.json()
    expect(cleared).toEqual({ session_id: session.id, items: [], cart_total: 0, services_total: 0, currency: "PLN", item_count: 0, cart_version: 2 })
    expect(await (await call(t, "GET", "/cart", { session })).json()).toEqual(cleared)
  })

  test("every change is published on cart-events, keyed by session, with the request's correlation id and user", async () => {
    const session = newSession()
    const headers = { "X-Correlation-Id": "corr_cart_http_1", "X-User-Id": "user_17" }
    await call(t, "POST", "/cart/items", { session, headers, body: { offer_id: "fridge-a", quantity: 1, type: "offer" } })
    await call(t, "PATCH", "/cart/items/item_1", { session, headers, body: { quantity: 2 } })
    await call(t, "DELETE", "/cart/items/item_1", { session, headers })
    await call(t, "POST", "/cart/items", { session, headers, body: { offer_id: "sofa-3", quantity: 1, type: "offer" } })
    const cleared = await call(t, "DELETE", "/cart", { session, headers })
    expect(cleared.headers.get("X-Correlation-Id")).toBe("corr_cart_http_1")
    await Effect.runPromise(waitUntil(() => publishedFor(t, session).length === 5, { describe: () => `${publishedFor(t, session).length} published`, timeoutMs: 5_000 }))
    const events = publishedFor(t, session)
    expect(events.map((e) => [e.event_name, e.payload.cart_version])).toEqual([
      ["cart.item_added", 1],
      ["cart.item_quantity_changed", 2],
      ["cart.item_removed", 3],
      ["cart.item_added", 4],
      ["cart.cleared", 5]
    ])
    for (const e of events) expect(e).toMatchObject({ aggregate_id: session.id, correlation_id: "corr_cart_http_1", producer: "cart", payload: { session_id: session.id, user_id: "user_17" } })
  })
})

describe("bad input is refused, and nothing is written or published", () => {
  const rows: ReadonlyArray<readonly [string, string, string, unknown, number, string, string | undefined]> = [
    // [case, method, path, body, status, code, field]
    ["malformed JSON", "POST", "/cart/items", "{not json", 400, "malformed_json", "body"],
    ["a body that is not an object", "POST", "/cart/items", "[1,2]", 400, "validation_failed", "body"],
    ["quantity as a string", "POST", "/cart/items", { offer_id: "sofa-3", quantity: "2", type: "offer" }, 400, "validation_failed", "quantity"],
    ["quantity 0", "POST", "/cart/items", { offer_id: "sofa-3", quantity: 0, type: "offer" }, 400, "validation_failed", "quantity"],
    ["quantity 100", "POST", "/cart/items", { offer_id: "sofa-3", quantity: 100, type: "offer" }, 400, "validation_failed", "quantity"],
    ["a fractional quantity", "POST", "/cart/items", { offer_id: "sofa-3", quantity: 1.5, type: "offer" }, 400, "validation_failed", "quantity"],
    ["no quantity", "POST", "/cart/items", { offer_id: "sofa-3", type: "offer" }, 400, "validation_failed", "quantity"],
    ["an unknown type", "POST", "/cart/items", { offer_id: "sofa-3", quantity: 1, type: "gift" }, 400, "validation_failed", "type"],
    ["no offer_id", "POST", "/cart/items", { quantity: 1, type: "offer" }, 400, "validation_failed", "offer_id"],
    ["offer_id as a number", "POST", "/cart/items", { offer_id: 7, quantity: 1, type: "offer" }, 400, "validation_failed", "offer_id"],
    ["parent_item_id as a number", "POST", "/cart/items", { offer_id: "hdmi-cable", quantity: 1, type: "accessory", parent_item_id: 1 }, 400, "validation_failed", "parent_item_id"],
    ["PATCH with malformed JSON", "PATCH", "/cart/items/item_1", "{", 400, "malformed_json", "body"],
    ["PATCH to quantity 0", "PATCH", "/cart/items/item_1", { quantity: 0 }, 400, "validation_failed", "quantity"],
    ["PATCH to quantity 100", "PATCH", "/cart/items/item_1", { quantity: 100 }, 400, "validation_failed", "quantity"],
    ["PATCH with quantity as a string", "PATCH", "/cart/items/item_1", { quantity: "3" }, 400, "validation_failed", "quantity"],
    ["an unknown offer", "POST", "/cart/items", { offer_id: "no-such-offer", quantity: 1, type: "offer" }, 404, "offer_not_found", "offer_id"],
    ["a parent line that does not exist", "POST", "/cart/items", { offer_id: "warranty-2y-tv", quantity: 1, type: "warranty", parent_item_id: "item_9" }, 404, "parent_line_not_found", "parent_item_id"],
    ["PATCH of a line that does not exist", "PATCH", "/cart/items/item_9", { quantity: 2 }, 404, "line_not_found", undefined],
    ["DELETE of a line that does not exist", "DELETE", "/cart/items/item_9", undefined, 404, "line_not_found", undefined],
    ["a warranty without a parent", "POST", "/cart/items", { offer_id: "warranty-2y-tv", quantity: 1, type: "warranty" }, 422, "parent_required", "parent_item_id"],
    ["a warranty the parent's category does not allow", "POST", "/cart/items", { offer_id: "warranty-2y-appliance", quantity: 1, type: "warranty", parent_item_id: "item_1" }, 422, "not_attachable", "parent_item_id"],
    ["a warranty added as a plain offer", "POST", "/cart/items", { offer_id: "warranty-2y-tv", quantity: 1, type: "offer" }, 422, "offer_type_mismatch", "type"],
    ["a plain offer with a parent", "POST", "/cart/items", { offer_id: "sofa-3", quantity: 1, type: "offer", parent_item_id: "item_1" }, 422, "parent_not_allowed", "parent_item_id"],
    ["a service the rules do not offer for the line's category", "POST", "/cart/items", { offer_id: "assembly", quantity: 1, type: "service", parent_item_id: "item_1" }, 422, "service_not_available", "offer_id"],
    ["an unknown service", "POST", "/cart/items", { offer_id: "teleport", quantity: 1, type: "service", parent_item_id: "item_1" }, 422, "service_not_available", "offer_id"],
    ["a merge past 99 units", "POST", "/cart/items", { offer_id: "tv-55-oled", quantity: 99, type: "offer" }, 422, "line_quantity_limit", "quantity"],
    ["an X-User-Id with odd characters", "GET", "/cart", undefined, 400, "validation_failed", "X-User-Id"]
  ]

  for (const [name, method, path, body, status, code, field] of rows) {
    test(`${name} → ${status} ${code}`, async () => {
      const session = await sessionWithTv()
      const before = footprint(t, session)
      const headers: Record<string, string> = name.startsWith("an X-User-Id") ? { "X-User-Id": "robert'); DROP TABLE" } : {}
      const response = await call(t, method, path, { session, body, headers })
      expect(response.status).toBe(status)
      expect(response.headers.get("content-type")).toContain("application/problem+json")
      expect(response.headers.get("X-Session-Id")).toBe(session.token)
      const problem = await json(response)
      expect(problem).toMatchObject({ status, code, type: `https://kasa.dev/problems/${code}` })
      if (field !== undefined) expect((problem.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field)
      expect(footprint(t, session)).toEqual(before)
    })
  }

  test("a service line the rules refuse says why", async () => {
    const session = await sessionWithTv()
    const response = await call(t, "POST", "/cart/items", { session, body: { offer_id: "assembly", quantity: 1, type: "service", parent_item_id: "item_1" } })
    expect(await json(response)).toMatchObject({ status: 422, service_id: "assembly", detail: "assembly is offered for furniture, not for tv" })
  })

  test(`a line past the limit of 50 → 422 too_many_lines`, async () => {
    const session = newSession()
    for (let i = 0; i < 50; i++) {
      const added = await call(t, "POST", "/cart/items", { session, body: { offer_id: `filler-${String(i).padStart(2, "0")}`, quantity: 1, type: "offer" } })
      expect(added.status).toBe(201)
    }
    const before = footprint(t, session)
    const response = await call(t, "POST", "/cart/items", { session, body: { offer_id: "sofa-3", quantity: 1, type: "offer" } })
    expect(response.status).toBe(422)
    expect(await json(response)).toMatchObject({ code: "too_many_lines", max_lines: 50 })
    expect(footprint(t, session)).toEqual(before)
  })

  test("a body over the size limit → 413, nothing written", async () => {
    const session = await sessionWithTv()
    const before = footprint(t, session)
    const response = await call(t, "POST", "/cart/items", { session, body: { offer_id: "sofa-3", quantity: 1, type: "offer", padding: "x".repeat(70_000) } })
    expect(response.status).toBe(413)
    expect(footprint(t, session)).toEqual(before)
  })

  test("a request without a session that is refused creates no cart either", async () => {
    const before = cartFootprint(t)
    const response = await call(t, "POST", "/cart/items", { body: { offer_id: "no-such-offer", quantity: 1, type: "offer" } })
    expect(response.status).toBe(404)
    sessionOf(response)
    expect(cartFootprint(t)).toEqual(before)
  })
})

describe("X-Event-Ids: a command names the events it caused", () => {
  const idsOf = (response: Response): ReadonlyArray<string> => (response.headers.get("X-Event-Ids") ?? "").split(",").filter((id) => id !== "")

  test("an add names its one event, the very one the cart published", async () => {
    const session = newSession()
    const response = await call(t, "POST", "/cart/items", { session, body: { offer_id: "tv-55-oled", quantity: 1, type: "offer" } })
    expect(response.status).toBe(201)
    const ids = idsOf(response)
    expect(ids).toHaveLength(1)
    await Effect.runPromise(waitUntil(() => publishedFor(t, session).length === 1, { describe: () => `${publishedFor(t, session).length} published`, timeoutMs: 5_000 }))
    expect(publishedFor(t, session).map((envelope) => envelope.event_id)).toEqual([...ids])
  })

  test("a command that changes nothing and a read name none", async () => {
    const session = await sessionWithTv()
    const clearing = await call(t, "DELETE", "/cart", { session })
    const again = await call(t, "DELETE", "/cart", { session })
    expect(idsOf(clearing)).toHaveLength(1)
    expect(again.headers.get("X-Event-Ids")).toBeNull()
    expect((await call(t, "GET", "/cart", { session })).headers.get("X-Event-Ids")).toBeNull()
  })

  test("a refused command names none", async () => {
    const response = await call(t, "POST", "/cart/items", { session: newSession(), body: { offer_id: "no-such-offer", quantity: 1, type: "offer" } })
    expect(response.status).toBe(404)
    expect(response.headers.get("X-Event-Ids")).toBeNull()
  })

  test("a replayed Idempotency-Key answer names the same events as the first", async () => {
    const session = newSession()
    const send = () => call(t, "POST", "/cart/items", { session, headers: { "Idempotency-Key": "add-tv-ids" }, body: { offer_id: "tv-55-oled", quantity: 1, type: "offer" } })
    const first = await send()
    const second = await send()
    expect(second.headers.get("idempotent-replayed")).toBe("true")
    expect(idsOf(first)).toHaveLength(1)
    expect(idsOf(second)).toEqual(idsOf(first))
  })
})

describe("Idempotency-Key on POST /cart/items", () => {
  test("the same key twice adds once and answers the same body", async () => {
    const session = newSession()
    const send = () => call(t, "POST", "/cart/items", { session, headers: { "Idempotency-Key": "add-tv-1" }, body: { offer_id: "tv-55-oled", quantity: 1, type: "offer" } })
    const first = await send()
    const second = await send()
    expect(first.status).toBe(201)
    expect(second.status).toBe(201)
    const body = await first.text()
    expect(await second.text()).toBe(body)
    expect(second.headers.get("idempotent-replayed")).toBe("true")
    expect(second.headers.get("X-Session-Id")).toBe(session.token)
    const cart = (await (await call(t, "GET", "/cart", { session })).json()) as CartView
    expect(cart.items.map((item) => [item.offer_id, item.quantity])).toEqual([["tv-55-oled", 1]])
    expect(cart.cart_version).toBe(1)
  })

  test("the same key in another session is another request", async () => {
    const body = { offer_id: "sofa-3", quantity: 1, type: "offer" }
    const a = newSession()
    const b = newSession()
    await call(t, "POST", "/cart/items", { session: a, headers: { "Idempotency-Key": "shared-key" }, body })
    const other = await call(t, "POST", "/cart/items", { session: b, headers: { "Idempotency-Key": "shared-key" }, body })
    expect(other.headers.get("idempotent-replayed")).toBeNull()
    expect(((await other.json()) as CartView).session_id).toBe(b.id)
  })

  test("a key without a session is refused (400) without issuing a session, so no replay can hand one out", async () => {
    const before = cartFootprint(t)
    const send = () => call(t, "POST", "/cart/items", { headers: { "Idempotency-Key": "anon-key" }, body: { offer_id: "tv-55-oled", quantity: 1, type: "offer" } })
    const first = await send()
    expect(first.status).toBe(400)
    expect(await json(first)).toMatchObject({ code: "session_required" })
    expect(first.headers.get("X-Session-Id")).toBeNull()
    const replayed = await send()
    expect(replayed.headers.get("X-Session-Id")).toBeNull()
    expect(cartFootprint(t)).toEqual(before)
  })
})

describe("API documentation", () => {
  test("/openapi.json describes every cart endpoint with its request and response bodies", async () => {
    const doc = (await (await call(t, "GET", "/openapi.json")).json()) as { paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>> }
    expect(Object.keys(doc.paths["/cart"]!).sort()).toEqual(["delete", "get"])
    expect(Object.keys(doc.paths["/cart/items"]!)).toEqual(["post"])
    expect(Object.keys(doc.paths["/cart/items/{item_id}"]!).sort()).toEqual(["delete", "patch"])
    const post = doc.paths["/cart/items"]!.post!
    expect(JSON.stringify(post.requestBody)).toContain('"offer_id"')
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["201", "400", "404", "422", "409"]))
    expect(JSON.stringify(doc.paths["/cart"]!.get!.responses["200"])).toContain('"line_total"')
  })
})
