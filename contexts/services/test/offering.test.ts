// Which services a line and a cart may have, and their prices, table-driven over SPEC §9's rules:
// services by category and line type, price per unit of the parent line, per cart when standalone,
// and what the services in a cart cost now.
import { describe, expect, test } from "bun:test"
import type { CartSnapshotLine } from "@kasa/shared"
import { availability, type OfferedService, servicePrice, servicesForLine, servicesTotal, standaloneServices } from "@kasa/services"
import { fixtureRules, productLine, serviceLine } from "@kasa/services/testing"

const STANDALONE: ReadonlyArray<OfferedService> = [
  { service_id: "sms_notification", name: "SMS notification", kind: "service_standalone", parent_item_id: null, price: 199 },
  { service_id: "gift_wrap", name: "Gift wrap", kind: "service_standalone", parent_item_id: null, price: 1_500 },
  { service_id: "extended_support", name: "Extended support", kind: "service_standalone", parent_item_id: null, price: 4_900 }
]

describe("servicesForLine: item services by the line's category and type", () => {
  test.each<[string, CartSnapshotLine, ReadonlyArray<readonly [string, number]>]>([
    ["a TV gets carry-in", productLine("item_1", "tv"), [["carry_in", 4_900]]],
    ["an appliance gets carry-in", productLine("item_1", "appliance"), [["carry_in", 4_900]]],
    ["furniture gets assembly", productLine("item_1", "furniture"), [["assembly", 9_900]]],
    ["equipment gets installation", productLine("item_1", "equipment"), [["installation", 14_900]]],
    ["an accessory gets none", productLine("item_1", "accessory"), []],
    ["a category no rule names gets none", productLine("item_1", "garden"), []],
    ["a warranty line gets none, whatever its category", productLine("item_1", "tv", { type: "warranty" }), []],
    ["a service line gets none", serviceLine("item_1", "carry_in", 4_900, null), []],
    ["a TV bought as an accessory line still gets carry-in", productLine("item_1", "tv", { type: "accessory" }), [["carry_in", 4_900]]],
    ["three TVs: carry-in for each unit", productLine("item_1", "tv", { quantity: 3 }), [["carry_in", 3 * 4_900]]],
    ["two sofas: assembly for each unit", productLine("item_1", "furniture", { quantity: 2 }), [["assembly", 2 * 9_900]]]
  ])("%s", (_, line, expected) => {
    const offered = servicesForLine(fixtureRules, line)
    expect(offered.map((s) => [s.service_id, s.price])).toEqual(expected.map(([id, price]) => [id, price]))
    for (const service of offered) expect(service).toMatchObject({ kind: "service_item", parent_item_id: line.item_id })
  })

  test("a category several rules serve gets each, in the rules' order", () => {
    const rules = { ...fixtureRules, services: [...fixtureRules.services, { service_id: "tv_setup", name: "TV setup", kind: "service_item" as const, price: 2_000, categories: ["tv"] }] }
    expect(servicesForLine(rules, productLine("item_1", "tv")).map((s) => s.service_id)).toEqual(["carry_in", "tv_setup"])
  })
})

describe("pricing", () => {
  test.each<[string, string, number | undefined, number]>([
    ["carry-in for one TV", "carry_in", 1, 4_900],
    ["carry-in for two TVs", "carry_in", 2, 9_800],
    ["assembly for 99 chairs", "assembly", 99, 99 * 9_900],
    ["installation for one", "installation", 1, 14_900],
    ["a gift wrap is per cart", "gift_wrap", undefined, 1_500],
    ["a gift wrap stays per cart, whatever the quantities in it", "gift_wrap", 5, 1_500],
    ["SMS notification", "sms_notification", undefined, 199],
    ["extended support", "extended_support", undefined, 4_900]
  ])("%s → %d", (_, serviceId, parentQuantity, price) => {
    expect(servicePrice(fixtureRules.byId.get(serviceId)!, parentQuantity)).toBe(price)
  })

  test("standalone services are listed with their price and no parent", () => {
    expect(standaloneServices(fixtureRules)).toEqual(STANDALONE)
  })
})

describe("availability of a cart", () => {
  test("an empty cart may have the standalone services and has no services to pay for", () => {
    expect(availability(fixtureRules, [])).toEqual({ services: STANDALONE, total_services_price: 0 })
  })

  test("line by line in cart order, then the standalone ones; the total is what the service lines cost now", () => {
    const lines = [
      productLine("item_1", "tv", { quantity: 2 }),
      productLine("item_2", "furniture"),
      productLine("item_3", "accessory"),
      productLine("item_4", "tv", { type: "warranty", parent_item_id: "item_1" }),
      serviceLine("item_5", "carry_in", 4_900, "item_1", 2),
      serviceLine("item_6", "gift_wrap", 1_500, null)
    ]
    const result = availability(fixtureRules, lines)
    expect(result.services.map((s) => [s.service_id, s.parent_item_id, s.price])).toEqual([
      ["carry_in", "item_1", 9_800],
      ["assembly", "item_2", 9_900],
      ["sms_notification", null, 199],
      ["gift_wrap", null, 1_500],
      ["extended_support", null, 4_900]
    ])
    expect(result.total_services_price).toBe(2 * 4_900 + 1_500)
  })

  test.each<[string, ReadonlyArray<CartSnapshotLine>, number]>([
    ["no service lines", [productLine("item_1", "tv")], 0],
    ["one item service on two units", [productLine("item_1", "tv", { quantity: 2 }), serviceLine("item_2", "carry_in", 4_900, "item_1", 2)], 9_800],
    ["what the cart charged, not today's rules", [productLine("item_1", "tv"), serviceLine("item_2", "carry_in", 3_900, "item_1")], 3_900],
    ["item and standalone services", [productLine("item_1", "furniture"), serviceLine("item_2", "assembly", 9_900, "item_1"), serviceLine("item_3", "sms_notification", 199, null)], 10_099]
  ])("servicesTotal: %s → %d", (_, lines, total) => {
    expect(servicesTotal(lines)).toBe(total)
  })
})
