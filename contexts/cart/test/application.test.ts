// The use cases over the in-memory store: what a command writes and publishes (envelopes that fit
// the published Schemas), what a refused command leaves (nothing), and how a write conflict is
// retried on the fresh cart and, when it keeps happening, refused without losing anyone's update.
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime, Schema } from "effect"
import { layerMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"
import {
  addItem,
  CartEventPayloads,
  CartStore,
  CartVersionFloor,
  changeItemQuantity,
  clearCart,
  type CommandContext,
  getCart,
  layerCartStore,
  layerOfferLookup,
  MAX_ATTEMPTS,
  noFloor,
  type OfferLookup,
  removeItem,
  type ServicePricing
} from "@kasa/cart"
import { fixtureOffers, fixtureServiceRules, layerServicePricingTable, lineRequest, withLine } from "@kasa/cart/testing"
import { type Envelope, layerAnsweringStore, newSessionId, type StateStore, Topics } from "@kasa/shared"
import { runAnswered } from "@kasa/shared/testing/answered"

const data = new MemoryStateData()
// Versions from 1, so the cases can name lines item_1, item_2 (the floor has its own test).
const ports = Layer.mergeAll(layerCartStore, layerOfferLookup(fixtureOffers), layerServicePricingTable(fixtureServiceRules), Layer.succeed(CartVersionFloor, noFloor))
const runtime = ManagedRuntime.make(Layer.provideMerge(ports, Layer.provideMerge(layerAnsweringStore, layerMemoryStateStore(data))))
afterAll(() => runtime.dispose())

type Services = CartStore | OfferLookup | ServicePricing | StateStore

const run = <A, E>(effect: Effect.Effect<A, E, Services>) => runtime.runPromise(effect)
const failure = <A, E>(effect: Effect.Effect<A, E, Services>) =>
  runtime.runPromise(Effect.flip(effect)) as Promise<{ readonly _tag: string }>

const session = (user_id?: string): CommandContext => ({ session_id: newSessionId(), correlation_id: "corr_app_test", ...(user_id === undefined ? {} : { user_id }) })

/** Everything stored for a session, and its outbox entries. */
const stored = (sessionId: string) => ({
  values: data.valueEntries().filter(([key]) => key.includes(sessionId)),
  streams: data.streamEntries().filter(([key]) => key.includes(sessionId)),
  outbox: data.outbox.filter((entry) => entry.event.key === sessionId)
})

const published = (sessionId: string): ReadonlyArray<Envelope> => stored(sessionId).outbox.map((entry) => entry.event.envelope)

/** Decodes a payload with the Schema published for its name (throws when it does not fit). */
const decodePayload = (envelope: Envelope) => {
  const schema = CartEventPayloads[envelope.event_name as keyof typeof CartEventPayloads]
  expect(schema).toBeDefined()
  return Schema.decodeUnknownSync(schema)(envelope.payload)
}

describe("addItem", () => {
  test("saves the cart and publishes cart.item_added with the snapshot, on cart-events keyed by session", async () => {
    const who = session("user_42")
    const view = await run(addItem(who, lineRequest("tv-55-oled", { quantity: 2 })))
    expect(view).toMatchObject({ session_id: who.session_id, cart_total: 999_800, services_total: 0, item_count: 2, cart_version: 1, currency: "PLN" })
    expect(await run(getCart(who.session_id))).toEqual(view)
    const [envelope, ...more] = stored(who.session_id).outbox
    expect(more).toEqual([])
    expect(envelope!.event.topic).toBe(Topics.cart)
    expect(envelope!.event.envelope).toMatchObject({
      event_name: "cart.item_added",
      event_version: 1,
      aggregate_id: who.session_id,
      correlation_id: "corr_app_test",
      causation_id: null,
      producer: "cart"
    })
    expect(decodePayload(envelope!.event.envelope)).toEqual({
      session_id: who.session_id,
      user_id: "user_42",
      item_id: "item_1",
      offer_id: "tv-55-oled",
      quantity: 2,
      price: 499_900,
      cart_total: 999_800,
      cart_version: 1,
      lines: [{ item_id: "item_1", offer_id: "tv-55-oled", type: "offer", name: 'OLED TV 55"', category: "tv", quantity: 2, unit_price: 499_900, parent_item_id: null }],
      currency: "PLN"
    })
  })

  test("without a user, the events carry no user_id", async () => {
    const who = session()
    await run(addItem(who, lineRequest("sofa-3")))
    expect("user_id" in published(who.session_id)[0]!.payload).toBe(false)
  })

  test("prices a service through ServicePricing, for its parent line", async () => {
    const who = session()
    await run(addItem(who, lineRequest("fridge-a")))
    const view = await run(addItem(who, lineRequest("carry_in", { type: "service", parent_item_id: "item_1" })))
    expect(view.items[1]).toMatchObject({ type: "service", name: "Carry-in", unit_price: 4_900, parent_item_id: "item_1" })
    expect(view.services_total).toBe(4_900)
  })

})

describe("a refused command", () => {
  test.each<[string, (who: CommandContext) => Effect.Effect<unknown, unknown, Services>, string]>([
    ["an unknown offer", (who) => addItem(who, lineRequest("no-such-offer")), "OfferNotFound"],
    ["a service the rules do not offer for that line", (who) => addItem(who, lineRequest("assembly", { type: "service", parent_item_id: "item_1" })), "ServiceNotAvailable"],
    ["a service for a line that does not exist", (who) => addItem(who, lineRequest("carry_in", { type: "service", parent_item_id: "item_9" })), "ParentLineNotFound"],
    ["a warranty for the wrong category", (who) => addItem(who, lineRequest("warranty-2y-appliance", { type: "warranty", parent_item_id: "item_1" })), "NotAttachable"],
    ["a merge past 99", (who) => addItem(who, lineRequest("tv-55-oled", { quantity: 99 })), "LineQuantityLimitExceeded"],
    ["a quantity change of an unknown line", (who) => changeItemQuantity(who, "item_7", 3), "LineNotFound"],
    ["a quantity change to 0", (who) => changeItemQuantity(who, "item_1", 0), "InvalidQuantity"],
    ["a removal of an unknown line", (who) => removeItem(who, "item_7"), "LineNotFound"]
  ])("%s: writes and publishes nothing", async (_, command, expected) => {
    const who = session()
    await run(addItem(who, lineRequest("tv-55-oled")))
    const before = stored(who.session_id)
    expect((await failure(command(who)))._tag).toBe(expected)
    expect(stored(who.session_id)).toEqual(before)
  })
})

describe("changeItemQuantity, removeItem, clearCart", () => {
  test("publish one event per change, each with its own version and a snapshot that fits its Schema", async () => {
    const who = session()
    await run(addItem(who, lineRequest("tv-55-oled")))
    await run(addItem(who, lineRequest("warranty-2y-tv", { type: "warranty", parent_item_id: "item_1" })))
    await run(changeItemQuantity(who, "item_1", 3))
    await run(addItem(who, lineRequest("sofa-3")))
    const afterRemove = await run(removeItem(who, "item_1"))
    expect(afterRemove.items.map((item) => item.offer_id)).toEqual(["sofa-3"])
    const cleared = await run(clearCart(who))
    expect(cleared).toMatchObject({ items: [], cart_total: 0, item_count: 0, cart_version: 8 })
    const events = published(who.session_id)
    expect(events.map((e) => [e.event_name, e.payload.cart_version])).toEqual([
      ["cart.item_added", 1],
      ["cart.item_added", 2],
      ["cart.item_quantity_changed", 3],
      ["cart.item_quantity_changed", 4],
      ["cart.item_added", 5],
      ["cart.item_removed", 6],
      ["cart.item_removed", 7],
      ["cart.cleared", 8]
    ])
    for (const envelope of events) decodePayload(envelope)
    expect(events[2]!.payload).toMatchObject({ item_id: "item_1", old_quantity: 1, new_quantity: 3, cart_total: 3 * 499_900 + 29_900 })
    // The warranty covers every unit of its TV, so it follows the TV's quantity.
    expect(events[3]!.payload).toMatchObject({ item_id: "item_2", old_quantity: 1, new_quantity: 3, cart_total: 3 * 499_900 + 3 * 29_900 })
    expect(events[5]!.payload).toMatchObject({ item_id: "item_2", cart_total: 3 * 499_900 + 189_900 })
    expect(events[6]!.payload).toMatchObject({ item_id: "item_1", cart_total: 189_900 })
  })

  test("a change that changes nothing writes and publishes nothing", async () => {
    const who = session()
    await run(addItem(who, lineRequest("tv-55-oled", { quantity: 2 })))
    const before = stored(who.session_id)
    expect((await run(changeItemQuantity(who, "item_1", 2))).cart_version).toBe(1)
    await run(clearCart(who))
    const afterClear = stored(who.session_id)
    expect((await run(clearCart(who))).cart_version).toBe(2)
    expect(stored(who.session_id)).toEqual(afterClear)
    expect(afterClear.outbox).toHaveLength(before.outbox.length + 1)
  })

  test("a session with no cart reads as an empty cart and stores nothing", async () => {
    const who = session()
    expect(await run(getCart(who.session_id))).toEqual({
      session_id: who.session_id,
      items: [],
      cart_total: 0,
      services_total: 0,
      currency: "PLN",
      item_count: 0,
      cart_version: 0
    })
    expect(stored(who.session_id)).toEqual({ values: [], streams: [], outbox: [] })
  })
})

describe("write conflicts", () => {
  /** A CartStore whose next `times` loads are each followed by another writer's add, as if it slipped in before the save. */
  const interfering = (times: number) =>
    Layer.effect(
      CartStore,
      Effect.gen(function* () {
        const real = yield* CartStore
        let left = times
        return CartStore.of({
          ...real,
          load: (sessionId) =>
            Effect.tap(real.load(sessionId), (loaded) => {
              if (left-- <= 0) return Effect.void
              const other = withLine(loaded.cart, "hdmi-cable")
              return Effect.orDie(real.save({ loaded, cart: other.cart, events: [] }))
            })
        })
      })
    ).pipe(Layer.provide(layerCartStore))

  const withInterference = (times: number) =>
    ManagedRuntime.make(Layer.mergeAll(interfering(times), layerOfferLookup(fixtureOffers), layerServicePricingTable(fixtureServiceRules), Layer.succeed(CartVersionFloor, noFloor)).pipe(Layer.provideMerge(layerMemoryStateStore(data))))

  test("a command that lost the race runs again on the fresh cart: both updates are kept", async () => {
    const racing = withInterference(2)
    try {
      const who = session()
      const view = await racing.runPromise(addItem(who, lineRequest("tv-55-oled")))
      expect(view.items.map((item) => [item.offer_id, item.quantity])).toEqual([
        ["hdmi-cable", 2],
        ["tv-55-oled", 1]
      ])
      expect(published(who.session_id).map((e) => e.event_name)).toEqual(["cart.item_added"])
    } finally {
      await racing.dispose()
    }
  })

  test(`after ${MAX_ATTEMPTS} lost races the command fails with CartChangedConcurrently and applies nothing of its own`, async () => {
    const racing = withInterference(MAX_ATTEMPTS)
    try {
      const who = session()
      const error = await racing.runPromise(Effect.flip(addItem(who, lineRequest("tv-55-oled"))))
      expect(error).toMatchObject({ _tag: "CartChangedConcurrently", attempts: MAX_ATTEMPTS })
      const view = await run(getCart(who.session_id))
      expect(view.items.map((item) => [item.offer_id, item.quantity])).toEqual([["hdmi-cable", MAX_ATTEMPTS]])
      expect(published(who.session_id)).toEqual([])
    } finally {
      await racing.dispose()
    }
  })

  test("concurrent commands on one cart through the use case lose no update", async () => {
    const who = session()
    const results = await Promise.all(
      Array.from({ length: 12 }, () => runtime.runPromise(Effect.result(addItem(who, lineRequest("hdmi-cable")))))
    )
    const succeeded = results.filter((r) => r._tag === "Success").length
    expect(results.every((r) => r._tag === "Success" || (r.failure as { _tag: string })._tag === "CartChangedConcurrently")).toBe(true)
    const view = await run(getCart(who.session_id))
    expect(view.items[0]?.quantity).toBe(succeeded)
    expect(published(who.session_id)).toHaveLength(succeeded)
  })
})

describe("an Idempotency-Key request", () => {
  test("every command commits the answer it returns in the same write as its state", async () => {
    const who = session()
    const commands: ReadonlyArray<Effect.Effect<unknown, unknown, Services>> = [addItem(who, lineRequest("tv-55-oled")), changeItemQuantity(who, "item_1", 2), removeItem(who, "item_1"), addItem(who, lineRequest("sofa-3")), clearCart(who)]
    for (const command of commands) {
      const { result, outcomes, record } = await run(runAnswered(command))
      expect(outcomes).toEqual(["answer-written"])
      expect(record).toBe(JSON.stringify(result))
    }
  })
})
