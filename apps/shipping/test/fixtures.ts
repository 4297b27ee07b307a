/**
 * What the shipping app's tests share: a catalog data file written from the context's parcel
 * fixtures (in the catalog's own format, so the app loads it exactly as it loads the shipped one),
 * an embedded app over a broker and state the test can look into, cart events published as the cart
 * publishes them (and waited for until shipping has projected them), and helpers to send requests
 * and to see what a session has stored and published.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"
import { type App, createApp } from "@kasa/app-platform"
import type { Product } from "@kasa/catalog"
import { type CartSnapshot, type CartSnapshotLine, decodeEnvelope, type Envelope, EventBus, toBusMessage, Topics } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { ShippingKeys } from "@kasa/shipping"
import { cartEvent, cartLine, cartSnapshot, fixtureParcels } from "@kasa/shipping/testing"
import { shippingModule, type ShippingModuleOptions } from "../src/module.ts"

const categories: Readonly<Record<string, Product["category"]>> = {
  "hdmi-cable": "accessory",
  feather: "accessory",
  kettle: "appliance",
  microwave: "appliance",
  washer: "appliance",
  fridge: "appliance",
  "dumbbell-12-5kg": "equipment",
  "tv-65": "tv",
  sofa: "furniture",
  "warranty-2y": "warranty"
}

/** The context's parcel fixtures as catalog products. */
export const fixtureProducts: ReadonlyArray<Product> = fixtureParcels.map(([offer_id, size_class, weight_g, price]) => ({
  offer_id,
  name: offer_id,
  category: categories[offer_id] ?? "equipment",
  price,
  currency: "PLN",
  weight_g,
  size_class,
  stock: 100,
  ...(offer_id === "warranty-2y" ? { warranty_for: ["appliance" as const] } : {})
}))

/** Writes `content` as a catalog data file in a fresh folder; `remove` deletes it. */
export const writeCatalogFile = async (content: unknown = { products: fixtureProducts }) => {
  const dir = await mkdtemp(join(tmpdir(), "kasa-shipping-test-"))
  const file = join(dir, "products.json")
  await writeFile(file, typeof content === "string" ? content : JSON.stringify(content))
  return { file, remove: () => rm(dir, { recursive: true, force: true }) }
}

export interface TestApp {
  readonly app: App
  readonly broker: MemoryBroker
  readonly state: MemoryStateData
}

export const startShippingApp = async (options: ShippingModuleOptions, extra: Partial<Parameters<typeof createApp>[0]> = {}): Promise<TestApp> => {
  const broker = new MemoryBroker()
  const state = new MemoryStateData()
  const app = await createApp({ name: "shipping", modules: [shippingModule(options)], env: {}, broker, state, log: () => {}, ...extra })
  return { app, broker, state }
}

export interface Call {
  readonly session?: string
  readonly body?: unknown
  readonly headers?: Record<string, string>
}

export const call = (t: TestApp, method: string, path: string, options: Call = {}) =>
  t.app.http.request(path, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...(options.session === undefined ? {} : { "X-Session-Id": options.session }),
      ...options.headers
    },
    ...(options.body === undefined ? {} : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) })
  })

/** The cart version shipping holds for a session (0 when it has seen none). */
export const projectedVersion = (t: TestApp, sessionId: string): number => {
  const raw = t.state.read(ShippingKeys.session(sessionId))
  return raw === undefined ? 0 : ((JSON.parse(raw) as { cart: { cart_version: number } | null }).cart?.cart_version ?? 0)
}

/** Publishes a cart event carrying `snapshot` on cart-events and waits until shipping has projected it. */
export const publishCart = async (t: TestApp, snapshot: CartSnapshot, correlationId = "corr_cart_fixture"): Promise<Envelope> => {
  const envelope = cartEvent(snapshot, { correlationId })
  await t.app.runtime.runPromise(Effect.flatMap(EventBus, (bus) => bus.publish([toBusMessage({ topic: Topics.cart, key: snapshot.session_id, envelope })])))
  await Effect.runPromise(
    waitUntil(() => projectedVersion(t, snapshot.session_id) >= snapshot.cart_version, {
      timeoutMs: 10_000,
      describe: () => `shipping holds cart version ${projectedVersion(t, snapshot.session_id)}, waiting for ${snapshot.cart_version}`
    })
  )
  return envelope
}

/** A session whose cart (as shipping sees it) holds these lines, at version `version`. */
export const cartOf = (t: TestApp, sessionId: string, lines: ReadonlyArray<CartSnapshotLine>, version = 1) => publishCart(t, cartSnapshot(sessionId, version, lines))

export { cartLine }

/** Messages on shipping-events published for this session, decoded, in order. */
export const publishedFor = (t: TestApp, sessionId: string): ReadonlyArray<Envelope> =>
  (t.broker.topics.get(Topics.shipping) ?? [])
    .flatMap((partition) => partition.log)
    .filter((message) => message.key === sessionId)
    .sort((a, b) => a.offset - b.offset)
    .map((message) => {
      const decoded = decodeEnvelope(message.value)
      if (!decoded.ok) throw new Error(decoded.reason)
      return decoded.envelope
    })

/** Waits until `count` shipping events of the session are on the bus, and returns them. */
export const waitForPublished = async (t: TestApp, sessionId: string, count: number): Promise<ReadonlyArray<Envelope>> => {
  await Effect.runPromise(
    waitUntil(() => publishedFor(t, sessionId).length >= count, {
      timeoutMs: 10_000,
      describe: () => JSON.stringify(publishedFor(t, sessionId).map((e) => e.event_name))
    })
  )
  return publishedFor(t, sessionId)
}

/**
 * Everything the store and the bus hold for a session: its keys, and the ids of its shipping events
 * wherever they are (the relay moves them from the outbox to the bus at any moment, so the union is
 * what stays put when nothing new is written).
 */
export const footprint = (t: TestApp, sessionId: string) => ({
  values: [...t.state.values.entries()].filter(([key]) => key.includes(sessionId)).map(([key, entry]) => [key, entry.value]),
  events: [
    ...new Set([
      ...t.state.outbox.filter((entry) => entry.event.key === sessionId && entry.event.topic === Topics.shipping).map((entry) => entry.event.envelope.event_id),
      ...publishedFor(t, sessionId).map((envelope) => envelope.event_id)
    ])
  ].sort()
})

/** Every shipping session key and shipping event anywhere, for requests that have no session to look at. */
export const shippingFootprint = (t: TestApp) => ({
  values: [...t.state.values.keys()].filter((key) => key.startsWith("shipping:session:") || key.startsWith("shipping:address:") || key.startsWith("shipping:addons:")).sort(),
  events: [
    ...new Set([
      ...t.state.outbox.filter((entry) => entry.event.topic === Topics.shipping).map((entry) => entry.event.envelope.event_id),
      ...(t.broker.topics.get(Topics.shipping) ?? []).flatMap((partition) => partition.log).map((message) => {
        const decoded = decodeEnvelope(message.value)
        return decoded.ok ? decoded.envelope.event_id : "undecodable"
      })
    ])
  ].sort()
})
