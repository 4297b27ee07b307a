/**
 * Money is an integer count of minor units (grosze, cents) with its ISO 4217 currency. Never floats:
 * arithmetic stays exact and sums across currencies are refused rather than guessed.
 */
import { Schema } from "effect"

export const CurrencyCode = Schema.String.check(Schema.isPattern(/^[A-Z]{3}$/))
export const MinorUnits = Schema.Int

export const Money = Schema.Struct({ amount: MinorUnits, currency: CurrencyCode })
export type Money = typeof Money.Type

export const DEFAULT_CURRENCY = "PLN"

export const money = (amount: number, currency: string = DEFAULT_CURRENCY): Money => {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`money amount must be an integer of minor units, got ${amount}`)
  return { amount, currency }
}

export const zero = (currency: string = DEFAULT_CURRENCY): Money => ({ amount: 0, currency })

const sameCurrency = (a: Money, b: Money): void => {
  if (a.currency !== b.currency) throw new RangeError(`cannot combine ${a.currency} with ${b.currency}`)
}

export const add = (a: Money, b: Money): Money => {
  sameCurrency(a, b)
  return { amount: a.amount + b.amount, currency: a.currency }
}

export const subtract = (a: Money, b: Money): Money => {
  sameCurrency(a, b)
  return { amount: a.amount - b.amount, currency: a.currency }
}

export const multiply = (a: Money, factor: number): Money => {
  if (!Number.isSafeInteger(factor)) throw new RangeError(`money can be multiplied by whole numbers only, got ${factor}`)
  return { amount: a.amount * factor, currency: a.currency }
}

/** `percent` of an amount, rounded down to the minor unit (the shop never rounds a discount up). */
export const percentOf = (a: Money, percent: number): Money => ({
  amount: Math.floor((a.amount * percent) / 100),
  currency: a.currency
})

export const sum = (items: ReadonlyArray<Money>, currency: string = DEFAULT_CURRENCY): Money =>
  items.reduce(add, zero(currency))

export const nonNegative = (a: Money): Money => (a.amount < 0 ? { amount: 0, currency: a.currency } : a)
