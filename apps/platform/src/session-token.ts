/**
 * Session tokens (SPEC §2): what a client holds in `X-Session-Id`, and the `session_id` everything
 * behind the HTTP edge uses instead. A token is `st_<24 base62 random>.<HMAC-SHA256 of that, base64url>`:
 * about 142 random bits, signed with the app's secret, so a token the server did not issue, or an
 * altered one, fails the (constant-time) check. The token is a bearer credential and stays at the
 * edge; the `session_id` in events, Kafka keys, Redis keys, logs, spans and API bodies is
 * `sess_` + 128 bits of SHA-256 over the token's random part: stable for the token, one-way, and
 * useless as a credential (without the random part there is no token, even to someone holding the
 * secret). Checking a token is one HMAC and one hash, a few microseconds; the last few thousand tokens
 * that passed are remembered, so a shopper's next request skips it.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import { Context, Redacted } from "effect"
import { randomToken } from "@kasa/shared"

/** A session as the edge knows it: the token the client holds and the id everything else uses. */
export interface Session {
  readonly token: string
  readonly id: string
}

export class SessionTokens extends Context.Service<
  SessionTokens,
  {
    /** A new session: a fresh signed token and its session_id. */
    readonly issue: () => Session
    /** The session_id of a token this app's secret signed, or undefined for any other string. */
    readonly verify: (token: string) => string | undefined
  }
>()("@kasa/app-platform/SessionTokens") {}

/**
 * How many verified tokens an app remembers: a shopper sends the same token with every request, and
 * checking it (an HMAC and a hash) was a few percent of add-to-cart's CPU. Oldest forgotten first.
 */
const VERIFIED_CACHE_SIZE = 4_096

const tokenPattern = /^st_[0-9A-Za-z]{24}\.[0-9A-Za-z_-]{43}$/
const bodyLength = "st_".length + 24

/** The session_id of a well-formed token (signed or not: callers verify first). */
export const sessionIdOf = (token: string): string =>
  `sess_${createHash("sha256").update(token.slice("st_".length, bodyLength)).digest("hex").slice(0, 32)}`

/** The token service for one secret (SESSION_SECRET, or a random one per process). */
export const sessionTokens = (secret: Redacted.Redacted<string> | Uint8Array): typeof SessionTokens.Service => {
  const key = secret instanceof Uint8Array ? secret : Buffer.from(Redacted.value(secret), "utf8")
  // Bun's hasher: half the cost of node:crypto's createHmac on this path (every session request).
  const sign = (body: string): string => new Bun.CryptoHasher("sha256", key).update(body).digest("base64url")
  // Tokens this secret signed, by the whole token: only a token that passed the check is kept, so an
  // altered one is never found here and still gets the constant-time comparison.
  const verified = new Map<string, string>()
  return SessionTokens.of({
    issue: () => {
      const body = `st_${randomToken(24)}`
      const token = `${body}.${sign(body)}`
      return { token, id: sessionIdOf(token) }
    },
    verify: (token) => {
      const known = verified.get(token)
      if (known !== undefined) return known
      if (!tokenPattern.test(token)) return undefined
      // The signatures compared as text, not decoded: base64url's last character has spare bits, so
      // decoding would let an altered token through.
      const given = Buffer.from(token.slice(bodyLength + 1), "latin1")
      const expected = Buffer.from(sign(token.slice(0, bodyLength)), "latin1")
      if (!timingSafeEqual(given, expected)) return undefined
      const id = sessionIdOf(token)
      verified.set(token, id)
      if (verified.size > VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!)
      return id
    }
  })
}

let processTokens: typeof SessionTokens.Service | undefined

/**
 * Embedded mode without SESSION_SECRET: one random secret for the whole process, so every app mounted
 * in it accepts the others' tokens; sessions do not outlive the process (its state does not either).
 */
export const processSessionTokens = (): typeof SessionTokens.Service => (processTokens ??= sessionTokens(new Uint8Array(randomBytes(32))))
