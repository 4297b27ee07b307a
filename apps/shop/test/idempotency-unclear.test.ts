// Idempotency-Key in the one-process shop: in every context the stored answer joins the command's
// commit, so a first attempt whose commit applied but whose answer was lost (a 5xx) is replayed to
// the retry, byte for byte, and never applied twice.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { decodeEnvelope, Topics } from "@kasa/shared"
import { newSession, startTestApp, type TestApp } from "@kasa/test-support/app-harness"
import { faultyStore } from "@kasa/test-support/faulty-store"
import { shopModules } from "../src/modules.ts"

const store = faultyStore()
let t: TestApp
beforeAll(async () => {
  t = await startTestApp("shop", shopModules, { wrapStateStore: store.wrap })
})
afterAll(() => t?.app.stop())

const post = (path: string, session: string, body: unknown, key: string) =>
  t.app.http.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", "X-Session-Id": session, "Idempotency-Key": key },
    body: JSON.stringify(body)
  })

/** How many `eventName` events there are, in the outbox or on the bus (the relay moves them at any moment). */
const eventsNamed = (topic: string, eventName: string): number =>
  new Set([
    ...t.state.outbox.filter((entry) => entry.event.topic === topic && entry.event.envelope.event_name === eventName).map((entry) => entry.event.envelope.event_id),
    ...(t.broker.topics.get(topic) ?? []).flatMap((partition) => partition.log).flatMap((message) => {
      const decoded = decodeEnvelope(message.value)
      return decoded.ok && decoded.envelope.event_name === eventName ? [decoded.envelope.event_id] : []
    })
  ]).size

describe("Idempotency-Key when the commit applied but the answer was lost, in the shop", () => {
  test.each<[string, unknown, string, string]>([
    ["/cart/items", { offer_id: "hdmi-cable-2m", quantity: 1, type: "offer" }, Topics.cart, "cart.item_added"],
    ["/shipping/address", { street: "ul. Prosta 1", city: "Warszawa", postal_code: "00-950", country: "PL" }, Topics.shipping, "shipping.address_provided"]
  ])("POST %s: the retry replays the answer the commit stored, and the work is done once", async (path, body, topic, eventName) => {
    const session = newSession().token
    const before = eventsNamed(topic, eventName)
    store.arm("apply-then-fail")
    expect((await post(path, session, body, "once")).status).toBe(503)
    const retry = await post(path, session, body, "once")
    expect(retry.status).toBeLessThan(300)
    expect(retry.headers.get("idempotent-replayed")).toBe("true")
    expect(retry.headers.get("content-type")).toBe("application/json")
    expect(retry.headers.get("X-Session-Id")).toBe(session)
    const replayed = await retry.text()
    const again = await post(path, session, body, "once")
    expect(await again.text()).toBe(replayed)
    expect(eventsNamed(topic, eventName)).toBe(before + 1)
  })
})
