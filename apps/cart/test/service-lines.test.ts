// Service lines in the cart app (SPEC §4.2, §4.6, §9), priced from the services rules file the
// services context ships (the cart embeds the services library; no other app is involved): carry-in
// on a TV, assembly on furniture, installation on equipment, a standalone gift wrap; an item service
// has its line's quantity and follows it; removing a line removes its services; every refusal (wrong
// category, unknown service, a parent where none belongs or none where one does) changes nothing.
// Also: the rules file comes from SERVICES_RULES_FILE, and a bad one stops the start.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, Result } from "effect"
import { waitUntil } from "@kasa/shared/testing/eventually"
import type { CartView } from "@kasa/cart"
import { defaultServicesRulesFile, parseServicesRules } from "@kasa/services"
import { startFailure, startFailureOnFile, writeTempFile } from "@kasa/test-support/app-harness"
import { cartModule } from "../src/module.ts"
import { call, footprint, newSession, publishedFor, type Session, startCartApp, type TestApp, writeCatalogFile } from "./fixtures.ts"

let t: TestApp
let catalog: Awaited<ReturnType<typeof writeCatalogFile>>

/** The shipped rules, read the way the app reads them, for the names the shop shows. */
const shippedRules = Result.getOrThrow(parseServicesRules(Bun.YAML.parse(await Bun.file(defaultServicesRulesFile).text())))
const nameOf = (serviceId: string) => shippedRules.byId.get(serviceId)!.name

beforeAll(async () => {
  catalog = await writeCatalogFile()
  t = await startCartApp({ env: { CATALOG_DATA_FILE: catalog.file } })
})
afterAll(async () => {
  await t.app.stop()
  await catalog.remove()
})

type Json = Record<string, unknown>

const add = async (session: Session, body: Json, status = 201) => {
  const response = await call(t, "POST", "/cart/items", { session, body })
  const json = (await response.json()) as Json
  expect({ status: response.status, body: json }).toMatchObject({ status })
  return json
}
const addOffer = (session: Session, offer_id: string, quantity = 1) => add(session, { offer_id, quantity, type: "offer" })
const addService = (session: Session, offer_id: string, parent_item_id?: string, quantity = 1) =>
  add(session, { offer_id, quantity, type: "service", ...(parent_item_id === undefined ? {} : { parent_item_id }) }) as Promise<CartView>

const lines = (cart: CartView) => cart.items.map((item) => [item.item_id, item.offer_id, item.type, item.quantity, item.unit_price, item.line_total, item.parent_item_id])

describe("adding service lines", () => {
  test("carry-in on a TV: a service line priced from the rules, hanging from the TV, counted in services_total only", async () => {
    const session = newSession()
    await addOffer(session, "tv-55-oled")
    const cart = await addService(session, "carry_in", "item_1")
    expect(cart.items[1]).toEqual({
      item_id: "item_2",
      offer_id: "carry_in",
      type: "service",
      name: nameOf("carry_in"),
      category: "service",
      quantity: 1,
      unit_price: 4_900,
      line_total: 4_900,
      parent_item_id: "item_1"
    })
    expect(cart).toMatchObject({ cart_total: 499_900, services_total: 4_900, item_count: 2, cart_version: 2 })
    await Effect.runPromise(waitUntil(() => publishedFor(t, session).length === 2, { describe: () => `${publishedFor(t, session).length} published`, timeoutMs: 5_000 }))
    expect(publishedFor(t, session)[1]).toMatchObject({
      event_name: "cart.item_added",
      payload: { item_id: "item_2", offer_id: "carry_in", quantity: 1, price: 4_900, cart_total: 499_900, cart_version: 2 }
    })
  })

  test.each<[string, string, string, number, number]>([
    ["carry-in on a fridge", "fridge-a", "carry_in", 2, 2 * 4_900],
    ["assembly on a sofa", "sofa-3", "assembly", 1, 9_900],
    ["assembly on three sofas: per unit of the line", "sofa-3", "assembly", 3, 3 * 9_900],
    ["installation on equipment", "filler-00", "installation", 1, 14_900]
  ])("%s", async (_, offerId, serviceId, quantity, total) => {
    const session = newSession()
    await addOffer(session, offerId, quantity)
    // Whatever quantity is asked, an item service has its line's quantity.
    const cart = await addService(session, serviceId, "item_1", 1)
    expect(lines(cart)[1]).toEqual(["item_2", serviceId, "service", quantity, shippedRules.byId.get(serviceId)!.price, total, "item_1"])
    expect(cart.services_total).toBe(total)
  })

  test("a gift wrap is standalone: no parent, one per cart whatever the quantity asked", async () => {
    const session = newSession()
    await addOffer(session, "tv-55-oled", 2)
    const cart = await addService(session, "gift_wrap", undefined, 3)
    expect(cart.items[1]).toMatchObject({ offer_id: "gift_wrap", type: "service", name: nameOf("gift_wrap"), quantity: 1, unit_price: 1_500, line_total: 1_500, parent_item_id: null })
    expect(cart).toMatchObject({ cart_total: 2 * 499_900, services_total: 1_500 })
  })

  test("SMS notification and extended support are standalone too; services add up", async () => {
    const session = newSession()
    await addOffer(session, "tv-55-oled")
    await addService(session, "carry_in", "item_1")
    await addService(session, "sms_notification")
    const cart = await addService(session, "extended_support")
    expect(cart.services_total).toBe(4_900 + 199 + 4_900)
  })

  test.each<[string, Json]>([
    ["a service the line already has", { offer_id: "carry_in", quantity: 1, type: "service", parent_item_id: "item_1" }],
    ["a standalone service the cart already has", { offer_id: "gift_wrap", quantity: 1, type: "service" }],
    ["the warranty the line already has", { offer_id: "warranty-2y-tv", quantity: 1, type: "warranty", parent_item_id: "item_1" }]
  ])("adding %s again → 409 already_attached; nothing changes, nothing is published", async (_, body) => {
    const session = newSession()
    await addOffer(session, "tv-55-oled")
    await add(session, body)
    await Effect.runPromise(waitUntil(() => publishedFor(t, session).length === 2, { describe: () => `${publishedFor(t, session).length} published`, timeoutMs: 5_000 }))
    const before = footprint(t, session)
    const response = await call(t, "POST", "/cart/items", { session, body })
    expect(response.status).toBe(409)
    expect(await response.json()).toMatchObject({ code: "already_attached", item_id: "item_2", errors: [{ field: "offer_id" }] })
    expect(footprint(t, session)).toEqual(before)
    expect(publishedFor(t, session)).toHaveLength(2)
  })

  test("a warranty takes its TV's quantity and follows it; another warranty replaces it", async () => {
    const session = newSession()
    await addOffer(session, "tv-55-oled", 2)
    const covered = (await add(session, { offer_id: "warranty-2y-tv", quantity: 99, type: "warranty", parent_item_id: "item_1" })) as CartView
    expect(lines(covered)[1]).toEqual(["item_2", "warranty-2y-tv", "warranty", 2, 29_900, 2 * 29_900, "item_1"])
    const fewer = (await (await call(t, "PATCH", "/cart/items/item_1", { session, body: { quantity: 1 } })).json()) as CartView
    expect(lines(fewer).map((line) => line[3])).toEqual([1, 1])
    const replaced = (await add(session, { offer_id: "warranty-3y-tv", quantity: 1, type: "warranty", parent_item_id: "item_1" })) as CartView
    expect(replaced.items.map((item) => [item.offer_id, item.quantity, item.parent_item_id])).toEqual([
      ["tv-55-oled", 1, null],
      ["warranty-3y-tv", 1, "item_1"]
    ])
  })
})

describe("service lines follow their line", () => {
  test("changing the TV's quantity changes its carry-in's, with one event each", async () => {
    const session = newSession()
    await addOffer(session, "tv-55-oled")
    await addService(session, "carry_in", "item_1")
    await addService(session, "gift_wrap")
    const response = await call(t, "PATCH", "/cart/items/item_1", { session, body: { quantity: 3 } })
    expect(response.status).toBe(200)
    const cart = (await response.json()) as CartView
    expect(lines(cart)).toEqual([
      ["item_1", "tv-55-oled", "offer", 3, 499_900, 3 * 499_900, null],
      ["item_2", "carry_in", "service", 3, 4_900, 3 * 4_900, "item_1"],
      ["item_3", "gift_wrap", "service", 1, 1_500, 1_500, null]
    ])
    expect(cart).toMatchObject({ cart_total: 3 * 499_900, services_total: 3 * 4_900 + 1_500, cart_version: 5 })
    await Effect.runPromise(waitUntil(() => publishedFor(t, session).length === 5, { describe: () => `${publishedFor(t, session).length} published`, timeoutMs: 5_000 }))
    expect(publishedFor(t, session).slice(3).map((e) => [e.event_name, e.payload.item_id, e.payload.old_quantity, e.payload.new_quantity, e.payload.cart_version])).toEqual([
      ["cart.item_quantity_changed", "item_1", 1, 3, 4],
      ["cart.item_quantity_changed", "item_2", 1, 3, 5]
    ])
  })

  test.each<[string, string, number, RegExp]>([
    ["an item service to another quantity than its line's", "item_2", 1, /follows that line's/],
    ["an item service to the quantity it has", "item_2", 2, /follows that line's/],
    ["a warranty to 99", "item_4", 99, /follows that line's/],
    ["a standalone service past one per cart", "item_3", 2, /one per cart/]
  ])("PATCH of %s → 422 saying why; nothing changes", async (_, itemId, quantity, why) => {
    const session = newSession()
    await addOffer(session, "tv-55-oled", 2)
    await addService(session, "carry_in", "item_1")
    await addService(session, "gift_wrap")
    await add(session, { offer_id: "warranty-2y-tv", quantity: 1, type: "warranty", parent_item_id: "item_1" })
    const before = footprint(t, session)
    const response = await call(t, "PATCH", `/cart/items/${itemId}`, { session, body: { quantity } })
    expect(response.status).toBe(422)
    const problem = (await response.json()) as Json
    expect(problem).toMatchObject({ code: "quantity_not_adjustable", item_id: itemId, errors: [{ field: "quantity" }] })
    expect(String(problem.detail)).toMatch(why)
    expect(footprint(t, session)).toEqual(before)
  })

  test("removing the TV removes its carry-in, not the gift wrap; removing a service alone leaves its line", async () => {
    const session = newSession()
    await addOffer(session, "tv-55-oled")
    await addService(session, "carry_in", "item_1")
    await addOffer(session, "sofa-3")
    await addService(session, "assembly", "item_3")
    await addService(session, "gift_wrap")
    const withoutTv = (await (await call(t, "DELETE", "/cart/items/item_1", { session })).json()) as CartView
    expect(withoutTv.items.map((item) => item.offer_id)).toEqual(["sofa-3", "assembly", "gift_wrap"])
    expect(withoutTv).toMatchObject({ cart_total: 189_900, services_total: 9_900 + 1_500 })
    const withoutAssembly = (await (await call(t, "DELETE", "/cart/items/item_4", { session })).json()) as CartView
    expect(withoutAssembly.items.map((item) => item.offer_id)).toEqual(["sofa-3", "gift_wrap"])
    expect(withoutAssembly).toMatchObject({ cart_total: 189_900, services_total: 1_500 })
  })
})

describe("refused service lines change nothing", () => {
  // The session holds item_1 TV, item_2 its warranty, item_3 its carry-in, item_4 a sofa.
  const rows: ReadonlyArray<readonly [string, Json, number, string, string | undefined]> = [
    ["carry-in on furniture (wrong category)", { offer_id: "carry_in", parent_item_id: "item_4" }, 422, "service_not_available", "carry_in is offered for appliance, tv, not for furniture"],
    ["assembly on a TV (wrong category)", { offer_id: "assembly", parent_item_id: "item_1" }, 422, "service_not_available", "assembly is offered for furniture, not for tv"],
    ["an unknown service on a line", { offer_id: "teleport", parent_item_id: "item_1" }, 422, "service_not_available", "there is no service teleport"],
    ["an unknown standalone service", { offer_id: "teleport" }, 422, "service_not_available", "there is no service teleport"],
    ["an item service without its line", { offer_id: "carry_in" }, 422, "service_not_available", "carry_in is a service for a cart line: give parent_item_id"],
    ["a standalone service on a line", { offer_id: "gift_wrap", parent_item_id: "item_1" }, 422, "service_not_available", "gift_wrap is a service for the whole cart: it is not attached to a line"],
    ["a service on a warranty line", { offer_id: "carry_in", parent_item_id: "item_2" }, 422, "not_attachable", undefined],
    ["a service on a service line", { offer_id: "carry_in", parent_item_id: "item_3" }, 422, "not_attachable", undefined],
    ["a service on a line that does not exist", { offer_id: "carry_in", parent_item_id: "item_9" }, 404, "parent_line_not_found", undefined]
  ]
  for (const [name, body, status, code, detail] of rows) {
    test(`${name} → ${status} ${code}`, async () => {
      const session = newSession()
      await addOffer(session, "tv-55-oled")
      await add(session, { offer_id: "warranty-2y-tv", quantity: 1, type: "warranty", parent_item_id: "item_1" })
      await addService(session, "carry_in", "item_1")
      await addOffer(session, "sofa-3")
      const before = footprint(t, session)
      const response = await call(t, "POST", "/cart/items", { session, body: { quantity: 1, type: "service", ...body } })
      expect(response.status).toBe(status)
      expect(response.headers.get("content-type")).toContain("application/problem+json")
      const problem = (await response.json()) as Json
      expect(problem).toMatchObject({ status, code })
      if (detail !== undefined) expect(problem).toMatchObject({ detail, service_id: body.offer_id, errors: [{ field: "offer_id", message: detail }] })
      expect(footprint(t, session)).toEqual(before)
    })
  }
})

describe("the services rules file", () => {
  const writeRules = (content: string) => writeTempFile("services_rules.yaml", content)

  test("SERVICES_RULES_FILE names the rules the cart prices with", async () => {
    const rules = await writeRules("currency: PLN\nservices:\n  - {service_id: carry_in, name: Wniesienie, kind: service_item, price: 5900, categories: [tv]}\n")
    const app = await startCartApp({ env: { CATALOG_DATA_FILE: catalog.file, SERVICES_RULES_FILE: rules.file } })
    try {
      const session = newSession()
      expect((await call(app, "POST", "/cart/items", { session, body: { offer_id: "tv-55-oled", quantity: 1, type: "offer" } })).status).toBe(201)
      const added = await call(app, "POST", "/cart/items", { session, body: { offer_id: "carry_in", quantity: 1, type: "service", parent_item_id: "item_1" } })
      expect(await added.json()).toMatchObject({ items: [{}, { offer_id: "carry_in", name: "Wniesienie", unit_price: 5_900 }], services_total: 5_900 })
      const gone = await call(app, "POST", "/cart/items", { session, body: { offer_id: "gift_wrap", quantity: 1, type: "service" } })
      expect(gone.status).toBe(422)
    } finally {
      await app.app.stop()
      await rules.remove()
    }
  })

  test.each<[string, string, string]>([
    ["not YAML", "services: [unclosed", "not YAML"],
    ["a price that is not an integer", "currency: PLN\nservices:\n  - {service_id: gift_wrap, name: Gift wrap, kind: service_standalone, price: 15.5}\n", "services.0.price"],
    ["an item service without categories", "currency: PLN\nservices:\n  - {service_id: carry_in, name: Carry-in, kind: service_item, price: 4900}\n", "services[0] (carry_in).categories"]
  ])("a rules file that is %s stops the start, naming the file and the problem", async (_, content, problem) => {
    const { file, message } = await startFailureOnFile("cart", "services_rules.yaml", content, (file) => [cartModule({ catalogFile: catalog.file, servicesRulesFile: file })])
    expect(message).toContain(`invalid services rules ${file}`)
    expect(message).toContain(problem)
  })

  test("a rules file that does not exist stops the start, naming it", async () => {
    const missing = "/nonexistent/kasa/services_rules.yaml"
    expect(await startFailure("cart", [cartModule({ catalogFile: catalog.file, env: { SERVICES_RULES_FILE: missing } })])).toContain(`invalid services rules ${missing}: cannot read the file`)
  })
})
