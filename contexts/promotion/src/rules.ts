/**
 * The promotion rules as a value: the Schemas of the rules file the shop ships (SPEC §4.5, §9:
 * promotions of kind `nth_unit_percent_off`, codes of kind `percentage` or `fixed_amount`, each with
 * its minimum, validity window, category scope, usage limit and what it combines with) and the one
 * function that checks a parsed file and indexes it. Pure: the app reads the file (YAML or JSON) and
 * hands the parsed content here; every problem is reported at once, each naming its place.
 */
import { Result, Schema } from "effect"
import { CurrencyCode } from "@kasa/shared/money"
import { InvalidRules } from "./errors.ts"

const Instant = Schema.String.check(
  Schema.makeFilter((value: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value))) || "expected an ISO 8601 instant such as 2026-01-01T00:00:00Z")
)
const Amount = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Percent = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 }))
const Categories = Schema.Array(Schema.String.check(Schema.isNonEmpty())).check(Schema.isMinLength(1))

/** Promotion ids are kebab-case; codes are upper case letters and digits (what a shopper types, case aside). */
export const PromotionId = Schema.String.check(Schema.isPattern(/^[a-z0-9]+(-[a-z0-9]+)*$/), Schema.isMaxLength(64))
export const CodeText = Schema.String.check(Schema.isPattern(/^[A-Z0-9]+([-_][A-Z0-9]+)*$/), Schema.isMaxLength(32))

const window = {
  valid_from: Schema.optionalKey(Instant),
  valid_until: Schema.optionalKey(Instant)
}

export const PromotionRuleInput = Schema.Struct({
  promotion_id: PromotionId,
  name: Schema.String.check(Schema.isNonEmpty()),
  kind: Schema.Literal("nth_unit_percent_off"),
  categories: Categories,
  every: Schema.Int.check(Schema.isBetween({ minimum: 2, maximum: 99 })),
  percent_off: Percent,
  minimum_cart_total: Schema.optionalKey(Amount),
  ...window,
  combines_with: Schema.Struct({ promotions: Schema.Boolean, codes: Schema.Boolean })
})
export type PromotionRuleInput = typeof PromotionRuleInput.Type

const codeFields = {
  code: CodeText,
  name: Schema.String.check(Schema.isNonEmpty()),
  categories: Schema.optionalKey(Categories),
  minimum_cart_total: Schema.optionalKey(Amount),
  usage_limit: Schema.optionalKey(Schema.NullOr(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)))),
  ...window,
  combines_with: Schema.Struct({ promotions: Schema.Boolean })
}

export const PercentageCodeInput = Schema.Struct({ ...codeFields, kind: Schema.Literal("percentage"), percent: Percent })
export const FixedAmountCodeInput = Schema.Struct({ ...codeFields, kind: Schema.Literal("fixed_amount"), amount: Amount.check(Schema.isGreaterThanOrEqualTo(1)) })
export const CodeRuleInput = Schema.Union([PercentageCodeInput, FixedAmountCodeInput])
export type CodeRuleInput = typeof CodeRuleInput.Type

export const RulesFile = Schema.Struct({
  currency: CurrencyCode,
  promotions: Schema.Array(Schema.Unknown),
  codes: Schema.Array(Schema.Unknown)
})

/** When a rule applies: `from` inclusive, `until` exclusive, in epoch milliseconds; absent = open. */
export interface ValidityWindow {
  readonly fromMs?: number | undefined
  readonly untilMs?: number | undefined
}

export interface PromotionRule {
  readonly promotion_id: string
  readonly name: string
  readonly kind: "nth_unit_percent_off"
  readonly categories: ReadonlyArray<string>
  readonly every: number
  readonly percent_off: number
  readonly minimum_cart_total: number
  readonly window: ValidityWindow
  readonly combines_with: { readonly promotions: boolean; readonly codes: boolean }
}

export type CodeDiscount = { readonly kind: "percentage"; readonly percent: number } | { readonly kind: "fixed_amount"; readonly amount: number }

export interface CodeRule {
  readonly code: string
  readonly name: string
  readonly discount: CodeDiscount
  /** The lines the discount is computed on; undefined = the whole cart_total. */
  readonly categories: ReadonlyArray<string> | undefined
  readonly minimum_cart_total: number
  /** Completed orders that may use the code in total; null = unlimited. */
  readonly usage_limit: number | null
  readonly window: ValidityWindow
  readonly combines_with: { readonly promotions: boolean }
}

export interface Rules {
  readonly currency: string
  readonly promotions: ReadonlyArray<PromotionRule>
  readonly codes: ReadonlyArray<CodeRule>
  readonly promotionById: ReadonlyMap<string, PromotionRule>
  readonly codeByCode: ReadonlyMap<string, CodeRule>
  /** Changes whenever the rules do: cached computations keep it to tell stale entries. */
  readonly fingerprint: string
}

/** What a shopper typed, as the rules spell codes: trimmed, upper case. */
export const normalizeCode = (typed: string): string => typed.trim().toUpperCase()

const pathOf = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string =>
  (path ?? []).map((part) => String(typeof part === "object" ? part.key : part)).join(".")

type Issue = { readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }

const checked = <A>(result: { readonly issues?: ReadonlyArray<Issue> | undefined } | Promise<unknown>): { readonly value?: A; readonly issues: ReadonlyArray<string> } => {
  if (result instanceof Promise) throw new Error("rule schemas are synchronous")
  if (result.issues !== undefined) return { issues: result.issues.map((issue) => `${pathOf(issue.path)}${issue.path?.length ? ": " : ""}${issue.message}`) }
  return { value: (result as unknown as { readonly value: A }).value, issues: [] }
}

const promotionValidator = Schema.toStandardSchemaV1(PromotionRuleInput)["~standard"]
const codeValidator = Schema.toStandardSchemaV1(CodeRuleInput)["~standard"]
const checkPromotion = (input: unknown) => checked<PromotionRuleInput>(promotionValidator.validate(input))
const checkCode = (input: unknown) => checked<CodeRuleInput>(codeValidator.validate(input))

const windowOf = (input: { readonly valid_from?: string; readonly valid_until?: string }, label: string, problems: Array<string>): ValidityWindow => {
  const fromMs = input.valid_from === undefined ? undefined : Date.parse(input.valid_from)
  const untilMs = input.valid_until === undefined ? undefined : Date.parse(input.valid_until)
  if (fromMs !== undefined && untilMs !== undefined && fromMs >= untilMs) problems.push(`${label}.valid_until: must be after valid_from`)
  return { fromMs, untilMs }
}

const labelOf = (raw: unknown, list: string, index: number, idField: string): string => {
  const id = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)[idField] : undefined
  return typeof id === "string" ? `${list}[${index}] (${id})` : `${list}[${index}]`
}

/** A short stable digest of the rules (FNV-1a over their JSON), to tell cached results of other rules apart. */
const fingerprintOf = (value: unknown): string => {
  const text = JSON.stringify(value)
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(16).padStart(8, "0")
}

/** Rules from the parsed file, or every problem found in it. */
export const parseRules = (input: unknown, source = "promotion rules"): Result.Result<Rules, InvalidRules> => {
  const file = Schema.decodeUnknownResult(RulesFile)(input)
  if (Result.isFailure(file)) {
    return Result.fail(new InvalidRules({ source, problems: [`expected {currency, promotions: [...], codes: [...]}: ${String(file.failure)}`] }))
  }
  const problems: Array<string> = []
  const promotions: Array<PromotionRule> = []
  const codes: Array<CodeRule> = []
  const ids = new Map<string, string>()

  file.success.promotions.forEach((raw, index) => {
    const label = labelOf(raw, "promotions", index, "promotion_id")
    const result = checkPromotion(raw)
    problems.push(...result.issues.map((issue) => `${label}.${issue}`))
    const rule = result.value
    if (rule === undefined) return
    const seen = ids.get(rule.promotion_id)
    if (seen !== undefined) problems.push(`${label}.promotion_id: duplicate of ${seen}`)
    else ids.set(rule.promotion_id, label)
    promotions.push({
      promotion_id: rule.promotion_id,
      name: rule.name,
      kind: rule.kind,
      categories: rule.categories,
      every: rule.every,
      percent_off: rule.percent_off,
      minimum_cart_total: rule.minimum_cart_total ?? 0,
      window: windowOf(rule, label, problems),
      combines_with: rule.combines_with
    })
  })

  file.success.codes.forEach((raw, index) => {
    const label = labelOf(raw, "codes", index, "code")
    const result = checkCode(raw)
    problems.push(...result.issues.map((issue) => `${label}.${issue}`))
    const rule = result.value
    if (rule === undefined) return
    // Codes and promotion ids share DELETE /promotions/{id}: one name space.
    const seen = ids.get(rule.code) ?? ids.get(rule.code.toLowerCase())
    if (seen !== undefined) problems.push(`${label}.code: duplicate of ${seen}`)
    else ids.set(rule.code, label)
    codes.push({
      code: rule.code,
      name: rule.name,
      discount: rule.kind === "percentage" ? { kind: "percentage", percent: rule.percent } : { kind: "fixed_amount", amount: rule.amount },
      categories: rule.categories,
      minimum_cart_total: rule.minimum_cart_total ?? 0,
      usage_limit: rule.usage_limit ?? null,
      window: windowOf(rule, label, problems),
      combines_with: rule.combines_with
    })
  })

  if (problems.length > 0) return Result.fail(new InvalidRules({ source, problems }))
  return Result.succeed({
    currency: file.success.currency,
    promotions,
    codes,
    promotionById: new Map(promotions.map((rule) => [rule.promotion_id, rule])),
    codeByCode: new Map(codes.map((rule) => [rule.code, rule])),
    fingerprint: fingerprintOf({ currency: file.success.currency, promotions, codes })
  })
}
