/**
 * Delivery addresses and their country-specific postal codes (SPEC §4.3: e.g. PL `NN-NNN`). The
 * shop delivers to the countries of `POSTAL_CODE_FORMATS`; each has a pattern and a canonical
 * spelling, so `00-950`, `SW1A 1AA` and `110 00` are stored one way however they were typed
 * (letters upper-cased, runs of spaces collapsed, the optional space of CZ/SK/GB codes put back).
 * A code that does not fit its country is bad input (the field is named); a well-formed country the
 * shop does not deliver to is a rule the request breaks. Pure: no I/O.
 */
import { Result, Schema } from "effect"
import { CountryNotSupported, InvalidAddress } from "./errors.ts"

export const Address = Schema.Struct({
  street: Schema.String,
  city: Schema.String,
  postal_code: Schema.String,
  country: Schema.String
})
export type Address = typeof Address.Type

interface PostalFormat {
  readonly pattern: RegExp
  readonly example: string
  /** The canonical spelling of a code that matched `pattern`. */
  readonly canonical: (match: RegExpExecArray) => string
}

const whole = (match: RegExpExecArray): string => match[0]
const twoParts = (match: RegExpExecArray): string => `${match[1]} ${match[2]}`

export const POSTAL_CODE_FORMATS: Readonly<Record<string, PostalFormat>> = {
  PL: { pattern: /^\d{2}-\d{3}$/, example: "00-950", canonical: whole },
  DE: { pattern: /^\d{5}$/, example: "10115", canonical: whole },
  AT: { pattern: /^\d{4}$/, example: "1010", canonical: whole },
  CZ: { pattern: /^(\d{3}) ?(\d{2})$/, example: "110 00", canonical: twoParts },
  SK: { pattern: /^(\d{3}) ?(\d{2})$/, example: "811 01", canonical: twoParts },
  GB: { pattern: /^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$/, example: "SW1A 1AA", canonical: twoParts }
}

export const SUPPORTED_COUNTRIES: ReadonlyArray<string> = Object.keys(POSTAL_CODE_FORMATS)

export const MAX_STREET = 200
export const MAX_CITY = 100

const tidy = (value: string): string => value.trim().replace(/\s+/g, " ")

/** The canonical postal code, or undefined when it does not fit the country's format. */
export const canonicalPostalCode = (country: string, postalCode: string): string | undefined => {
  const format = POSTAL_CODE_FORMATS[country]
  if (format === undefined) return undefined
  const match = format.pattern.exec(tidy(postalCode).toUpperCase())
  return match === null ? undefined : format.canonical(match)
}

/**
 * The address as it will be stored: trimmed, country upper-cased, postal code canonical; or the
 * first reason it cannot be (every failing field at once for bad input).
 */
export const parseAddress = (input: Address): Result.Result<Address, InvalidAddress | CountryNotSupported> => {
  const street = tidy(input.street)
  const city = tidy(input.city)
  const country = input.country.trim().toUpperCase()
  const errors: Array<{ field: string; message: string }> = []
  if (street === "") errors.push({ field: "street", message: "must not be empty" })
  else if (street.length > MAX_STREET) errors.push({ field: "street", message: `at most ${MAX_STREET} characters` })
  if (city === "") errors.push({ field: "city", message: "must not be empty" })
  else if (city.length > MAX_CITY) errors.push({ field: "city", message: `at most ${MAX_CITY} characters` })
  if (!/^[A-Z]{2}$/.test(country)) errors.push({ field: "country", message: "must be an ISO 3166-1 alpha-2 code, e.g. PL" })
  const format = POSTAL_CODE_FORMATS[country]
  const postal_code = format === undefined ? undefined : canonicalPostalCode(country, input.postal_code)
  if (format !== undefined && postal_code === undefined) {
    errors.push({ field: "postal_code", message: `not a postal code of ${country} (like ${format.example})` })
  }
  if (errors.length > 0) return Result.fail(new InvalidAddress({ errors }))
  if (format === undefined || postal_code === undefined) return Result.fail(new CountryNotSupported({ country, supported: SUPPORTED_COUNTRIES }))
  return Result.succeed({ street, city, postal_code, country })
}
