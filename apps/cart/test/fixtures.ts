/**
 * What the cart app's tests share: a catalog data file written from fixtures (in the catalog's own
 * format, so the app loads it exactly as it loads the shipped one), an embedded app over a broker and
 * state the test can look into, and helpers to send requests and to see what a session has stored
 * and published.
 */
import type { createApp } from "@kasa/app-platform"
import type { Product } from "@kasa/catalog"
import { noFloor } from "@kasa/cart"
import { fixtureOffers } from "@kasa/cart/testing"
import { type Envelope, Topics } from "@kasa/shared"
import { eventIdsOn, idOf, publishedOn, startTestApp, type TestApp, writeTempFile, type Session } from "@kasa/test-support/app-harness"
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

export { call, type Call, newSession, type Session, sessionOf, type TestApp } from "@kasa/test-support/app-harness"

/** Writes `content` as a catalog data file in a fresh folder; `remove` deletes it. */
export const writeCatalogFile = (content: unknown = { products: fixtureProducts }) => writeTempFile("products.json", content)

export const startCartApp = (options: CartModuleOptions, extra: Partial<Parameters<typeof createApp>[0]> = {}): Promise<TestApp> =>
  startTestApp("cart", [cartModule({ versionFloor: noFloor, ...options })], extra)

/** Messages on cart-events published for this session, decoded. */
export const publishedFor = (t: TestApp, session: Session | string): ReadonlyArray<Envelope> => publishedOn(t, Topics.cart, idOf(session))

/**
 * Everything the store and the bus hold for a session: its keys and streams, and the ids of its
 * events wherever they are (the relay moves them from the outbox to the bus at any moment, so the
 * union is what stays put when nothing new is written).
 */
export const footprint = (t: TestApp, session: Session | string) => ({
  values: t.state.valueEntries().filter(([key]) => key.includes(idOf(session))),
  streams: t.state.streamEntries().filter(([key]) => key.includes(idOf(session))),
  events: [
    ...new Set([
      ...t.state.outbox.filter((entry) => entry.event.key === idOf(session)).map((entry) => entry.event.envelope.event_id),
      ...publishedFor(t, idOf(session)).map((envelope) => envelope.event_id)
    ])
  ].sort()
})

/** Every cart key and cart event anywhere, for requests that have no session to look at. */
export const cartFootprint = (t: TestApp) => ({
  values: [...t.state.values.keys()].filter((key) => key.startsWith("cart:")).sort(),
  streams: [...t.state.streams.keys()].filter((key) => key.startsWith("cart:")).sort(),
  events: eventIdsOn(t, Topics.cart)
})
