// The embedded shop in one process: a cart change reaches shipping, promotion and services through the
// in-memory bus (their own projections of cart-events), with no call between the contexts.
import { afterAll, describe, expect, test } from "bun:test"
import { createApp } from "@kasa/app-platform"
import { readUntil } from "@kasa/test-support/wait-for"
import { shopModules } from "../src/modules.ts"

const app = await createApp({ name: "shop", modules: shopModules, env: {}, log: () => {} })
afterAll(() => app.stop())

const call = async (method: string, path: string, session: string | undefined, body?: unknown) => {
  const response = await app.http.request(path, {
    method,
    headers: { ...(session === undefined ? {} : { "x-session-id": session }), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return { status: response.status, session: response.headers.get("x-session-id")!, body: (await response.json()) as Record<string, unknown> }
}

/** Polls a GET until `accept` holds (or fails with the last answer after the deadline). */
const eventually = (path: string, session: string, accept: (body: Record<string, unknown>) => boolean) =>
  readUntil(async () => (await call("GET", path, session)).body, accept, `${path} never matched`)

describe("shop, embedded: cart changes flow to shipping, promotion and services", () => {
  test("an oversize fridge and two accessories", async () => {
    const first = await call("POST", "/cart/items", undefined, { offer_id: "fridge-samsung-rb38", quantity: 1, type: "offer" })
    expect(first.status).toBe(201)
    const session = first.session
    expect((await call("POST", "/cart/items", session, { offer_id: "hdmi-cable-2m", quantity: 2, type: "offer" })).status).toBe(201)

    const shipping = await eventually("/shipping/available", session, (b) => Array.isArray(b.methods) && b.methods.length > 0)
    expect((shipping.methods as Array<{ method_id: string }>).map((m) => m.method_id).sort()).toEqual(["pallet", "store_pickup"])

    const services = await eventually("/services/available", session, (b) =>
      (b.services as Array<{ service_id: string }>).some((s) => s.service_id === "carry_in")
    )
    expect(services.total_services_price).toBe(0)

    const promotions = await eventually("/promotions/available", session, (b) =>
      (b.promotions as Array<{ promotion_id: string }>).some((p) => p.promotion_id === "second-item-half-price")
    )
    const half = (promotions.promotions as Array<{ promotion_id: string; discount_amount: number }>).find((p) => p.promotion_id === "second-item-half-price")!
    expect(half.discount_amount).toBe(Math.floor(4999 / 2))
  })
})
