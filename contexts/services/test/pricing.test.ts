// The rules behind the cart's ServicePricing port, table-driven: which service lines are accepted
// (price, name, the quantity the line takes) and every refusal with its reason.
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { quoteServiceLine, type ServiceLineQuote, type ServiceLineRequest, type ServiceParent } from "@kasa/services"
import { fixtureRules } from "@kasa/services/testing"

const line = (category: string, quantity = 1): ServiceParent => ({ item_id: "item_1", category, quantity })

describe("quoteServiceLine accepts", () => {
  test.each<[string, ServiceLineRequest, Omit<ServiceLineQuote, "service_id" | "currency">]>([
    ["carry-in on a TV", { service_id: "carry_in", parent: line("tv") }, { name: "Carry-in", kind: "service_item", unit_price: 4_900, quantity: 1 }],
    ["carry-in on two fridges: per unit, the line takes their quantity", { service_id: "carry_in", parent: line("appliance", 2) }, { name: "Carry-in", kind: "service_item", unit_price: 4_900, quantity: 2 }],
    ["assembly on furniture", { service_id: "assembly", parent: line("furniture", 3) }, { name: "Assembly", kind: "service_item", unit_price: 9_900, quantity: 3 }],
    ["installation on equipment", { service_id: "installation", parent: line("equipment") }, { name: "Installation", kind: "service_item", unit_price: 14_900, quantity: 1 }],
    ["a gift wrap for the cart", { service_id: "gift_wrap", parent: undefined }, { name: "Gift wrap", kind: "service_standalone", unit_price: 1_500, quantity: 1 }],
    ["SMS notification", { service_id: "sms_notification", parent: undefined }, { name: "SMS notification", kind: "service_standalone", unit_price: 199, quantity: 1 }],
    ["extended support", { service_id: "extended_support", parent: undefined }, { name: "Extended support", kind: "service_standalone", unit_price: 4_900, quantity: 1 }]
  ])("%s", (_, request, expected) => {
    expect(Result.getOrThrow(quoteServiceLine(fixtureRules, request))).toEqual({ service_id: request.service_id, currency: "PLN", ...expected })
  })
})

describe("quoteServiceLine refuses", () => {
  test.each<[string, ServiceLineRequest, string, string]>([
    ["an unknown service", { service_id: "teleport", parent: line("tv") }, "UnknownService", "there is no service teleport"],
    ["an unknown standalone service", { service_id: "teleport", parent: undefined }, "UnknownService", "there is no service teleport"],
    ["carry-in on furniture", { service_id: "carry_in", parent: line("furniture") }, "ServiceNotForCategory", "carry_in is offered for appliance, tv, not for furniture"],
    ["assembly on a TV", { service_id: "assembly", parent: line("tv") }, "ServiceNotForCategory", "assembly is offered for furniture, not for tv"],
    ["installation on an accessory", { service_id: "installation", parent: line("accessory") }, "ServiceNotForCategory", "installation is offered for equipment, not for accessory"],
    ["carry-in without a line", { service_id: "carry_in", parent: undefined }, "ServiceNeedsLine", "carry_in is a service for a cart line: give parent_item_id"],
    ["a gift wrap on a line", { service_id: "gift_wrap", parent: line("tv") }, "StandaloneServiceOnLine", "gift_wrap is a service for the whole cart: it is not attached to a line"]
  ])("%s → %s", (_, request, tag, reason) => {
    const quoted = quoteServiceLine(fixtureRules, request)
    expect(Result.isFailure(quoted) ? [quoted.failure._tag, quoted.failure.message] : "accepted").toEqual([tag, reason])
  })
})
