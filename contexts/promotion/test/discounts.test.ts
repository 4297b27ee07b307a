// SPEC §9's maths, table-driven: both promotions on accessory units sorted by price (every second
// unit 50% off rounded down per unit; every fourth unit free), the codes at their boundary totals
// (9999/10000, 49999/50000), rounding down, what counts as cart_total and as an accessory unit, and
// the validity window. No runtime, no store: pure functions on cart snapshots.
import { describe, expect, test } from "bun:test"
import { type CartSnapshot } from "@kasa/shared"
import {
  cartTotal,
  evaluateCode,
  evaluatePromotion,
  everyNthUnitOff,
  promotionAmount,
  unitPricesInScope,
  windowState,
  type WindowState
} from "@kasa/promotion"
import { accessories, extendedRules, type Row, snapshot, specRules } from "@kasa/promotion/testing"

const SESSION = "sess_discountsTest000000000"
const NOW = Date.parse("2026-02-11T12:00:00.000Z")
const cart = (...rows: ReadonlyArray<Row>): CartSnapshot => snapshot(SESSION, 1, ...rows)
const secondHalf = specRules.promotionById.get("second-item-half-price")!
const buy3get1 = specRules.promotionById.get("buy-3-get-1")!

const tv: Row = ["tv-samsung", "tv", 379_900, 1]
const mount: Row = ["tv-wall-mount", "accessory", 14_999, 1]
const hdmi: Row = ["hdmi-cable", "accessory", 4_999, 1]
const stand: Row = ["tv-floor-stand", "accessory", 39_900, 1]
const soundbar: Row = ["soundbar", "accessory", 89_900, 1]
const descaler: Row = ["descaler", "accessory", 2_999, 1]

describe("every n-th unit, as the promotions take it", () => {
  test.each<[string, ReadonlyArray<number>, number, number, number]>([
    ["no units", [], 2, 50, 0],
    ["one unit", [4_999], 2, 50, 0],
    ["two units: the second half price, rounded down (2499.5 → 2499)", [4_999, 4_999], 2, 50, 2_499],
    ["an even price halves exactly", [10_000, 10_000], 2, 50, 5_000],
    ["three units: only the second", [39_900, 14_999, 4_999], 2, 50, 7_499],
    ["four units: the second and the fourth, each rounded down", [89_900, 39_900, 14_999, 4_999], 2, 50, 19_950 + 2_499],
    ["1 grosz units round down to nothing", [1, 1], 2, 50, 0],
    ["3 grosz: 1.5 → 1", [3, 3], 2, 50, 1],
    ["three units get no fourth free", [14_999, 4_999, 4_999], 4, 100, 0],
    ["the fourth unit free", [89_900, 39_900, 14_999, 4_999], 4, 100, 4_999],
    ["five units: the fourth, not the cheapest", [89_900, 39_900, 14_999, 4_999, 2_999], 4, 100, 4_999],
    ["seven units: only the fourth", [7, 6, 5, 4, 3, 2, 1], 4, 100, 4],
    ["eight units: the fourth and the eighth", [8, 7, 6, 5, 4, 3, 2, 1], 4, 100, 5 + 1]
  ])("%s", (_, prices, every, percent, expected) => {
    expect(everyNthUnitOff(prices, every, percent)).toBe(expected)
  })
})

describe("which units are accessory units", () => {
  test.each<[string, CartSnapshot, ReadonlyArray<number>]>([
    ["only accessories, sorted high to low, whatever the line order", cart(hdmi, tv, soundbar, mount), [89_900, 14_999, 4_999]],
    ["a line's quantity is that many units", cart(accessories(2_999, 3), hdmi), [4_999, 2_999, 2_999, 2_999]],
    ["an accessory bought as a plain offer is still an accessory", cart(["hdmi-cable", "accessory", 4_999, 2, "offer"]), [4_999, 4_999]],
    ["warranties and services are not", cart(["warranty-2y-accessory", "warranty", 2_999, 2], ["gift_wrap", "service", 1_500, 1]), []]
  ])("%s", (_, snap, expected) => {
    expect(unitPricesInScope(snap, ["accessory"])).toEqual(expected)
  })
})

describe("second-item-half-price on carts", () => {
  test.each<[string, CartSnapshot, number]>([
    ["an empty cart", cart(), 0],
    ["one accessory and a TV", cart(tv, hdmi), 0],
    ["two HDMI cables: 4999 / 2 rounded down", cart(accessories(4_999, 2)), 2_499],
    ["a mount and a cable: the cheaper one is the second", cart(hdmi, mount), 2_499],
    ["stand, mount, cable: the mount is the second (7499.5 → 7499)", cart(hdmi, stand, mount), 7_499],
    ["soundbar, stand, mount, cable: stand and cable", cart(soundbar, stand, mount, hdmi, tv), 19_950 + 2_499],
    ["five descalers on one line: units 2 and 4", cart(accessories(2_999, 5)), 1_499 * 2]
  ])("%s → %d", (_, snap, expected) => {
    expect(promotionAmount(secondHalf, snap)).toBe(expected)
  })
})

describe("buy-3-get-1 on carts", () => {
  test.each<[string, CartSnapshot, number]>([
    ["three accessories", cart(soundbar, stand, mount), 0],
    ["four: the cheapest of the four is the fourth", cart(hdmi, soundbar, stand, mount), 4_999],
    ["four on one line", cart(accessories(14_999, 4)), 14_999],
    ["five: the fourth from the top, not the cheapest", cart(descaler, hdmi, soundbar, stand, mount), 4_999],
    ["eight: the fourth and the eighth", cart(accessories(4_999, 4), accessories(2_999, 4)), 4_999 + 2_999],
    ["accessories among other goods", cart(tv, accessories(4_999, 4)), 4_999]
  ])("%s → %d", (_, snap, expected) => {
    expect(promotionAmount(buy3get1, snap)).toBe(expected)
  })
})

describe("promotions qualify only when they give something, inside their window", () => {
  test.each<[string, string, CartSnapshot, unknown]>([
    ["one accessory", "second-item-half-price", cart(hdmi), { ok: false, reason: "minimum_not_met" }],
    ["two accessories", "second-item-half-price", cart(hdmi, hdmi), { ok: true, amount: 2_499 }],
    ["three accessories for 3+1", "buy-3-get-1", cart(accessories(4_999, 3)), { ok: false, reason: "minimum_not_met" }],
    ["a window not open yet", "tv-week", cart(tv, tv), { ok: false, reason: "not_yet_valid" }],
    ["a minimum cart_total not met (99999)", "furniture-pair", cart(["chair", "furniture", 49_999, 2], ["x", "accessory", 1, 1]), { ok: false, reason: "minimum_not_met" }],
    ["a minimum cart_total met exactly (100000)", "furniture-pair", cart(["chair", "furniture", 50_000, 2]), { ok: true, amount: 2_500 }]
  ])("%s: %s", (_, id, snap, expected) => {
    expect(evaluatePromotion(extendedRules, extendedRules.promotionById.get(id)!, snap, NOW)).toMatchObject(expected as object)
  })

  test("a cart in another currency gets nothing", () => {
    expect(evaluatePromotion(specRules, secondHalf, { ...cart(hdmi, hdmi), currency: "EUR" }, NOW)).toMatchObject({ ok: false, reason: "minimum_not_met" })
  })
})

describe("codes at their boundaries", () => {
  /** A cart whose cart_total is exactly `total`, in one line. */
  const totalling = (total: number, ...more: ReadonlyArray<Row>) => cart(["goods", "equipment", total, 1], ...more)
  const code = (name: string) => (extendedRules.codeByCode.get(name) ?? specRules.codeByCode.get(name))!

  test.each<[string, string, CartSnapshot, number, unknown]>([
    ["WELCOME10 at 9999", "WELCOME10", totalling(9_999), 0, { ok: false, reason: "minimum_not_met" }],
    ["WELCOME10 at 10000", "WELCOME10", totalling(10_000), 0, { ok: true, amount: 1_000 }],
    ["WELCOME10 at 10005: 1000.5 rounds down", "WELCOME10", totalling(10_005), 0, { ok: true, amount: 1_000 }],
    ["WELCOME10 at 10009", "WELCOME10", totalling(10_009), 0, { ok: true, amount: 1_000 }],
    ["WELCOME10 at 10010", "WELCOME10", totalling(10_010), 0, { ok: true, amount: 1_001 }],
    ["WELCOME10 at 379900", "WELCOME10", totalling(379_900), 0, { ok: true, amount: 37_990 }],
    ["WELCOME10: services are not cart_total (9999 + a 4900 service)", "WELCOME10", totalling(9_999, ["carry_in", "service", 4_900, 1]), 0, { ok: false, reason: "minimum_not_met" }],
    ["WELCOME10: warranties are (9000 + 1000 warranty)", "WELCOME10", totalling(9_000, ["w", "warranty", 1_000, 1]), 0, { ok: true, amount: 1_000 }],
    ["WELCOME10 is 10% of cart_total even next to a promotion", "WELCOME10", totalling(20_000), 5_000, { ok: true, amount: 2_000 }],
    ["MINUS50 at 49999", "MINUS50", totalling(49_999), 0, { ok: false, reason: "minimum_not_met" }],
    ["MINUS50 at 50000", "MINUS50", totalling(50_000), 0, { ok: true, amount: 5_000 }],
    ["MINUS50 at 1000000", "MINUS50", totalling(1_000_000), 0, { ok: true, amount: 5_000 }],
    ["EXPIRED2020 on any cart", "EXPIRED2020", totalling(1_000_000), 0, { ok: false, reason: "expired" }],
    ["a code not valid yet is unknown to the shopper", "SOON", totalling(1_000_000), 0, { ok: false, reason: "unknown" }],
    ["a fixed code takes at most the base", "ALONE20", totalling(1_500), 0, { ok: true, amount: 1_500 }],
    ["a code scoped to TVs takes its percent of the TV lines only", "TV15", cart(tv, hdmi), 0, { ok: true, amount: 56_985 }],
    ["a scoped code with nothing in scope gives nothing", "TV15", cart(hdmi), 0, { ok: false, reason: "minimum_not_met" }],
    ["the discounts together never pass cart_total", "ALONE20", totalling(1_500), 1_000, { ok: true, amount: 500 }]
  ])("%s", (_, name, snap, promotionsTotal, expected) => {
    expect(evaluateCode(extendedRules, code(name), snap, NOW, promotionsTotal)).toMatchObject(expected as object)
  })
})

describe("cart_total and windows", () => {
  test("cart_total sums the non-service lines", () => {
    expect(cartTotal(cart(tv, accessories(4_999, 2), ["gift_wrap", "service", 1_500, 1]))).toBe(379_900 + 9_998)
  })

  test.each<[string, { fromMs?: number; untilMs?: number }, number, WindowState]>([
    ["no window is always open", {}, NOW, "open"],
    ["from is inclusive", { fromMs: NOW }, NOW, "open"],
    ["before from", { fromMs: NOW + 1 }, NOW, "before"],
    ["until is exclusive", { untilMs: NOW }, NOW, "after"],
    ["just before until", { untilMs: NOW + 1 }, NOW, "open"]
  ])("%s", (_, window, now, expected) => {
    expect(windowState(window, now)).toBe(expected)
  })
})
