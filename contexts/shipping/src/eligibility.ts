/**
 * Which delivery methods a shipment allows, and at what price (SPEC §4.3, §9), as one pure function.
 * Every method gets an assessment: available with its price, or unavailable with a stable reason
 * code (the same code `shipping.method_invalidated` carries when a cart change rules out the method
 * the shopper had chosen). Nothing ships from an empty cart, and a cart in a currency the rules are
 * not priced in gets no method rather than a price in the wrong money.
 */
import { addonsFor, type AddonRule, type MethodId, type MethodRule, type ShippingRules } from "./rules.ts"
import { type Shipment, totalWeightG } from "./shipment.ts"

export type UnavailableReason =
  /** Nothing in the cart is shipped (empty, or only services). */
  | "cart_empty"
  | "currency_not_supported"
  /** An oversize item: no courier, no parcel locker. */
  | "oversize_item"
  /** A large item does not fit a parcel locker. */
  | "item_too_large"
  /** Over the parcel locker's weight limit. */
  | "too_heavy"
  /** Pallet delivery is for large and oversize items only. */
  | "no_large_item"
  /** The rules no longer list the method at all. */
  | "method_withdrawn"

export type Assessment =
  | {
      readonly method_id: MethodId
      readonly available: true
      readonly name: string
      readonly price_amount: number
      readonly price_currency: string
      readonly supports_express: boolean
      readonly addons: ReadonlyArray<AddonRule>
    }
  | { readonly method_id: MethodId; readonly available: false; readonly reason: UnavailableReason }

const why = (rule: MethodRule, shipment: Shipment, rules: ShippingRules): UnavailableReason | undefined => {
  const sizes = new Set(shipment.items.map((item) => item.size_class))
  const oversize = sizes.has("oversize")
  const large = sizes.has("large")
  switch (rule.method_id) {
    case "courier":
      return oversize ? "oversize_item" : undefined
    case "parcel_locker":
      if (oversize) return "oversize_item"
      if (large) return "item_too_large"
      return totalWeightG(shipment) > rules.parcelLockerMaxWeightG ? "too_heavy" : undefined
    case "store_pickup":
      return undefined
    case "pallet":
      return oversize || large ? undefined : "no_large_item"
  }
}

const priceOf = (rule: MethodRule, shipment: Shipment, rules: ShippingRules): number =>
  rule.method_id === "courier" && shipment.goods_total >= rules.freeCourierFrom ? 0 : rule.price_amount

/** One assessment per method of the rules, in the rules' order. */
export const assessMethods = (shipment: Shipment, rules: ShippingRules): ReadonlyArray<Assessment> =>
  rules.methods.map((rule): Assessment => {
    const reason: UnavailableReason | undefined =
      shipment.items.length === 0 ? "cart_empty" : shipment.currency !== rules.currency ? "currency_not_supported" : why(rule, shipment, rules)
    return reason !== undefined
      ? { method_id: rule.method_id, available: false, reason }
      : {
          method_id: rule.method_id,
          available: true,
          name: rule.name,
          price_amount: priceOf(rule, shipment, rules),
          price_currency: rules.currency,
          supports_express: rule.supports_express,
          addons: addonsFor(rules, rule.method_id)
        }
  })

export type AvailableMethod = Extract<Assessment, { readonly available: true }>

export const availableMethods = (assessments: ReadonlyArray<Assessment>): ReadonlyArray<AvailableMethod> =>
  assessments.filter((a): a is AvailableMethod => a.available)
