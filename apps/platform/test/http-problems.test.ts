// Reading JSON bodies at the edge: malformed JSON and wrong shapes become 400 problem+json naming fields.
import { describe, expect, test } from "bun:test"
import { Schema } from "effect"
import { Hono } from "hono"
import { readJson } from "@kasa/app-platform"

const Body = Schema.Struct({ offer_id: Schema.String, quantity: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 99 })) })
const app = new Hono().post("/x", async (c) => {
  const body = await readJson(c, Body)
  return body.ok ? c.json(body.value) : body.response
})
const post = (raw: string) => app.request("/x", { method: "POST", body: raw, headers: { "content-type": "application/json" } })

describe("readJson", () => {
  test("a valid body decodes", async () => {
    expect(await (await post(`{"offer_id":"a","quantity":2}`)).json()).toEqual({ offer_id: "a", quantity: 2 })
  })

  test.each([
    ["{nope", "malformed_json", "body"],
    [`{"offer_id":"a"}`, "validation_failed", "quantity"],
    [`{"offer_id":"a","quantity":"2"}`, "validation_failed", "quantity"],
    [`{"offer_id":"a","quantity":100}`, "validation_failed", "quantity"],
    [`{"offer_id":7,"quantity":1}`, "validation_failed", "offer_id"],
    [`[]`, "validation_failed", "body"]
  ])("%s → 400 %s naming %s", async (raw, code, field) => {
    const response = await post(raw)
    expect(response.status).toBe(400)
    expect(response.headers.get("content-type")).toBe("application/problem+json")
    const body = (await response.json()) as { code: string; errors: Array<{ field: string }> }
    expect(body.code).toBe(code)
    expect(body.errors.map((e) => e.field)).toContain(field)
  })
})
