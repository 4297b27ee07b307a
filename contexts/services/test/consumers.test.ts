// The services-consumer over the in-memory bus and store, through the kernel's consumer runtime:
// each newer cart snapshot is projected, its availability cached under its hash and published as
// services.availability_calculated caused by the cart event; stale and replayed events change and
// publish nothing; other event names are ignored; a snapshot that does not fit goes to the DLQ.
import { describe, expect, test } from "bun:test"
import { Effect, Layer, Schema } from "effect"
import {
  AvailabilityCalculated,
  layerServiceRulebook,
  layerServicesStore,
  SERVICES_CONSUMER_GROUP,
  SERVICES_CONSUMER_TOPICS,
  servicesConsumer,
  ServicesKeys,
  ServicesStore
} from "@kasa/services"
import { cartEvent, fixtureRules, productLine, serviceLine, snapshot } from "@kasa/services/testing"
import { cartHash, ConsumerGroups, dlqTopic, type Envelope, makeEnvelope, newSessionId, Topics } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { startConsumerHarness } from "@kasa/test-support/consumer-harness"

const { broker, data, runtime, logged, publish: publishTo, caughtUp } = await startConsumerHarness({
  consumer: servicesConsumer(),
  ports: () => Layer.mergeAll(layerServicesStore, layerServiceRulebook(fixtureRules)),
  publishes: [Topics.services]
})

const publish = (...envelopes: ReadonlyArray<Envelope>) => publishTo(Topics.cart, ...envelopes)

const settle = () => Effect.runPromise(waitUntil(caughtUp, { describe: () => `committed ${JSON.stringify([...(broker.groups.get(SERVICES_CONSUMER_GROUP)?.committed ?? [])])}`, timeoutMs: 5_000 }))

const published = (sessionId: string) => data.outbox.filter((entry) => entry.event.topic === Topics.services && entry.event.key === sessionId)
const projection = (sessionId: string) => runtime.runPromise(Effect.flatMap(ServicesStore, (store) => store.loadCart(sessionId)))
const dead = () => data.pendingMessages(dlqTopic(Topics.cart))

const tv = (session: string, version: number, quantity = 1) => snapshot(session, version, [productLine("item_1", "tv", { quantity })])
const tvWithCarryIn = (session: string, version: number) => snapshot(session, version, [productLine("item_1", "tv"), serviceLine("item_2", "carry_in", 4_900, "item_1")])

describe("services-consumer", () => {
  test("subscribes as SPEC §3.3 says", () => {
    expect(SERVICES_CONSUMER_GROUP).toBe("services-consumer")
    expect([...SERVICES_CONSUMER_TOPICS]).toEqual([...ConsumerGroups["services-consumer"]!])
  })

  test("a cart event is projected, its availability cached under the hash and published on services-events, caused by it", async () => {
    const session = newSessionId()
    const cart = tv(session, 1, 2)
    const added = cartEvent(cart, "cart.item_added", { correlation_id: "corr_shopper_1", user_id: "user_3" })
    await publish(added)
    await settle()
    const hash = cartHash(cart)
    expect((await projection(session)).cart).toEqual({ session_id: session, cart_version: 1, cart_hash: hash, currency: "PLN", lines: cart.lines })
    expect(data.read(ServicesKeys.available(hash))).toBeDefined()
    const [entry, ...more] = published(session)
    expect(more).toHaveLength(0)
    expect(entry!.event).toMatchObject({ topic: Topics.services, key: session })
    const envelope = entry!.event.envelope
    expect(envelope).toMatchObject({
      event_name: "services.availability_calculated",
      aggregate_id: session,
      producer: "services",
      correlation_id: "corr_shopper_1",
      causation_id: added.event_id
    })
    const payload = Schema.decodeUnknownSync(AvailabilityCalculated)(envelope.payload)
    expect(payload).toMatchObject({ session_id: session, user_id: "user_3", cart_hash: hash, cart_version: 1, currency: "PLN", total_services_price: 0 })
    expect(payload.available_services.map((s) => [s.service_id, s.kind, s.parent_item_id, s.price])).toEqual([
      ["carry_in", "service_item", "item_1", 9_800],
      ["sms_notification", "service_standalone", null, 199],
      ["gift_wrap", "service_standalone", null, 1_500],
      ["extended_support", "service_standalone", null, 4_900]
    ])
  })

  test("every newer cart change publishes again; total_services_price is what the services in the cart cost", async () => {
    const session = newSessionId()
    await publish(cartEvent(tv(session, 1)), cartEvent(tvWithCarryIn(session, 2)), cartEvent(snapshot(session, 3, []), "cart.cleared"))
    await settle()
    const payloads = published(session).map((entry) => entry.event.envelope.payload as AvailabilityCalculated)
    expect(payloads.map((p) => [p.cart_version, p.total_services_price, p.available_services.filter((s) => s.kind === "service_item").length])).toEqual([
      [1, 0, 1],
      [2, 4_900, 1],
      [3, 0, 0]
    ])
    expect((await projection(session)).cart).toMatchObject({ cart_version: 3, lines: [] })
  })

  test("an older cart_version arriving late, and a replayed event, change nothing and publish nothing", async () => {
    const session = newSessionId()
    const first = cartEvent(tv(session, 1))
    const third = cartEvent(tvWithCarryIn(session, 3))
    await publish(first, third)
    await settle()
    const before = { projection: await projection(session), published: published(session).length }
    await publish(cartEvent(tv(session, 2, 5)), first, cartEvent(tv(session, 3, 7)))
    await settle()
    expect(await projection(session)).toEqual(before.projection)
    expect(published(session)).toHaveLength(before.published)
    expect(before.published).toBe(2)
  })

  test("other event names are ignored, each logged once", async () => {
    const session = newSessionId()
    const odd = (n: number) => makeEnvelope({ eventName: "cart.something_new", aggregateId: session, correlationId: "corr_odd", producer: "cart", payload: { session_id: session, n } })
    await publish(odd(1), odd(2))
    await settle()
    expect(published(session)).toHaveLength(0)
    expect((await projection(session)).cart).toBeUndefined()
    expect(logged.filter((line) => line.includes("services-consumer ignores this event name") && line.includes("cart.something_new"))).toHaveLength(1)
  })

  test.each<[string, (session: string) => Envelope]>([
    ["a cart event whose snapshot is malformed", (session) => ({ ...cartEvent(tv(session, 1)), payload: { session_id: session, cart_version: "one", lines: [] } })],
    ["a cart event whose session_id is not a session id", (session) => cartEvent(tv(`${session}$`, 1))]
  ])("%s goes to the DLQ at once, changing nothing", async (_, make) => {
    const session = newSessionId()
    const envelope = make(session)
    const deadBefore = dead().length
    await publish(envelope)
    await settle()
    expect(dead().length).toBe(deadBefore + 1)
    expect(dead().at(-1)!.headers["dlq.group"]).toBe(SERVICES_CONSUMER_GROUP)
    expect(published(session)).toHaveLength(0)
    expect((await projection(session)).cart).toBeUndefined()
  })
})
