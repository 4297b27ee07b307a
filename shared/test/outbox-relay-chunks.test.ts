// Splitting a relay batch by encoded size: order kept, every chunk under the limit unless one item
// alone exceeds it, no empty chunk; a message's size counts its key, value and headers.
import { describe, expect, test } from "bun:test"
import { chunkBySize, messageBytes, utf8Length } from "@kasa/shared"

describe("chunkBySize", () => {
  const cases: ReadonlyArray<{ name: string; sizes: Array<number>; max: number; chunks: Array<Array<number>> }> = [
    { name: "nothing", sizes: [], max: 10, chunks: [] },
    { name: "all fit", sizes: [3, 3, 3], max: 10, chunks: [[3, 3, 3]] },
    { name: "exactly the limit", sizes: [5, 5, 5], max: 10, chunks: [[5, 5], [5]] },
    { name: "split in order", sizes: [4, 4, 4, 4, 4], max: 9, chunks: [[4, 4], [4, 4], [4]] },
    { name: "an oversized item goes alone", sizes: [2, 20, 2, 2], max: 10, chunks: [[2], [20], [2, 2]] },
    { name: "oversized first", sizes: [20, 1], max: 10, chunks: [[20], [1]] }
  ]
  for (const c of cases) test(c.name, () => expect(chunkBySize(c.sizes, (s) => s, c.max)).toEqual(c.chunks))
})

describe("message size", () => {
  const cases: ReadonlyArray<{ text: string; bytes: number }> = [
    { text: "", bytes: 0 },
    { text: "abc", bytes: 3 },
    { text: "é", bytes: 2 },
    { text: "€", bytes: 3 },
    { text: "😀", bytes: 4 }
  ]
  for (const c of cases) test(`utf8Length(${JSON.stringify(c.text)})`, () => expect(utf8Length(c.text)).toBe(new TextEncoder().encode(c.text).length))

  test("counts key, value and headers beyond a fixed framing", () => {
    const base = messageBytes({ topic: "t", key: "", value: new Uint8Array(0), headers: {} })
    expect(messageBytes({ topic: "t", key: "key", value: new Uint8Array(100), headers: { a: "bc" } })).toBe(base + 3 + 100 + 3)
  })
})
