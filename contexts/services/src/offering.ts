/**
 * Which services a cart may have, and at what price, as pure functions over the rules and the cart's
 * lines (the snapshot every cart event carries). Pricing, decided once for the whole shop: an
 * item-bound service costs its rule's price per unit of its parent line (carry-in for two TVs is
 * two carry-ins), and its cart line has the parent's quantity and follows it; a standalone service
 * costs its price once per cart. An offer's `price` is what adding it adds to `services_total`:
 * price × parent quantity for an item service, the price for a standalone one. Offers list every
 * service the cart may have, including those it already has (adding one again changes nothing).
 */
import type { CartSnapshotLine } from "@kasa/shared"
import type { ServiceKind, ServiceRule, ServicesRules } from "./rules.ts"

/** What the services context reads of a cart line. */
export type CartLine = Pick<CartSnapshotLine, "item_id" | "type" | "category" | "quantity" | "unit_price" | "parent_item_id">

/** A service the cart may have, as the API and `services.availability_calculated` list it. */
export interface OfferedService {
  readonly service_id: string
  readonly name: string
  readonly kind: ServiceKind
  /** The line it is for; null for a standalone service. */
  readonly parent_item_id: string | null
  readonly price: number
}

export interface Availability {
  readonly services: ReadonlyArray<OfferedService>
  /** What the service lines now in the cart cost (its `services_total`). */
  readonly total_services_price: number
}

/** Lines services hang from: products (offers, accessories), as the cart's own rules say; not warranties or services. */
export const canHaveServices = (line: Pick<CartLine, "type">): boolean => line.type === "offer" || line.type === "accessory"

/** The item-bound rules offered for a category, in the rules' order. */
export const itemRulesFor = (rules: ServicesRules, category: string): ReadonlyArray<ServiceRule> =>
  rules.services.filter((rule) => rule.kind === "service_item" && (rule.categories ?? []).includes(category))

export const standaloneRules = (rules: ServicesRules): ReadonlyArray<ServiceRule> => rules.services.filter((rule) => rule.kind === "service_standalone")

/** The quantity a service line has: its parent's for an item service, 1 (per cart) for a standalone one. */
export const serviceLineQuantity = (rule: ServiceRule, parentQuantity: number | undefined): number =>
  rule.kind === "service_item" ? (parentQuantity ?? 1) : 1

/** What the service adds to `services_total`: price × the quantity its line has. */
export const servicePrice = (rule: ServiceRule, parentQuantity: number | undefined): number => rule.price * serviceLineQuantity(rule, parentQuantity)

const offer = (rule: ServiceRule, parent: CartLine | undefined): OfferedService => ({
  service_id: rule.service_id,
  name: rule.name,
  kind: rule.kind,
  parent_item_id: parent?.item_id ?? null,
  price: servicePrice(rule, parent?.quantity)
})

/** The item services a line may have (none for warranties, services, or categories no rule serves). */
export const servicesForLine = (rules: ServicesRules, line: CartLine): ReadonlyArray<OfferedService> =>
  canHaveServices(line) ? itemRulesFor(rules, line.category).map((rule) => offer(rule, line)) : []

/** The standalone services, which any cart may have. */
export const standaloneServices = (rules: ServicesRules): ReadonlyArray<OfferedService> => standaloneRules(rules).map((rule) => offer(rule, undefined))

/** The sum of the service lines, as the cart computes `services_total`. */
export const servicesTotal = (lines: ReadonlyArray<CartLine>): number =>
  lines.reduce((sum, line) => (line.type === "service" ? sum + line.unit_price * line.quantity : sum), 0)

/** Every service the cart may have, line by line in cart order, then the standalone ones; and what its services cost now. */
export const availability = (rules: ServicesRules, lines: ReadonlyArray<CartLine>): Availability => ({
  services: [...lines.flatMap((line) => servicesForLine(rules, line)), ...standaloneServices(rules)],
  total_services_price: servicesTotal(lines)
})
