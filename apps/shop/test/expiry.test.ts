// Session state expires (SPEC §2, SESSION_TTL_SECONDS) in every context of the embedded shop, and leaves
// memory: the store sweeps it and the broker trims what every group has read. A cart that expires and
// comes back starts above every version the other contexts' projections have seen, so they take it.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"
import { type App, createApp } from "@kasa/app-platform"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { shopModules } from "../src/modules.ts"

const started: Array<App> = []
afterAll(() => Promise.all(started.map((app) => app.stop())))

const startShop = async (env: Record<string, string>) => {
  const state = new MemoryStateData()
  const broker = new MemoryBroker({ trim: true })
  const app = await createApp({ name: "shop", modules: shopModules, env, state, broker, log: () => {} })
  started.push(app)
  const call = async (method: string, path: string, session: string | undefined, body?: unknown) => {
    const response = await app.http.request(path, {
      method,
      headers: { ...(session === undefined ? {} : { "x-session-id": session }), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    return { status: response.status, token: response.headers.get("x-session-id")!, body: (await response.json()) as Record<string, unknown> }
  }
  /** Every key (value or stream) of the session in the store. */
  const keysOf = (sessionId: string) => [...state.values.keys(), ...state.streams.keys()].filter((key) => key.endsWith(`:${sessionId}`)).sort()
  const projections = (sessionId: string) => [`services:cart:${sessionId}`, `promotions:cart:${sessionId}`, `shipping:session:${sessionId}`]
  return { app, state, broker, call, keysOf, projections }
}

const wait = (condition: () => boolean, describe: () => string) => Effect.runPromise(waitUntil(condition, { timeoutMs: 15_000, describe }))

describe("session expiry in the embedded shop", () => {
  test("with SESSION_TTL_SECONDS=1 every session key of cart, services, promotion and shipping leaves memory, and the cart-events log is trimmed", async () => {
    const shop = await startShop({ SESSION_TTL_SECONDS: "1" })
    const added = await shop.call("POST", "/cart/items", undefined, { offer_id: "fridge-samsung-rb38", quantity: 1, type: "offer" })
    expect(added.status).toBe(201)
    const sessionId = added.body.session_id as string
    expect((await shop.call("POST", "/cart/items", added.token, { offer_id: "hdmi-cable-2m", quantity: 2, type: "offer" })).status).toBe(201)
    expect((await shop.call("POST", "/shipping/address", added.token, { street: "Marszałkowska 1", city: "Warszawa", postal_code: "00-950", country: "PL" })).status).toBe(200)
    const expected = [`cart:counter:${sessionId}`, `cart:events:${sessionId}`, `cart:view:${sessionId}`, ...shop.projections(sessionId)]
    await wait(
      () => expected.every((key) => shop.keysOf(sessionId).includes(key)),
      () => `keys: ${shop.keysOf(sessionId).join(", ")}`
    )
    expect(shop.keysOf(sessionId)).toContain(`shipping:address:${sessionId}`)

    await wait(
      () => shop.keysOf(sessionId).length === 0,
      () => `still held: ${shop.keysOf(sessionId).join(", ")}`
    )
    // Nothing read them: the sweeper took them. And every group has read cart-events, so its log is empty.
    const log = shop.broker.topics.get("cart-events")!
    await wait(
      () => log.every((partition) => partition.log.length === 0),
      () => `cart-events holds ${log.map((partition) => partition.log.length).join("/")} messages`
    )
    expect(log.reduce((sum, partition) => sum + partition.base, 0)).toBeGreaterThanOrEqual(2)
  }, 30_000)

  test("a cart that expired and comes back starts above the versions the other contexts hold, and they take its changes", async () => {
    const shop = await startShop({})
    const first = await shop.call("POST", "/cart/items", undefined, { offer_id: "fridge-samsung-rb38", quantity: 1, type: "offer" })
    const sessionId = first.body.session_id as string
    const second = await shop.call("POST", "/cart/items", first.token, { offer_id: "hdmi-cable-2m", quantity: 2, type: "offer" })
    const oldVersion = second.body.cart_version as number
    const versionIn = (key: string): number | undefined => {
      const raw = shop.state.read(key)
      if (raw === undefined) return undefined
      const stored = JSON.parse(raw) as { cart_version?: number; cart?: { cart_version?: number } }
      return stored.cart_version ?? stored.cart?.cart_version
    }
    const held = () => shop.projections(sessionId).map(versionIn)
    await wait(
      () => held().every((version) => version === oldVersion),
      () => `projections hold ${JSON.stringify(held())}, want ${oldVersion}`
    )

    // The cart's keys expire before the projections written a little after them: gone, as the sweep leaves them.
    for (const key of [`cart:view:${sessionId}`, `cart:counter:${sessionId}`, `cart:events:${sessionId}`]) shop.state.commit({ ops: [{ op: "delete", key }] })
    expect((await shop.call("GET", "/cart", first.token)).body).toMatchObject({ items: [], item_count: 0 })

    const again = await shop.call("POST", "/cart/items", first.token, { offer_id: "sofa-oslo-3", quantity: 1, type: "offer" })
    expect(again.status).toBe(201)
    expect(again.body.session_id).toBe(sessionId)
    const newVersion = again.body.cart_version as number
    expect(newVersion).toBeGreaterThan(oldVersion)
    await wait(
      () => held().every((version) => version === newVersion),
      () => `projections hold ${JSON.stringify(held())}, want ${newVersion} (an older-looking version would be dropped)`
    )
  }, 30_000)
})
