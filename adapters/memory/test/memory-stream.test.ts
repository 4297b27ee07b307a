// A stream gives back its entries in order; a capped one keeps at least its newest `maxLength` and
// never more than `TRIM_SLACK` beyond them. Entries are short (held as they are) and long (deflated).
import { expect, test } from "bun:test"
import { ArenaTable } from "@kasa/adapter-memory/arena-table"
import { appendEntry, streamEntries, TRIM_SLACK } from "@kasa/adapter-memory/memory-stream"

const entry = (n: number) => ({ n: String(n), note: `żółć ${"x".repeat((n % 50) * 7)}`, quote: 'a "quoted", [bracketed] value' })

const cases: ReadonlyArray<readonly [string, number, number | undefined]> = [
  ["empty", 0, undefined],
  ["a few", 3, undefined],
  ["many, uncapped", 300, undefined],
  ["capped, under the cap", 7, 10],
  ["capped, just past the slack", 10 + TRIM_SLACK + 1, 10],
  ["capped, far over the cap", 250, 10],
  ["capped at zero", 40, 0]
]

for (const [name, count, maxLength] of cases) {
  test(`${name}: the entries come back in order`, () => {
    const table = new ArenaTable()
    for (let n = 0; n < count; n++) appendEntry(table, "s", entry(n), maxLength)
    const got = count === 0 ? [] : streamEntries(table, table.find("s"))
    const all = Array.from({ length: count }, (_, n) => entry(n))
    if (maxLength === undefined) expect(got).toEqual(all)
    else {
      expect(got.length).toBeGreaterThanOrEqual(Math.min(count, maxLength))
      expect(got.length).toBeLessThanOrEqual(maxLength + TRIM_SLACK)
      expect(got).toEqual(all.slice(all.length - got.length))
    }
  })
}

test("a capped stream's bytes stay those of the entries it keeps, and streams side by side keep their own", () => {
  const table = new ArenaTable()
  const sizes: Array<number> = []
  let record = -1
  for (let n = 0; n < 1_000; n++) {
    const before = record === -1 ? 0 : table.lengthOf(record)
    record = appendEntry(table, "capped", entry(n), 10)
    appendEntry(table, `other:${n % 3}`, entry(n), undefined)
    sizes.push(table.lengthOf(record) - before)
  }
  const length = table.mark(record)
  expect(length).toBeLessThanOrEqual(10 + TRIM_SLACK)
  expect(table.lengthOf(record)).toBeLessThanOrEqual(Math.max(...sizes.slice(-100)) * (10 + TRIM_SLACK))
  expect(streamEntries(table, record)).toEqual(Array.from({ length }, (_, i) => entry(1_000 - length + i)))
  for (let k = 0; k < 3; k++)
    expect(streamEntries(table, table.find(`other:${k}`))).toEqual(Array.from({ length: 1_000 }, (_, n) => entry(n)).filter((_, n) => n % 3 === k))
})

test("a stream's entries, alike as one cart's events are, take far fewer bytes than each deflated on its own", () => {
  const table = new ArenaTable()
  const event = (n: number) => ({
    event_id: `01a23b67-d292-7000-8ebc-${String(n).padStart(12, "0")}`,
    event_name: "cart.item_added",
    envelope: JSON.stringify({ aggregate_id: "sess_c6df1658bfbe28689b045600608db207", correlation_id: `corr_${n}x${n * 7919}`, occurred_at: new Date(1_800_000_000_000 + n * 1_000).toISOString(), payload: { item_id: `item_${n}`, price: 379_900 + n, currency: "PLN" } })
  })
  let record = -1
  for (let n = 0; n < 10; n++) record = appendEntry(table, "cart:events:s", event(n), 100)
  const alone = Array.from({ length: 10 }, (_, n) => Bun.deflateSync(new TextEncoder().encode(JSON.stringify(event(n))), { level: 1 }).byteLength).reduce((a, b) => a + b)
  expect(table.lengthOf(record)).toBeLessThan(alone * 0.6)
  expect(streamEntries(table, record)).toEqual(Array.from({ length: 10 }, (_, n) => event(n)))
})
