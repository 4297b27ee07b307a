/**
 * Test data builders: SPEC §9's promotions and codes as rules-file content (the shipped file must
 * parse to the same rules), cart snapshots built from a few (offer, category, price, quantity) rows,
 * and the same cart as each cart event would carry it.
 */
import { Result } from "effect"
import type { CartSnapshot, CartSnapshotLine } from "@kasa/shared"
import { parseRules, type Rules } from "../rules.ts"

/** SPEC §9's rules, as the rules file states them. */
export const specRulesInput = {
  currency: "PLN",
  promotions: [
    {
      promotion_id: "second-item-half-price",
      name: "Second accessory at half price (2 za 50%)",
      kind: "nth_unit_percent_off",
      categories: ["accessory"],
      every: 2,
      percent_off: 50,
      combines_with: { promotions: false, codes: true }
    },
    {
      promotion_id: "buy-3-get-1",
      name: "Buy 3 accessories, get the 4th free (3+1 gratis)",
      kind: "nth_unit_percent_off",
      categories: ["accessory"],
      every: 4,
      percent_off: 100,
      combines_with: { promotions: false, codes: true }
    }
  ],
  codes: [
    { code: "WELCOME10", name: "10% off your first order", kind: "percentage", percent: 10, minimum_cart_total: 10_000, usage_limit: null, combines_with: { promotions: true } },
    { code: "MINUS50", name: "50 zł off orders from 500 zł", kind: "fixed_amount", amount: 5_000, minimum_cart_total: 50_000, usage_limit: 100, combines_with: { promotions: true } },
    {
      code: "EXPIRED2020",
      name: "2020 season sale",
      kind: "percentage",
      percent: 20,
      valid_from: "2020-01-01T00:00:00Z",
      valid_until: "2021-01-01T00:00:00Z",
      usage_limit: null,
      combines_with: { promotions: true }
    }
  ]
} as const

export const rulesOf = (input: unknown): Rules => {
  const parsed = parseRules(input, "fixture")
  if (Result.isFailure(parsed)) throw new Error(`fixture rules refused: ${parsed.failure.problems.join("; ")}`)
  return parsed.success
}

export const specRules: Rules = rulesOf(specRulesInput)

/** SPEC §9 plus rules that exercise the other kinds: a window not open yet, a category scope, a code that stands alone, a small limit. */
export const extendedRules: Rules = rulesOf({
  ...specRulesInput,
  promotions: [
    ...specRulesInput.promotions,
    {
      promotion_id: "tv-week",
      name: "Every 2nd TV 10% off, from 2999",
      kind: "nth_unit_percent_off",
      categories: ["tv"],
      every: 2,
      percent_off: 10,
      valid_from: "2999-01-01T00:00:00Z",
      combines_with: { promotions: true, codes: true }
    },
    {
      promotion_id: "furniture-pair",
      name: "Every 2nd furniture 5% off, with other promotions, never with codes",
      kind: "nth_unit_percent_off",
      categories: ["furniture"],
      every: 2,
      percent_off: 5,
      minimum_cart_total: 100_000,
      combines_with: { promotions: true, codes: false }
    }
  ],
  codes: [
    ...specRulesInput.codes,
    { code: "TV15", name: "15% off TVs", kind: "percentage", percent: 15, categories: ["tv"], usage_limit: null, combines_with: { promotions: true } },
    { code: "ALONE20", name: "20 zł off, never with a promotion", kind: "fixed_amount", amount: 2_000, usage_limit: 2, combines_with: { promotions: false } },
    { code: "SOON", name: "Not yet", kind: "percentage", percent: 5, valid_from: "2999-01-01T00:00:00Z", usage_limit: null, combines_with: { promotions: true } }
  ]
})

/** One row of a cart: offer id, category, unit price, quantity, and optionally the line type. */
export type Row = readonly [offerId: string, category: string, unitPrice: number, quantity: number, type?: CartSnapshotLine["type"]]

export const lines = (...rows: ReadonlyArray<Row>): ReadonlyArray<CartSnapshotLine> =>
  rows.map(([offer_id, category, unit_price, quantity, type], i) => ({
    item_id: `item_${i + 1}`,
    offer_id,
    type: type ?? (category === "accessory" ? "accessory" : category === "warranty" ? "warranty" : category === "service" ? "service" : "offer"),
    name: offer_id,
    category,
    quantity,
    unit_price,
    parent_item_id: null
  }))

export const snapshot = (session_id: string, cart_version: number, ...rows: ReadonlyArray<Row>): CartSnapshot => ({
  session_id,
  cart_version,
  lines: lines(...rows),
  currency: "PLN"
})

/** `n` accessory units at `price` each, as one line. */
export const accessories = (price: number, n: number, offerId = `acc-${price}`): Row => [offerId, "accessory", price, n]
