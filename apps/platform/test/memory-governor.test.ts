// The memory governor: when it collects (a table of checks) and, running on its schedule, that it
// collects each time resident memory has grown its step above the lowest since the last collection.
import { describe, expect, test } from "bun:test"
import { Effect, Fiber } from "effect"
import { governorStep, runMemoryGovernor } from "../src/memory-governor.ts"
import { waitFor } from "@kasa/test-support/wait-for"

const MB = 1024 * 1024

describe("governorStep", () => {
  test.each([
    { what: "below the step", low: 100, rss: 163, growth: 64, collect: false, nextLow: 100 },
    { what: "at the step", low: 100, rss: 164, growth: 64, collect: true, nextLow: 100 },
    { what: "far above it", low: 100, rss: 900, growth: 64, collect: true, nextLow: 100 },
    { what: "memory given back lowers the mark", low: 300, rss: 250, growth: 64, collect: false, nextLow: 250 },
    { what: "a step of 0 never collects", low: 100, rss: 10_000, growth: 0, collect: false, nextLow: 100 }
  ])("$what", ({ low, rss, growth, collect, nextLow }) => {
    const step = governorStep({ low: low * MB }, rss * MB, growth * MB)
    expect(step.collect).toBe(collect)
    expect(step.state.low).toBe(nextLow * MB)
  })
})

describe("runMemoryGovernor", () => {
  /** Resident memory read from `script` in turn (the last value once it runs out); each collection brings it to `after`. */
  const scripted = (script: ReadonlyArray<number>, after: number) => {
    let at = 0
    let collected = false
    const reads: Array<number> = []
    const collections: Array<number> = []
    return {
      reads,
      collections,
      rss: () => {
        const value = collected ? after * MB : script[Math.min(at++, script.length - 1)]! * MB
        collected = false
        reads.push(value / MB)
        return value
      },
      collect: () => {
        collected = true
        collections.push(reads.at(-1)!)
      }
    }
  }

  test("collects once memory grew the step above its low mark, and measures again from what the collection left", async () => {
    // Starts at 200, dips to 150 (the low mark follows), grows to 220: collects (220 - 150 >= 64);
    // the collection leaves 180, the new low; 230 is within the step of it, 250 is not.
    const memory = scripted([200, 150, 190, 220, 230, 250, 250], 180)
    const fiber = Effect.runFork(runMemoryGovernor({ growthBytes: 64 * MB, rss: memory.rss, collect: memory.collect, every: "1 millis" }))
    await waitFor(() => memory.collections.length >= 2, { timeoutMs: 5_000, describe: () => `collections at ${memory.collections}, reads ${memory.reads}` })
    await Effect.runPromise(Fiber.interrupt(fiber))
    expect(memory.collections.slice(0, 2)).toEqual([220, 250])
  })

  test("a step of 0 reads nothing and collects nothing", async () => {
    const memory = scripted([100, 1_000, 10_000], 100)
    await Effect.runPromise(runMemoryGovernor({ growthBytes: 0, rss: memory.rss, collect: memory.collect, every: "1 millis" }))
    expect(memory.reads).toEqual([])
    expect(memory.collections).toEqual([])
  })
})
