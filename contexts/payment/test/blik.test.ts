// A BLIK code is exactly six ASCII digits; anything else is InvalidBlikCode, which never repeats the code.
import { describe, expect, test } from "bun:test"
import { Result, Schema } from "effect"
import { BlikCode, parseBlikCode } from "@kasa/payment"

describe("parseBlikCode", () => {
  test.each(["123456", "000000", "777777", "999999"])("%p is a BLIK code", (input) => {
    expect(parseBlikCode(input)).toEqual(Result.succeed(input as BlikCode))
    expect(Schema.is(BlikCode)(input)).toBe(true)
  })

  test.each<[string, unknown]>([
    ["five digits", "12345"],
    ["seven digits", "1234567"],
    ["empty", ""],
    ["a space inside", "123 456"],
    ["a leading space", " 123456"],
    ["a trailing newline", "123456\n"],
    ["a dash", "123-456"],
    ["letters", "12345a"],
    ["Arabic-Indic digits", "١٢٣٤٥٦"],
    ["fullwidth digits", "１２３４５６"],
    ["a number, not a string", 123456],
    ["null", null],
    ["undefined", undefined]
  ])("%s is InvalidBlikCode", (_name, input) => {
    const result = parseBlikCode(input)
    expect(Result.isFailure(result) && result.failure._tag).toBe("InvalidBlikCode")
    if (Result.isFailure(result) && typeof input === "string" && input.length > 0) expect(JSON.stringify(result.failure)).not.toContain(input)
    expect(Schema.is(BlikCode)(input)).toBe(false)
  })
})
