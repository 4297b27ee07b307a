/**
 * Whether a service may become a cart line, and its price there: the rules behind the cart's
 * ServicePricing port (the cart app embeds this library; contexts never call each other). A quote
 * names the unit price (the rule's price: per unit of the parent, or per cart) and the quantity the
 * line takes (the parent's, or 1), so line total = what the offers said adding it would cost.
 * Refused: an unknown service, an item service without a line or for a category it does not serve,
 * and a standalone service given a line.
 */
import { Result } from "effect"
import { ServiceNeedsLine, ServiceNotForCategory, type ServiceRefusal, StandaloneServiceOnLine, UnknownService } from "./errors.ts"
import { serviceLineQuantity } from "./offering.ts"
import type { ServiceKind, ServicesRules } from "./rules.ts"

/** The line a service is asked for: what the rules look at. */
export interface ServiceParent {
  readonly item_id: string
  readonly category: string
  readonly quantity: number
}

export interface ServiceLineRequest {
  readonly service_id: string
  /** The line the service is for; undefined for a standalone service. */
  readonly parent: ServiceParent | undefined
}

export interface ServiceLineQuote {
  readonly service_id: string
  readonly name: string
  readonly kind: ServiceKind
  /** Price of one unit of the line, in minor units of `currency`. */
  readonly unit_price: number
  readonly currency: string
  /** The quantity the line has: the parent's for an item service, 1 for a standalone one. */
  readonly quantity: number
}

export const quoteServiceLine = (rules: ServicesRules, request: ServiceLineRequest): Result.Result<ServiceLineQuote, ServiceRefusal> => {
  const { service_id, parent } = request
  const rule = rules.byId.get(service_id)
  if (rule === undefined) return Result.fail(new UnknownService({ service_id }))
  if (rule.kind === "service_standalone" && parent !== undefined) return Result.fail(new StandaloneServiceOnLine({ service_id, parent_item_id: parent.item_id }))
  if (rule.kind === "service_item") {
    if (parent === undefined) return Result.fail(new ServiceNeedsLine({ service_id }))
    const offeredFor = rule.categories ?? []
    if (!offeredFor.includes(parent.category)) return Result.fail(new ServiceNotForCategory({ service_id, category: parent.category, offered_for: offeredFor }))
  }
  return Result.succeed({
    service_id,
    name: rule.name,
    kind: rule.kind,
    unit_price: rule.price,
    currency: rules.currency,
    quantity: serviceLineQuantity(rule, parent?.quantity)
  })
}
