// The cart and the services contexts mounted in one embedded process (as the one-process shop mounts
// modules), talking only through cart-events on the in-memory bus: a TV added to the cart is offered
// carry-in by the services API; the carry-in the cart prices from the same rules shows up as the
// services total; removing the TV takes both away.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { type App, createApp } from "@kasa/app-platform"
import { cartModule } from "@kasa/app-cart"
import { servicesModule } from "../src/module.ts"
import { newSession, readUntil, type Session, TEST_SESSION_SECRET } from "./fixtures.ts"

let app: App
beforeAll(async () => {
  app = await createApp({ name: "shop-slice", modules: [cartModule({ env: {}, versionFloor: () => 0 }) /* versions from 1: the cases name lines item_1 */, servicesModule({ env: {} })], env: { SESSION_SECRET: TEST_SESSION_SECRET }, log: () => {} })
})
afterAll(async () => {
  await app.stop()
})

const request = (method: string, path: string, session: Session, body?: unknown) =>
  app.http.request(path, {
    method,
    headers: { "X-Session-Id": session.token, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })

interface Available {
  readonly services: ReadonlyArray<{ readonly service_id: string; readonly parent_item_id: string | null; readonly price: number }>
  readonly total_services_price: number
}

const availableWhen = (session: Session, ok: (body: Available) => boolean) =>
  readUntil(async () => (await (await request("GET", "/services/available", session)).json()) as Available, ok, "GET /services/available")

const itemServices = (body: Available) => body.services.filter((s) => s.parent_item_id !== null).map((s) => [s.service_id, s.parent_item_id, s.price])

describe("cart and services in one process", () => {
  test("a TV in the cart is offered carry-in; the carry-in added to the cart is the services total; removing the TV removes both", async () => {
    const session = newSession()
    expect((await request("POST", "/cart/items", session, { offer_id: "tv-samsung-qe55q80d", quantity: 2, type: "offer" })).status).toBe(201)
    const offered = await availableWhen(session, (body) => itemServices(body).length > 0)
    expect(itemServices(offered)).toEqual([["carry_in", "item_1", 2 * 4_900]])
    expect(offered.total_services_price).toBe(0)

    const added = await request("POST", "/cart/items", session, { offer_id: "carry_in", quantity: 1, type: "service", parent_item_id: "item_1" })
    expect(await added.json()).toMatchObject({ services_total: 2 * 4_900 })
    expect((await availableWhen(session, (body) => body.total_services_price > 0)).total_services_price).toBe(2 * 4_900)

    await request("DELETE", "/cart/items/item_1", session)
    const after = await availableWhen(session, (body) => itemServices(body).length === 0 && body.total_services_price === 0)
    expect(after.services.map((s) => s.service_id)).toEqual(["sms_notification", "gift_wrap", "extended_support"])
  })
})
