// The promotion context's CodeUsage contract over the in-memory adapter (the embedded mode): each
// space is one MemoryStateData, shared by every open of that space as one process's state is.
import { describe, test } from "bun:test"
import { Layer, ManagedRuntime, Effect } from "effect"
import { type CodeUsageHarness, codeUsageContract } from "@kasa/promotion/testing"
import { layerMemoryCodeUsage, layerStateStore, MemoryStateData } from "@kasa/adapter-memory"

const spaces = new Map<string, MemoryStateData>()
let n = 0

const harness: CodeUsageHarness = {
  open: async (space) => {
    const data = spaces.get(space) ?? new MemoryStateData()
    spaces.set(space, data)
    const runtime = ManagedRuntime.make(Layer.mergeAll(layerMemoryCodeUsage(data), layerStateStore(data)))
    return { run: (effect) => runtime.runPromise(Effect.scoped(effect)), close: () => runtime.dispose() }
  },
  name: (base) => `${base}-${++n}`
}

describe("CodeUsage contract: memory", () => {
  for (const c of codeUsageContract) test(c.name, () => c.run(harness), 60_000)
})
