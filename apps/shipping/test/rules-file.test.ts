// The shipping rules as a data file: the file the shop ships holds SPEC §9's numbers; the app reads
// the file SHIPPING_RULES_FILE names (a shop's own prices reach GET /shipping/available); a file that
// is missing, unreadable or breaks a rule stops the start, naming the file and the problem.
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { loadDataFile } from "@kasa/app-platform"
import { defaultShippingRulesFile, parseShippingRules } from "@kasa/shipping"
import { fixtureShippingRulesFile } from "@kasa/shipping/testing"
import { startFailure, startFailureOnFile, writeTempFile } from "@kasa/test-support/app-harness"
import { shippingModule } from "../src/module.ts"
import { shippingRulesFile } from "../src/rules-file.ts"
import { call, cartLine, cartOf, newSession, startShippingApp } from "./fixtures.ts"

const shipped = () => Effect.runPromise(loadDataFile(defaultShippingRulesFile, parseShippingRules, "shipping rules"))

describe("the shipped shipping rules file", () => {
  test("holds SPEC §9's methods, prices, thresholds, addon and default calendar", async () => {
    const rules = await shipped()
    expect(rules.currency).toBe("PLN")
    expect(rules.methods.map((m) => [m.method_id, m.price_amount, m.supports_express])).toEqual([
      ["courier", 1999, true],
      ["parcel_locker", 1299, false],
      ["store_pickup", 0, false],
      ["pallet", 14900, false]
    ])
    expect(rules.freeCourierFrom).toBe(30000)
    expect(rules.expressFee).toBe(2500)
    expect(rules.parcelLockerMaxWeightG).toBe(25000)
    expect(rules.addons.map((a) => [a.addon_id, a.price_amount, a.methods])).toEqual([["sunday_delivery", 2999, ["courier", "pallet"]]])
    expect(rules.calendarDays).toBe(14)
    expect(rules.timeZone).toBe("Europe/Warsaw")
  })

  test("SHIPPING_RULES_FILE names another file; unset or blank, the shipped one", () => {
    expect(shippingRulesFile({})).toBe(defaultShippingRulesFile)
    expect(shippingRulesFile({ SHIPPING_RULES_FILE: "  " })).toBe(defaultShippingRulesFile)
    expect(shippingRulesFile({ SHIPPING_RULES_FILE: "/etc/shop/shipping.yaml" })).toBe("/etc/shop/shipping.yaml")
  })
})

describe("shipping started on a rules file", () => {
  test("a shop's own file (JSON is YAML too) sets the prices GET /shipping/available answers with", async () => {
    const own = await writeTempFile("shipping.json", {
      ...fixtureShippingRulesFile,
      methods: [{ method_id: "courier", name: "Kurier", price_amount: 999, supports_express: false }],
      free_courier_from: 100_000,
      addons: []
    })
    const t = await startShippingApp({ env: { SHIPPING_RULES_FILE: own.file } })
    try {
      const session = newSession()
      await cartOf(t, session, [cartLine("hdmi-cable-2m", { unit_price: 4_999 })])
      const body = (await (await call(t, "GET", "/shipping/available", { session })).json()) as { methods: Array<{ method_id: string; name: string; price_amount: number }> }
      expect(body.methods.map((m) => [m.method_id, m.name, m.price_amount])).toEqual([["courier", "Kurier", 999]])
    } finally {
      await t.app.stop()
      await own.remove()
    }
  })

  test.each<[string, string, string]>([
    ["not YAML", "methods: [unclosed", "not YAML"],
    ["not a rules file", "- courier\n- pallet\n", "(file): "],
    ["a method priced with a fraction", "currency: PLN\nmethods:\n  - { method_id: courier, name: Courier, price_amount: 19.99, supports_express: true }\n", "methods.0.price_amount: "],
    ["an unknown time zone", "default_calendar: { days: 14, time_zone: Mars/Olympus }\n", "default_calendar.time_zone: "]
  ])("a rules file that is %s stops the start, naming the file and the problem", async (_, content, problem) => {
    const { file, message } = await startFailureOnFile("shipping", "shipping_rules.yaml", content, (file) => [shippingModule({ env: { SHIPPING_RULES_FILE: file } })])
    expect(message).toContain(`invalid shipping rules ${file}: `)
    expect(message).toContain(problem)
  })

  test("a rules file that does not exist stops the start, naming it", async () => {
    const missing = "/nonexistent/kasa/shipping_rules.yaml"
    expect(await startFailure("shipping", [shippingModule({ env: { SHIPPING_RULES_FILE: missing } })])).toContain(`invalid shipping rules ${missing}: cannot read the file`)
  })
})
