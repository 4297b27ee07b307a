// The cart and the services contexts as two processes of their own (`apps/cart/src/main.ts`,
// `apps/services/src/main.ts`, started the way a user starts them), distributed over this run's real
// Kafka and Redis, each with its own key prefix under this run's. Neither is told where the other is:
// the only way between them is cart-events on Kafka. A TV added through the cart process is offered
// carry-in by the services process within a bounded wait; the carry-in the cart prices from the same
// rules shows up as its total_services_price; removing the TV takes both away. The services process
// publishes services.availability_calculated on Kafka and keeps SPEC §4.6's keys in Redis.
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { layerKafka } from "@kasa/adapter-kafka"
import { layerRedis } from "@kasa/adapter-redis"
import { ServicesKeys } from "@kasa/services"
import { decodeEnvelope, type Envelope, EventBusAdmin, StateStore, Topics } from "@kasa/shared"
import { runId, runPrefix, testKafka, testRedis } from "@kasa/test-support/infra"
import { type RunningProcess, startApp, stopProcess } from "@kasa/test-support/process"
import { readUntil } from "./fixtures.ts"
import { newSession, type Session } from "@kasa/test-support/app-harness"

const cartMain = new URL("../../cart/src/main.ts", import.meta.url).pathname
const servicesMain = new URL("../src/main.ts", import.meta.url).pathname
const cartPrefix = `${runPrefix}svc-it-cart:`
const servicesPrefix = `${runPrefix}svc-it-services:`

let cart: RunningProcess | undefined
let services: RunningProcess | undefined
let probe: ManagedRuntime.ManagedRuntime<EventBusAdmin | StateStore, unknown> | undefined

beforeAll(async () => {
  const [kafka, redis] = await Promise.all([testKafka(), testRedis()])
  const infra = { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url }
  ;[cart, services] = await Promise.all([
    startApp(cartMain, { ...infra, REDIS_KEY_PREFIX: cartPrefix }, 60_000),
    startApp(servicesMain, { ...infra, REDIS_KEY_PREFIX: servicesPrefix }, 60_000)
  ])
  // What the test reads from outside: the services-events topic, and Redis under the services prefix.
  probe = ManagedRuntime.make(
    Layer.mergeAll(
      layerKafka({ brokers: kafka.brokers.split(","), clientId: `services-it-${runId}` }),
      layerRedis({ url: redis.url, keyPrefix: servicesPrefix, outboxName: `probe-${runId}`, clientName: `kasa-test-${runId}-services-it` })
    )
  )
  // Both report ready (broker, Redis, their consumers assigned) before the test acts.
  for (const app of [cart, services]) {
    await readUntil(async () => (await fetch(`${app.url}/health/ready`)).status, (status) => status === 200, `${app.url} ready`, 60_000)
  }
}, 180_000)

afterAll(async () => {
  await Promise.all([stopProcess(cart?.process), stopProcess(services?.process)])
  await probe?.dispose()
})

interface Available {
  readonly services: ReadonlyArray<{ readonly service_id: string; readonly kind: string; readonly parent_item_id: string | null; readonly price: number }>
  readonly total_services_price: number
}

const toCart = (method: string, path: string, session: Session, body?: unknown) =>
  fetch(`${cart!.url}${path}`, {
    method,
    headers: { "X-Session-Id": session.token, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })

/** GET /services/available on the services process, as the session, until `ok` holds (bounded). */
const availableWhen = (session: Session, what: string, ok: (body: Available) => boolean) =>
  readUntil(async () => (await (await fetch(`${services!.url}/services/available`, { headers: { "X-Session-Id": session.token } })).json()) as Available, ok, what, 60_000)

const itemServices = (body: Available) => body.services.filter((s) => s.kind === "service_item").map((s) => [s.service_id, s.parent_item_id, s.price])

/** The session's events on services-events in Kafka. */
const servicesEventsOnKafka = (session: Session) =>
  probe!.runPromise(
    Effect.map(Effect.flatMap(EventBusAdmin, (admin) => admin.readTopic(Topics.services)), (messages) =>
      messages
        .filter((m) => m.key === session.id)
        .flatMap((m): Array<Envelope> => {
          const decoded = decodeEnvelope(m.value)
          return decoded.ok ? [decoded.envelope] : []
        })
    )
  )

describe("cart and services as two processes over Kafka and Redis", () => {
  test("a TV added in the cart process is offered carry-in by the services process; its carry-in line is the services total; removing the TV removes both", async () => {
    expect(cart!.output()).toContain('"mode":"distributed"')
    expect(services!.output()).toContain('"mode":"distributed"')
    const session = newSession()

    const added = await toCart("POST", "/cart/items", session, { offer_id: "tv-samsung-qe55q80d", quantity: 1, type: "offer" })
    expect(added.status).toBe(201)
    // A new cart counts its versions from the clock; its first line is named after its first version.
    const v1 = ((await added.json()) as { cart_version: number }).cart_version
    const tv = `item_${v1}`
    const offered = await availableWhen(session, "carry-in offered for the TV", (body) => itemServices(body).length > 0)
    expect(itemServices(offered)).toEqual([["carry_in", tv, 4_900]])
    expect(offered.total_services_price).toBe(0)

    const carryIn = await toCart("POST", "/cart/items", session, { offer_id: "carry_in", quantity: 1, type: "service", parent_item_id: tv })
    expect(carryIn.status).toBe(201)
    expect(await carryIn.json()).toMatchObject({ services_total: 4_900 })
    await availableWhen(session, "the carry-in counted in total_services_price", (body) => body.total_services_price === 4_900)

    const removed = await toCart("DELETE", `/cart/items/${tv}`, session)
    expect(removed.status).toBe(200)
    const after = await availableWhen(session, "no item services and nothing to pay once the TV is gone", (body) => itemServices(body).length === 0 && body.total_services_price === 0)
    expect(after.services.map((s) => s.service_id)).toEqual(["sms_notification", "gift_wrap", "extended_support"])

    // One services.availability_calculated per cart change (TV, carry-in, carry-in removed, TV removed), in order, keyed by session.
    const events = await readUntil(() => servicesEventsOnKafka(session), (found) => found.length >= 4, "services-events on Kafka", 60_000)
    expect(events.map((e) => [e.event_name, e.payload.cart_version, e.payload.total_services_price])).toEqual([
      ["services.availability_calculated", v1, 0],
      ["services.availability_calculated", v1 + 1, 4_900],
      ["services.availability_calculated", v1 + 2, 0],
      ["services.availability_calculated", v1 + 3, 0]
    ])
    for (const e of events) expect(e).toMatchObject({ aggregate_id: session.id, producer: "services", payload: { session_id: session.id } })

    // SPEC §4.6's keys in the services process's Redis, under its own prefix.
    const last = events.at(-1)!
    const [projection, available, rules] = await probe!.runPromise(
      Effect.flatMap(StateStore, (state) => state.getMany([ServicesKeys.cart(session.id), ServicesKeys.available(last.payload.cart_hash as string), ServicesKeys.rules]))
    )
    expect(JSON.parse(projection!)).toMatchObject({ session_id: session.id, cart_version: v1 + 3, cart_hash: last.payload.cart_hash, lines: [] })
    expect(JSON.parse(available!)).toMatchObject({ cart_hash: last.payload.cart_hash, total_services_price: 0 })
    expect(JSON.parse(rules!)).toMatchObject({ currency: "PLN" })
  }, 180_000)
})
