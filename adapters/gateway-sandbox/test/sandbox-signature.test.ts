// The webhook signature as a table: which headers parse, and why a signature is refused (missing,
// malformed, another body or secret, too old, too far ahead) or taken (within the tolerance, with
// a second v1 from a rotated secret).
import { describe, expect, test } from "bun:test"
import { parseSignatureHeader, signatureHeader, signatureOf, signatureProblem } from "../src/sandbox-signature.ts"

const secret = "whsec_test"
const body = '{"id":"evt_1","amount":100}'
const t = 1_800_000_000
const good = signatureHeader(secret, t, body)
const other = signatureOf("another secret", t, body)

describe("parseSignatureHeader", () => {
  test.each([
    [good, { timestamp: t, signatures: [signatureOf(secret, t, body)] }],
    [`v1=${other}, t=${t}`, { timestamp: t, signatures: [other] }],
    [`t=${t},v0=ignored,v1=${other}`, { timestamp: t, signatures: [other] }],
    [`t=${t}`, "malformed signature header: no v1"],
    [`v1=${other}`, "malformed signature header: no t"],
    [`t=soon,v1=${other}`, "malformed signature header: t is not unix seconds"],
    [`t=${t},v1=abc`, "malformed signature header: v1 is not a hex SHA-256"],
    ["garbage", "malformed signature header: expected t=<seconds>,v1=<hex>"]
  ])("%s", (header, expected) => {
    expect(parseSignatureHeader(header)).toEqual(expected)
  })
})

describe("signatureProblem", () => {
  test.each([
    ["the body's signature, now", good, body, t, undefined],
    ["five minutes later", good, body, t + 300, undefined],
    ["five minutes earlier", good, body, t - 300, undefined],
    ["a second v1 from a rotated secret", `t=${t},v1=${other},v1=${signatureOf(secret, t, body)}`, body, t, undefined],
    ["no header", undefined, body, t, "missing x-sandbox-signature header"],
    ["an empty header", " ", body, t, "missing x-sandbox-signature header"],
    ["another body", good, `${body} `, t, "signature does not match the body"],
    ["another secret", `t=${t},v1=${other}`, body, t, "signature does not match the body"],
    ["another timestamp", `t=${t + 1},v1=${signatureOf(secret, t, body)}`, body, t, "signature does not match the body"],
    ["too old", good, body, t + 301, "stale signature: signed 301 s ago (tolerance 300 s)"],
    ["too far ahead", good, body, t - 301, "signature timestamp 301 s in the future (tolerance 300 s)"]
  ])("%s", (_name, header, b, now, expected) => {
    expect(signatureProblem(secret, header, b, now)).toBe(expected)
  })
})
