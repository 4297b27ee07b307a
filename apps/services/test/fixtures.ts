/**
 * What the services app's tests share: an embedded app (createApp over a broker and state the test
 * can look into), requests, cart events put on cart-events the way the cart publishes them, and
 * waiting (with a deadline) until the app has projected a session's cart to a given version.
 */
import { Effect } from "effect"
import { ServicesKeys } from "@kasa/services"
import { type CartSnapshot, decodeEnvelope, type Envelope, EventBus, toBusMessage, Topics } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { cartEvent } from "@kasa/services/testing"
import { servicesModule, type ServicesModuleOptions } from "../src/module.ts"

import { call, type Call, idOf, type Session, startTestApp, type TestApp } from "@kasa/test-support/app-harness"

export { type Call, newSession, type Session, sessionOf, TEST_SESSION_SECRET, type TestApp } from "@kasa/test-support/app-harness"
/** For conditions only an HTTP read can check (another process's state). */
export { readUntil } from "@kasa/test-support/wait-for"

export const startServicesApp = (options: ServicesModuleOptions = { env: {} }): Promise<TestApp> => startTestApp("services", [servicesModule(options)])

export const get = (t: TestApp, path: string, options: Call = {}) => call(t, "GET", path, options)

/** Publishes a cart event carrying `cart` on cart-events, as the cart would. */
export const publishCart = (t: TestApp, cart: CartSnapshot, eventName = "cart.item_added"): Promise<Envelope> => {
  const envelope = cartEvent(cart, eventName, { correlation_id: "corr_services_test" })
  return t.app.runtime
    .runPromise(Effect.flatMap(EventBus, (bus) => bus.publish([toBusMessage({ topic: Topics.cart, key: cart.session_id, envelope })])))
    .then(() => envelope)
}

const projectedVersion = (t: TestApp, session: Session | string): number | undefined => {
  const raw = t.state.read(ServicesKeys.cart(idOf(session)))
  return raw === undefined ? undefined : (JSON.parse(raw) as { cart_version: number }).cart_version
}

/** Resolves once the app has projected the session's cart at `version` (or fails saying what it holds). */
export const projected = (t: TestApp, session: Session | string, version: number) =>
  Effect.runPromise(
    waitUntil(() => projectedVersion(t, idOf(session)) === version, { describe: () => `projected version ${projectedVersion(t, idOf(session))}`, timeoutMs: 10_000 })
  )

/** services-events published for this session: in the outbox or already on the bus. */
export const servicesEventsFor = (t: TestApp, session: Session | string): ReadonlyArray<Envelope> => {
  const onBus = (t.broker.topics.get(Topics.services) ?? [])
    .flatMap((partition) => partition.log)
    .filter((message) => message.key === idOf(session))
    .flatMap((message) => {
      const decoded = decodeEnvelope(message.value)
      return decoded.ok ? [decoded.envelope] : []
    })
  const pending = t.state.outbox.filter((entry) => entry.event.topic === Topics.services && entry.event.key === idOf(session)).map((entry) => entry.event.envelope)
  const seen = new Map<string, Envelope>()
  for (const envelope of [...onBus, ...pending]) seen.set(envelope.event_id, envelope)
  return [...seen.values()]
}
