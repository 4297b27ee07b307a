// Starting the promotion: with the shipped rules file by default, with the file PROMOTION_RULES_FILE
// names (YAML or JSON), refusing to start on a missing or invalid file (naming it and the problem),
// and as a process started the way a user starts it.
import { describe, expect, test } from "bun:test"
import { specRulesInput } from "@kasa/promotion/testing"
import { startFailure, startFailureOnFile } from "@kasa/test-support/app-harness"
import { startApp } from "@kasa/test-support/process"
import { promotionModule } from "../src/module.ts"
import { call, cartIs, newSession, sessionOf, startPromotionApp, writeRulesFile } from "./fixtures.ts"

const entry = new URL("../src/main.ts", import.meta.url).pathname

describe("promotion module start", () => {
  test("by default it serves the shipped rules: SPEC §9's promotions and codes", async () => {
    const t = await startPromotionApp({ env: {} })
    try {
      const session = newSession()
      await cartIs(t, session, 1, ["tv", "tv", 379_900, 1])
      expect(await (await call(t, "POST", "/promotions/apply-code", { session, body: { code: "WELCOME10" } })).json()).toMatchObject({ discount_amount: 37_990 })
      expect(await (await call(t, "POST", "/promotions/apply-code", { session: newSession(), body: { code: "EXPIRED2020" } })).json()).toMatchObject({ reason: "expired" })
      const ready = await t.app.http.request("/health/ready")
      expect(((await ready.json()) as { checks: Array<{ name: string }> }).checks.map((c) => c.name)).toContain("consumer promotion-consumer")
    } finally {
      await t.app.stop()
    }
  })

  test.each([["promotions.yaml"], ["promotions.json"]])("PROMOTION_RULES_FILE points it at another file (%s)", async (name) => {
    const rules = await writeRulesFile({ ...specRulesInput, codes: [{ ...specRulesInput.codes[0], code: "HELLO5", percent: 5 }] }, name)
    const t = await startPromotionApp({ env: { PROMOTION_RULES_FILE: rules.file } })
    try {
      const session = newSession()
      await cartIs(t, session, 1, ["tv", "tv", 100_000, 1])
      expect(await (await call(t, "POST", "/promotions/apply-code", { session, body: { code: "hello5" } })).json()).toEqual({ code: "HELLO5", discount_amount: 5_000, discount_currency: "PLN" })
      expect(await (await call(t, "POST", "/promotions/apply-code", { session: newSession(), body: { code: "WELCOME10" } })).json()).toMatchObject({ reason: "unknown" })
    } finally {
      await t.app.stop()
      await rules.remove()
    }
  })

  test.each<[string, unknown, string]>([
    ["not YAML", "promotions: [", "not YAML"],
    ["not a rules file", { items: [] }, "expected {currency, promotions: [...], codes: [...]}"],
    ["a code with a fractional amount", { ...specRulesInput, codes: [{ ...specRulesInput.codes[1], amount: 49.99 }] }, "codes[0] (MINUS50).amount"]
  ])("a rules file that is %s stops the start, naming the file and the problem", async (_, content, problem) => {
    const { file, message } = await startFailureOnFile("promotion", "promotions.yaml", content, (file) => [promotionModule({ env: { PROMOTION_RULES_FILE: file } })])
    expect(message).toContain(file)
    expect(message).toContain(problem)
  })

  test("a rules file that does not exist stops the start, naming it", async () => {
    const missing = "/nonexistent/kasa/promotions.yaml"
    expect(await startFailure("promotion", [promotionModule({ rulesFile: missing })])).toContain(`invalid promotion rules ${missing}: cannot read the file`)
  })
})

describe("promotion, as a process", () => {
  test("its entry point serves the promotions embedded and stops on SIGTERM", async () => {
    const app = await startApp(entry, {})
    try {
      const response = await fetch(`${app.url}/promotions/applied`)
      expect(response.status).toBe(200)
      expect(sessionOf(response).id).toStartWith("sess_")
      expect(await response.json()).toEqual({ promotions: [], code: null, total_discount: 0 })
      expect(app.output()).toContain('"mode":"embedded"')
      const docs = (await (await fetch(`${app.url}/openapi.json`)).json()) as { paths: Record<string, unknown> }
      expect(Object.keys(docs.paths).sort()).toEqual(["/promotions/applied", "/promotions/apply", "/promotions/apply-code", "/promotions/available", "/promotions/{id}"])
    } finally {
      app.process.kill("SIGTERM")
    }
    expect(await app.process.exited).toBe(0)
  })
})
