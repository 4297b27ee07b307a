/**
 * The shipping rules file (`data/shipping_rules.yaml`, SPEC §9) as a Schema, and the one function that
 * checks a parsed file and turns it into the ShippingRules the eligibility code reads. Pure: the app
 * reads the file (YAML or JSON) and hands the parsed content here; every problem is reported at once,
 * each naming its field, so a shop owner who edited the file sees all there is to fix.
 */
import { Result, Schema } from "effect"
import { CurrencyCode } from "@kasa/shared/money"
import { InvalidShippingRules } from "./errors.ts"
import { AddonId, MethodId, type ShippingRules } from "./rules.ts"

const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Name = Schema.String.check(Schema.isNonEmpty())

const isTimeZone = (value: string): boolean => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value })
    return true
  } catch {
    return false
  }
}
const TimeZone = Schema.String.check(Schema.makeFilter((value: string) => isTimeZone(value) || "expected an IANA time zone such as Europe/Warsaw"))

export const ShippingRulesFile = Schema.Struct({
  currency: CurrencyCode,
  methods: Schema.Array(Schema.Struct({ method_id: MethodId, name: Name, price_amount: Amount, supports_express: Schema.Boolean })).check(Schema.isMinLength(1)),
  free_courier_from: Amount,
  express_fee: Amount,
  parcel_locker_max_weight_g: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  addons: Schema.Array(Schema.Struct({ addon_id: AddonId, name: Name, price_amount: Amount, methods: Schema.Array(MethodId).check(Schema.isMinLength(1)) })),
  default_calendar: Schema.Struct({ days: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 366 })), time_zone: TimeZone })
})
export type ShippingRulesFile = typeof ShippingRulesFile.Type

const validateFile = Schema.toStandardSchemaV1(ShippingRulesFile)["~standard"]

const pathOf = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string =>
  (path ?? []).map((part) => String(typeof part === "object" ? part.key : part)).join(".") || "(file)"

/** What a valid file still must not say: the same method or addon twice, an addon for a method not offered. */
const crossProblems = (file: ShippingRulesFile): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const duplicates = (ids: ReadonlyArray<string>, list: string) =>
    ids.forEach((id, index) => {
      const first = ids.indexOf(id)
      if (first !== index) problems.push(`${list}.${index}: duplicate of ${list}.${first} (${id})`)
    })
  duplicates(file.methods.map((m) => m.method_id), "methods")
  duplicates(file.addons.map((a) => a.addon_id), "addons")
  const offered = new Set<string>(file.methods.map((m) => m.method_id))
  file.addons.forEach((addon, index) =>
    addon.methods.forEach((method, at) => {
      if (!offered.has(method)) problems.push(`addons.${index}.methods.${at}: ${method} is not one of the methods`)
    })
  )
  return problems
}

/** The rules from the parsed file (`source` names it in problems), or every problem found in it. */
export const parseShippingRules = (input: unknown, source = "shipping rules"): Result.Result<ShippingRules, InvalidShippingRules> => {
  const decoded = validateFile.validate(input)
  if (decoded instanceof Promise) throw new Error("the ShippingRulesFile schema is synchronous")
  if (decoded.issues !== undefined) return Result.fail(new InvalidShippingRules({ source, problems: decoded.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`) }))
  const file = (decoded as { readonly value: ShippingRulesFile }).value
  const problems = crossProblems(file)
  if (problems.length > 0) return Result.fail(new InvalidShippingRules({ source, problems }))
  return Result.succeed({
    currency: file.currency,
    methods: file.methods,
    freeCourierFrom: file.free_courier_from,
    expressFee: file.express_fee,
    parcelLockerMaxWeightG: file.parcel_locker_max_weight_g,
    addons: file.addons,
    calendarDays: file.default_calendar.days,
    timeZone: file.default_calendar.time_zone
  })
}
