// The decisions, table-driven: what applying a promotion or a code, removing one, a cart change and
// an order's completion do to what a session has applied, with every refusal and its reason, the
// order of the code checks, combinability both ways, and the changes (events) each decision causes.
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { type CartSnapshot } from "@kasa/shared"
import { addCode, addPromotion, type Applied, completeOrder, type Decision, nothingApplied, recompute, removeApplied, totalDiscount } from "@kasa/promotion"
import { accessories, extendedRules, rulesOf, type Row, snapshot, specRules, specRulesInput } from "@kasa/promotion/testing"

const SESSION = "sess_domainTest00000000000"
const NOW = Date.parse("2026-02-11T12:00:00.000Z")
const cart = (version: number, ...rows: ReadonlyArray<Row>): CartSnapshot => snapshot(SESSION, version, ...rows)

const tv: Row = ["tv", "tv", 379_900, 1]
const sofa: Row = ["sofa", "furniture", 60_000, 2]
const twoCables = accessories(4_999, 2)
const rules = extendedRules

const ok = (result: Result.Result<Decision, unknown>): Decision => {
  if (Result.isFailure(result)) throw new Error(`refused: ${JSON.stringify(result.failure)}`)
  return result.success
}
const failure = (result: Result.Result<Decision, unknown>) => (Result.isFailure(result) ? result.failure : "accepted")

/** What a session has after applying these, in order, on `snap`. */
const appliedWith = (snap: CartSnapshot, ...steps: ReadonlyArray<{ readonly promotion?: string; readonly code?: string }>): Applied =>
  steps.reduce(
    (applied, step) =>
      step.promotion !== undefined ? ok(addPromotion(rules, snap, applied, step.promotion, NOW)).applied : ok(addCode(rules, snap, applied, step.code!, NOW, 0)).applied,
    nothingApplied(snap)
  )

describe("addPromotion", () => {
  const shop = cart(3, tv, twoCables, sofa)

  const oneCable = cart(1, tv, accessories(4_999, 1))
  const fourCables = cart(1, accessories(4_999, 4))

  test.each<[string, CartSnapshot, Applied, string, unknown]>([
    ["an id the rules do not have", shop, nothingApplied(shop), "half-price", { _tag: "PromotionNotFound", promotion_id: "half-price" }],
    ["a cart that does not qualify (one cable)", oneCable, nothingApplied(oneCable), "second-item-half-price", { _tag: "PromotionNotApplicable", reason: "minimum_not_met" }],
    ["3+1 on two accessories", shop, nothingApplied(shop), "buy-3-get-1", { _tag: "PromotionNotApplicable", reason: "minimum_not_met" }],
    ["a promotion before its window", shop, nothingApplied(shop), "tv-week", { _tag: "PromotionNotApplicable", reason: "not_yet_valid" }],
    [
      "the other of the two exclusive promotions",
      fourCables,
      appliedWith(fourCables, { promotion: "second-item-half-price" }),
      "buy-3-get-1",
      { _tag: "PromotionNotApplicable", reason: "not_combinable", conflicts_with: "second-item-half-price" }
    ],
    [
      "a promotion that combines, next to one that does not (both must say so)",
      shop,
      appliedWith(shop, { promotion: "second-item-half-price" }),
      "furniture-pair",
      { _tag: "PromotionNotApplicable", reason: "not_combinable", conflicts_with: "second-item-half-price" }
    ],
    ["a promotion next to a code that stands alone", shop, appliedWith(shop, { code: "ALONE20" }), "second-item-half-price", { _tag: "PromotionNotApplicable", reason: "not_combinable", conflicts_with: "ALONE20" }],
    ["a promotion that never goes with codes, next to a code", shop, appliedWith(shop, { code: "WELCOME10" }), "furniture-pair", { _tag: "PromotionNotApplicable", reason: "not_combinable", conflicts_with: "WELCOME10" }]
  ])("refuses %s", (_, snap, before, id, expected) => {
    expect(failure(addPromotion(rules, snap, before, id, NOW))).toMatchObject(expected as object)
  })

  test("applies with the amount as of this cart and one PromotionApplied change", () => {
    const decision = ok(addPromotion(rules, shop, nothingApplied(shop), "second-item-half-price", NOW))
    const promotion = { promotion_id: "second-item-half-price", promotion_name: "Second accessory at half price (2 za 50%)", discount_amount: 2_499 }
    expect(decision.applied).toEqual({ session_id: SESSION, cart_version: 3, currency: "PLN", promotions: [promotion], code: null })
    expect(decision.changes).toEqual([{ _tag: "PromotionApplied", promotion }])
  })

  test("the same promotion again changes nothing", () => {
    const before = appliedWith(shop, { promotion: "second-item-half-price" })
    expect(ok(addPromotion(rules, shop, before, "second-item-half-price", NOW))).toEqual({ applied: before, changes: [] })
  })

  test("a code and a promotion combine, and the total adds them", () => {
    const applied = appliedWith(shop, { code: "WELCOME10" }, { promotion: "second-item-half-price" })
    expect(applied.promotions.map((p) => p.discount_amount)).toEqual([2_499])
    expect(applied.code).toEqual({ code: "WELCOME10", discount_amount: Math.floor((379_900 + 9_998 + 120_000) / 10) })
    expect(totalDiscount(applied)).toBe(2_499 + 50_989)
  })
})

describe("addCode", () => {
  const shop = cart(2, tv, twoCables)
  const small = cart(1, ["goods", "equipment", 9_999, 1])

  test.each<[string, CartSnapshot, Applied, string, number, string]>([
    ["a code the rules do not have", shop, nothingApplied(shop), "FREESTUFF", 0, "unknown"],
    ["an expired code", shop, nothingApplied(shop), "EXPIRED2020", 0, "expired"],
    ["a code whose window has not opened", shop, nothingApplied(shop), "SOON", 0, "unknown"],
    ["a code with no use left (100 of 100)", shop, nothingApplied(shop), "MINUS50", 100, "usage_limit_reached"],
    ["a second code", shop, appliedWith(shop, { code: "WELCOME10" }), "MINUS50", 0, "not_combinable"],
    ["a code that stands alone, next to a promotion", shop, appliedWith(shop, { promotion: "second-item-half-price" }), "ALONE20", 0, "not_combinable"],
    ["any code next to a promotion that never goes with codes", cart(1, sofa), appliedWith(cart(1, sofa), { promotion: "furniture-pair" }), "WELCOME10", 0, "not_combinable"],
    ["WELCOME10 below 10000", small, nothingApplied(small), "WELCOME10", 0, "minimum_not_met"],
    ["MINUS50 below 50000", cart(1, ["goods", "equipment", 49_999, 1]), nothingApplied(cart(1)), "MINUS50", 0, "minimum_not_met"],
    ["a code on an empty cart", cart(0), nothingApplied(cart(0)), "WELCOME10", 0, "minimum_not_met"],
    ["an expired code, before its combinability is looked at", shop, appliedWith(shop, { code: "WELCOME10" }), "EXPIRED2020", 0, "expired"],
    ["a used-up code, before its combinability is looked at", shop, appliedWith(shop, { code: "WELCOME10" }), "MINUS50", 100, "usage_limit_reached"]
  ])("refuses %s: %s", (_, snap, before, typed, used, reason) => {
    expect(failure(addCode(rules, snap, before, typed, NOW, used))).toMatchObject({ _tag: "CodeRejected", reason })
  })

  test("applies a code typed in any case, as the rules spell it, with one CodeApplied change", () => {
    const decision = ok(addCode(rules, shop, nothingApplied(shop), "  minus50 ", NOW, 99))
    expect(decision.applied.code).toEqual({ code: "MINUS50", discount_amount: 5_000 })
    expect(decision.changes).toEqual([{ _tag: "CodeApplied", code: { code: "MINUS50", discount_amount: 5_000 } }])
  })

  test("the same code again changes nothing, even with its uses gone since", () => {
    const before = appliedWith(shop, { code: "MINUS50" })
    expect(ok(addCode(rules, shop, before, "MINUS50", NOW, 100))).toEqual({ applied: before, changes: [] })
  })

  test("a refused code names itself as the rules spell it", () => {
    expect(failure(addCode(rules, shop, nothingApplied(shop), "expired2020", NOW, 0))).toMatchObject({ code: "EXPIRED2020" })
  })
})

describe("the discounts together never pass cart_total", () => {
  const big = rulesOf({ ...specRulesInput, codes: [{ code: "BIG", name: "1000 zł off", kind: "fixed_amount", amount: 100_000, usage_limit: null, combines_with: { promotions: true } }] })
  const cables = cart(1, twoCables)

  test("a fixed code takes what the promotion left", () => {
    const withPromotion = ok(addPromotion(big, cables, nothingApplied(cables), "second-item-half-price", NOW)).applied
    const decision = ok(addCode(big, cables, withPromotion, "BIG", NOW, 0))
    expect(decision.applied.code).toEqual({ code: "BIG", discount_amount: 9_998 - 2_499 })
    expect(totalDiscount(decision.applied)).toBe(9_998)
  })

  test("a promotion applied after the code lowers the code, and says so", () => {
    const withCode = ok(addCode(big, cables, nothingApplied(cables), "BIG", NOW, 0)).applied
    expect(withCode.code?.discount_amount).toBe(9_998)
    const decision = ok(addPromotion(big, cables, withCode, "second-item-half-price", NOW))
    expect(decision.changes).toEqual([
      { _tag: "PromotionApplied", promotion: { promotion_id: "second-item-half-price", promotion_name: "Second accessory at half price (2 za 50%)", discount_amount: 2_499 } },
      { _tag: "CodeApplied", code: { code: "BIG", discount_amount: 7_499 } }
    ])
    expect(totalDiscount(decision.applied)).toBe(9_998)
  })
})

describe("removeApplied", () => {
  const shop = cart(2, tv, twoCables)
  const both = appliedWith(shop, { promotion: "second-item-half-price" }, { code: "WELCOME10" })

  test("a promotion, by id: removed by the shopper, the code stays", () => {
    const decision = ok(removeApplied(rules, shop, both, "second-item-half-price", NOW))
    expect(decision.applied.promotions).toEqual([])
    expect(decision.applied.code?.code).toBe("WELCOME10")
    expect(decision.changes).toEqual([{ _tag: "PromotionRemoved", promotion_id: "second-item-half-price", reason: "removed_by_shopper" }])
  })

  test("the code, in any case", () => {
    const decision = ok(removeApplied(rules, shop, both, "welcome10", NOW))
    expect(decision.applied.code).toBeNull()
    expect(decision.changes).toEqual([{ _tag: "CodeRemoved", code: "WELCOME10", reason: "removed_by_shopper" }])
  })

  test.each([["buy-3-get-1"], ["MINUS50"], ["nothing"]])("%s, not applied → NotApplied", (id) => {
    expect(failure(removeApplied(rules, shop, both, id, NOW))).toMatchObject({ _tag: "NotApplied", id })
  })
})

describe("recompute on a cart change", () => {
  const before = appliedWith(cart(2, tv, twoCables), { promotion: "second-item-half-price" }, { code: "WELCOME10" })

  test.each<[string, CartSnapshot, ReadonlyArray<unknown>]>([
    ["the same content at a newer version: nothing to publish", cart(3, tv, twoCables), []],
    [
      "one dearer accessory: the second unit is still a cable, only the code's amount changes",
      cart(3, tv, twoCables, ["soundbar", "accessory", 89_900, 1]),
      [{ _tag: "CodeApplied", code: { code: "WELCOME10", discount_amount: 47_979 } }]
    ],
    [
      "two soundbars more: both amounts change",
      cart(3, tv, twoCables, ["soundbar", "accessory", 89_900, 2]),
      [
        { _tag: "PromotionApplied", promotion: { promotion_id: "second-item-half-price", discount_amount: 44_950 + 2_499 } },
        { _tag: "CodeApplied", code: { code: "WELCOME10", discount_amount: 56_969 } }
      ]
    ],
    [
      "one cable left: the promotion no longer qualifies; the code's amount follows the cart",
      cart(3, tv, accessories(4_999, 1)),
      [
        { _tag: "PromotionRemoved", promotion_id: "second-item-half-price", reason: "minimum_not_met" },
        { _tag: "CodeApplied", code: { code: "WELCOME10", discount_amount: 38_489 } }
      ]
    ],
    [
      "only the cables left (9998 < 10000): the code goes, the promotion stays",
      cart(3, twoCables),
      [{ _tag: "CodeRemoved", code: "WELCOME10", reason: "minimum_not_met" }]
    ],
    [
      "a cleared cart: both go",
      cart(3),
      [
        { _tag: "PromotionRemoved", promotion_id: "second-item-half-price", reason: "minimum_not_met" },
        { _tag: "CodeRemoved", code: "WELCOME10", reason: "minimum_not_met" }
      ]
    ]
  ])("%s", (_, snap, expected) => {
    const decision = recompute(rules, snap, before, NOW)
    expect(decision.changes).toMatchObject(expected as Array<object>)
    expect(decision.changes).toHaveLength(expected.length)
    expect(decision.applied.cart_version).toBe(snap.cart_version)
  })

  test("a rule gone from the rules file is withdrawn", () => {
    const withoutCodes = rulesOf({ ...specRulesInput, codes: [] })
    expect(recompute(withoutCodes, cart(3, tv, twoCables), before, NOW).changes).toEqual([{ _tag: "CodeRemoved", code: "WELCOME10", reason: "withdrawn" }])
  })

  test("a code past its window is removed as expired", () => {
    const shortLived = rulesOf({ ...specRulesInput, codes: [{ ...specRulesInput.codes[0], valid_until: "2026-02-11T12:00:01Z" }] })
    const applied = ok(addCode(shortLived, cart(2, tv), nothingApplied(cart(2, tv)), "WELCOME10", NOW, 0)).applied
    expect(recompute(shortLived, cart(3, tv, tv), applied, NOW + 1_000).changes).toEqual([{ _tag: "CodeRemoved", code: "WELCOME10", reason: "expired" }])
  })

  test("specRules and extendedRules agree on SPEC's rules", () => {
    expect(recompute(specRules, cart(3, tv, twoCables), before, NOW)).toEqual(recompute(rules, cart(3, tv, twoCables), before, NOW))
  })
})

describe("completeOrder", () => {
  const before = appliedWith(cart(2, tv, twoCables), { promotion: "second-item-half-price" }, { code: "MINUS50" })

  test("everything applied goes, as order_completed", () => {
    const decision = completeOrder(before, false)
    expect(decision.applied).toMatchObject({ promotions: [], code: null })
    expect(decision.changes).toEqual([
      { _tag: "PromotionRemoved", promotion_id: "second-item-half-price", reason: "order_completed" },
      { _tag: "CodeRemoved", code: "MINUS50", reason: "order_completed" }
    ])
  })

  test("a code whose removal was announced when it was counted is not announced again", () => {
    expect(completeOrder(before, true).changes).toEqual([{ _tag: "PromotionRemoved", promotion_id: "second-item-half-price", reason: "order_completed" }])
  })

  test("nothing applied, nothing to announce", () => {
    expect(completeOrder(nothingApplied(cart(1)), false).changes).toEqual([])
  })
})
