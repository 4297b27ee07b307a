// Starting the services app: the shipped rules by default, recorded under services:rules; the rules
// file SERVICES_RULES_FILE names; refusing to start on a missing or invalid file (naming it and the
// problem); and as a process started the way a user starts it.
import { describe, expect, test } from "bun:test"
import { ServicesKeys } from "@kasa/services"
import { startFailure, startFailureOnFile, writeTempFile } from "@kasa/test-support/app-harness"
import { startApp } from "@kasa/test-support/process"
import { servicesModule } from "../src/module.ts"
import { get, sessionOf, startServicesApp } from "./fixtures.ts"

const entry = new URL("../src/main.ts", import.meta.url).pathname

const writeRules = (content: string) => writeTempFile("services_rules.yaml", content)

describe("services module start", () => {
  test("by default it serves the shipped rules and records them under services:rules", async () => {
    const t = await startServicesApp({ env: {} })
    try {
      const body = (await (await get(t, "/services/standalone")).json()) as { services: Array<{ service_id: string; price: number }> }
      expect(body.services.map((s) => [s.service_id, s.price])).toEqual([["sms_notification", 199], ["gift_wrap", 1_500], ["extended_support", 4_900]])
      const recorded = JSON.parse(t.state.read(ServicesKeys.rules)!) as { currency: string; services: Array<{ service_id: string }>; fingerprint: string }
      expect(recorded.currency).toBe("PLN")
      expect(recorded.services.map((s) => s.service_id)).toEqual(["carry_in", "assembly", "installation", "sms_notification", "gift_wrap", "extended_support"])
      expect(recorded.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    } finally {
      await t.app.stop()
    }
  })

  test("SERVICES_RULES_FILE names the rules it serves", async () => {
    const rules = await writeRules("currency: PLN\nservices:\n  - {service_id: gift_wrap, name: Gift wrap, kind: service_standalone, price: 1200}\n")
    const t = await startServicesApp({ env: { SERVICES_RULES_FILE: rules.file } })
    try {
      expect(await (await get(t, "/services/standalone")).json()).toEqual({
        services: [{ service_id: "gift_wrap", name: "Gift wrap", kind: "service_standalone", parent_item_id: null, price: 1_200 }]
      })
    } finally {
      await t.app.stop()
      await rules.remove()
    }
  })

  test.each<[string, string, string]>([
    ["not YAML", "services: [unclosed", "not YAML"],
    ["without a currency", "services: []\n", "currency"],
    ["a standalone service with categories", "currency: PLN\nservices:\n  - {service_id: gift_wrap, name: Gift wrap, kind: service_standalone, price: 1500, categories: [tv]}\n", "services[0] (gift_wrap).categories"],
    ["a service listed twice", "currency: PLN\nservices:\n  - {service_id: gift_wrap, name: A, kind: service_standalone, price: 1}\n  - {service_id: gift_wrap, name: B, kind: service_standalone, price: 2}\n", "duplicate of services[0]"]
  ])("a rules file %s stops the start, naming the file and the problem", async (_, content, problem) => {
    const { file, message } = await startFailureOnFile("services", "services_rules.yaml", content, (file) => [servicesModule({ rulesFile: file })])
    expect(message).toContain(`invalid services rules ${file}`)
    expect(message).toContain(problem)
  })

  test("a rules file that does not exist stops the start, naming it", async () => {
    const missing = "/nonexistent/kasa/services_rules.yaml"
    expect(await startFailure("services", [servicesModule({ env: { SERVICES_RULES_FILE: missing } })])).toContain(`invalid services rules ${missing}: cannot read the file`)
  })
})

describe("services, as a process", () => {
  test("its entry point serves the services API embedded and stops on SIGTERM", async () => {
    const app = await startApp(entry, {})
    try {
      const response = await fetch(`${app.url}/services/standalone`)
      expect(response.status).toBe(200)
      expect(((await response.json()) as { services: Array<unknown> }).services).toHaveLength(3)
      expect(sessionOf(response).id).toStartWith("sess_")
      expect(app.output()).toContain('"mode":"embedded"')
    } finally {
      app.process.kill("SIGTERM")
    }
    expect(await app.process.exited).toBe(0)
  })
})
