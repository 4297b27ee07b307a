// The rules file: the one the shop ships holds exactly SPEC §9's promotions and codes, and a file that
// breaks the rules is refused with every problem named by its place (list, index, id, field).
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { defaultRulesFile, parseRules } from "@kasa/promotion"
import { specRules, specRulesInput } from "@kasa/promotion/testing"

const problemsOf = (input: unknown): ReadonlyArray<string> => {
  const parsed = parseRules(input, "test.yaml")
  return Result.isFailure(parsed) ? parsed.failure.problems : []
}

describe("the shipped rules file", () => {
  test("is SPEC §9: the two exclusive accessory promotions and WELCOME10, MINUS50, EXPIRED2020", async () => {
    const parsed = parseRules(Bun.YAML.parse(await Bun.file(defaultRulesFile).text()), defaultRulesFile.pathname)
    expect(Result.isSuccess(parsed) ? parsed.success : parsed.failure.problems).toEqual(specRules)
  })

  test("reads as SPEC says", () => {
    expect(specRules.promotions.map((p) => [p.promotion_id, p.categories, p.every, p.percent_off, p.combines_with])).toEqual([
      ["second-item-half-price", ["accessory"], 2, 50, { promotions: false, codes: true }],
      ["buy-3-get-1", ["accessory"], 4, 100, { promotions: false, codes: true }]
    ])
    expect(specRules.codes.map((c) => [c.code, c.discount, c.minimum_cart_total, c.usage_limit, c.window.untilMs === undefined ? "open" : new Date(c.window.untilMs).toISOString()])).toEqual([
      ["WELCOME10", { kind: "percentage", percent: 10 }, 10_000, null, "open"],
      ["MINUS50", { kind: "fixed_amount", amount: 5_000 }, 50_000, 100, "open"],
      ["EXPIRED2020", { kind: "percentage", percent: 20 }, 0, null, "2021-01-01T00:00:00.000Z"]
    ])
  })
})

describe("a file that breaks the rules", () => {
  const promotion = specRulesInput.promotions[0]
  const code = specRulesInput.codes[0]

  test.each<[string, unknown, ReadonlyArray<string>]>([
    ["not the file's shape", { promotions: [] }, ["expected {currency, promotions: [...], codes: [...]}"]],
    ["a promotion id that is not kebab-case", { ...specRulesInput, promotions: [{ ...promotion, promotion_id: "Half Price" }] }, ["promotions[0] (Half Price).promotion_id:"]],
    ["an unknown kind", { ...specRulesInput, promotions: [{ ...promotion, kind: "bogo" }] }, ["promotions[0] (second-item-half-price).kind:"]],
    ["every below 2", { ...specRulesInput, promotions: [{ ...promotion, every: 1 }] }, ["promotions[0] (second-item-half-price).every:"]],
    ["a percent past 100", { ...specRulesInput, codes: [{ ...code, percent: 150 }] }, ["codes[0] (WELCOME10).percent:"]],
    ["a fractional amount", { ...specRulesInput, codes: [{ ...specRulesInput.codes[1], amount: 49.99 }] }, ["codes[0] (MINUS50).amount:"]],
    ["a usage limit of 0", { ...specRulesInput, codes: [{ ...code, usage_limit: 0 }] }, ["codes[0] (WELCOME10).usage_limit:"]],
    ["a lower-case code", { ...specRulesInput, codes: [{ ...code, code: "welcome10" }] }, ["codes[0] (welcome10).code:"]],
    ["a window that ends before it starts", { ...specRulesInput, codes: [{ ...code, valid_from: "2026-02-01T00:00:00Z", valid_until: "2026-01-01T00:00:00Z" }] }, ["codes[0] (WELCOME10).valid_until: must be after valid_from"]],
    ["a date that is not an instant", { ...specRulesInput, codes: [{ ...code, valid_until: "next tuesday" }] }, ["codes[0] (WELCOME10).valid_until:"]],
    ["a duplicate promotion id", { ...specRulesInput, promotions: [promotion, promotion] }, ["promotions[1] (second-item-half-price).promotion_id: duplicate of promotions[0]"]],
    ["a duplicate code", { ...specRulesInput, codes: [code, code] }, ["codes[1] (WELCOME10).code: duplicate of codes[0]"]],
    [
      "a code that is a promotion id in upper case",
      { ...specRulesInput, promotions: [{ ...promotion, promotion_id: "welcome10" }], codes: [code] },
      ["codes[0] (WELCOME10).code: duplicate of promotions[0]"]
    ],
    ["an empty category scope", { ...specRulesInput, promotions: [{ ...promotion, categories: [] }] }, ["promotions[0] (second-item-half-price).categories:"]]
  ])("%s", (_, input, expected) => {
    const problems = problemsOf(input)
    for (const fragment of expected) expect(problems.some((p) => p.includes(fragment))).toBe(true)
    expect(problems.length).toBeGreaterThan(0)
  })

  test("every problem of a file is reported at once", () => {
    const problems = problemsOf({ ...specRulesInput, promotions: [{ ...promotion, every: 0 }], codes: [{ ...code, percent: 0 }, code, code] })
    expect(problems).toHaveLength(3)
  })

  test("the message names the source and the problems", () => {
    const parsed = parseRules({ currency: "PLN", promotions: [{}], codes: [] }, "/etc/kasa/promotions.yaml")
    expect(Result.isFailure(parsed) && parsed.failure.message).toStartWith("invalid promotion rules /etc/kasa/promotions.yaml: promotions[0].promotion_id:")
  })
})
