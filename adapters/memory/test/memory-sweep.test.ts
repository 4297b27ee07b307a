// Embedded mode gives memory back: expired keys leave the in-memory store on a timer, not only when read.
import { expect, test } from "bun:test"
import { Effect, ManagedRuntime } from "effect"
import { StateStore } from "@kasa/shared"
import { waitUntil } from "@kasa/shared/testing/eventually"
import { layerStateStore, MemoryStateData } from "@kasa/adapter-memory"

test("expired values, streams and counters are swept out of memory without anyone reading them", async () => {
  const data = new MemoryStateData()
  const runtime = ManagedRuntime.make(layerStateStore(data, { sweepIntervalMs: 20 }))
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
