// The cart snapshot as other contexts read it: decoding, staleness, totals and the cart hash.
import { describe, expect, test } from "bun:test"
import { cartHash, cartSnapshotOf, isNewerSnapshot, makeEnvelope, snapshotGoodsTotal, type CartSnapshot } from "@kasa/shared"

const line = (item_id: string, quantity: number, unit_price: number, type: "offer" | "service" = "offer") => ({
  item_id,
  offer_id: `o-${item_id}`,
  type,
  name: item_id,
  category: "tv",
  quantity,
  unit_price,
  parent_item_id: null
})
const snapshot: CartSnapshot = { session_id: "sess_1", cart_version: 3, lines: [line("a", 2, 1000), line("b", 1, 500, "service")], currency: "PLN" }
const event = (name: string, payload: Record<string, unknown>) => makeEnvelope({ eventName: name, aggregateId: "sess_1", correlationId: "c", producer: "cart", payload })

describe("cart snapshot", () => {
  test("decodes from any cart event and ignores other events", () => {
    expect(cartSnapshotOf(event("cart.item_added", { ...snapshot, item_id: "a", extra: 1 }))).toEqual(snapshot)
    expect(cartSnapshotOf(event("checkout.completed", { order_id: "o" }))).toBeUndefined()
    expect(typeof cartSnapshotOf(event("cart.cleared", { session_id: "s" }))).toBe("string")
  })

  test.each([
    [undefined, 1, true],
    [2, 3, true],
    [3, 3, false],
    [4, 3, false]
  ])("held %p, incoming %p → newer %p", (held, incoming, expected) => {
    expect(isNewerSnapshot(held === undefined ? undefined : { cart_version: held }, { ...snapshot, cart_version: incoming })).toBe(expected)
  })

  test("goods total leaves service lines out", () => {
    expect(snapshotGoodsTotal(snapshot)).toBe(2000)
  })

  test("the hash depends on contents, not version or line order", () => {
    const reordered = { ...snapshot, cart_version: 9, lines: [...snapshot.lines].reverse() }
    expect(cartHash(reordered)).toBe(cartHash(snapshot))
    expect(cartHash({ ...snapshot, lines: [line("a", 3, 1000)] })).not.toBe(cartHash(snapshot))
    expect(cartHash(snapshot)).toMatch(/^[0-9a-f]{16}$/)
  })
})
