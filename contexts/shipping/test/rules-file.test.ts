// The shipping rules file's check (`parseShippingRules`): a file with SPEC §9's numbers gives the
// rules the eligibility code reads; each way a shop owner can get the file wrong is refused with a
// problem naming the failing field (all problems at once, and the file's name in the message).
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { parseShippingRules } from "@kasa/shipping"
import { fixtureShippingRulesFile } from "@kasa/shipping/testing"

const valid = fixtureShippingRulesFile

const problemsOf = (input: unknown): ReadonlyArray<string> => {
  const parsed = parseShippingRules(input, "rules.yaml")
  if (Result.isSuccess(parsed)) throw new Error("expected the rules to be refused")
  expect(parsed.failure._tag).toBe("InvalidShippingRules")
  expect(parsed.failure.message).toStartWith("invalid shipping rules rules.yaml: ")
  return parsed.failure.problems
}

const methods = valid.methods
const addon = valid.addons[0]!

describe("parseShippingRules", () => {
  test("a valid file gives the rules the eligibility code reads", () => {
    expect(parseShippingRules(valid)).toEqual(
      Result.succeed({
        currency: "PLN",
        methods: valid.methods,
        freeCourierFrom: 30_000,
        expressFee: 2_500,
        parcelLockerMaxWeightG: 25_000,
        addons: valid.addons,
        calendarDays: 14,
        timeZone: "Europe/Warsaw"
      })
    )
  })

  test.each<[string, unknown, string]>([
    ["not an object", "courier: 1999", "(file): "],
    ["no currency", { ...valid, currency: undefined }, "currency: "],
    ["a currency that is not a code", { ...valid, currency: "zł" }, "currency: "],
    ["no methods", { ...valid, methods: [] }, "methods: "],
    ["an unknown method", { ...valid, methods: [{ ...methods[0], method_id: "drone" }] }, "methods.0.method_id: "],
    ["a negative price", { ...valid, methods: [methods[0], { ...methods[1], price_amount: -1 }] }, "methods.1.price_amount: "],
    ["a price with a fraction", { ...valid, methods: [{ ...methods[0], price_amount: 19.99 }] }, "methods.0.price_amount: "],
    ["a price as text", { ...valid, methods: [{ ...methods[0], price_amount: "1999" }] }, "methods.0.price_amount: "],
    ["an empty name", { ...valid, methods: [{ ...methods[0], name: "" }] }, "methods.0.name: "],
    ["supports_express missing", { ...valid, methods: [{ ...methods[0], supports_express: undefined }] }, "methods.0.supports_express: "],
    ["the same method twice", { ...valid, methods: [methods[0], methods[0]] }, "methods.1: duplicate of methods.0 (courier)"],
    ["no free-courier threshold", { ...valid, free_courier_from: undefined }, "free_courier_from: "],
    ["a negative express fee", { ...valid, express_fee: -2500 }, "express_fee: "],
    ["a zero parcel locker limit", { ...valid, parcel_locker_max_weight_g: 0 }, "parcel_locker_max_weight_g: "],
    ["an unknown addon", { ...valid, addons: [{ ...addon, addon_id: "saturday_delivery" }] }, "addons.0.addon_id: "],
    ["an addon for an unknown method", { ...valid, addons: [{ ...addon, methods: ["courier", "drone"] }] }, "addons.0.methods.1: "],
    ["an addon for a method not offered", { ...valid, methods: [methods[1], methods[2]] }, "addons.0.methods.0: courier is not one of the methods"],
    ["an addon for no method", { ...valid, addons: [{ ...addon, methods: [] }] }, "addons.0.methods: "],
    ["the same addon twice", { ...valid, addons: [addon, addon] }, "addons.1: duplicate of addons.0 (sunday_delivery)"],
    ["no default calendar", { ...valid, default_calendar: undefined }, "default_calendar: "],
    ["a calendar of no days", { ...valid, default_calendar: { days: 0, time_zone: "Europe/Warsaw" } }, "default_calendar.days: "],
    ["an unknown time zone", { ...valid, default_calendar: { days: 14, time_zone: "Europe/Atlantis" } }, "default_calendar.time_zone: expected an IANA time zone"]
  ])("a file with %s is refused, naming the field", (_, input, problem) => {
    expect(problemsOf(input).some((p) => p.startsWith(problem))).toBe(true)
  })

  test("every problem is reported at once", () => {
    const problems = problemsOf({ ...valid, currency: "zł", express_fee: -1, default_calendar: { days: 0, time_zone: "Nowhere" } })
    expect(problems.map((p) => p.split(":")[0])).toEqual(expect.arrayContaining(["currency", "express_fee", "default_calendar.days", "default_calendar.time_zone"]))
  })
})
