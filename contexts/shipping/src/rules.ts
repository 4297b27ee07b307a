/**
 * The shop's shipping rules as data (SPEC §9): the four delivery methods with their prices and
 * names, the free-courier threshold, the express fee, the parcel locker's weight limit, the addons
 * and which methods take them, and the default calendar's length and time zone. The conditions
 * themselves (which cart allows which method) are code in eligibility.ts, parameterized by these
 * numbers; a shop that changes a price or a limit changes the rules file (rules-file.ts reads it),
 * not the rules' code.
 */
import { Context, Layer, Schema } from "effect"

export const MethodId = Schema.Literals(["courier", "parcel_locker", "store_pickup", "pallet"])
export type MethodId = typeof MethodId.Type

export const AddonId = Schema.Literals(["sunday_delivery"])
export type AddonId = typeof AddonId.Type

export interface MethodRule {
  readonly method_id: MethodId
  readonly name: string
  /** Price in minor units of the rules' currency. */
  readonly price_amount: number
  readonly supports_express: boolean
}

export interface AddonRule {
  readonly addon_id: AddonId
  readonly name: string
  readonly price_amount: number
  /** The methods this addon can be booked with. */
  readonly methods: ReadonlyArray<MethodId>
}

export interface ShippingRules {
  readonly currency: string
  /** In the order `GET /shipping/available` lists them. */
  readonly methods: ReadonlyArray<MethodRule>
  /** The courier is free when the cart's goods total reaches this. */
  readonly freeCourierFrom: number
  readonly expressFee: number
  /** The parcel locker takes a cart of small and medium items up to this total weight. */
  readonly parcelLockerMaxWeightG: number
  readonly addons: ReadonlyArray<AddonRule>
  /** The default calendar: this many days starting tomorrow, in the shop's time zone. */
  readonly calendarDays: number
  readonly timeZone: string
}

export const SUNDAY_DELIVERY: AddonId = "sunday_delivery"

export const methodRule = (rules: ShippingRules, methodId: string): MethodRule | undefined => rules.methods.find((m) => m.method_id === methodId)

export const addonRule = (rules: ShippingRules, addonId: string): AddonRule | undefined => rules.addons.find((a) => a.addon_id === addonId)

/** The addons a method can be booked with, in the rules' order. */
export const addonsFor = (rules: ShippingRules, methodId: string): ReadonlyArray<AddonRule> =>
  rules.addons.filter((addon) => addon.methods.some((m) => m === methodId))

/**
 * The rules in force. No default in code: the app loads them from the rules file (SPEC §9,
 * `data/shipping_rules.yaml`, checked by `parseShippingRules`), tests provide their fixture.
 */
export class CurrentShippingRules extends Context.Service<CurrentShippingRules, ShippingRules>()("@kasa/shipping/CurrentShippingRules") {}

export const layerShippingRules = (rules: ShippingRules): Layer.Layer<CurrentShippingRules> => Layer.succeed(CurrentShippingRules, rules)
