// Packed text comes back exactly as it went in, short text stays UTF-8 as it is, long text takes fewer bytes.
import { expect, test } from "bun:test"
import { deflates, pack, PACK_FROM_LENGTH, unpack } from "@kasa/adapter-memory/packed-text"

const cart = JSON.stringify({
  lines: Array.from({ length: 10 }, (_, i) => ({ item_id: `item_${i}`, name: `Lodówka Samsung – łóżko ${i}`, unit_price: 219_900 + i, quantity: 1 }))
})

const cases: ReadonlyArray<readonly [string, string]> = [
  ["empty", ""],
  ["short ASCII", "13"],
  ["short beyond Latin-1", "żółć"],
  ["just under the threshold", "x".repeat(PACK_FROM_LENGTH - 1)],
  ["at the threshold", "y".repeat(PACK_FROM_LENGTH)],
  ["a ten-line cart with Polish names", cart],
  ["astral characters", "😀 emoji ".repeat(50)]
]

for (const [name, text] of cases) {
  test(`${name}: round trip`, () => {
    const packed = pack(text)
    expect(unpack(packed, deflates(text))).toBe(text)
    expect(deflates(text)).toBe(text.length >= PACK_FROM_LENGTH)
    if (!deflates(text)) expect(packed).toEqual(new TextEncoder().encode(text))
  })
}

test("a ten-line cart packs into well under half its UTF-8 bytes", () => {
  const packed = pack(cart)
  expect(packed.byteLength).toBeLessThan(Buffer.byteLength(cart) / 2)
})
