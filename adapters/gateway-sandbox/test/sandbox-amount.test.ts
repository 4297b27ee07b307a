// The hosted page's amounts as a table: integer minor units in, each currency's decimals out.
import { expect, test } from "bun:test"
import { formatAmount } from "../src/sandbox-amount.ts"

test.each([
  [123_456, "PLN", "1 234,56 zł"],
  [5, "PLN", "0,05 zł"],
  [0, "PLN", "0,00 zł"],
  [123_456_789, "PLN", "1 234 567,89 zł"],
  [-1_050, "PLN", "-10,50 zł"],
  [123_456, "EUR", "EUR 1,234.56"],
  [99, "USD", "USD 0.99"],
  [1_234, "JPY", "JPY 1,234"],
  [1_234_567, "KWD", "KWD 1,234.567"],
  [1_000, "<b>", "<b> 10.00"]
])("%i %s", (minor, currency, expected) => {
  expect(formatAmount(minor, currency)).toBe(expected)
})
