// The cart app's consumer, embedded: a checkout.completed on checkout-events (cart-consumer group)
// clears the session's cart, and cart.cleared is published caused by it, with its correlation id.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { EventBus, makeEnvelope, toBusMessage, Topics } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import type { CartView } from "@kasa/cart"
import { call, newSession, publishedFor, type Session, startCartApp, type TestApp, writeCatalogFile } from "./fixtures.ts"

let t: TestApp
let catalog: Awaited<ReturnType<typeof writeCatalogFile>>

beforeAll(async () => {
  catalog = await writeCatalogFile()
  t = await startCartApp({ catalogFile: catalog.file })
})
afterAll(async () => {
  await t.app.stop()
  await catalog.remove()
})

const cartOf = async (session: Session) => (await (await call(t, "GET", "/cart", { session })).json()) as CartView

describe("cart-consumer, embedded", () => {
  test("runs in group cart-consumer on checkout-events", () => {
    expect(t.app.subscriptions).toHaveLength(1)
    expect(t.broker.groups.has("cart-consumer")).toBe(true)
  })

  test("checkout.completed clears the cart and publishes cart.cleared caused by it", async () => {
    const session = newSession()
    await call(t, "POST", "/cart/items", { session, headers: { "X-User-Id": "user_5" }, body: { offer_id: "sofa-3", quantity: 2, type: "offer" } })
    const completed = makeEnvelope({
      eventName: "checkout.completed",
      aggregateId: session.id,
      correlationId: "corr_checkout_done",
      producer: "checkout",
      payload: { session_id: session.id, order_id: "ord_42" }
    })
    await t.app.runtime.runPromise(Effect.flatMap(EventBus, (bus) => bus.publish([toBusMessage({ topic: Topics.checkout, key: session.id, envelope: completed })])))

    let last: CartView | undefined
    await Effect.runPromise(
      Effect.gen(function* () {
        const deadline = Date.now() + 10_000
        while ((last = yield* Effect.promise(() => cartOf(session))).items.length > 0) {
          if (Date.now() > deadline) return yield* Effect.die(new Error(`cart not cleared; last seen ${JSON.stringify(last)}`))
          yield* Effect.sleep(10)
        }
      })
    )
    expect(last).toMatchObject({ items: [], cart_total: 0, item_count: 0, cart_version: 2 })
    await Effect.runPromise(waitUntil(() => publishedFor(t, session).length === 2, { describe: () => JSON.stringify(publishedFor(t, session).map((e) => e.event_name)), timeoutMs: 10_000 }))
    const cleared = publishedFor(t, session)[1]!
    expect(cleared).toMatchObject({
      event_name: "cart.cleared",
      aggregate_id: session.id,
      correlation_id: "corr_checkout_done",
      causation_id: completed.event_id,
      producer: "cart",
      payload: { session_id: session.id, cart_version: 2, lines: [], currency: "PLN" }
    })
  })
})
