// The shipping-consumer over the in-memory bus and store, through the kernel's consumer runtime: cart
// snapshots are projected (stale and replayed ones ignored), a cart change that rules out the chosen
// method publishes shipping.method_invalidated caused by it, a price change re-publishes the method,
// the old cart hash's cached methods are dropped, a malformed snapshot goes to the DLQ, and other
// event names are ignored.
import { describe, expect, test } from "bun:test"
import { Effect, Layer } from "effect"
import { type CartSnapshot, cartHash, ConsumerGroups, dlqTopic, type Envelope, makeEnvelope, newSessionId, Topics } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { startConsumerHarness } from "@kasa/test-support/consumer-harness"
import {
  getAvailableMethods,
  layerCalendarNotConfigured,
  layerParcelSpecs,
  layerShippingStore,
  selectShippingMethod,
  SHIPPING_CONSUMER_GROUP,
  SHIPPING_CONSUMER_TOPICS,
  shippingConsumer,
  ShippingKeys,
  ShippingStore
} from "@kasa/shipping"
import { cartEvent, cartLine, cartSnapshot, fixtureParcelSpecs, layerFixtureShippingRules } from "@kasa/shipping/testing"

const { data, runtime, logged, publish: publishTo, caughtUp } = await startConsumerHarness({
  consumer: shippingConsumer(),
  ports: () => Layer.mergeAll(layerShippingStore, layerParcelSpecs(fixtureParcelSpecs), layerFixtureShippingRules, layerCalendarNotConfigured),
  publishes: [Topics.shipping]
})

const publish = (envelope: Envelope) => publishTo(Topics.cart, envelope)

const settle = () => runtime.runPromise(waitUntil(caughtUp, { timeoutMs: 10_000, describe: () => "shipping-consumer has not caught up with cart-events" }))

const deliver = async (...envelopes: ReadonlyArray<Envelope>) => {
  for (const envelope of envelopes) await publish(envelope)
  await settle()
}

const outboxOf = (sessionId: string) => data.outbox.filter((entry) => entry.event.key === sessionId).map((entry) => entry.event.envelope)
const projected = (sessionId: string) => runtime.runPromise(Effect.map(Effect.flatMap(ShippingStore, (store) => store.load(sessionId)), (loaded) => loaded.session.cart))
const who = (session_id: string) => ({ session_id, correlation_id: "corr_shopper" })

const small = (sessionId: string, version = 1): CartSnapshot => cartSnapshot(sessionId, version, [cartLine("hdmi-cable")])
const withFridge = (sessionId: string, version: number): CartSnapshot => cartSnapshot(sessionId, version, [cartLine("hdmi-cable"), cartLine("fridge")])

describe("shipping-consumer", () => {
  test("subscribes as SPEC §3.3 says", () => {
    expect(SHIPPING_CONSUMER_GROUP).toBe("shipping-consumer")
    expect([...SHIPPING_CONSUMER_TOPICS]).toEqual([...ConsumerGroups["shipping-consumer"]!])
  })

  test("projects the newest snapshot; an older one and a replay change nothing", async () => {
    const session = newSessionId()
    const v2 = cartEvent(withFridge(session, 2))
    await deliver(cartEvent(small(session, 1)), v2)
    expect((await projected(session))?.cart_version).toBe(2)
    await deliver(cartEvent(small(session, 1)), v2)
    expect(await projected(session)).toEqual({ cart_version: 2, currency: "PLN", lines: withFridge(session, 2).lines })
    const methods = await runtime.runPromise(getAvailableMethods(session))
    expect(methods.methods.map((m) => m.method_id)).toEqual(["store_pickup", "pallet"])
    expect(outboxOf(session)).toEqual([])
  })

  test("parcel locker chosen, then an oversize item: shipping.method_invalidated caused by the cart event, and the choice is gone", async () => {
    const session = newSessionId()
    await deliver(cartEvent(small(session)))
    await runtime.runPromise(selectShippingMethod(who(session), "parcel_locker"))
    const oversize = cartEvent(withFridge(session, 2), { correlationId: "corr_cart_add_fridge" })
    await deliver(oversize)
    const [selected, invalidated, ...more] = outboxOf(session)
    expect(more).toEqual([])
    expect(selected?.event_name).toBe("shipping.method_selected")
    expect(invalidated).toMatchObject({
      event_name: "shipping.method_invalidated",
      aggregate_id: session,
      correlation_id: "corr_cart_add_fridge",
      causation_id: oversize.event_id,
      producer: "shipping",
      payload: { session_id: session, method_id: "parcel_locker", reason: "oversize_item" }
    })
    expect((await runtime.runPromise(getAvailableMethods(session))).selected_method_id).toBeNull()
    // Delivered again (a redelivery after a crash): nothing more.
    await deliver(oversize)
    expect(outboxOf(session)).toHaveLength(2)
  })

  test("courier chosen, then the cart crosses 30000: shipping.method_selected again at the new price", async () => {
    const session = newSessionId()
    await deliver(cartEvent(small(session)))
    await runtime.runPromise(selectShippingMethod(who(session), "courier"))
    await deliver(cartEvent(cartSnapshot(session, 2, [cartLine("hdmi-cable"), cartLine("kettle", { unit_price: 30_000 })])))
    expect(outboxOf(session).map((e) => [e.event_name, e.payload.price_amount])).toEqual([
      ["shipping.method_selected", 1_999],
      ["shipping.method_selected", 0]
    ])
  })

  test("a changed cart drops the methods cached for its previous contents", async () => {
    const session = newSessionId()
    await deliver(cartEvent(small(session)))
    await runtime.runPromise(getAvailableMethods(session))
    const before = ShippingKeys.methods(cartHash(small(session)))
    expect(data.read(before)).toBeDefined()
    await deliver(cartEvent(withFridge(session, 2)))
    expect(data.read(before)).toBeUndefined()
  })

  test("a cart event whose snapshot does not decode goes to the DLQ; the partition moves on", async () => {
    const session = newSessionId()
    const broken = makeEnvelope({ eventName: "cart.item_added", aggregateId: session, correlationId: "corr_broken", producer: "cart", payload: { session_id: session, cart_version: "two", lines: [] } })
    await deliver(broken, cartEvent(small(session, 3)))
    const dead = data.pendingMessages(dlqTopic(Topics.cart)).filter((m) => m.key === session)
    expect(dead).toHaveLength(1)
    expect(dead[0]!.headers["dlq.group"]).toBe(SHIPPING_CONSUMER_GROUP)
    expect((await projected(session))?.cart_version).toBe(3)
  })

  test("other event names are ignored, each logged once", async () => {
    const session = newSessionId()
    const other = () => makeEnvelope({ eventName: "cart.checked_out_somehow", aggregateId: session, correlationId: "corr_x", producer: "cart", payload: { session_id: session } })
    await deliver(other(), other())
    expect(logged.filter((line) => line.includes("shipping-consumer ignores this event name"))).toHaveLength(1)
    expect(await projected(session)).toBeUndefined()
  })
})
