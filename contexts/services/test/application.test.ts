// The services queries over the in-memory store: what a cart may have (cached availability used only
// under the rules it was computed with), what one line may have (an unknown line is LineNotFound),
// what any cart may have, and the rules recorded at start.
import { describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime, Result } from "effect"
import { layerMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"
import {
  availability,
  availableForCart,
  layerServiceRulebook,
  layerServicesStore,
  listStandaloneServices,
  parseServicesRules,
  recordRules,
  ServiceRulebook,
  ServicesKeys,
  ServicesStore,
  servicesForItem,
  standaloneServices
} from "@kasa/services"
import { fixtureRules, fixtureRulesFile, productLine, serviceLine, snapshot } from "@kasa/services/testing"
import { cartHash, type CartSnapshot, newSessionId, type StateStore } from "@kasa/shared"

const data = new MemoryStateData()
const runtime = ManagedRuntime.make(Layer.mergeAll(Layer.provideMerge(layerServicesStore, layerMemoryStateStore(data)), layerServiceRulebook(fixtureRules)))
type Services = ServicesStore | ServiceRulebook | StateStore
const run = <A, E>(effect: Effect.Effect<A, E, Services>) => runtime.runPromise(effect)

/** Stores the projection the consumer would have written for `cart` (no event needed here). */
const project = (cart: CartSnapshot, rulesFingerprint = fixtureRules.fingerprint, offered = availability(fixtureRules, cart.lines)) =>
  run(
    Effect.gen(function* () {
      const store = yield* ServicesStore
      const hash = cartHash(cart)
      yield* store.save({
        loaded: yield* store.loadCart(cart.session_id),
        cart: { session_id: cart.session_id, cart_version: cart.cart_version, cart_hash: hash, currency: cart.currency, lines: cart.lines },
        availability: { cart_hash: hash, rules_fingerprint: rulesFingerprint, ...offered },
        events: []
      })
    })
  )

const tvWithCarryIn = (session: string) =>
  snapshot(session, 2, [productLine("item_1", "tv", { quantity: 2 }), serviceLine("item_2", "carry_in", 4_900, "item_1", 2), productLine("item_3", "furniture")])

describe("availableForCart", () => {
  test("a session no cart event was seen for is an empty cart: the standalone services, nothing to pay", async () => {
    expect(await run(availableForCart(newSessionId()))).toEqual({ services: standaloneServices(fixtureRules), total_services_price: 0 })
  })

  test("the projected cart's services, line by line then standalone, and what its services cost now", async () => {
    const session = newSessionId()
    await project(tvWithCarryIn(session))
    const result = await run(availableForCart(session))
    expect(result.services.map((s) => [s.service_id, s.parent_item_id, s.price])).toEqual([
      ["carry_in", "item_1", 9_800],
      ["assembly", "item_3", 9_900],
      ["sms_notification", null, 199],
      ["gift_wrap", null, 1_500],
      ["extended_support", null, 4_900]
    ])
    expect(result.total_services_price).toBe(9_800)
  })

  test("reads the availability cached under the cart hash", async () => {
    const session = newSessionId()
    const cart = tvWithCarryIn(session)
    const cached = { services: standaloneServices(fixtureRules).slice(0, 1), total_services_price: 1 }
    await project(cart, fixtureRules.fingerprint, cached)
    expect(await run(availableForCart(session))).toEqual(cached)
  })

  test("ignores an availability cached under other rules, and one that expired: recomputed from the projection", async () => {
    const session = newSessionId()
    const cart = tvWithCarryIn(session)
    await project(cart, "older-rules", { services: [], total_services_price: 1 })
    expect(await run(availableForCart(session))).toEqual(availability(fixtureRules, cart.lines))
    data.values.delete(ServicesKeys.available(cartHash(cart)))
    expect(await run(availableForCart(session))).toEqual(availability(fixtureRules, cart.lines))
  })
})

describe("servicesForItem", () => {
  test.each<[string, string, ReadonlyArray<readonly [string, number]>]>([
    ["the TV line: carry-in for both units", "item_1", [["carry_in", 9_800]]],
    ["the sofa line: assembly", "item_3", [["assembly", 9_900]]],
    ["a service line: none", "item_2", []]
  ])("%s", async (_, itemId, expected) => {
    const session = newSessionId()
    await project(tvWithCarryIn(session))
    const { services } = await run(servicesForItem(session, itemId))
    expect(services.map((s) => [s.service_id, s.price])).toEqual(expected.map(([id, price]) => [id, price]))
    for (const s of services) expect(s).toMatchObject({ kind: "service_item", parent_item_id: itemId })
  })

  test.each<[string, boolean]>([
    ["a line the cart does not have", true],
    ["any line of a session no cart event was seen for", false]
  ])("%s → LineNotFound", async (_, projected) => {
    const session = newSessionId()
    if (projected) await project(tvWithCarryIn(session))
    const failure = await run(Effect.flip(servicesForItem(session, "item_9")))
    expect(failure).toMatchObject({ _tag: "LineNotFound", cart_id: session, item_id: "item_9" })
  })
})

describe("listStandaloneServices and recordRules", () => {
  test("the standalone services of the rules in force", async () => {
    expect(await run(listStandaloneServices())).toEqual({ services: standaloneServices(fixtureRules) })
  })

  test("recordRules stores the rules in force under services:rules", async () => {
    await run(recordRules())
    expect(await run(Effect.flatMap(ServicesStore, (store) => store.loadRules()))).toEqual({ ...fixtureRulesFile, fingerprint: fixtureRules.fingerprint })
    // Other rules in force replace the record.
    const cheaper = Result.getOrThrow(parseServicesRules({ ...fixtureRulesFile, services: fixtureRulesFile.services.slice(3) }))
    await runtime.runPromise(recordRules().pipe(Effect.provide(layerServiceRulebook(cheaper))))
    expect((await run(Effect.flatMap(ServicesStore, (store) => store.loadRules())))?.fingerprint).toBe(cheaper.fingerprint)
  })
})
