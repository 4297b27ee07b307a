/**
 * An amount as the hosted page shows it, from integer minor units (never through a float): złoty the
 * Polish way ("1 234,56 zł"), any other currency with its code first ("EUR 1,234.56"), each with as
 * many decimals as the currency has (ISO 4217 via Intl: two for most, none for JPY, three for KWD).
 */

const fractionDigits = (currency: string): number => {
  if (!/^[A-Z]{3}$/.test(currency)) return 2
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

const grouped = (digits: string, separator: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator)

/** `minor` minor units of `currency` written for a person. */
export const formatAmount = (minor: number, currency: string): string => {
  const digits = fractionDigits(currency)
  const abs = BigInt(Math.abs(Math.trunc(minor)))
  const unit = 10n ** BigInt(digits)
  const whole = (abs / unit).toString()
  const fraction = digits === 0 ? "" : (abs % unit).toString().padStart(digits, "0")
  const sign = minor < 0 ? "-" : ""
  if (currency === "PLN") return `${sign}${grouped(whole, " ")}${fraction === "" ? "" : `,${fraction}`} zł`
  return `${sign}${currency} ${grouped(whole, ",")}${fraction === "" ? "" : `.${fraction}`}`
}
