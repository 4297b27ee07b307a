/**
 * The services rules as a value (SPEC §4.6, §9): which services exist, whether each is bound to a
 * cart line (`service_item`, for the categories it lists) or to the whole cart (`service_standalone`),
 * and its price in minor units of the one currency. The rules file is checked once when it is loaded
 * (every field against the Schema, no duplicate ids, item services that say which categories they
 * serve, standalone ones that do not), then read from memory. The fingerprint names the rules in
 * force, so a cache computed under other rules is recognised as stale.
 */
import { Result, Schema } from "effect"
import { CurrencyCode, MinorUnits } from "@kasa/shared/money"
import { textDigest } from "@kasa/shared/text-digest"
import { InvalidServicesRules } from "./errors.ts"

export const ServiceKind = Schema.Literals(["service_item", "service_standalone"])
export type ServiceKind = typeof ServiceKind.Type

export const ServiceRule = Schema.Struct({
  service_id: Schema.String.check(Schema.isPattern(/^[a-z][a-z0-9_]{1,63}$/)),
  name: Schema.String.check(Schema.isNonEmpty()),
  kind: ServiceKind,
  /** Per unit of the parent line for `service_item`, per cart for `service_standalone`. */
  price: MinorUnits.check(Schema.isGreaterThanOrEqualTo(0)),
  /** `service_item` only: the catalog categories of the lines it may be added to. */
  categories: Schema.optionalKey(Schema.Array(Schema.String.check(Schema.isNonEmpty())))
})
export type ServiceRule = typeof ServiceRule.Type

/** The rules file: `{ currency, services: [...] }`. */
export const ServicesRulesFile = Schema.Struct({
  currency: CurrencyCode,
  services: Schema.Array(ServiceRule)
})
export type ServicesRulesFile = typeof ServicesRulesFile.Type

export interface ServicesRules {
  readonly currency: string
  /** In the file's order, which is the order offers are listed in. */
  readonly services: ReadonlyArray<ServiceRule>
  readonly byId: ReadonlyMap<string, ServiceRule>
  /** Changes whenever anything in the rules does. */
  readonly fingerprint: string
}

const decodeFile = Schema.toStandardSchemaV1(ServicesRulesFile)["~standard"]

const pathOf = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string =>
  (path ?? []).map((part) => String(typeof part === "object" ? part.key : part)).join(".")

const ruleProblems = (rule: ServiceRule, index: number): ReadonlyArray<string> => {
  const label = `services[${index}] (${rule.service_id}).categories`
  if (rule.kind === "service_item") {
    if (rule.categories === undefined || rule.categories.length === 0) return [`${label}: a service_item must list the categories it is offered for`]
    return []
  }
  return rule.categories === undefined ? [] : [`${label}: a service_standalone is for the whole cart and lists no categories`]
}

/** The rules from parsed YAML (the file's content), or every problem found in it. */
export const parseServicesRules = (input: unknown, source = "services rules"): Result.Result<ServicesRules, InvalidServicesRules> => {
  const decoded = decodeFile.validate(input)
  if (decoded instanceof Promise) throw new Error("the ServicesRulesFile schema is synchronous")
  if (decoded.issues !== undefined) {
    return Result.fail(new InvalidServicesRules({ source, problems: decoded.issues.map((issue) => `${pathOf(issue.path) || "(file)"}: ${issue.message}`) }))
  }
  const file = (decoded as { readonly value: ServicesRulesFile }).value
  const problems: Array<string> = []
  const firstIndex = new Map<string, number>()
  file.services.forEach((rule, index) => {
    problems.push(...ruleProblems(rule, index))
    const seen = firstIndex.get(rule.service_id)
    if (seen !== undefined) problems.push(`services[${index}].service_id: duplicate of services[${seen}] (${rule.service_id})`)
    else firstIndex.set(rule.service_id, index)
  })
  if (problems.length > 0) return Result.fail(new InvalidServicesRules({ source, problems }))
  return Result.succeed(rulesOf(file))
}

/** The value for an already valid file (its parts in a fixed order, so equal rules fingerprint equally). */
const rulesOf = (file: ServicesRulesFile): ServicesRules => {
  const services = file.services.map((rule): ServiceRule => ({
    service_id: rule.service_id,
    name: rule.name,
    kind: rule.kind,
    price: rule.price,
    ...(rule.categories === undefined ? {} : { categories: [...rule.categories] })
  }))
  return {
    currency: file.currency,
    services,
    byId: new Map(services.map((rule) => [rule.service_id, rule])),
    fingerprint: textDigest(JSON.stringify({ currency: file.currency, services }))
  }
}

/** The rules as the file would hold them (what `services:rules` stores). */
export const rulesFile = (rules: ServicesRules): ServicesRulesFile => ({ currency: rules.currency, services: rules.services })
