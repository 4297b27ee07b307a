// Packed text comes back exactly as it went in, short text stays UTF-8 as it is, long text takes fewer
// bytes, and once the packer has learned its dictionary from other carts' text a cart takes fewer still.
import { describe, expect, test } from "bun:test"
import { AGAINST_DICTIONARY, DEFLATED, DICTIONARY_BYTES, deflates, LEARN_FROM, PACK_FROM_LENGTH, RAW, TextPacker } from "@kasa/adapter-memory/packed-text"

const products = Array.from({ length: 40 }, (_, i) => ({ offer_id: `offer-${i}-${(i * 7919).toString(36)}`, name: `Lodówka Samsung – łóżko ${i} (${100 + i} cm)`, unit_price: 219_900 + i * 1_000 }))
/** A ten-line cart of `session`, its lines the products from `first` on. */
const cartOf = (session: number, first: number): string =>
  JSON.stringify({
    session_id: `sess_${(session * 2_654_435_761).toString(16).padStart(12, "0")}`,
    lines: Array.from({ length: 10 }, (_, i) => ({ item_id: `item_${session * 100 + i}`, ...products[(first + i) % products.length]!, quantity: 1 }))
  })
const cart = cartOf(1, 0)

const cases: ReadonlyArray<readonly [string, string]> = [
  ["empty", ""],
  ["short ASCII", "13"],
  ["short beyond Latin-1", "żółć"],
  ["just under the threshold", "x".repeat(PACK_FROM_LENGTH - 1)],
  ["at the threshold", "y".repeat(PACK_FROM_LENGTH)],
  ["a ten-line cart with Polish names", cart],
  ["astral characters", "😀 emoji ".repeat(50)]
]

/** A packer that has learned from carts of sessions 1000 on, until it settled. */
const learnedPacker = (): TextPacker => {
  const packer = new TextPacker()
  for (let session = 1_000; !packer.learnedAll; session++) packer.pack(cartOf(session, session * 3))
  return packer
}

describe.each([
  ["a new packer", () => new TextPacker()],
  ["a packer that has learned", learnedPacker]
] as const)("%s", (_, make) => {
  for (const [name, text] of cases) {
    test(`${name}: round trip`, () => {
      const packer = make()
      const packed = packer.pack(text)
      expect(packer.unpack(packed, packer.packedMark)).toBe(text)
      expect(deflates(text)).toBe(text.length >= PACK_FROM_LENGTH)
      if (!deflates(text)) {
        expect(packer.packedMark).toBe(RAW)
        expect(packed).toEqual(new TextEncoder().encode(text))
      }
    })
  }
})

test("a ten-line cart packs into well under half its UTF-8 bytes", () => {
  const packer = new TextPacker()
  const packed = packer.pack(cart)
  expect(packer.packedMark).toBe(DEFLATED)
  expect(packed.byteLength).toBeLessThan(Buffer.byteLength(cart) / 2)
})

test("a packer settles within LEARN_FROM long texts, on at most DICTIONARY_BYTES", () => {
  const packer = new TextPacker()
  let packed = 0
  while (!packer.learnedAll) {
    packer.pack(cartOf(packed, packed))
    packed++
  }
  expect(packed).toBeLessThanOrEqual(LEARN_FROM)
  expect(packer.dictionaryBytes).toBeGreaterThan(0)
  expect(packer.dictionaryBytes).toBeLessThanOrEqual(DICTIONARY_BYTES)
  // Short text teaches nothing: a packer that only ever saw short text has not settled.
  const shortOnly = new TextPacker()
  for (let i = 0; i < LEARN_FROM + 10; i++) shortOnly.pack("z".repeat(PACK_FROM_LENGTH - 1))
  expect(shortOnly.learnedAll).toBe(false)
})

test("a packer that learns the same text over and over settles after LEARN_FROM of them, and packs against it", () => {
  const packer = new TextPacker()
  for (let i = 0; i < LEARN_FROM - 1; i++) packer.pack(cart)
  expect(packer.learnedAll).toBe(false)
  packer.pack(cart)
  expect(packer.learnedAll).toBe(true)
  const packed = packer.pack(cart)
  expect(packer.packedMark).toBe(AGAINST_DICTIONARY)
  expect(packer.unpack(packed, AGAINST_DICTIONARY)).toBe(cart)
})

test("once learned, an unseen session's cart packs into under half of what it takes deflated alone", () => {
  const packer = learnedPacker()
  const unseen = cartOf(7, 13)
  const alone = new TextPacker().pack(unseen).byteLength
  const packed = packer.pack(unseen)
  expect(packer.packedMark).toBe(AGAINST_DICTIONARY)
  expect(packed.byteLength).toBeLessThan(alone / 2)
  expect(packer.unpack(packed, AGAINST_DICTIONARY)).toBe(unseen)
})

test("text packed while the packer learned stays readable after it settled", () => {
  const packer = new TextPacker()
  const early = packer.pack(cart)
  const earlyMark = packer.packedMark
  for (let session = 1_000; !packer.learnedAll; session++) packer.pack(cartOf(session, session * 3))
  expect(earlyMark).toBe(DEFLATED)
  expect(packer.unpack(early, earlyMark)).toBe(cart)
})
