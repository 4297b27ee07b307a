// The services rules file: the shipped file holds exactly SPEC §9's services and prices, valid files
// parse into rules, and every kind of broken file is refused naming each problem.
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { defaultServicesRulesFile, parseServicesRules, type ServicesRules } from "@kasa/services"
import { fixtureRulesFile } from "@kasa/services/testing"

const shipped = async (): Promise<ServicesRules> => {
  const text = await Bun.file(defaultServicesRulesFile).text()
  return Result.getOrThrow(parseServicesRules(Bun.YAML.parse(text), "services_rules.yaml"))
}

describe("the shipped services_rules.yaml", () => {
  test("holds SPEC §9's services: item-bound per unit of the parent, standalone per cart, in PLN", async () => {
    const rules = await shipped()
    expect(rules.currency).toBe("PLN")
    expect(rules.services.map((r) => [r.service_id, r.kind, r.price, r.categories ?? null])).toEqual([
      ["carry_in", "service_item", 4_900, ["appliance", "tv"]],
      ["assembly", "service_item", 9_900, ["furniture"]],
      ["installation", "service_item", 14_900, ["equipment"]],
      ["sms_notification", "service_standalone", 199, null],
      ["gift_wrap", "service_standalone", 1_500, null],
      ["extended_support", "service_standalone", 4_900, null]
    ])
    for (const rule of rules.services) expect(rule.name.length).toBeGreaterThan(0)
  })
})

describe("parseServicesRules", () => {
  test("indexes the rules by id and fingerprints them", () => {
    const rules = Result.getOrThrow(parseServicesRules(fixtureRulesFile))
    expect([...rules.byId.keys()]).toEqual(fixtureRulesFile.services.map((r) => r.service_id))
    expect(rules.fingerprint).toMatch(/^[0-9a-f]{16}$/)
  })

  test("equal rules fingerprint equally; any change of a price, a category or a name changes the fingerprint", () => {
    const base = Result.getOrThrow(parseServicesRules(fixtureRulesFile)).fingerprint
    expect(Result.getOrThrow(parseServicesRules(structuredClone(fixtureRulesFile))).fingerprint).toBe(base)
    const changed = (edit: (file: { services: Array<Record<string, unknown>> }) => void) => {
      const file = structuredClone(fixtureRulesFile) as unknown as { currency: string; services: Array<Record<string, unknown>> }
      edit(file)
      return Result.getOrThrow(parseServicesRules(file)).fingerprint
    }
    expect(changed((f) => (f.services[0]!.price = 5_000))).not.toBe(base)
    expect(changed((f) => (f.services[0]!.categories = ["tv"]))).not.toBe(base)
    expect(changed((f) => (f.services[3]!.name = "SMS"))).not.toBe(base)
  })

  test("an empty list is a shop that offers no services", () => {
    expect(Result.getOrThrow(parseServicesRules({ currency: "PLN", services: [] })).services).toEqual([])
  })

  const item = { service_id: "carry_in", name: "Carry-in", kind: "service_item", price: 4_900, categories: ["tv"] }
  const standalone = { service_id: "gift_wrap", name: "Gift wrap", kind: "service_standalone", price: 1_500 }
  test.each<[string, unknown, string]>([
    ["not a mapping", "services: none", "(file)"],
    ["no currency", { services: [item] }, "currency"],
    ["a currency that is not ISO 4217", { currency: "zł", services: [item] }, "currency"],
    ["no services list", { currency: "PLN" }, "services"],
    ["a price with decimals", { currency: "PLN", services: [{ ...item, price: 49.0001 }] }, "services.0.price"],
    ["a price as a string", { currency: "PLN", services: [{ ...item, price: "49.00" }] }, "services.0.price"],
    ["a negative price", { currency: "PLN", services: [{ ...item, price: -1 }] }, "services.0.price"],
    ["an unknown kind", { currency: "PLN", services: [{ ...item, kind: "service_bundle" }] }, "services.0.kind"],
    ["a service id with spaces", { currency: "PLN", services: [{ ...item, service_id: "carry in" }] }, "services.0.service_id"],
    ["an empty name", { currency: "PLN", services: [{ ...item, name: "" }] }, "services.0.name"],
    ["an item service without categories", { currency: "PLN", services: [{ ...item, categories: undefined }] }, "services[0] (carry_in).categories"],
    ["an item service with an empty category list", { currency: "PLN", services: [{ ...item, categories: [] }] }, "services[0] (carry_in).categories"],
    ["a standalone service with categories", { currency: "PLN", services: [{ ...standalone, categories: ["tv"] }] }, "services[0] (gift_wrap).categories"],
    ["a service listed twice", { currency: "PLN", services: [item, standalone, { ...item, price: 1 }] }, "services[2].service_id: duplicate of services[0] (carry_in)"]
  ])("%s is refused, naming the field", (_, input, named) => {
    // Through JSON, as a parsed file would arrive (an `undefined` field is simply absent).
    const parsed = parseServicesRules(JSON.parse(JSON.stringify(input)), "rules.yaml")
    expect(Result.isFailure(parsed)).toBe(true)
    if (Result.isSuccess(parsed)) return
    expect(parsed.failure._tag).toBe("InvalidServicesRules")
    expect(parsed.failure.source).toBe("rules.yaml")
    expect(parsed.failure.problems.join("\n")).toContain(named)
    expect(parsed.failure.message).toStartWith("invalid services rules rules.yaml: ")
  })
})
