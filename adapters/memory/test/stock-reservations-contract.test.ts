// The catalog's StockReservations contract over the in-memory adapter (the embedded mode): each space
// is one MemoryStateData, shared by every open of that space as one process's state is.
import { describe, test } from "bun:test"
import { Effect, Layer, ManagedRuntime } from "effect"
import { type StockReservationsHarness, stockReservationsContract } from "@kasa/catalog/testing"
import { layerMemoryStockReservations, layerStateStore, MemoryStateData } from "@kasa/adapter-memory"

const spaces = new Map<string, MemoryStateData>()
let n = 0

const harness: StockReservationsHarness = {
  open: async (space) => {
    const data = spaces.get(space) ?? new MemoryStateData()
    spaces.set(space, data)
    const runtime = ManagedRuntime.make(Layer.mergeAll(layerMemoryStockReservations(data), layerStateStore(data)))
    return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
  },
  name: (base) => `${base}-${++n}`
}

describe("StockReservations contract: memory", () => {
  for (const c of stockReservationsContract) test(c.name, () => c.run(harness), 60_000)
})
