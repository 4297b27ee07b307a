// Delivery addresses, table-driven: each supported country's postal code format and canonical
// spelling, malformed fields named, and a well-formed country the shop does not deliver to.
import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { type Address, canonicalPostalCode, parseAddress, SUPPORTED_COUNTRIES } from "@kasa/shipping"

const address = (overrides: Partial<Address> = {}): Address => ({ street: "ul. Prosta 1", city: "Warszawa", postal_code: "00-950", country: "PL", ...overrides })

describe("canonicalPostalCode", () => {
  test.each<[string, string, string | undefined]>([
    ["PL", "00-950", "00-950"],
    ["PL", " 31-042 ", "31-042"],
    ["PL", "00950", undefined],
    ["PL", "00-95", undefined],
    ["PL", "0O-950", undefined],
    ["PL", "00 950", undefined],
    ["DE", "10115", "10115"],
    ["DE", "1011", undefined],
    ["DE", "10-115", undefined],
    ["AT", "1010", "1010"],
    ["AT", "10100", undefined],
    ["CZ", "110 00", "110 00"],
    ["CZ", "11000", "110 00"],
    ["CZ", "1100", undefined],
    ["SK", "81101", "811 01"],
    ["GB", "SW1A 1AA", "SW1A 1AA"],
    ["GB", "sw1a1aa", "SW1A 1AA"],
    ["GB", "M1  1AE", "M1 1AE"],
    ["GB", "EC1A 1BB", "EC1A 1BB"],
    ["GB", "12345", undefined],
    ["GB", "SW1A", undefined],
    ["FR", "75001", undefined]
  ])("%s %p → %p", (country, code, expected) => {
    expect(canonicalPostalCode(country, code)).toBe(expected)
  })
})

describe("parseAddress", () => {
  test("stores a tidy address: trimmed, inner spaces collapsed, country upper-cased, postal code canonical", () => {
    const parsed = parseAddress({ street: "  Baker   Street 221b ", city: " London ", postal_code: "nw1 6xe", country: "gb" })
    expect(Result.getOrThrow(parsed)).toEqual({ street: "Baker Street 221b", city: "London", postal_code: "NW1 6XE", country: "GB" })
  })

  test("delivers to PL, DE, AT, CZ, SK and GB", () => {
    expect([...SUPPORTED_COUNTRIES].sort()).toEqual(["AT", "CZ", "DE", "GB", "PL", "SK"])
  })

  test.each<[string, Partial<Address>, ReadonlyArray<string>]>([
    ["an empty street", { street: "  " }, ["street"]],
    ["a street of 201 characters", { street: "x".repeat(201) }, ["street"]],
    ["an empty city", { city: "" }, ["city"]],
    ["a city of 101 characters", { city: "y".repeat(101) }, ["city"]],
    ["a postal code that does not fit PL", { postal_code: "00950" }, ["postal_code"]],
    ["a PL code for DE", { country: "DE" }, ["postal_code"]],
    ["a country that is not a 2-letter code", { country: "POL" }, ["country"]],
    ["a country of digits", { country: "12" }, ["country"]],
    ["several at once", { street: "", city: "", postal_code: "x" }, ["street", "city", "postal_code"]]
  ])("%s is InvalidAddress naming the fields", (_, overrides, fields) => {
    const parsed = parseAddress(address(overrides))
    expect(Result.isFailure(parsed)).toBe(true)
    const failure = Result.isFailure(parsed) ? parsed.failure : undefined
    expect(failure?._tag).toBe("InvalidAddress")
    expect(failure?._tag === "InvalidAddress" ? failure.errors.map((e) => e.field) : []).toEqual([...fields])
  })

  test("a well-formed country the shop does not deliver to is CountryNotSupported", () => {
    const parsed = parseAddress(address({ country: "fr", postal_code: "75001" }))
    expect(Result.isFailure(parsed) && parsed.failure).toMatchObject({ _tag: "CountryNotSupported", country: "FR" })
  })
})
