// The cart snapshot as other contexts read it: staleness, totals and the cart hash (decoding: event-router.test.ts).
import { describe, expect, test } from "bun:test"
import { cartHash, isNewerSnapshot, snapshotGoodsTotal, type CartSnapshot } from "@kasa/shared"

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

describe("cart snapshot", () => {
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
