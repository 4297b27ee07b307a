/**
 * Identifiers: time-ordered UUIDv7 for events (sortable, so logs and outboxes read in order), random
 * tokens, and the shape of a `session_id`. A session_id names a session in events, keys and logs and is
 * not a credential: the apps derive it from the signed session token the client holds, which stays at
 * the HTTP edge (`@kasa/app-platform`'s session-token.ts). Uses only the Web Crypto global, so it runs
 * on Bun, Node and Deno.
 */

const hex: ReadonlyArray<string> = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

let lastMs = 0
let sequence = 0

/** RFC 9562 UUIDv7: 48-bit millisecond time, version, 12-bit monotonic counter, variant, random. */
export const uuidv7 = (now: number = Date.now()): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  if (now <= lastMs) {
    sequence = (sequence + 1) & 0xfff
    if (sequence === 0) lastMs += 1
    now = lastMs
  } else {
    lastMs = now
    sequence = bytes[6]! & 0x07
  }
  bytes[0] = (now / 2 ** 40) & 0xff
  bytes[1] = (now / 2 ** 32) & 0xff
  bytes[2] = (now >>> 24) & 0xff
  bytes[3] = (now >>> 16) & 0xff
  bytes[4] = (now >>> 8) & 0xff
  bytes[5] = now & 0xff
  bytes[6] = 0x70 | ((sequence >>> 8) & 0x0f)
  bytes[7] = sequence & 0xff
  bytes[8] = 0x80 | (bytes[8]! & 0x3f)
  let out = ""
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += "-"
    out += hex[bytes[i]!]
  }
  return out
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/** A random token with `bits` of entropy in base62 (rejection sampling keeps it uniform). */
export const randomToken = (length = 24): string => {
  let out = ""
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2))
    for (const b of bytes) {
      if (b < 248 && out.length < length) out += base62[b % 62]
    }
  }
  return out
}

/** A random, well-formed session_id (`sess_` + 24 base62 characters): for tests and tools that need one. */
export const newSessionId = (): string => `sess_${randomToken(24)}`

/** Correlation ids minted at the edge when a request carries none. */
export const newCorrelationId = (): string => `corr_${randomToken(20)}`

const sessionIdPattern = /^sess_[0-9A-Za-z]{16,64}$/
/** A session_id's shape (derived ids are `sess_` + 32 hex characters); says nothing of who may use it. */
export const isSessionId = (value: string): boolean => sessionIdPattern.test(value)

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
export const isUuidv7 = (value: string): boolean => uuidPattern.test(value)
