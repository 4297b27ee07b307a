// Embedded mode gives memory back: expired keys leave the in-memory store on a timer, not only when read.
import { expect, test } from "bun:test"
import { Effect, ManagedRuntime } from "effect"
import { StateStore } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { layerMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"

test("expired values, streams and counters are swept out of memory without anyone reading them", async () => {
  const data = new MemoryStateData()
  const runtime = ManagedRuntime.make(layerMemoryStateStore(data, { sweepIntervalMs: 20 }))
  try {
    await runtime.runPromise(
      Effect.gen(function* () {
        const store = yield* StateStore
        yield* store.commit({
          ops: [
            ...Array.from({ length: 50 }, (_, i) => ({ op: "set" as const, key: `gone:v:${i}`, value: "x", ttlSeconds: 0.2 })),
            { op: "append", key: "gone:s", fields: { n: "1" }, ttlSeconds: 0.2 },
            { op: "incrementBy", key: "gone:n", by: 1, ttlSeconds: 0.2 },
            { op: "set", key: "kept:v", value: "x" },
            { op: "append", key: "kept:s", fields: { n: "1" }, ttlSeconds: 3_600 }
          ]
        })
        expect(data.values.size).toBe(52)
        yield* waitUntil(() => data.values.size === 1 && data.streams.size === 1, {
          timeoutMs: 5_000,
          describe: () => `values ${[...data.values.keys()].length}, streams ${[...data.streams.keys()].join(",")}`
        })
        expect([...data.values.keys()]).toEqual(["kept:v"])
        expect([...data.streams.keys()]).toEqual(["kept:s"])
      })
    )
  } finally {
    await runtime.dispose()
  }
})

test("a sweep in slices covers every value and stream, round after round, whatever the slice size", () => {
  const data = new MemoryStateData()
  const now = Date.now()
  data.commit({
    ops: [
      ...Array.from({ length: 25 }, (_, i) => ({ op: "set" as const, key: `v:${i}`, value: "x", ttlSeconds: i % 2 === 0 ? 0.001 : 3_600 })),
      ...Array.from({ length: 6 }, (_, i) => ({ op: "append" as const, key: `s:${i}`, fields: { n: "1" }, ttlSeconds: i % 2 === 0 ? 0.001 : 3_600 }))
    ]
  })
  let removed = 0
  for (let slice = 0; slice < 20; slice++) removed += data.sweep(now + 1_000, 3)
  expect(removed).toBe(13 + 3)
  expect(data.values.size).toBe(12)
  expect(data.streams.size).toBe(3)
  // A later round finds what expired since.
  data.commit({ ops: [{ op: "set", key: "late", value: "x", ttlSeconds: 0.001 }] })
  for (let slice = 0; slice < 20; slice++) data.sweep(now + 2_000, 3)
  expect(data.values.has("late")).toBe(false)
})

test("a sliced sweep looks at nothing before the earliest expiry a pass or a write has seen, and sweeps once it has come", () => {
  const data = new MemoryStateData()
  const now = Date.now()
  data.commit({ ops: Array.from({ length: 10 }, (_, i) => ({ op: "set" as const, key: `v:${i}`, value: "x", ttlSeconds: 60 })) })
  // A first pass learns that nothing expires within the minute; after it, slices before then look at nothing.
  for (let slice = 0; slice < 10; slice++) data.sweep(now, 3)
  const looked = data.looked
  for (let slice = 0; slice < 10; slice++) expect(data.sweep(now + 30_000, 3)).toBe(0)
  expect(data.looked).toBe(looked)
  // A write with a shorter lifetime brings the next look forward.
  data.commit({ ops: [{ op: "set", key: "soon", value: "x", ttlSeconds: 1 }] })
  let removed = 0
  for (let slice = 0; slice < 10; slice++) removed += data.sweep(now + 5_000, 3)
  expect(removed).toBe(1)
  expect(data.looked).toBeGreaterThan(looked)
  // And once the minute has passed, everything goes.
  for (let slice = 0; slice < 10; slice++) removed += data.sweep(now + 61_000, 3)
  expect(removed).toBe(11)
  expect(data.values.size).toBe(0)
})
