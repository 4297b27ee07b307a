// The cart's Line is the kernel's published snapshot line (one copy of its fields), narrowed by the
// cart's own rules: what the kernel accepts from any event, the cart refuses to write when it breaks
// them (an empty id, 0 or 100 units, a negative price).
import { describe, expect, test } from "bun:test"
import { Schema } from "effect"
import { CartSnapshotLine } from "@kasa/shared"
import { CartItemAdded, Line } from "@kasa/cart"

const line = { item_id: "item_1", offer_id: "tv-1", type: "offer", name: "TV", category: "tv", quantity: 1, unit_price: 100, parent_item_id: null } as const

describe("the cart's Line", () => {
  test("has exactly the kernel snapshot line's fields, and the events carry it", () => {
    expect(Object.keys(Line.fields).sort()).toEqual(Object.keys(CartSnapshotLine.fields).sort())
    expect(Line.fields.type).toBe(CartSnapshotLine.fields.type)
    expect(CartItemAdded.fields.lines.value).toBe(Line)
  })

  test.each<[string, boolean, Record<string, unknown>]>([
    ["a valid line", true, {}],
    ["an empty item_id", false, { item_id: "" }],
    ["an empty offer_id", false, { offer_id: "" }],
    ["0 units", false, { quantity: 0 }],
    ["100 units", false, { quantity: 100 }],
    ["a negative price", false, { unit_price: -1 }]
  ])("%s: the kernel accepts it; the cart accepts it: %p", (_, cartAccepts, change) => {
    const candidate = { ...line, ...change }
    expect(Schema.is(CartSnapshotLine)(candidate)).toBe(true)
    expect(Schema.is(Line)(candidate)).toBe(cartAccepts)
  })
})
