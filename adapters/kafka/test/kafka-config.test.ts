// Static membership ids: stable for one instance and group, distinct for two members of a group in one process.
import { describe, expect, test } from "bun:test"
import { groupInstanceId, resolveKafkaOptions } from "../src/kafka-config.ts"

describe("groupInstanceId", () => {
  test.each([
    [undefined, "cart", [], undefined],
    ["host-3000", "cart", [], "host-3000-cart"],
    ["host-3000", "cart", ["host-3000-shipping"], "host-3000-cart"],
    ["host-3000", "cart", ["host-3000-cart"], "host-3000-cart-2"],
    ["host-3000", "cart", ["host-3000-cart", "host-3000-cart-2"], "host-3000-cart-3"],
    ["my host", "cart", [], "my_host-cart"]
  ] as const)("instance %p, group %p, taken %p → %p", (instance, group, taken, expected) => {
    expect(groupInstanceId(instance, group, new Set(taken))).toBe(expected)
  })

  test("a blank instance id means dynamic membership", () => {
    expect(resolveKafkaOptions({ brokers: ["a:1"], clientId: "c", instanceId: "  " }).instanceId).toBeUndefined()
  })
})
