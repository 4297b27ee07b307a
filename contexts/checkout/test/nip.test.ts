// The Polish NIP checksum (digits 1..9 weighted 6,5,7,2,3,4,5,6,7, sum mod 11 = digit 10), table-driven:
// valid numbers computed by hand in the accepted spellings (dashes, spaces, a PL prefix), and numbers
// that fail on the checksum, the remainder 10, the length, a leading 0, letters or a foreign prefix.
import { describe, expect, test } from "bun:test"
import { canonicalNip, isValidNip } from "@kasa/checkout"

describe("isValidNip and canonicalNip", () => {
  test.each<[string, string]>([
    // 6·1+5·2+7·3+2·4+3·5+4·6+5·3+6·2+7·1 = 118, 118 mod 11 = 8
    ["1234563218", "1234563218"],
    ["123-456-32-18", "1234563218"],
    ["123-45-63-218", "1234563218"],
    ["123 456 32 18", "1234563218"],
    ["PL1234563218", "1234563218"],
    ["pl 123-456-32-18", "1234563218"],
    [" PL 5260250920 ", "5260250920"], // sum 165, remainder 0
    ["7790000008", "7790000008"], // 7·6+7·5+9·7 = 140, remainder 8
    ["951-234-56-75", "9512345675"], // remainder 5
    ["1070001117", "1070001117"], // remainder 7
    ["7250000016", "7250000016"], // remainder 6
    ["1111111111", "1111111111"] // 45 mod 11 = 1
  ])("%s is valid, stored as %s", (input, canonical) => {
    expect(isValidNip(input)).toBe(true)
    expect(canonicalNip(input)).toBe(canonical)
  })

  test.each<[string, string]>([
    ["1234563217", "wrong check digit"],
    ["1234563219", "wrong check digit"],
    ["5260250921", "wrong check digit"],
    ["1234567890", "remainder 10 (never valid, whatever the last digit)"],
    ["1234567891", "remainder 10 (never valid, whatever the last digit)"],
    ["0000000000", "leading 0: no tax office code starts with 0 (the checksum alone passes it)"],
    ["0123456789", "leading 0"],
    ["123456321", "9 digits"],
    ["12345632188", "11 digits"],
    ["123-456-32-1A", "a letter"],
    ["DE1234563218", "a foreign prefix"],
    ["PLPL1234563218", "the prefix twice"],
    ["123.456.32.18", "dots are not an accepted separator"],
    ["", "empty"]
  ])("%s is refused (%s)", (input) => {
    expect(isValidNip(input)).toBe(false)
    expect(canonicalNip(input)).toBeUndefined()
  })
})
