/**
 * Test data builders: a small catalog of offers (several categories, warranties, an accessory, one
 * offer in another currency), requests, lines added through the domain itself, and a table-driven
 * ServicePricing in the shape of SPEC §9's service rules.
 */
import { Effect, Layer, Result } from "effect"
import { addLine, type Cart, type Decision, type LineRequest, type PricedItem } from "../domain.ts"
import { ServiceNotAvailable } from "../errors.ts"
import { type Offer, ServicePricing } from "../ports.ts"

/** A small catalog: products of several categories, warranties for some, accessories. */
export const fixtureOffers: ReadonlyArray<Offer> = [
  { offer_id: "tv-55-oled", name: "OLED TV 55\"", category: "tv", price: 499_900, currency: "PLN" },
  { offer_id: "fridge-a", name: "Fridge A+++", category: "appliance", price: 259_900, currency: "PLN" },
  { offer_id: "sofa-3", name: "Three-seat sofa", category: "furniture", price: 189_900, currency: "PLN" },
  { offer_id: "hdmi-cable", name: "HDMI cable 2 m", category: "accessory", price: 4_900, currency: "PLN" },
  { offer_id: "warranty-2y-tv", name: "+2 years warranty (TV)", category: "warranty", price: 29_900, currency: "PLN", warranty_for: ["tv"] },
  { offer_id: "warranty-3y-tv", name: "+3 years warranty (TV)", category: "warranty", price: 39_900, currency: "PLN", warranty_for: ["tv"] },
  { offer_id: "warranty-2y-appliance", name: "+2 years warranty (appliance)", category: "warranty", price: 19_900, currency: "PLN", warranty_for: ["appliance"] },
  { offer_id: "lamp-eur", name: "Lamp (EUR)", category: "furniture", price: 3_000, currency: "EUR" }
]

export const fixtureOffer = (offerId: string): Offer => {
  const offer = fixtureOffers.find((o) => o.offer_id === offerId)
  if (offer === undefined) throw new Error(`no fixture offer ${offerId}`)
  return offer
}

export const pricedOffer = (offer: Offer): PricedItem => ({
  name: offer.name,
  category: offer.category,
  unit_price: offer.price,
  currency: offer.currency,
  warranty_for: offer.warranty_for
})

export const lineRequest = (offer_id: string, overrides: Partial<LineRequest> = {}): LineRequest => ({
  offer_id,
  type: "offer",
  quantity: 1,
  parent_item_id: null,
  ...overrides
})

/** Adds a fixture offer through the domain; throws if the domain refuses (a broken test setup). */
export const withLine = (cart: Cart, offerId: string, overrides: Partial<LineRequest> = {}): Decision => {
  const result = addLine(cart, lineRequest(offerId, overrides), pricedOffer(fixtureOffer(offerId)))
  if (Result.isFailure(result)) throw new Error(`fixture add of ${offerId} refused: ${result.failure._tag}`)
  return result.success
}

export interface ServiceRule {
  readonly service_id: string
  readonly name: string
  readonly price: number
  readonly currency?: string
  /** Item-bound services: the parent categories they are offered for. Absent: a standalone service. */
  readonly for?: ReadonlyArray<string>
}

/** ServicePricing from a table of rules (the shape SPEC §9's service rules take). */
export const layerServicePricingTable = (rules: ReadonlyArray<ServiceRule>): Layer.Layer<ServicePricing> =>
  Layer.succeed(
    ServicePricing,
    ServicePricing.of({
      quote: ({ service_id, parent }) => {
        const rule = rules.find((r) => r.service_id === service_id)
        const refuse = (reason: string) => Effect.fail(new ServiceNotAvailable({ service_id, reason }))
        if (rule === undefined) return refuse("unknown service")
        if (rule.for === undefined && parent !== undefined) return refuse("a standalone service is not attached to a line")
        if (rule.for !== undefined && parent === undefined) return refuse("this service is for a line: give parent_item_id")
        if (rule.for !== undefined && parent !== undefined && !rule.for.includes(parent.category)) return refuse(`not offered for ${parent.category}`)
        return Effect.succeed({ name: rule.name, unit_price: rule.price, currency: rule.currency ?? "PLN" })
      }
    })
  )

export const fixtureServiceRules: ReadonlyArray<ServiceRule> = [
  { service_id: "carry_in", name: "Carry-in", price: 4_900, for: ["appliance", "tv"] },
  { service_id: "assembly", name: "Assembly", price: 9_900, for: ["furniture"] },
  { service_id: "gift_wrap", name: "Gift wrap", price: 1_500 }
]
