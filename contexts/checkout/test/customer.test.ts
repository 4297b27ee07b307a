// The shopper's data and consents, table-driven: emails, phones and names accepted (and stored tidied)
// or refused with every failing field named; the invoice's NIP checked and stored as 10 digits; the
// consents' marketing default; the request Schemas' optional keys.
import { describe, expect, test } from "bun:test"
import { Result, Schema } from "effect"
import { canonicalEmail, canonicalPhone, ConsentsRequest, CustomerData, parseCustomerData, requiredConsentsGiven, toConsents } from "@kasa/checkout"

const valid: CustomerData = { email: "jan@example.pl", first_name: "Jan", last_name: "Kowalski" }
const invoice = { company_name: "Kasa sp. z o.o.", tax_id: "PL 123-456-32-18", address: { street: "Prosta 1", city: "Kraków", postal_code: "30-001", country: "pl" } }

const canonical = { email: canonicalEmail, phone: canonicalPhone }

describe("canonicalEmail and canonicalPhone", () => {
  test.each<[keyof typeof canonical, string, string | undefined]>([
    ["email", "jan@example.pl", "jan@example.pl"],
    ["email", "  Jan.Kowalski+shop@Example.COM ", "Jan.Kowalski+shop@example.com"],
    ["email", "o'brien@mail.example.co.uk", "o'brien@mail.example.co.uk"],
    ["email", "jan@localhost", undefined],
    ["email", "jan@example", undefined],
    ["email", "jan@example.c0m", undefined],
    ["email", "jan.@example.pl", undefined],
    ["email", "j..an@example.pl", undefined],
    ["email", "jan@-example.pl", undefined],
    ["email", "jan@exa mple.pl", undefined],
    ["email", "@example.pl", undefined],
    ["email", "jan", undefined],
    ["email", `${"a".repeat(65)}@example.pl`, undefined],
    ["email", '"jan"@example.pl', undefined],
    ["phone", "+48 600 100 200", "+48 600 100 200"],
    ["phone", "600-100-200", "600-100-200"],
    ["phone", " (22)  123 45 67 ", "(22) 123 45 67"],
    ["phone", "123456", undefined],
    ["phone", "+48 600 100 200 300 400", undefined],
    ["phone", "600 100 2OO", undefined],
    ["phone", "48+600100200", undefined]
  ])("%s %s → %s", (field, input, stored) => {
    expect(canonical[field](input)).toBe(stored)
  })
})

describe("parseCustomerData", () => {
  test("stores the data tidied, the NIP as its digits and the invoice country upper-cased", () => {
    const parsed = parseCustomerData({ ...valid, email: " jan@EXAMPLE.pl", first_name: "  Jan  Maria ", phone: "+48  600 100 200", invoice })
    expect(parsed).toEqual(
      Result.succeed({
        email: "jan@example.pl",
        first_name: "Jan Maria",
        last_name: "Kowalski",
        phone: "+48 600 100 200",
        invoice: { ...invoice, tax_id: "1234563218", address: { ...invoice.address, country: "PL" } }
      })
    )
  })

  test.each<[string, CustomerData, Array<string>]>([
    ["a bad email", { ...valid, email: "jan(at)example.pl" }, ["email"]],
    ["empty names", { ...valid, first_name: " ", last_name: "" }, ["first_name", "last_name"]],
    ["a name too long", { ...valid, last_name: "x".repeat(101) }, ["last_name"]],
    ["a bad phone", { ...valid, phone: "call me" }, ["phone"]],
    ["a bad NIP", { ...valid, invoice: { ...invoice, tax_id: "123-456-32-17" } }, ["invoice.tax_id"]],
    ["an incomplete invoice", { ...valid, invoice: { ...invoice, company_name: "", address: { street: "", city: "Kraków", postal_code: "", country: "Poland" } } }, ["invoice.address.country", "invoice.company_name", "invoice.address.street", "invoice.address.postal_code"]],
    ["everything at once", { email: "x", first_name: "", last_name: "", phone: "1" }, ["email", "first_name", "last_name", "phone"]]
  ])("%s is refused naming %j", (_name, input, fields) => {
    const result = parseCustomerData(input)
    expect(Result.isFailure(result) && result.failure._tag).toBe("InvalidCustomerData")
    expect(Result.isFailure(result) ? result.failure.fields.map((f) => f.field) : []).toEqual(fields)
  })
})

describe("the request Schemas and consents", () => {
  test.each<[string, unknown, boolean]>([
    ["customer data without phone or invoice", valid, true],
    ["customer data with both", { ...valid, phone: "600100200", invoice }, true],
    ["customer data without a last name", { email: "jan@example.pl", first_name: "Jan" }, false],
    ["an invoice without a tax id", { ...valid, invoice: { company_name: "K", address: invoice.address } }, false]
  ])("CustomerData: %s", (_name, body, ok) => {
    expect(Schema.is(CustomerData)(body)).toBe(ok)
  })

  test.each<[unknown, boolean]>([
    [{ terms_accepted: true, privacy_accepted: true }, true],
    [{ terms_accepted: true, privacy_accepted: false, marketing_opt_in: true }, true],
    [{ terms_accepted: "yes", privacy_accepted: true }, false],
    [{ terms_accepted: true }, false]
  ])("ConsentsRequest %j decodes: %s", (body, ok) => {
    expect(Schema.is(ConsentsRequest)(body)).toBe(ok)
  })

  test.each<[string, Parameters<typeof toConsents>[0], boolean, boolean]>([
    ["both required given, marketing left out", { terms_accepted: true, privacy_accepted: true }, false, true],
    ["marketing opted in", { terms_accepted: true, privacy_accepted: true, marketing_opt_in: true }, true, true],
    ["terms refused", { terms_accepted: false, privacy_accepted: true, marketing_opt_in: true }, true, false],
    ["privacy refused", { terms_accepted: true, privacy_accepted: false }, false, false]
  ])("toConsents: %s", (_name, request, marketing, required) => {
    const consents = toConsents(request)
    expect(consents.marketing_opt_in).toBe(marketing)
    expect(requiredConsentsGiven(consents)).toBe(required)
  })

  test("no consents stored is not consent", () => {
    expect(requiredConsentsGiven(undefined)).toBe(false)
  })
})
