/**
 * The sandbox's webhook signature, modelled on Stripe's: the header
 * `x-sandbox-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`. Signing the
 * timestamp with the body lets the shop refuse an old delivery replayed later (a signature older, or
 * further in the future, than the tolerance), and comparing in constant time keeps the signature from
 * leaking byte by byte. Pure functions over the bytes: the gateway (verify) and the webhook sender
 * (sign) share them.
 */
import { createHmac, timingSafeEqual } from "node:crypto"

export const SIGNATURE_HEADER = "x-sandbox-signature"

/** How far a signature's timestamp may be from now, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300

export const signatureOf = (secret: string, timestamp: number, body: string): string =>
  createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")

/** The header's value for `body` signed at `timestamp` (unix seconds). */
export const signatureHeader = (secret: string, timestamp: number, body: string): string => `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`

export interface ParsedSignature {
  readonly timestamp: number
  /** Every `v1` given (a sender rotating its secret may send two). */
  readonly signatures: ReadonlyArray<string>
}

const HEX_SHA256 = /^[0-9a-f]{64}$/

/** The header's parts, or why it cannot be read. */
export const parseSignatureHeader = (header: string): ParsedSignature | string => {
  let timestamp: number | undefined
  const signatures: Array<string> = []
  for (const part of header.split(",")) {
    const eq = part.indexOf("=")
    if (eq <= 0) return "malformed signature header: expected t=<seconds>,v1=<hex>"
    const name = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (name === "t") {
      if (!/^[0-9]{1,12}$/.test(value)) return "malformed signature header: t is not unix seconds"
      timestamp = Number(value)
    } else if (name === "v1") {
      if (!HEX_SHA256.test(value)) return "malformed signature header: v1 is not a hex SHA-256"
      signatures.push(value)
    }
  }
  if (timestamp === undefined) return "malformed signature header: no t"
  if (signatures.length === 0) return "malformed signature header: no v1"
  return { timestamp, signatures }
}

/** Whether one of `signatures` is the body's, compared in constant time. */
export const signatureMatches = (secret: string, parsed: ParsedSignature, body: string): boolean => {
  const expected = Buffer.from(signatureOf(secret, parsed.timestamp, body), "hex")
  let matched = false
  for (const given of parsed.signatures) {
    // Every candidate is compared (no early exit), each in constant time: both are 32 bytes.
    if (timingSafeEqual(expected, Buffer.from(given, "hex"))) matched = true
  }
  return matched
}

/** Why a signature is refused at `nowSeconds`, or undefined when it is the body's and fresh. */
export const signatureProblem = (secret: string, header: string | undefined, body: string, nowSeconds: number): string | undefined => {
  if (header === undefined || header.trim() === "") return `missing ${SIGNATURE_HEADER} header`
  const parsed = parseSignatureHeader(header)
  if (typeof parsed === "string") return parsed
  if (!signatureMatches(secret, parsed, body)) return "signature does not match the body"
  const age = nowSeconds - parsed.timestamp
  if (age > SIGNATURE_TOLERANCE_SECONDS) return `stale signature: signed ${age} s ago (tolerance ${SIGNATURE_TOLERANCE_SECONDS} s)`
  if (age < -SIGNATURE_TOLERANCE_SECONDS) return `signature timestamp ${-age} s in the future (tolerance ${SIGNATURE_TOLERANCE_SECONDS} s)`
  return undefined
}
