// Money: exact integer arithmetic in minor units, currencies never mixed.
import { describe, expect, test } from "bun:test"
import { Money } from "@kasa/shared"

describe("money", () => {
  test.each([
    [1999, 10, 199],
    [1999, 50, 999],
    [12345, 10, 1234],
    [1, 50, 0],
    [0, 10, 0]
  ])("%i × %i%% rounds down to %i", (amount, percent, expected) => {
    expect(Money.percentOf(Money.money(amount), percent).amount).toBe(expected)
  })

  test("sums and subtracts in one currency", () => {
    expect(Money.sum([Money.money(100), Money.money(250)])).toEqual({ amount: 350, currency: "PLN" })
    expect(Money.subtract(Money.money(100), Money.money(250))).toEqual({ amount: -150, currency: "PLN" })
    expect(Money.nonNegative(Money.money(-5))).toEqual({ amount: 0, currency: "PLN" })
  })

  test("refuses floats and mixed currencies", () => {
    expect(() => Money.money(19.99)).toThrow("integer")
    expect(() => Money.add(Money.money(1, "PLN"), Money.money(1, "EUR"))).toThrow("cannot combine PLN with EUR")
    expect(() => Money.multiply(Money.money(1), 1.5)).toThrow()
  })
})
