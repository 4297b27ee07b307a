// Session tokens: only what this secret signed verifies; forged, altered, foreign and malformed tokens
// do not; the session_id derived from a token is a stable session id that does not contain the token.
import { describe, expect, test } from "bun:test"
import { Redacted } from "effect"
import { isSessionId, randomToken } from "@kasa/shared"
import { processSessionTokens, sessionIdOf, sessionTokens } from "@kasa/app-platform"

const tokens = sessionTokens(Redacted.make("a-test-secret-of-at-least-32-characters"))
const issued = tokens.issue()
const [body, signature] = issued.token.split(".") as [string, string]

/** The token with the character at `index` replaced by another of the same alphabet. */
const altered = (token: string, index: number): string => {
  const swap = token[index] === "A" ? "B" : "A"
  return token.slice(0, index) + swap + token.slice(index + 1)
}

describe("session tokens", () => {
  test("an issued token verifies to its session_id, a session id that does not contain the token", () => {
    expect(tokens.verify(issued.token)).toBe(issued.id)
    expect(isSessionId(issued.id)).toBe(true)
    expect(issued.id).toBe(sessionIdOf(issued.token))
    expect(issued.id.includes(body.slice(3))).toBe(false)
    expect(issued.token.includes(issued.id.slice(5))).toBe(false)
  })

  test("tokens and their session ids are all different", () => {
    const many = Array.from({ length: 1_000 }, () => tokens.issue())
    expect(new Set(many.map((s) => s.token)).size).toBe(1_000)
    expect(new Set(many.map((s) => s.id)).size).toBe(1_000)
  })

  test.each<[string, string]>([
    ["a well-formed token with an invented signature", `${body}.${"A".repeat(43)}`],
    ["a well-formed token nobody signed", `st_${randomToken(24)}.${randomToken(43)}`],
    ["the signature moved to another body", `st_${randomToken(24)}.${signature}`],
    ["a token signed with another secret", sessionTokens(Redacted.make("another-secret-of-at-least-32-characters")).issue().token],
    ["a token of another process's random secret", processSessionTokens().issue().token],
    ["the session_id itself", issued.id],
    ["an old-style session id", `sess_${randomToken(24)}`],
    ["the body alone", body],
    ["a truncated signature", issued.token.slice(0, -1)],
    ["a longer signature", `${issued.token}A`],
    ["empty", ""]
  ])("%s is refused", (_, token) => {
    expect(tokens.verify(token)).toBeUndefined()
  })

  test("changing any one character of a token makes it refused (the signature's last one included)", () => {
    for (let index = 0; index < issued.token.length; index++) {
      if (issued.token[index] === ".") continue
      expect(tokens.verify(altered(issued.token, index))).toBeUndefined()
    }
  })

  test("a token once verified is remembered whole: the same id again, its altered forms still refused, and checked afresh once forgotten", () => {
    const own = sessionTokens(Redacted.make("a-test-secret-of-at-least-32-characters"))
    const session = own.issue()
    expect(own.verify(session.token)).toBe(session.id)
    expect(own.verify(session.token)).toBe(session.id)
    expect(own.verify(altered(session.token, session.token.length - 1))).toBeUndefined()
    expect(own.verify(altered(session.token, 5))).toBeUndefined()
    // More tokens verified than it remembers: the first is forgotten, and still verifies by its signature.
    for (let i = 0; i < 5_000; i++) own.verify(own.issue().token)
    expect(own.verify(session.token)).toBe(session.id)
    expect(own.verify(`${session.token.slice(0, -1)}${session.token.endsWith("A") ? "B" : "A"}`)).toBeUndefined()
  })
})
