// Keys find their own records, whatever their hashes: records sharing a hash are told apart by their
// key's bytes, and removing any of them leaves the others found; payloads survive a move to a larger slot.
import { expect, test } from "bun:test"
import { ArenaTable } from "@kasa/adapter-memory/arena-table"

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (table: ArenaTable, key: string) => new TextDecoder().decode(table.payload(table.find(key)))

const hashes: ReadonlyArray<readonly [string, (key: string) => number]> = [
  ["a real hash", (key) => Bun.hash.xxHash32(key) | 0],
  ["every key one hash", () => 42],
  ["two hashes", (key) => key.length % 2]
]

for (const [name, hash] of hashes) {
  test(`${name}: writes, reads, overwrites and removes keep every other key's value`, () => {
    const table = new ArenaTable(undefined, hash)
    const expected = new Map<string, string>()
    for (let i = 0; i < 300; i++) {
      const key = `cart:view:sess_${i.toString(16)}${"ż".repeat(i % 3)}`
      const value = `{"n":${i},"pad":"${"x".repeat((i * 37) % 900)}"}`
      table.write(key, bytes(value))
      expected.set(key, value)
      if (i % 5 === 0) {
        const again = `${value}!`
        table.write(key, bytes(again))
        expected.set(key, again)
      }
      if (i % 7 === 3) {
        const gone = [...expected.keys()][Math.floor(i / 2)]!
        expect(table.delete(gone)).toBe(true)
        expected.delete(gone)
      }
    }
    expect(table.size).toBe(expected.size)
    for (const [key, value] of expected) expect(text(table, key)).toBe(value)
    expect(new Set(table.keys())).toEqual(new Set(expected.keys()))
    expect(table.find("cart:view:absent")).toBe(-1)
    expect(table.delete("cart:view:absent")).toBe(false)
    table.clear()
    expect(table.size).toBe(0)
    expect(table.space.byteLength).toBeLessThanOrEqual(65_536 * 64)
  })
}

test("a record growing in place keeps its payload, a shrunken value moves to a smaller slot, expiry and mark stay with the key", () => {
  const table = new ArenaTable()
  let record = table.reserve("s", 10, true)
  table.slab(record).set(bytes("0123456789"), table.payloadStart(record))
  table.setLength(record, 10)
  table.setExpiresAt(record, 1_234)
  table.setMark(record, 3)
  record = table.reserve("s", 5_000, true)
  expect(new TextDecoder().decode(table.payload(record))).toBe("0123456789")
  expect(table.expiresAt(record)).toBe(1_234)
  expect(table.mark(record)).toBe(3)
  const big = table.space.byteLength
  table.write("v", bytes("y".repeat(6_000)))
  table.write("v", bytes("small"))
  expect(text(table, "v")).toBe("small")
  expect(table.space.capacity(table.space.alloc(1))).toBe(16)
  expect(table.space.byteLength).toBeLessThanOrEqual(big + 2 * 65_536)
})

test("keys with a prefix are listed without the others", () => {
  const table = new ArenaTable()
  for (const key of ["inventory:reservation:a", "inventory:stock:x", "inventory:reservation:b", "cart:view:s"]) table.write(key, bytes("1"))
  expect([...table.keys("inventory:reservation:")].sort()).toEqual(["inventory:reservation:a", "inventory:reservation:b"])
})
