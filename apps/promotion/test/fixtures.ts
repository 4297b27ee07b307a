/**
 * What the promotion app's tests share: an embedded app over a broker and state the test can look
 * into, a way to put a cart in front of it the way the cart does (a cart event on cart-events, then
 * wait until the consumer has projected it), requests, and what a session has stored and published.
 */
import { Effect } from "effect"
import { PromotionKeys } from "@kasa/promotion"
import { type Row, snapshot } from "@kasa/promotion/testing"
import { type Envelope, makeEnvelope, Topics } from "@kasa/shared"
import { idOf, publishedOn, publishTo, startTestApp, type TestApp, writeTempFile, type Session } from "@kasa/test-support/app-harness"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { promotionModule, type PromotionModuleOptions } from "../src/module.ts"

export { call, type Call, newSession, type Session, sessionOf, type TestApp } from "@kasa/test-support/app-harness"

export const startPromotionApp = (options: PromotionModuleOptions = { env: {} }): Promise<TestApp> => startTestApp("promotion", [promotionModule(options)])

/** Writes `content` as a rules file (`name` decides YAML or JSON) in a fresh folder; `remove` deletes it. */
export const writeRulesFile = (content: unknown, name = "promotions.yaml") => writeTempFile(name, content)

export const publish = publishTo

/** A cart event as the cart publishes it: the snapshot at `version` holding `rows`. */
export const cartEvent = (session: Session | string, version: number, ...rows: ReadonlyArray<Row>): Envelope =>
  makeEnvelope({
    eventName: rows.length === 0 ? "cart.cleared" : "cart.item_added",
    aggregateId: idOf(session),
    correlationId: `corr_cart_${version}`,
    producer: "cart",
    payload: { ...snapshot(idOf(session), version, ...rows), item_id: "item_1", cart_total: 0 }
  })

/** Puts the cart on cart-events and waits until the consumer has projected that version. */
export const cartIs = async (t: TestApp, session: Session | string, version: number, ...rows: ReadonlyArray<Row>) => {
  await publish(t, Topics.cart, cartEvent(idOf(session), version, ...rows))
  const projected = () => {
    const raw = t.state.read(PromotionKeys.cart(idOf(session)))
    return raw !== undefined && (JSON.parse(raw) as { cart_version: number }).cart_version >= version
  }
  await Effect.runPromise(waitUntil(projected, { describe: () => `projection of ${idOf(session)}: ${t.state.read(PromotionKeys.cart(idOf(session)))}`, timeoutMs: 10_000 }))
}

/** Messages on promotion-events published for this session, decoded. */
export const publishedFor = (t: TestApp, session: Session | string): ReadonlyArray<Envelope> => publishedOn(t, Topics.promotion, idOf(session))

/**
 * Everything the store and the bus hold for a session: its keys, and the ids of its promotion events
 * wherever they are (the relay moves them from the outbox to the bus at any moment, so the union is
 * what stays put when nothing new is written).
 */
export const footprint = (t: TestApp, session: Session | string) => ({
  values: t.state.valueEntries().filter(([key]) => key.includes(idOf(session))),
  events: [
    ...new Set([
      ...t.state.outbox.filter((entry) => entry.event.key === idOf(session) && entry.event.topic === Topics.promotion).map((entry) => entry.event.envelope.event_id),
      ...publishedFor(t, idOf(session)).map((envelope) => envelope.event_id)
    ])
  ].sort()
})

/** The session's promotion events once `count` are on the bus (or fails saying what it saw). */
export const eventsOnBus = async (t: TestApp, session: Session | string, count: number): Promise<ReadonlyArray<Envelope>> => {
  await Effect.runPromise(
    waitUntil(() => publishedFor(t, idOf(session)).length >= count, {
      describe: () => JSON.stringify(publishedFor(t, idOf(session)).map((e) => e.event_name)),
      timeoutMs: 10_000
    })
  )
  return publishedFor(t, idOf(session))
}
