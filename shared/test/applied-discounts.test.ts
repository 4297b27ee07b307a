// The applied discounts a promotion-events consumer keeps (applied-discounts.ts), table-driven: each
// event from a known state to the expected one, the total, and the payloads refused.
import { describe, expect, test } from "bun:test"
import { Schema } from "effect"
import { type AppliedDiscounts, applyDiscountEvent, type DiscountEvent, DiscountEventPayloads, discountTotal } from "../src/index.ts"

const S = "sess_0123456789abcdef0123456789abcdef"
const none: AppliedDiscounts = { promotions: [], code: null }
const some: AppliedDiscounts = { promotions: [{ promotion_id: "p1", discount_amount: 500 }], code: { code: "SAVE10", discount_amount: 1_000 } }

describe("applyDiscountEvent", () => {
  test.each<[string, AppliedDiscounts, DiscountEvent, AppliedDiscounts]>([
    ["a promotion applied", none, { name: "promotion.applied", payload: { session_id: S, promotion_id: "p1", discount_amount: 500 } }, { promotions: [{ promotion_id: "p1", discount_amount: 500 }], code: null }],
    ["a promotion re-priced replaces its amount", some, { name: "promotion.applied", payload: { session_id: S, promotion_id: "p1", discount_amount: 700 } }, { promotions: [{ promotion_id: "p1", discount_amount: 700 }], code: some.code }],
    ["a code applied replaces the code", some, { name: "promotion.code_applied", payload: { session_id: S, code: "OTHER", discount_amount: 200 } }, { promotions: some.promotions, code: { code: "OTHER", discount_amount: 200 } }],
    ["a promotion removed", some, { name: "promotion.removed", payload: { session_id: S, promotion_id: "p1" } }, { promotions: [], code: some.code }],
    ["a code removed (named by code)", some, { name: "promotion.removed", payload: { session_id: S, promotion_id: "SAVE10", code: "SAVE10" } }, { promotions: some.promotions, code: null }],
    ["another code removed leaves this one", some, { name: "promotion.removed", payload: { session_id: S, promotion_id: "NOPE", code: "NOPE" } }, some]
  ])("%s", (_, before, event, after) => {
    expect(applyDiscountEvent(before, event)).toEqual(after)
  })

  test("the total is every promotion and the code", () => {
    expect([discountTotal(none), discountTotal(some)]).toEqual([0, 1_500])
  })

  test.each([
    ["promotion.applied", { session_id: "not-a-session", promotion_id: "p", discount_amount: 1 }],
    ["promotion.applied", { session_id: S, promotion_id: "p", discount_amount: -1 }],
    ["promotion.code_applied", { session_id: S, discount_amount: 1 }],
    ["promotion.removed", { session_id: S }]
  ] as const)("%s refuses a payload it cannot read", (name, payload) => {
    expect(Schema.decodeUnknownResult(DiscountEventPayloads[name])(payload)._tag).toBe("Failure")
  })
})
