/**
 * What the shipping app's tests share: a catalog data file written from the context's parcel
 * fixtures (in the catalog's own format, so the app loads it exactly as it loads the shipped one),
 * an embedded app over a broker and state the test can look into, cart events published as the cart
 * publishes them (and waited for until shipping has projected them), and helpers to send requests
 * and to see what a session has stored and published.
 */
import { Effect } from "effect"
import type { createApp } from "@kasa/app-platform"
import type { Product } from "@kasa/catalog"
import { type CartSnapshot, type CartSnapshotLine, type Envelope, Topics } from "@kasa/shared"
import { eventIdsOn, idOf, publishedOn, publishTo, startTestApp, type TestApp, writeTempFile, type Session } from "@kasa/test-support/app-harness"
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

export { call, type Call, newSession, type Session, sessionOf, type TestApp } from "@kasa/test-support/app-harness"

/** Writes `content` as a catalog data file in a fresh folder; `remove` deletes it. */
export const writeCatalogFile = (content: unknown = { products: fixtureProducts }) => writeTempFile("products.json", content)

export const startShippingApp = (options: ShippingModuleOptions, extra: Partial<Parameters<typeof createApp>[0]> = {}): Promise<TestApp> =>
  startTestApp("shipping", [shippingModule(options)], extra)

/** The cart version shipping holds for a session (0 when it has seen none). */
export const projectedVersion = (t: TestApp, session: Session | string): number => {
  const raw = t.state.read(ShippingKeys.session(idOf(session)))
  return raw === undefined ? 0 : ((JSON.parse(raw) as { cart: { cart_version: number } | null }).cart?.cart_version ?? 0)
}

/** Publishes a cart event carrying `snapshot` on cart-events and waits until shipping has projected it. */
export const publishCart = async (t: TestApp, snapshot: CartSnapshot, correlationId = "corr_cart_fixture"): Promise<Envelope> => {
  const envelope = cartEvent(snapshot, { correlationId })
  await publishTo(t, Topics.cart, envelope)
  await Effect.runPromise(
    waitUntil(() => projectedVersion(t, snapshot.session_id) >= snapshot.cart_version, {
      timeoutMs: 10_000,
      describe: () => `shipping holds cart version ${projectedVersion(t, snapshot.session_id)}, waiting for ${snapshot.cart_version}`
    })
  )
  return envelope
}

/** A session whose cart (as shipping sees it) holds these lines, at version `version`. */
export const cartOf = (t: TestApp, session: Session | string, lines: ReadonlyArray<CartSnapshotLine>, version = 1) => publishCart(t, cartSnapshot(idOf(session), version, lines))

export { cartLine }

/** Messages on shipping-events published for this session, decoded, in order. */
export const publishedFor = (t: TestApp, session: Session | string): ReadonlyArray<Envelope> => publishedOn(t, Topics.shipping, idOf(session))

/** Waits until `count` shipping events of the session are on the bus, and returns them. */
export const waitForPublished = async (t: TestApp, session: Session | string, count: number): Promise<ReadonlyArray<Envelope>> => {
  await Effect.runPromise(
    waitUntil(() => publishedFor(t, idOf(session)).length >= count, {
      timeoutMs: 10_000,
      describe: () => JSON.stringify(publishedFor(t, idOf(session)).map((e) => e.event_name))
    })
  )
  return publishedFor(t, idOf(session))
}

/**
 * Everything the store and the bus hold for a session: its keys, and the ids of its shipping events
 * wherever they are (the relay moves them from the outbox to the bus at any moment, so the union is
 * what stays put when nothing new is written).
 */
export const footprint = (t: TestApp, session: Session | string) => ({
  values: t.state.valueEntries().filter(([key]) => key.includes(idOf(session))),
  events: [
    ...new Set([
      ...t.state.outbox.filter((entry) => entry.event.key === idOf(session) && entry.event.topic === Topics.shipping).map((entry) => entry.event.envelope.event_id),
      ...publishedFor(t, idOf(session)).map((envelope) => envelope.event_id)
    ])
  ].sort()
})

/** Every shipping session key and shipping event anywhere, for requests that have no session to look at. */
export const shippingFootprint = (t: TestApp) => ({
  values: [...t.state.values.keys()].filter((key) => key.startsWith("shipping:session:") || key.startsWith("shipping:address:") || key.startsWith("shipping:addons:")).sort(),
  events: eventIdsOn(t, Topics.shipping)
})
