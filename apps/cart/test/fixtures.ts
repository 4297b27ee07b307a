/**
 * What the cart app's tests share: a catalog data file written from fixtures (in the catalog's own
 * format, so the app loads it exactly as it loads the shipped one), an embedded app over a broker and
 * state the test can look into, and helpers to send requests and to see what a session has stored
 * and published.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { MemoryBroker, MemoryStateData } from "@kasa/adapter-memory"
import { type App, createApp } from "@kasa/app-platform"
import type { Product } from "@kasa/catalog"
import { fixtureOffers } from "@kasa/cart/testing"
import { type Envelope, decodeEnvelope, Topics } from "@kasa/shared"
import { cartModule, type CartModuleOptions } from "../src/module.ts"

/** The cart's fixture offers (one currency, as a catalog must have) plus enough filler to fill a cart. */
export const fixtureProducts: ReadonlyArray<Product> = [
  ...fixtureOffers
    .filter((offer) => offer.currency === "PLN")
    .map((offer): Product => ({
      offer_id: offer.offer_id,
      name: offer.name,
      category: offer.category as Product["category"],
      price: offer.price,
      currency: offer.currency,
      weight_g: 2_000,
      size_class: "medium",
      stock: 100,
      ...(offer.warranty_for === undefined ? {} : { warranty_for: offer.warranty_for as Product["warranty_for"] & {} })
    })),
  ...Array.from({ length: 50 }, (_, i): Product => ({
    offer_id: `filler-${String(i).padStart(2, "0")}`,
    name: `Filler ${i}`,
    category: "equipment",
    price: 1_000 + i,
    currency: "PLN",
    weight_g: 500,
    size_class: "small",
    stock: 100
  }))
]

/** Writes `content` as a catalog data file in a fresh folder; `remove` deletes it. */
export const writeCatalogFile = async (content: unknown = { products: fixtureProducts }) => {
  const dir = await mkdtemp(join(tmpdir(), "kasa-cart-test-"))
  const file = join(dir, "products.json")
  await writeFile(file, typeof content === "string" ? content : JSON.stringify(content))
  return { file, remove: () => rm(dir, { recursive: true, force: true }) }
}

export interface TestApp {
  readonly app: App
  readonly broker: MemoryBroker
  readonly state: MemoryStateData
}

export const startCartApp = async (options: CartModuleOptions, extra: Partial<Parameters<typeof createApp>[0]> = {}): Promise<TestApp> => {
  const broker = new MemoryBroker()
  const state = new MemoryStateData()
  const app = await createApp({ name: "cart", modules: [cartModule(options)], env: {}, broker, state, log: () => {}, ...extra })
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

/** Messages on cart-events published for this session, decoded. */
export const publishedFor = (t: TestApp, sessionId: string): ReadonlyArray<Envelope> =>
  (t.broker.topics.get(Topics.cart) ?? [])
    .flatMap((partition) => partition.log)
    .filter((message) => message.key === sessionId)
    .sort((a, b) => a.offset - b.offset)
    .map((message) => {
      const decoded = decodeEnvelope(message.value)
      if (!decoded.ok) throw new Error(decoded.reason)
      return decoded.envelope
    })

/**
 * Everything the store and the bus hold for a session: its keys and streams, and the ids of its
 * events wherever they are (the relay moves them from the outbox to the bus at any moment, so the
 * union is what stays put when nothing new is written).
 */
export const footprint = (t: TestApp, sessionId: string) => ({
  values: [...t.state.values.entries()].filter(([key]) => key.includes(sessionId)).map(([key, entry]) => [key, entry.value]),
  streams: [...t.state.streams.entries()].filter(([key]) => key.includes(sessionId)),
  events: [
    ...new Set([
      ...t.state.outbox.filter((entry) => entry.event.key === sessionId).map((entry) => entry.event.envelope.event_id),
      ...publishedFor(t, sessionId).map((envelope) => envelope.event_id)
    ])
  ].sort()
})

/** Every cart key and cart event anywhere, for requests that have no session to look at. */
export const cartFootprint = (t: TestApp) => ({
  values: [...t.state.values.keys()].filter((key) => key.startsWith("cart:")).sort(),
  streams: [...t.state.streams.keys()].filter((key) => key.startsWith("cart:")).sort(),
  events: [
    ...new Set([
      ...t.state.outbox.filter((entry) => entry.event.topic === Topics.cart).map((entry) => entry.event.envelope.event_id),
      ...(t.broker.topics.get(Topics.cart) ?? []).flatMap((partition) => partition.log).map((message) => {
        const decoded = decodeEnvelope(message.value)
        return decoded.ok ? decoded.envelope.event_id : "undecodable"
      })
    ])
  ].sort()
})
