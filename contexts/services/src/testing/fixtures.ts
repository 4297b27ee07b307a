/**
 * Test data builders: the rules of SPEC §9 as a rules file and as parsed rules, cart lines of each
 * kind, cart snapshots and the cart events that carry them (in the shape the cart publishes), so
 * tests of the rules, the store and the consumer speak the published language without the cart.
 */
import { Result } from "effect"
import { type CartSnapshot, type CartSnapshotLine, type Envelope, makeEnvelope } from "@kasa/shared"
import { parseServicesRules, type ServicesRules, type ServicesRulesFile } from "../rules.ts"

/** SPEC §9's value-added services (English names; the shipped file's are Polish). */
export const fixtureRulesFile: ServicesRulesFile = {
  currency: "PLN",
  services: [
    { service_id: "carry_in", name: "Carry-in", kind: "service_item", price: 4_900, categories: ["appliance", "tv"] },
    { service_id: "assembly", name: "Assembly", kind: "service_item", price: 9_900, categories: ["furniture"] },
    { service_id: "installation", name: "Installation", kind: "service_item", price: 14_900, categories: ["equipment"] },
    { service_id: "sms_notification", name: "SMS notification", kind: "service_standalone", price: 199 },
    { service_id: "gift_wrap", name: "Gift wrap", kind: "service_standalone", price: 1_500 },
    { service_id: "extended_support", name: "Extended support", kind: "service_standalone", price: 4_900 }
  ]
}

export const fixtureRules: ServicesRules = Result.getOrThrow(parseServicesRules(fixtureRulesFile, "fixture"))

/** A product line (type offer) of `category`. */
export const productLine = (item_id: string, category: string, overrides: Partial<CartSnapshotLine> = {}): CartSnapshotLine => ({
  item_id,
  offer_id: `${category}-offer`,
  type: "offer",
  name: `A ${category}`,
  category,
  quantity: 1,
  unit_price: 100_000,
  parent_item_id: null,
  ...overrides
})

/** A service line as the cart prices it: category `service`, the rule's price, the parent's quantity. */
export const serviceLine = (item_id: string, service_id: string, unit_price: number, parent_item_id: string | null, quantity = 1): CartSnapshotLine => ({
  item_id,
  offer_id: service_id,
  type: "service",
  name: service_id,
  category: "service",
  quantity,
  unit_price,
  parent_item_id
})

export const snapshot = (session_id: string, cart_version: number, lines: ReadonlyArray<CartSnapshotLine>, currency = "PLN"): CartSnapshot => ({
  session_id,
  cart_version,
  lines,
  currency
})

/** A cart event carrying `cart` as its snapshot (the event-specific fields the services context ignores are filled plausibly). */
export const cartEvent = (
  cart: CartSnapshot,
  eventName = "cart.item_added",
  options: { readonly correlation_id?: string; readonly user_id?: string } = {}
): Envelope =>
  makeEnvelope({
    eventName,
    aggregateId: cart.session_id,
    correlationId: options.correlation_id ?? "corr_services_fixture",
    producer: "cart",
    payload: {
      session_id: cart.session_id,
      ...(options.user_id === undefined ? {} : { user_id: options.user_id }),
      ...(eventName === "cart.cleared" ? {} : { item_id: cart.lines.at(-1)?.item_id ?? "item_1", cart_total: 0 }),
      cart_version: cart.cart_version,
      lines: cart.lines,
      currency: cart.currency
    }
  })
