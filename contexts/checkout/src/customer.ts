/**
 * The shopper's data and consents (SPEC §4.7 `POST /checkout/customer-data`, `POST /checkout/consents`):
 * the request Schemas (the shape, checked at the HTTP edge) and the rules a well-shaped body must still
 * meet, as pure functions. Decisions where SPEC is silent:
 * - email: trimmed, one `@`, a dot-atom local part (at most 64 characters) and a domain of at least two
 *   labels with a letter-only top level; the domain is lower-cased, the local part kept as typed. Not
 *   a full RFC 5322 parser: quoted local parts and IP-literal domains are refused.
 * - phone (optional): digits with spaces, dashes, dots or parentheses and an optional leading `+`,
 *   7 to 15 digits (E.164's maximum); stored tidied (single spaces).
 * - NIP (the invoice's `tax_id`): 10 digits, spaces and dashes ignored, an optional `PL` prefix (the EU
 *   VAT form of a Polish NIP) accepted in any case; stored as the bare 10 digits. The checksum: digits
 *   1..9 weighted 6,5,7,2,3,4,5,6,7, sum mod 11 must equal digit 10 (a remainder of 10 is never valid).
 *   A NIP starting with 0 is refused too: its first three digits are a tax office code, none of which
 *   starts with 0 (this also refuses the all-zero number the checksum alone lets through). A foreign
 *   VAT id is refused: only a Polish NIP can be checked.
 * - invoice address: the same four fields as a delivery address, each required; its postal code is
 *   not checked against a country format (that is shipping's rule for where it delivers).
 */
import { Result, Schema } from "effect"
import { type FieldProblem, InvalidCustomerData } from "./errors.ts"
import { Address } from "./consumed-events.ts"

export const InvoiceData = Schema.Struct({ company_name: Schema.String, tax_id: Schema.String, address: Address })
export type InvoiceData = typeof InvoiceData.Type

/** The body of `POST /checkout/customer-data`, and (after `parseCustomerData`) the stored customer. */
export const CustomerData = Schema.Struct({
  email: Schema.String,
  first_name: Schema.String,
  last_name: Schema.String,
  phone: Schema.optionalKey(Schema.String),
  invoice: Schema.optionalKey(InvoiceData)
})
export type CustomerData = typeof CustomerData.Type

/** The body of `POST /checkout/consents`. */
export const ConsentsRequest = Schema.Struct({
  terms_accepted: Schema.Boolean,
  privacy_accepted: Schema.Boolean,
  marketing_opt_in: Schema.optionalKey(Schema.Boolean)
})
export type ConsentsRequest = typeof ConsentsRequest.Type

/** The consents as stored: marketing is opted out unless asked for. */
export const Consents = Schema.Struct({ terms_accepted: Schema.Boolean, privacy_accepted: Schema.Boolean, marketing_opt_in: Schema.Boolean })
export type Consents = typeof Consents.Type

export const toConsents = (request: ConsentsRequest): Consents => ({
  terms_accepted: request.terms_accepted,
  privacy_accepted: request.privacy_accepted,
  marketing_opt_in: request.marketing_opt_in ?? false
})

/** Whether the consents SPEC requires for finalize are given (terms and privacy). */
export const requiredConsentsGiven = (consents: Consents | undefined): boolean => consents !== undefined && consents.terms_accepted && consents.privacy_accepted

export const MAX_NAME = 100
export const MAX_EMAIL = 254

const NIP_WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7] as const

/** The NIP as its 10 digits, or undefined when it is not a valid Polish NIP (see the file comment). */
export const canonicalNip = (taxId: string): string | undefined => {
  const compact = taxId.replace(/[\s-]/g, "").replace(/^pl/i, "")
  if (!/^[1-9]\d{9}$/.test(compact)) return undefined
  const digits = Array.from(compact, Number)
  const remainder = NIP_WEIGHTS.reduce((sum, weight, i) => sum + weight * digits[i]!, 0) % 11
  return remainder === digits[9] ? compact : undefined
}

export const isValidNip = (taxId: string): boolean => canonicalNip(taxId) !== undefined

const localPart = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const domainLabel = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/

/** The email as stored (trimmed, domain lower-cased), or undefined when it does not look like one. */
export const canonicalEmail = (email: string): string | undefined => {
  const trimmed = email.trim()
  const at = trimmed.lastIndexOf("@")
  if (at <= 0 || trimmed.length > MAX_EMAIL) return undefined
  const local = trimmed.slice(0, at)
  const domain = trimmed.slice(at + 1).toLowerCase()
  const labels = domain.split(".")
  const valid = local.length <= 64 && localPart.test(local) && labels.length >= 2 && labels.every((l) => domainLabel.test(l)) && /^[a-z]{2,}$/.test(labels.at(-1)!)
  return valid ? `${local}@${domain}` : undefined
}

export const isValidEmail = (email: string): boolean => canonicalEmail(email) !== undefined

const tidy = (value: string): string => value.trim().replace(/\s+/g, " ")

/** The phone as stored (tidied), or undefined when it is not one. */
export const canonicalPhone = (phone: string): string | undefined => {
  const tidied = tidy(phone)
  if (!/^\+?[\d\s().-]+$/.test(tidied)) return undefined
  const digits = tidied.replace(/\D/g, "").length
  return digits >= 7 && digits <= 15 ? tidied : undefined
}

/** A required text: tidied, not empty, at most `max` characters; records the problem under `field`. */
const text = (value: string, field: string, max: number, problems: Array<FieldProblem>): string => {
  const tidied = tidy(value)
  if (tidied === "") problems.push({ field, message: "must not be empty" })
  else if (tidied.length > max) problems.push({ field, message: `at most ${max} characters` })
  return tidied
}

const parseInvoice = (invoice: InvoiceData, problems: Array<FieldProblem>): InvoiceData => {
  const tax_id = canonicalNip(invoice.tax_id)
  if (tax_id === undefined) problems.push({ field: "invoice.tax_id", message: "not a valid Polish NIP (10 digits with a correct checksum)" })
  const country = invoice.address.country.trim().toUpperCase()
  if (!/^[A-Z]{2}$/.test(country)) problems.push({ field: "invoice.address.country", message: "must be an ISO 3166-1 alpha-2 code, e.g. PL" })
  return {
    company_name: text(invoice.company_name, "invoice.company_name", 200, problems),
    tax_id: tax_id ?? invoice.tax_id,
    address: {
      street: text(invoice.address.street, "invoice.address.street", 200, problems),
      city: text(invoice.address.city, "invoice.address.city", MAX_NAME, problems),
      postal_code: text(invoice.address.postal_code, "invoice.address.postal_code", 16, problems),
      country
    }
  }
}

/** The customer data as it will be stored (tidied, canonical email, phone and NIP), or every failing field. */
export const parseCustomerData = (input: CustomerData): Result.Result<CustomerData, InvalidCustomerData> => {
  const problems: Array<FieldProblem> = []
  const email = canonicalEmail(input.email)
  if (email === undefined) problems.push({ field: "email", message: "not an email address" })
  const first_name = text(input.first_name, "first_name", MAX_NAME, problems)
  const last_name = text(input.last_name, "last_name", MAX_NAME, problems)
  const phone = input.phone === undefined ? undefined : canonicalPhone(input.phone)
  if (input.phone !== undefined && phone === undefined) problems.push({ field: "phone", message: "7 to 15 digits, optionally with +, spaces, dashes or parentheses" })
  const invoice = input.invoice === undefined ? undefined : parseInvoice(input.invoice, problems)
  if (problems.length > 0 || email === undefined) return Result.fail(new InvalidCustomerData({ fields: problems }))
  return Result.succeed({
    email,
    first_name,
    last_name,
    ...(phone === undefined ? {} : { phone }),
    ...(invoice === undefined ? {} : { invoice })
  })
}
